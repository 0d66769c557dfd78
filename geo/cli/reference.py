"""``python -m geo reference --from DIR``: rebuild ``data/reference/`` from the Kemendagri dumps."""

from __future__ import annotations

import argparse

from geo.reference.kemendagri import build_reference
from geo.reference.table import REFERENCE_DIR


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--from", dest="source", required=True,
                        help="folder of wilayah_2022.sql, wilayah_2023.sql, wilayah_2025.sql and "
                             "wilayah_penduduk_2025.sql (e.g. ../shared/data/wilayah_codes)")
    parser.add_argument("--out", default=str(REFERENCE_DIR),
                        help=f"folder to write into (default {REFERENCE_DIR})")


def run(args: argparse.Namespace) -> int:
    for role, path in build_reference(args.source, args.out).items():
        print(f"{role:<11} {path}  ({path.stat().st_size:,} bytes)")
    return 0
