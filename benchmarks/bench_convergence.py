"""Programme convergence on 1M households × 5 programmes: ``geo.convergence`` against pandas.

Run: ``python benchmarks/bench_convergence.py --households 1000000``

Makes (fixed seed, into ``--work``) a registry of ``--households`` households over 8,494
village codes (desil and the ten MPI deprivations drawn as :mod:`geo.demo.households` draws
them: poorer desil, more deprivations) and five register files, ~15 % of the households each
(750k rows for 1M): PKH, BPNT and RTLH as Parquet, PBI-JK and Baznas as CSV with Indonesian
headers; rows are keyed by ``household_id``, except households of the registry's first tenth,
which the registry keys by the salted hash of their No. KK and the registers by the No. KK
itself (hashed on reading, as a real register is); each with ~1 % keys not in the registry, blank keys, bad years
and repeated rows. The households are given already placed: the join is ``bench_pipeline``'s
business, this measures the convergence stage only. On the same files:

ours
    :func:`geo.convergence.read_registers` (read, alias, hash, drop personal columns, account
    for every row, link) and :func:`geo.convergence.converge` (eligibility, measures, budget,
    quadrant);
baseline
    ``pandas.read_parquet``/``read_csv`` of the registers, concatenated, an inner merge on
    ``household_id`` and per programme the reached and eligible counts per village with
    groupby (no hashing, no validation, no accounting, no No. KK link).

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

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from geo.households.schema import DEPRIVATIONS  # noqa: E402

SALT = "bench-convergence-salt"
VILLAGES = 8_494
SHARE = 0.15
CATALOGUE = """
[[programme]]
name = "PKH"
agency = "Dinas Sosial"
eligible = "desil <= 2"

[[programme]]
name = "BPNT"
agency = "Dinas Sosial"
eligible = "desil <= 3"

[[programme]]
name = "PBI-JK"
agency = "Dinas Kesehatan"
eligible = "desil <= 4"

[[programme]]
name = "RTLH"
agency = "Dinas Perumahan"
eligible = "dep_housing == 1 and desil <= 5"

[[programme]]
name = "Zakat Produktif"
agency = "Baznas"
eligible = "desil <= 2 and dep_assets == 1"
"""
_RATE = np.array([0.18, 0.05, 0.30, 0.12, 0.55, 0.35, 0.25, 0.04, 0.30, 0.45])


def make_registry(n: int, seed: int = 14) -> pd.DataFrame:
    """``household_id``, ``village_code``, ``desil``, the deprivations, ``no_kk`` (made up)."""
    rng = np.random.default_rng(seed)
    codes = np.array([f"35.{r:02d}.{d:02d}.{v:04d}" for r, d, v in
                      zip(rng.integers(1, 80, VILLAGES), rng.integers(1, 40, VILLAGES),
                          np.arange(1001, 1001 + VILLAGES))])
    village = codes[rng.integers(0, VILLAGES, n)]
    desil = rng.integers(1, 11, n)
    frame = pd.DataFrame({"household_id": pd.array([f"hh{i}" for i in range(n)], dtype="string"),
                          "village_code": pd.array(village, dtype="string"),
                          "desil": desil.astype("int64")})
    scale = 1.0 / (1.0 + (desil - 1) / 3.0)
    for name, rate in zip(DEPRIVATIONS, _RATE):
        frame[name] = (rng.random(n) < rate * scale).astype("int64")
    return frame


def make_registers(registry: pd.DataFrame, work: Path, seed: int = 15) -> list[Path]:
    rng = np.random.default_rng(seed)
    n = len(registry)
    ids = registry["household_id"].to_numpy(dtype=object)
    kk = np.array([f"35{i:014d}" for i in range(n)], dtype=object)  # made-up No. KK
    paths = []
    for name, agency, form in (("PKH", "Dinas Sosial", "parquet"), ("BPNT", "Dinas Sosial", "parquet"),
                               ("PBI-JK", "Dinas Kesehatan", "csv"), ("RTLH", "Dinas Perumahan", "parquet"),
                               ("Zakat Produktif", "Baznas", "csv")):
        pick = rng.choice(n, int(n * SHARE), replace=False)
        first = pick < n // 10  # the registry keys these by the hash of their No. KK
        key = ids[pick].copy()
        bad = rng.random(len(pick))
        unknown = bad < 0.01
        key[unknown] = "unknown-" + pd.Series(np.arange(unknown.sum())).astype(str).to_numpy()
        key[(bad >= 0.01) & (bad < 0.015)] = None
        no_kk = np.where(first & ~unknown & (bad >= 0.015), kk[pick], None)
        key[first & ~unknown] = None
        year = np.where((bad >= 0.015) & (bad < 0.02), "20x5", "2025").astype(object)
        table = pd.DataFrame({"programme": name, "agency": agency, "year": year,
                              "household_id": key, "no_kk": no_kk,
                              "budget": "2400000", "nama_penerima": "Penerima Sintetis"})
        table = pd.concat([table, table.iloc[: len(table) // 100]], ignore_index=True)  # repeats
        path = work / f"{name.lower().replace(' ', '_')}.{form}"
        if form == "csv":
            table.columns = ["program", "opd", "tahun", "id_keluarga", "no_kk", "anggaran_rp",
                             "nama_penerima"]
            table.to_csv(path, index=False)
        else:
            table.to_parquet(path, index=False)
        paths.append(path)
    return paths


def registry_ids(registry: pd.DataFrame) -> pd.DataFrame:
    """The registry as a No. KK-keyed registry stores it: RTLH's No. KK link to these hashes."""
    from geo.common.privacy import resolve_salt, salted_hash

    out = registry.copy()
    # the first tenth keyed by the hash of its No. KK (as a registry read with a salt is)
    tenth = len(out) // 10
    kk = pd.Series([f"35{i:014d}" for i in range(tenth)], dtype="string")
    out.loc[: tenth - 1, "household_id"] = salted_hash(kk, resolve_salt(SALT)[0]).to_numpy()
    return out.drop(columns=[c for c in out.columns if c == "no_kk"])


