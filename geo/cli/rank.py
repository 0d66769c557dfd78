"""``python -m geo rank``: households joined to villages, indicators, ranking and pockets."""

from __future__ import annotations

from geo.cli.common import add_reading_arguments, add_join_arguments, join_options, message_lang, shown
from geo.common.atomic import check_output_folder
from geo.common.errors import GeoInputError
from geo.i18n import t
from geo.pipeline.analysis import analyse, as_config, run_rank


def add_arguments(parser) -> None:
    parser.add_argument("--boundaries", nargs="+", required=True, metavar="B",
                        help="boundary layer file(s): SQL dump, GeoPackage, GeoJSON, zipped Shapefile, ...")
    parser.add_argument("--households", metavar="H", help="household table (CSV, XLSX, Parquet)")
    parser.add_argument("--config", metavar="FILE", help="ranking config (.toml or .yaml); default: config/default.toml")
    parser.add_argument("--top", type=int, metavar="N", help="focus list: the top N villages (overrides the config)")
    add_reading_arguments(parser)
    parser.add_argument("--dask", nargs="?", const=True, metavar="ADDRESS",
                        help="run the household side on Dask: a local cluster, or the scheduler at "
                             "ADDRESS (tcp://host:8786); --households is then a Parquet file, folder or glob")
    add_join_arguments(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")


def run(args) -> int:
    check_output_folder(args.out)  # an existing file is refused before the analysis
    config = as_config(args.config)
    if args.top is not None and args.top < 1:
        raise GeoInputError("err.cli_top", source="--top", given=str(args.top))
    if args.top is not None:
        config = config.with_focus(top_n=args.top)
    config, code_tables = join_options(args, config)
    result = analyse(args.boundaries, args.households, config=config, engine=args.engine,
                     prefer=args.prefer, crs=args.crs, swap_xy=args.swap_xy,
                     dask=args.dask, wait_for_checks=False, **code_tables)
    written = run_rank(result, args.out)
    recon = result.reconciliation
    if recon is not None:
        outcomes = ", ".join(f"{k} {v}" for k, v in recon.outcomes.items() if v)
        print(f"households: {recon.rows_in} rows read: {outcomes}")
        if recon.successors:
            print(t("cli.older_codes", message_lang(args), counts=", ".join(
                f"{k} {v}" for k, v in recon.successors.items())))
    chosen = int(result.villages["in_focus_list"].fillna(False).astype(bool).sum())
    print(f"villages: {len(result.villages)}; focus list: {chosen} villages")
    if not config.focus.top_n:  # top_n = 0 in the config: the top-N rule is off, say so
        print(t("cli.note", message_lang(args), text=t("cli.top_n_off", message_lang(args))))
    notes = list(result.method.mpi_notes)
    if result.method.mpi_sample is not None:  # the MPI missing rule and its sample loss
        notes.append(result.method.mpi_sample.note())
    for note in notes:
        print(t("cli.note", message_lang(args), text=shown(note, message_lang(args))))
    for name, path in written.items():
        print(f"wrote {name}: {path}")
    return 0
