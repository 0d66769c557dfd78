"""``python -m geo targets``: a region's RPJMD target and official BPS rates, kept in the workspace.

    python -m geo targets set REGION --value 3.75 [--year 2026] [--baseline 4.62 --baseline-year 2022] --workspace W
    python -m geo targets series REGION 2022=4.62 2023=4.44 [2024=-] --workspace W   (- removes a year)
    python -m geo targets show REGION --workspace W [--json]

REGION is the Kemendagri code of the regency/city (``64.74``) or province (``64``). Every
``set`` and ``series`` is written to the audit trail.
"""

from __future__ import annotations

import json

from geo.cli.common import message_lang
from geo.common.errors import GeoInputError
from geo.i18n import number, t


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    parsers = {name: sub.add_parser(name, help=text) for name, text in (
        ("set", "store the RPJMD target of a region"),
        ("series", "store official BPS poverty rates by year"),
        ("show", "print the target, the series and the trajectory"))}
    for each in parsers.values():
        each.add_argument("region", metavar="REGION", help="regency/city or province code, e.g. 64.74")
        each.add_argument("--workspace", required=True, metavar="W", help="workspace folder")
    setting, series, show = parsers["set"], parsers["series"], parsers["show"]
    setting.add_argument("--value", required=True, metavar="PCT", help="target rate in percent, e.g. 3.75")
    setting.add_argument("--year", type=int, metavar="YEAR", help="target year, e.g. 2026")
    setting.add_argument("--baseline", metavar="PCT", help="baseline rate in percent, e.g. 4.62")
    setting.add_argument("--baseline-year", type=int, metavar="YEAR", help="baseline year, e.g. 2022")
    series.add_argument("rates", nargs="+", metavar="YEAR=PCT", help="e.g. 2023=4.44; YEAR=- removes it")
    show.add_argument("--json", action="store_true", help="print JSON")


def _rates(items) -> dict:
    out = {}
    for item in items:
        year, sep, value = str(item).partition("=")
        if not sep or not year.strip() or not value.strip():
            raise GeoInputError("err.target_rate_item", source="series", item=repr(str(item)[:30]))
        out[year.strip()] = None if value.strip() == "-" else value.strip()
    return out


def run(args) -> int:
    from geo.audit import record
    from geo.cli.decisions import _cli_actor
    from geo.targets.store import TargetStore
    from geo.targets.trajectory import trajectory

    lang = message_lang(args)
    store = TargetStore(args.workspace)
    if args.action == "set":
        target = store.set_target(args.region, args.value, args.year, args.baseline,
                                  args.baseline_year, by=_cli_actor())
        record(args.workspace, _cli_actor(), "target_saved", target.to_dict())
        print(t("cli.target_saved", lang, region=target.region_code,
                value=number(target.value_pct, lang, 2), year=str(target.target_year or "-")))
        return 0
    if args.action == "series":
        given = _rates(args.rates)
        saved = store.set_rates(args.region, given, by=_cli_actor())
        record(args.workspace, _cli_actor(), "official_rate_saved",
               {"region_code": args.region, "rates": {str(k): v for k, v in given.items()}})
        print(t("cli.rates_saved", lang, n=len(saved), removed=len(given) - len(saved)))
        return 0
    target, rates = store.target(args.region), store.rates(args.region)
    path = trajectory(target, rates) if target is not None else None
    if args.json:
        print(json.dumps({"target": target.to_dict() if target else None,
                          "rates": [r.to_dict() for r in rates],
                          "trajectory": path.to_dict() if path else None}, indent=2))
        return 0
    if target is None:
        print(t("cli.target_none", lang))
    else:
        print(t("cli.target_show", lang, value=number(target.value_pct, lang, 2),
                year=str(target.target_year or "-"),
                baseline="-" if target.baseline_pct is None else number(target.baseline_pct, lang, 2),
                baseline_year=str(target.baseline_year or "-")))
    for rate in rates:
        print(f"{rate.year}\t{number(rate.value_pct, lang, 2)}")
    if path is not None and path.needed_per_year is not None:
        print(t("cli.target_needed", lang, needed=number(path.needed_per_year, lang, 2),
                latest=number(path.latest_pct, lang, 2), year=str(path.latest_year)))
    return 0
