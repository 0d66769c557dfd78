"""How fast is re-scoring 8,494 villages after a weight change (the app's weight sliders)?

Run: ``python benchmarks/bench_rescoring.py [--villages 8494] [--repeats 50]``

Prints milliseconds per re-score for
- ``score_villages``: the whole step (normalise, weight, rank, build the table);
- ``score_villages(prepared=...)``: the slider path, normalisation reused;
- the bare numpy core (one matrix-vector product and a sort);
and, measured in the same run, a naive baseline: a row-by-row ``DataFrame.apply`` that computes
each village's weighted score in Python, then ranks with ``sort_values``. Also the robustness
step (500 weight draws) once. The indicator table is synthetic (same size and shape as Jawa
Timur: 8,494 villages, some without households), so the benchmark needs no data files.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.config import default_config  # noqa: E402
from geo.ranking.robustness import focus_stability  # noqa: E402
from geo.ranking.scoring import prepare_scores, score_villages  # noqa: E402


def synthetic_indicators(n: int, seed: int = 0) -> pd.DataFrame:
    """An indicator table shaped like the real one (plus filler columns of the same width)."""
    rng = np.random.default_rng(seed)
    households = rng.integers(0, 1500, n)
    households[rng.choice(n, n // 200, replace=False)] = 0
    desil1 = rng.binomial(households, rng.beta(2, 14, n))
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(households > 0, desil1 / households, np.nan)
    table = pd.DataFrame({
        "village_code": [f"35.{1 + i // 400:02d}.{1 + (i // 20) % 20:02d}.{2001 + i % 20}"
                         for i in range(n)],
        "households": households,
        "desil1_households": desil1,
        "desil1_share": share,
        "mpi_m0": np.where(households > 0, rng.beta(1, 7, n), np.nan),
        "mpi_poor_people": rng.binomial(households * 4, 0.08),
    })
    filler = pd.DataFrame(rng.random((n, 50)), columns=[f"other_{i}" for i in range(50)])
    return pd.concat([table, filler], axis=1)


def per_call_ms(fn, repeats: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def naive_rescore(indicators: pd.DataFrame, config) -> pd.Series:
    """Baseline: min-max / percentile per column, then a Python function per row."""
    weights = config.weights
    specs = {s.column: s for s in config.indicators}
    stats = {c: (indicators[c].min(), indicators[c].max()) for c in weights}
    pct = {c: indicators[c].rank(pct=True) for c in weights
           if specs[c].normalisation == "percentile"}

    def row_score(row):
        total = 0.0
        for column, weight in weights.items():
            value = row[column]
            if pd.isna(value):
                continue
            if column in pct:
                normalised = pct[column][row.name]
            else:
                lo, hi = stats[column]
                normalised = (value - lo) / (hi - lo) if hi > lo else 0.0
            total += 100 * weight * normalised
        return total

    scores = indicators.apply(row_score, axis=1)
    return scores.rank(ascending=False, method="first")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--villages", type=int, default=8494)
    parser.add_argument("--repeats", type=int, default=50)
    args = parser.parse_args(argv)

    indicators = synthetic_indicators(args.villages)
    base = default_config()
    changed = base.with_weights({"mpi_m0": 0.4, "desil1_share": 0.1})
    prepared = prepare_scores(indicators, base)
    w = np.array([s.weight for s in changed.indicators])

    full = per_call_ms(lambda: score_villages(indicators, changed), args.repeats)
    slider = per_call_ms(lambda: score_villages(indicators, changed, prepared=prepared),
                         args.repeats)
    core = per_call_ms(lambda: prepared.ranks(prepared.points(w).sum(axis=1)), args.repeats)
    naive = per_call_ms(lambda: naive_rescore(indicators, changed), max(2, args.repeats // 25))
    start = time.perf_counter()
    focus_stability(indicators, changed, draws=500)
    robust = 1000 * (time.perf_counter() - start)

    print(f"re-scoring {args.villages:,} villages after a weight change (median of "
          f"{args.repeats} runs)")
    print(f"  score_villages (normalise + rank + table):   {full:8.2f} ms")
    print(f"  score_villages(prepared=...) (slider path):   {slider:8.2f} ms")
    print(f"  numpy core (matrix-vector product + sort):    {core:8.2f} ms")
    print(f"  baseline: row-by-row DataFrame.apply:         {naive:8.2f} ms")
    print(f"  speed-up over the baseline: {naive / full:,.0f}x (full), "
          f"{naive / slider:,.0f}x (slider path)")
    print(f"  focus_stability, 500 weight draws:            {robust:8.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
