"""Two registry waves of synthetic households: ``geo.waves`` against plain pandas, same run.

Run: ``python benchmarks/bench_waves.py --households 1000000 --villages-cache /tmp/jatim.parquet``

Makes (once, with ``households_gen.py`` as ``bench_pipeline`` does) the village layer and two
household files of ``--households`` rows: seeds 2024 and 2025, so the ids (``hh<row>``) are the
same and desil and village differ. Then, on the same files:

ours
    :func:`geo.waves.read.read_waves` (read, validate and join each wave, as ``geo rank``),
    :func:`geo.waves.movement.movement` and :func:`geo.waves.write.write_waves`;
baseline
    ``pandas.read_parquet`` of both files, repeated ids dropped, an outer merge on
    ``household_id`` and the desil-1 counts per village by the given code (no validation, no
    spatial join, no accounting).

Prints one line per figure; ``main(argv)`` returns them as a dict.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402

from bench_pipeline import prepare  # noqa: E402


def run_ours(villages_file: Path, files: list[Path], out_dir: Path) -> tuple[float, dict]:
    from geo.waves.movement import movement
    from geo.waves.read import read_waves
    from geo.waves.write import write_waves

    villages = gpd.read_parquet(villages_file)
    start = time.perf_counter()
    waves = read_waves([(f"w{i + 1}", str(f)) for i, f in enumerate(files)], villages)
    result = movement(waves, villages["village_code"])
    write_waves(result, out_dir)
    return time.perf_counter() - start, result.to_dict()


def run_baseline(files: list[Path]) -> tuple[float, dict]:
    start = time.perf_counter()
    a, b = (pd.read_parquet(f, columns=["household_id", "village_code", "desil"]) for f in files)
    a = a.drop_duplicates("household_id", keep=False)
    b = b.drop_duplicates("household_id", keep=False)
    both = a.merge(b, on="household_id", how="outer", suffixes=("_1", "_2"), indicator=True)
    matched = both["_merge"] == "both"
    d1, d2 = both["desil_1"] == 1, both["desil_2"] == 1
    per_village = pd.DataFrame({
        "stuck": (matched & d1 & d2).groupby(both["village_code_2"]).sum(),
        "entered": (matched & ~d1 & d2).groupby(both["village_code_2"]).sum(),
    }).join((matched & d1 & ~d2).groupby(both["village_code_1"]).sum().rename("left"), how="outer")
    figures = {"matched": int(matched.sum()), "stuck": int(per_village["stuck"].sum()),
               "villages": len(per_village)}
    return time.perf_counter() - start, figures


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--villages-cache", type=Path)
    parser.add_argument("--boundaries", nargs="+", type=Path)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_waves_"))
    work.mkdir(parents=True, exist_ok=True)
    files = []
    for seed in (2024, 2025):
        villages_file, hh = prepare(args.households, work, villages_cache=args.villages_cache,
                                    boundaries=args.boundaries, seed=seed,
                                    households_file=work / f"wave_{seed}_{args.households}.parquet")
        files.append(hh)
    base_time, base = run_baseline(files)
    ours_time, ours = run_ours(villages_file, files, work / "out")
    figures = {"households": args.households, "ours_s": ours_time, "baseline_s": base_time,
               "ratio": ours_time / base_time, "ours": ours, "baseline": base}
    print(f"households per wave: {args.households}")
    print(f"ours (read + validate + join 2 waves, movement, write): {ours_time:.2f} s")
    print(f"baseline (pandas read + merge, no validation or spatial join): {base_time:.2f} s")
    print(f"ratio ours/baseline: {figures['ratio']:.2f}")
    print(f"matched {ours['matched']} (baseline {base['matched']}); stuck in desil 1 "
          f"{ours['stuck_desil1']} (baseline {base['stuck']}); left {ours['left_desil1']}, "
          f"entered {ours['entered_desil1']}")
    return figures


if __name__ == "__main__":
    main()
