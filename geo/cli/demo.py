"""``python -m geo demo --out DIR``: write the built-in synthetic demo region into DIR."""

from __future__ import annotations

import argparse

from geo.demo.region import SEED, write_demo


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="folder to write the demo files into")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"random seed (default {SEED}, the committed demo)")


def run(args: argparse.Namespace) -> int:
    paths = write_demo(args.out, seed=args.seed)
    for role, path in paths.items():
        print(f"{role:<10} {path}  ({path.stat().st_size:,} bytes)")
    print("SYNTHETIC data: not a real place, not real households.")
    return 0