def run_ours(registry: pd.DataFrame, paths: list[Path]) -> tuple[dict, dict]:
    from geo.config.load import config_from_text
    from geo.convergence import converge, read_registers

    start = time.perf_counter()
    registers = read_registers(paths, registry["household_id"], salt=SALT)
    read_s = time.perf_counter() - start
    start = time.perf_counter()
    result = converge(registry, registers, config_from_text(CATALOGUE).programmes)
    measures_s = time.perf_counter() - start
    return ({"read_link": read_s, "measures": measures_s, "total": read_s + measures_s},
            {"rows": registers.accounting.rows_in, "outcomes": registers.accounting.outcomes,
             "untouched": result.untouched,
             "reached": {p.name: p.reached for p in result.programmes}})


def run_baseline(registry: pd.DataFrame, paths: list[Path]) -> tuple[float, dict]:
    start = time.perf_counter()
    frames = []
    for path in paths:
        frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, dtype=str)
        frame.columns = ["programme", "agency", "year", "household_id", "no_kk", "budget", "name"]
        frames.append(frame[["programme", "household_id"]])
    rows = pd.concat(frames, ignore_index=True).dropna().drop_duplicates()
    linked = rows.merge(registry[["household_id", "village_code"]], on="household_id")
    reached = linked.groupby(["programme", "village_code"]).size()
    eligible = (registry["desil"] <= 4).groupby(registry["village_code"]).sum()
    seconds = time.perf_counter() - start
    return seconds, {"linked": int(len(linked)), "cells": int(len(reached)),
                     "villages": int(len(eligible))}


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--work", type=Path)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="bench_convergence_"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    registry = make_registry(args.households)
    paths = make_registers(registry, work)
    registry = registry_ids(registry)
    made_s = time.perf_counter() - start
    base_s, base = run_baseline(registry, paths)
    ours, figures = run_ours(registry, paths)
    out = {"households": args.households, "register_rows": figures["rows"], "made_s": made_s,
           "ours_s": ours, "baseline_s": base_s, "ratio": ours["total"] / base_s,
           "ours": figures, "baseline": base}
    print(f"households: {args.households}; programmes: 5; register rows: {figures['rows']} "
          f"(files made in {made_s:.1f} s)")
    print(f"ours read + link (aliases, hash No. KK, drop personal, account, link): "
          f"{ours['read_link']:.2f} s")
    print(f"ours measures (eligibility, reach, exclusion/inclusion, budget, quadrant): "
          f"{ours['measures']:.2f} s")
    print(f"baseline (pandas read + concat + merge + groupby, no checks): {base_s:.2f} s")
    print(f"ratio ours/baseline: {out['ratio']:.2f}")
    print(f"rows {figures['outcomes']}; untouched {figures['untouched']}; "
          f"baseline linked {base['linked']}")
    return out


if __name__ == "__main__":
    main()
