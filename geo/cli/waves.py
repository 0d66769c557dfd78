"""``python -m geo waves``: registry waves linked by household key; movement in and out of desil 1."""

from __future__ import annotations

from geo.cli.common import add_join_arguments, join_options, message_lang
from geo.i18n import t
from geo.pipeline.analysis import as_config


def add_arguments(parser) -> None:
    parser.add_argument("--boundaries", nargs="+", required=True, metavar="B",
                        help="boundary layer file(s): SQL dump, GeoPackage, GeoJSON, zipped Shapefile, ...")
    parser.add_argument("--households", nargs="+", required=True, metavar="LABEL=FILE",
                        help="two or more waves, oldest first: 2024=dtks_2024.csv 2025=dtsen_2025q1.parquet")
    parser.add_argument("--config", metavar="FILE", help="config (.toml or .yaml): [join] overlap, [mpi] for MPI-poor status; "
                                                         "default: config/default.toml")
    parser.add_argument("--prefer", choices=("code", "location"), default="code",
                        help="when a household's code and coordinates disagree, which wins (default: code)")
    add_join_arguments(parser)
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    parser.add_argument("--report", nargs="+", choices=("pdf", "xlsx"), metavar="FORMAT",
                        help="also write the quarterly report: pdf and/or xlsx")
    parser.add_argument("--lang", dest="report_lang", choices=("id", "en"), default=None,
                        help="language of the report (default: the messages' language)")
    parser.add_argument("--workspace", metavar="W",
                        help="workspace with the region's RPJMD target, official rates and the "
                             "last saved decision (its focus list) for the report")
    parser.add_argument("--focus", nargs="+", metavar="CODE",
                        help="focus villages for the report (default: the last saved decision's)")


def run(args) -> int:
    from geo.boundaries.cache import read_villages_cached
    from geo.pipeline.analysis import boundary_read_options
    from geo.waves.movement import movement
    from geo.waves.read import parse_waves, read_waves
    from geo.waves.write import write_waves

    waves = parse_waves(args.households)  # a bad LABEL=FILE fails before any reading
    config, code_tables = join_options(args, as_config(args.config))
    # read as `rank` reads them, so both commands share the cached layer (and its checks)
    villages, _report = read_villages_cached(args.boundaries, **boundary_read_options())
    read = read_waves(waves, villages, prefer=args.prefer, overlap=config.join.overlap,
                      mpi=config.mpi, **code_tables)
    result = movement(read, villages["village_code"])
    lang = message_lang(args)
    for wave in result.waves:
        print(t("cli.waves_wave", lang, label=wave["label"], rows=wave["rows_in"],
                placed=wave["placed"], linkable=wave["linkable"], keys=wave["duplicate_keys"]))
    print(t("cli.waves_totals", lang, matched=result.matched, only_first=result.only_first,
            only_last=result.only_last, stuck=result.stuck_desil1, left=result.left_desil1,
            entered=result.entered_desil1))
    for name, path in write_waves(result, args.out).items():
        print(f"wrote {name}: {path}")
    if args.report:
        for name, path in _quarterly(args, result, villages, config, lang).items():
            print(f"wrote report {name}: {path}")
    return 0


def _quarterly(args, result, villages, config, lang) -> dict:
    """The quarterly report of these waves, with the workspace's target and last decision."""
    from geo.export.quarterly import build_quarterly, write_quarterly
    from geo.presentation.region import region_title
    from geo.targets.store import TargetStore, region_of_villages
    from geo.waves.focus import latest_decision, persisted_pockets

    report_lang = args.report_lang or lang
    region = region_of_villages(villages)
    target, rates, focus, title = None, [], list(args.focus or []), ""
    if args.workspace:
        from geo.decisions.store import DecisionStore

        if region is not None:
            store = TargetStore(args.workspace)
            target, rates = store.target(region), store.rates(region)
        if not focus:
            decision = latest_decision(DecisionStore(args.workspace))
            if decision is not None:
                focus, title = decision.village_codes, f"{decision.title} (v{decision.version})"
    pockets = persisted_pockets(villages, result.villages, result.labels[0], result.labels[-1],
                                permutations=config.pockets.permutations,
                                seed=config.pockets.seed, alpha=config.pockets.alpha)
    report = build_quarterly(result, villages, lang=report_lang,
                             region=region_title(villages, report_lang), region_code=region,
                             target=target, rates=rates, focus_codes=focus,
                             focus_title=title or ("--focus" if focus else ""), pockets=pockets)
    return write_quarterly(report, args.out, args.report)
