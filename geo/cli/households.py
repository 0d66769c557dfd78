"""``python -m geo households FILE``: read and check a household table, print what was found.

Prints counts and column names only (never a value), so the summary is safe to paste into a
ticket even for a real registry extract.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo.deprivation_rules import load_rules
from geo.errors import GeoInputError
from geo.households import read_households


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", help="CSV, XLSX or Parquet household table")
    parser.add_argument("--map", action="append", default=[], metavar="CANONICAL=COLUMN",
                        help="map a column explicitly, e.g. --map desil=DESIL_KESEJAHTERAAN "
                             "(repeatable)")
    parser.add_argument("--sheet", help="XLSX sheet name (default: the first sheet)")
    parser.add_argument("--rules", help="deprivation rules (TOML, YAML or JSON) overriding the defaults")
    parser.add_argument("--report", help="write the ingest report as JSON to this file")


def parse_map(pairs: list[str]) -> dict[str, str]:
    """``["desil=DESIL_KES", ...]`` -> ``{"desil": "DESIL_KES"}``."""
    mapping = {}
    for pair in pairs:
        canonical, sep, column = pair.partition("=")
        if not sep or not canonical.strip() or not column.strip():
            raise GeoInputError(f"--map {pair!r}: write it as CANONICAL=COLUMN, e.g. desil=DESIL")
        mapping[canonical.strip()] = column.strip()
    return mapping


def run(args: argparse.Namespace) -> int:
    rules = load_rules(args.rules) if args.rules else None
    table, report = read_households(args.file, column_map=parse_map(args.map), rules=rules,
                                    sheet=args.sheet)
    where = ", ".join(f"{k} {report[k]!r}" for k in ("format", "sheet", "encoding", "delimiter")
                      if report.get(k))
    print(f"{report['file']}: {report['rows_read']:,} rows ({where})")
    print(f"  rows without a problem at ingest: {report['rows_read'] - report['rows_with_problem']:,}; "
          f"rows with a problem: {report['rows_with_problem']:,}")
    for kind, count in report["problems"].items():
        print(f"    {kind}: {count:,}")
    print("  columns: " + ", ".join(f"{k} <- {v}" for k, v in report["columns_mapped"].items()))
    print(f"  household id: {report['household_id_from']}")
    dropped = report["personal_columns_dropped"]
    print(f"  personal columns dropped: {', '.join(dropped) if dropped else 'none'}")
    for flag, cols in report["derived_flags"].items():
        print(f"  derived {flag} from {', '.join(cols)}")
    if report["missing_flags"]:
        print(f"  not available (left empty): {', '.join(report['missing_flags'])}")
    if report["unknown_columns"]:
        print(f"  ignored columns: {', '.join(report['unknown_columns'])}")
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n",
                                     encoding="utf-8")
        print(f"  report written to {args.report}")
    return 0
