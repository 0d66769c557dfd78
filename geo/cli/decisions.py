"""``python -m geo decisions``: the saved decisions, listed, shown, compared and re-run.

    python -m geo decisions list --workspace W
    python -m geo decisions show ID --workspace W
    python -m geo decisions compare ID1 ID2 --workspace W
    python -m geo decisions rerun ID --workspace W --out DIR [--boundaries B ...] [--households H]

``list`` prints one tab-separated line per decision: id, date (UTC), title, by, version,
villages. ``rerun`` writes what ``rank`` writes (``focus_list.csv``, ``villages.geojson``,
``reconciliation.json``); it is refused when an input file differs from its saved SHA-256.
"""

from __future__ import annotations

from geo.cli.common import message_lang
from geo.common.messages import render_cell
from geo.decisions.history import compare, list_decisions
from geo.decisions.store import DecisionStore
from geo.i18n import t


def add_arguments(parser) -> None:
    sub = parser.add_subparsers(dest="action", required=True)
    for name in ("list", "show", "compare", "rerun"):
        action = sub.add_parser(name)
        if name in ("show", "rerun"):
            action.add_argument("id", type=int)
        if name == "compare":
            action.add_argument("id", type=int, nargs=2, metavar="ID")
        action.add_argument("--workspace", required=True, metavar="W")
        if name == "rerun":
            action.add_argument("--out", required=True, metavar="DIR")
            action.add_argument("--boundaries", nargs="+", metavar="B",
                                help="the input files, when moved since the decision")
            action.add_argument("--households", metavar="H")


def run(args) -> int:
    store = DecisionStore(args.workspace)
    lang = message_lang(args)
    if args.action == "list":
        for d in list_decisions(store):
            print("\t".join([str(d.id), d.decided_at, d.title, d.decided_by,
                             f"v{d.version}", str(d.villages)]))
    elif args.action == "show":
        d = store.load(args.id)
        print(f"id: {d.id}\ntitle: {d.title}\nversion: {d.version}\nby: {d.decided_by}\n"
              f"at: {d.decided_at}")
        for name, sha in sorted(d.sources.items()):
            print(f"source: {name} sha256 {sha}")
        for pin in d.pins:
            print(f"pin: {pin['village_code']} {pin['action']} ({pin['reason']}; {pin['by']})")
        for row in d.focus_list.to_dict("records"):
            print("\t".join(str(v) for v in (row["rank"], row["village_code"], row["village_name"],
                                             row["score"], render_cell(row["focus_reason"], lang))))
    elif args.action == "compare":
        c = compare(store.load(args.id[0]), store.load(args.id[1]))
        for code in c.entered:
            print(f"in\t{code}")
        for code in c.left:
            print(f"out\t{code}")
        for m in c.moved:
            print(f"moved\t{m.village_code}\t{m.rank_before} -> {m.rank_after}")
        if c.unchanged:
            print(t("decision.unchanged", lang))
    else:
        from geo.decisions.rerun import rerun
        from geo.pipeline.analysis import run_rank

        result = rerun(store, args.id, boundaries=args.boundaries, households=args.households)
        for name, path in run_rank(result, args.out).items():
            print(f"wrote {name}: {path}")
        from geo.audit import record

        record(args.workspace, _cli_actor(), "decision_rerun", {"decision_id": int(args.id)})
    return 0


def _cli_actor() -> str:
    """Who ran a command in the audit trail: the operating-system account, marked as CLI."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"
