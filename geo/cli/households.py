"""``python -m geo households FILE``: read and check a household table, print what was found.

Prints counts and column names only (never a value), so the summary is safe to paste into a
ticket even for a real registry extract.
"""

from __future__ import annotations

import argparse
import json

from geo.cli.common import message_lang, output_file, parse_column_map, shown, write_text
from geo.i18n import t
from geo.households.rules import load_rules
from geo.households.read import read_households


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV, XLSX or Parquet household table")
    parser.add_argument("--map", action="append", default=[], metavar="CANONICAL=COLUMN",
                        help="map a column explicitly, e.g. --map desil=DESIL_KESEJAHTERAAN "
                             "(repeatable)")
    parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    parser.add_argument("--rules", help="deprivation rules (TOML, YAML or JSON) overriding the defaults")
    parser.add_argument("--report", help="write the ingest report as JSON to this file")


def run(args: argparse.Namespace) -> int:
    column_map = parse_column_map(args.map)
    report_path = output_file(args.report, option="--report") if args.report else None
    rules = load_rules(args.rules) if args.rules else None
    _, report = read_households(args.file, column_map=column_map, rules=rules, sheet=args.sheet)
    where = ", ".join(f"{k} {getattr(report, k)!r}" for k in ("format", "sheet", "encoding", "delimiter")
                      if getattr(report, k))
    print(f"{report.file}: {report.rows_read:,} rows ({where})")
    print(f"  rows without a problem at ingest: {report.rows_read - report.rows_with_problem:,}; "
          f"rows with a problem: {report.rows_with_problem:,}")
    for kind, count in report.problems.items():
        print(f"    {kind}: {count:,}")
    print("  columns: " + ", ".join(f"{k} <- {v}" for k, v in report.columns_mapped.items()))
    print(f"  household id: {shown(report.household_id_from, message_lang(args))}")
    dropped = report.personal_columns_dropped
    print(f"  personal columns dropped: {', '.join(dropped) if dropped else 'none'}")
    if report.id_number_columns_dropped:
        print("  dropped as NIK/No. KK-like numbers: "
              + ", ".join(report.id_number_columns_dropped))
    if report.codes_unusable:
        print(f"  village codes that cannot be used: {report.codes_unusable:,} (rows with "
              "coordinates are placed by location)")
    for flag, count in report.unreadable_flags.items():
        print(f"  {flag}: {count:,} unreadable answers left empty")
    for flag, cols in report.derived_flags.items():
        print(f"  derived {flag} from {', '.join(cols)}")
    if report.missing_flags:
        print(f"  not available (left empty): {', '.join(report.missing_flags)}")
    if report.unknown_columns:
        print(f"  ignored columns: {', '.join(report.unknown_columns)}")
    for warning in report.warnings:
        print("  " + t("cli.warning", message_lang(args), text=shown(warning, message_lang(args))))
    if report_path is not None:
        write_text(report_path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n",
                   option="--report")
        print(f"  report written to {report_path}")
    return 0
