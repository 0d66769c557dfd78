"""``python -m geo convergence``: programme registers against the registry and its need."""

from __future__ import annotations

from geo.cli.common import add_reading_arguments, add_join_arguments, join_options, message_lang, shown
from geo.convergence import converge, read_registers
from geo.convergence.write import write_convergence
from geo.i18n import t
from geo.pipeline.analysis import analyse, as_config


def add_arguments(parser) -> None:
    parser.add_argument("--boundaries", nargs="+", required=True, metavar="B",
                        help="boundary layer file(s): SQL dump, GeoPackage, GeoJSON, zipped Shapefile, ...")
    parser.add_argument("--households", required=True, metavar="H",
                        help="household table (CSV, XLSX, Parquet)")
    parser.add_argument("--programmes", nargs="+", required=True, metavar="P",
                        help="programme register file(s): a row per recipient household "
                             "(CSV, XLSX, Parquet)")
    parser.add_argument("--config", metavar="FILE",
                        help="config with [[programme]] tables (.toml or .yaml); without them "
                             "every programme in the registers is taken as eligible: desil <= 4")
    add_reading_arguments(parser)
    add_join_arguments(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--assign", action="store_true",
                        help="also propose which agency takes which focus village (bagi tugas) "
                             "and write assignment.csv")
    parser.add_argument("--title", metavar="T",
                        help="with --assign, --by and --workspace: save the proposal as an "
                             "assignment titled T (a new version each time) and audit it")
    parser.add_argument("--by", metavar="NAME", help="who finalised the assignment")
    parser.add_argument("--workspace", metavar="W", help="folder of the decisions database")
    parser.add_argument("--formats", nargs="+", default=(), choices=("xlsx", "geojson", "gpkg"),
                        metavar="F", help="also write: xlsx (workbook: a sheet per agency, a "
                                          "method sheet), geojson and/or gpkg (village layer)")
    parser.add_argument("--min-households", type=int, default=0, metavar="N",
                        help="in the xlsx/geojson/gpkg, leave the figures of villages with "
                             "fewer than N households empty (default 0: none)")
    parser.add_argument("--lang", choices=("id", "en"), default="id",
                        help="language of the workbook (default: id)")


def run(args) -> int:
    config = as_config(args.config)
    config, code_tables = join_options(args, config)
    result = analyse(args.boundaries, args.households, config=config, engine=args.engine,
                     prefer=args.prefer, crs=args.crs, swap_xy=args.swap_xy, **code_tables)
    households = result.households
    if "outcome" in households.columns:  # a repeated household row counts once
        households = households[households["outcome"] != "duplicate_household"]
    registers = read_registers(args.programmes, households["household_id"])
    measures = converge(households, registers, config.programmes)
    written = write_convergence(measures, args.out)
    assignment = None
    if args.assign:
        from geo.convergence.assignment import agency_load, propose_assignment, save_assignment
        from geo.convergence.write import ASSIGNMENT_NAME, write_assignment

        assignment = propose_assignment(measures, result.villages.drop(columns="geometry"))
        written[ASSIGNMENT_NAME] = write_assignment(assignment, args.out)
        print("assignment: " + ", ".join(f"{a} {n}" for a, n in agency_load(assignment).items()))
        if args.title and args.by and args.workspace:
            from geo.cli.decisions import _cli_actor

            saved = save_assignment(args.workspace, assignment, title=args.title, by=args.by,
                                    actor=_cli_actor())
            print(f"assignment saved: id {saved}")
    if args.formats:
        from geo.convergence.exports import write_exports

        written.update(write_exports(measures, result.villages, args.out, args.formats,
                                     assignment=assignment, lang=args.lang,
                                     min_households=max(int(args.min_households), 0)))
    rows = registers.accounting
    print("register rows: " + ", ".join(f"{k} {v}" for k, v in rows.outcomes.items()))
    print(f"programmes: {len(measures.programmes)}; untouched households: {measures.untouched}")
    for note in measures.notes:
        print(t("cli.note", message_lang(args), text=shown(note, message_lang(args))))
    for name, path in written.items():
        print(f"wrote {name}: {path}")
    return 0
