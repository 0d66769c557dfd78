"""``python -m geo demo --out DIR``: write the built-in synthetic demo region into DIR, and its
programme registers (PKH, BPNT, PBI-JK, RTLH, CSR, Baznas) with their catalogue into DIR/registers."""

from __future__ import annotations

import argparse
from pathlib import Path

from geo.demo.region import SEED, write_demo
from geo.demo.registers import SEED as REGISTER_SEED, write_demo_registers


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, help="folder to write the demo files into")
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"random seed (default {SEED}, the committed demo)")


def run(args: argparse.Namespace) -> int:
    paths = write_demo(args.out, seed=args.seed)
    for role, path in paths.items():
        print(f"{role:<10} {path}  ({path.stat().st_size:,} bytes)")
    # the programme registers of the Konvergensi page, naming these households
    registers = Path(args.out) / "registers"
    # the committed demo's registers have their own seed; another region seed, other registers
    seed = REGISTER_SEED if args.seed == SEED else args.seed
    for path in write_demo_registers(registers, seed=seed, households_folder=args.out):
        print(f"{'register':<10} {path}  ({path.stat().st_size:,} bytes)")
    print(f"{'catalogue':<10} {registers / 'programmes.toml'}")
    print("SYNTHETIC data: not a real place, not real households.")
    return 0
