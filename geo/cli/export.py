"""``python -m geo export``: analyse boundaries (+ households) and write every export.

    python -m geo export --boundaries B [B ...] [--households H] [--config FILE] --out DIR
                         [--formats geojson,gpkg,shp,csv,xlsx,png,pdf,pilot,lampiran] [--min-households N]
                         [--pilot CODE [CODE ...]] [--lang id|en] [--crosswalk FILE]
                         [--bps-bridge FILE] [--overlap RULE]

``pilot`` writes ``pilot_map.png`` and ``pilot_map.pdf`` of the villages named by ``--pilot``
(it is not in the default set, since it needs those codes). ``lampiran`` writes
``lampiran.docx`` and ``lampiran.pdf``, the annex of the decree (``--title``,
``--lampiran-template``); not in the default set either.

Prints the files written, one per line. Unusable input ends with one line on stderr and exit
status 2 (see ``geo/__main__.py``).
"""

from __future__ import annotations

import argparse

from geo.cli.common import add_join_arguments, join_options
from geo.common.errors import GeoInputError
from geo.export import DEFAULT_FORMATS, FORMATS, export_result, parse_formats


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--boundaries", nargs="+", required=True, metavar="B",
                        help="village boundary file(s): shapefile, GeoPackage, GeoJSON or SQL dump")
    parser.add_argument("--households", metavar="H", help="household table (CSV/XLSX); optional")
    parser.add_argument("--config", metavar="FILE", help="ranking config (weights, rules); default config if absent")
    parser.add_argument("--out", required=True, metavar="DIR", help="folder for the exports")
    parser.add_argument("--formats", default=",".join(DEFAULT_FORMATS),
                        help=f"comma-separated, any of {','.join(FORMATS)} "
                             f"(default: {','.join(DEFAULT_FORMATS)})")
    parser.add_argument("--pilot", nargs="+", default=(), metavar="CODE",
                        help="pilot village code(s) for the 'pilot' format (pilot_map.png/.pdf)")
    parser.add_argument("--min-households", type=int, default=None, metavar="N",
                        help="leave household figures empty for villages with fewer than N households")
    parser.add_argument("--title", metavar="T",
                        help="title of the decision, printed on the lampiran")
    parser.add_argument("--lampiran-template", metavar="DOCX",
                        help="a region's .docx (letterhead, styles) the lampiran is written into")
    add_join_arguments(parser)
    parser.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the XLSX and the printed maps (default: id)")


def run(args: argparse.Namespace) -> int:
    formats = parse_formats(args.formats)  # checked before the analysis: a typo costs no run
    if "pilot" in formats and not args.pilot:
        raise GeoInputError("err.pilot_none", source="--pilot")
    if args.min_households is not None and args.min_households < 0:
        raise GeoInputError("err.cli_min_households", source="--min-households",
                            given=str(args.min_households))
    from geo.pipeline.analysis import analyse, as_config

    config, code_tables = join_options(args, as_config(args.config))
    result = analyse(args.boundaries, args.households, config=config, **code_tables)
    written = export_result(result, args.out, formats=formats,
                            min_households=args.min_households, lang=args.lang,
                            pilot=args.pilot, title=args.title,
                            lampiran_template=args.lampiran_template)
    for paths in written.values():
        for path in paths:
            print(path)
    return 0
