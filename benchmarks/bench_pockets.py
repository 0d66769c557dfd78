"""Pocket inference on Jawa Timur: seed stability, ties, time, against esda in the same run.

Run: ``python benchmarks/bench_pockets.py --households 300000``

Makes (once, as ``bench_pipeline`` does) the Jawa Timur village layer and ``--households``
synthetic households, computes the village indicators and the neighbour graph, then:

baseline (esda, as the pockets were found before)
    ``esda.Moran_Local`` and ``esda.G_Local`` (999 permutations, one permutation matrix
    shared by all villages, ``p_sim`` in float32, strict inequality) on the raw
    ``desil1_share``; the pocket label compares p in float64, the hot-spot label in float32.
    Timed, and the count of significant villages over ``--seeds`` seeds.
ours
    :func:`geo.spatial.pockets.find_pockets` for each ``--permutations`` and each seed,
    raw and Empirical Bayes rates, no correction and FDR: time per run and the count of
    significant villages (its spread = (max - min) / min over the seeds).
artefacts
    on the same data: villages whose value and all neighbours' values are zero labelled
    significant (pocket or hot spot); positive villages with all-zero neighbours labelled
    High–Low; labels changed by multiplying the variable by 3; villages whose pocket and
    hot-spot labels disagree at p = alpha; before/after label table.
structured
    the same households' bases with a desil-1 rate that has a regional pattern (longitude
    gradient and regency effects): the spread with no correction and with FDR, where FDR
    has something to find.

Prints one line per figure; ``main(argv)`` returns them as a dict.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from bench_pipeline import prepare  # noqa: E402

SIGNIFICANT = ("HH", "LL", "HL", "LH")


def load(villages_file: Path, households_file: Path):
    """Village layer with indicators, and its neighbour graph (timed)."""
    from geo.households.read import read_households
    from geo.indicators.village import village_indicators
    from geo.join.match import join_households
    from geo.spatial.neighbours import build_neighbours

    villages = gpd.read_parquet(villages_file)
    households, _ = read_households(households_file)
    joined, _ = join_households(households, villages)
    indicators = village_indicators(joined, villages)
    table = gpd.GeoDataFrame(villages.merge(indicators, on="village_code", how="left"),
                             geometry="geometry", crs=villages.crs)
    start = time.perf_counter()
    graph = build_neighbours(table)
    return table, graph, time.perf_counter() - start


def esda_pockets(table, graph, values: pd.Series, *, permutations: int, seed: int,
                 alpha: float = 0.05) -> pd.DataFrame:
    """The pockets as they were found before (esda's ``p_sim``), for the same villages."""
    import esda
    from libpysal.graph import Graph

    codes = table["village_code"].astype("string")
    y_all = values.reindex(codes.to_numpy()).to_numpy(dtype=float, na_value=np.nan)
    has = np.isfinite(y_all)
    focal, neighbour = graph.subgraph(has)
    data_pos = np.flatnonzero(has)
    connected = np.zeros(len(data_pos), dtype=bool)
    connected[focal] = True
    relabel = np.full(len(data_pos), -1)
    relabel[connected] = np.arange(connected.sum())
    w = Graph.from_arrays(relabel[focal], relabel[neighbour], np.ones(len(focal)))
    order = np.asarray(w.unique_ids)
    rows = data_pos[connected][order]
    y = y_all[rows]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lisa = esda.Moran_Local(y, w, transformation="r", permutations=permutations, seed=seed,
                                n_jobs=1, keep_simulations=False)
        gi = esda.G_Local(y, w, transform="B", star=True, permutations=permutations, seed=seed,
                          n_jobs=1, keep_simulations=False)
    n = len(table)
    pocket = np.full(n, "ns", dtype=object)
    lisa_p = np.full(n, np.nan)
    lisa_p[rows] = lisa.p_sim  # float32 -> float64: 0.05 becomes 0.05000000074505806
    quadrant = np.zeros(n, dtype=int)
    quadrant[rows] = lisa.q
    for q, label in {1: "HH", 2: "LH", 3: "LL", 4: "HL"}.items():
        pocket[(lisa_p <= alpha) & (quadrant == q)] = label
    hotspot = np.full(n, "ns", dtype=object)
    gi_sig = np.zeros(n, dtype=bool)
    gi_sig[rows] = gi.p_sim <= alpha  # compared in float32
    gi_z = np.zeros(n)
    gi_z[rows] = gi.Zs
    hotspot[gi_sig & (gi_z > 0)] = "hot"
    hotspot[gi_sig & (gi_z < 0)] = "cold"
    lonely = data_pos[~connected]
    for labels in (pocket, hotspot):
        labels[lonely] = "isolated"
        labels[~has] = "no_data"
    disagree = _alpha_disagreement(lisa_p, gi_sig, rows, lisa, gi, alpha, n)
    return pd.DataFrame({"village_code": codes.to_numpy(), "pocket": pocket, "hotspot": hotspot,
                         "lisa_p": lisa_p, "p_is_alpha_disagree": disagree}, index=table.index)


def _alpha_disagreement(lisa_p, gi_sig, rows, lisa, gi, alpha, n) -> np.ndarray:
    """Villages whose float32 p-value is alpha (0.05000000074505806 in float64) and that the
    two labels' rules classify differently: the pocket rule (float64) says not significant,
    the hot-spot rule (float32) says significant."""
    out = np.zeros(n, dtype=bool)
    out[rows] = (lisa.p_sim == np.float32(alpha)) | (gi.p_sim == np.float32(alpha))
    return out


def significant(labels: pd.DataFrame) -> int:
    return int(labels["pocket"].isin(SIGNIFICANT).sum())


def spread(counts: list[int]) -> float:
    return (max(counts) - min(counts)) / max(min(counts), 1)


def artefacts(labels: pd.DataFrame, values: pd.Series, graph) -> dict:
    """Zero-among-zero significant villages, High–Low among zeros, cold spots."""
    codes = labels["village_code"].astype(str).to_numpy()
    v = values.reindex(codes).to_numpy(dtype=float, na_value=np.nan)
    known = np.isfinite(v)
    focal, neighbour = graph.subgraph(known)
    pos = np.flatnonzero(known)
    nonzero_neighbours = np.bincount(focal, weights=(v[pos][neighbour] != 0), minlength=len(pos))
    has_neighbours = np.bincount(focal, minlength=len(pos)) > 0
    zero_hood = np.zeros(len(v), dtype=bool)
    zero_hood[pos] = has_neighbours & (nonzero_neighbours == 0)
    pocket = labels["pocket"].to_numpy()
    hotspot = labels["hotspot"].to_numpy()
    sig = np.isin(pocket, SIGNIFICANT)
    hot_cold = np.isin(hotspot, ("hot", "cold"))
    zero = zero_hood & (v == 0)
    positive = zero_hood & (v > 0)
    return {
        "zero_among_zero": int(zero.sum()),
        "zero_among_zero_significant": int((zero & sig).sum()),
        "zero_among_zero_hot_cold": int((zero & hot_cold).sum()),
        "positive_among_zero": int(positive.sum()),
        "positive_among_zero_HL": int((positive & (pocket == "HL")).sum()),
        "cold_spots": int((hotspot == "cold").sum()),
        "HL_cold": int(((pocket == "HL") & (hotspot == "cold")).sum()),
        "HL": int((pocket == "HL").sum()),
    }


def structured_rate(table: pd.DataFrame, seed: int = 2026) -> pd.Series:
    """A desil-1 share with a regional pattern on the registry's household counts."""
    rng = np.random.default_rng(seed)
    households = table["households"].to_numpy()
    x = table.geometry.representative_point().x.to_numpy()
    regency = table["village_code"].astype(str).str[:5]
    effect = pd.Series(rng.normal(0, 0.6, regency.nunique()), index=regency.unique())
    logit = (-3.2 + 1.5 * (x - x.min()) / (x.max() - x.min()) + effect[regency].to_numpy()
             + rng.normal(0, 0.4, len(x)))
    desil1 = rng.binomial(households, 1 / (1 + np.exp(-logit)))
    share = np.where(households > 0, desil1 / np.maximum(households, 1), np.nan)
    return pd.Series(share, index=table["village_code"].to_numpy(), name="desil1_share")


def main(argv=None) -> dict:
    from geo.spatial.pockets import find_pockets

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=300_000)
    parser.add_argument("--work", help="folder for the generated inputs (default: temporary)")
    parser.add_argument("--villages-cache", help="GeoParquet of the village layer (made once)")
    parser.add_argument("--households-file", help="use this household Parquet")
    parser.add_argument("--boundaries", nargs="*", help="boundary files (default: Jawa Timur)")
    parser.add_argument("--permutations", type=int, nargs="+", default=[999, 4999, 9999])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--baseline-permutations", type=int, default=999)
    args = parser.parse_args(argv)
    seeds = list(range(1, args.seeds + 1))
    figures: dict = {"seeds": seeds}
    with tempfile.TemporaryDirectory(prefix="bench_pockets_") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        villages_file, households_file = prepare(
            args.households, work,
            villages_cache=Path(args.villages_cache) if args.villages_cache else None,
            boundaries=args.boundaries,
            households_file=Path(args.households_file) if args.households_file else None)
        table, graph, graph_s = load(villages_file, households_file)
    values = table.set_index("village_code")["desil1_share"]
    base = table.set_index("village_code")["households"]
    figures["villages"] = len(table)
    figures["zero_share"] = float((values == 0).mean())
    print(f"villages {len(table):,}, desil1_share zero in {figures['zero_share']:.1%}, "
          f"neighbour graph {graph_s:.2f} s")

    # --- baseline: esda as before ---------------------------------------------------------
    counts, times = [], []
    for seed in seeds:
        start = time.perf_counter()
        old = esda_pockets(table, graph, values, permutations=args.baseline_permutations,
                           seed=seed)
        times.append(time.perf_counter() - start)
        counts.append(significant(old))
    old = esda_pockets(table, graph, values, permutations=args.baseline_permutations, seed=12345)
    scaled_old = esda_pockets(table, graph, values * 3, permutations=args.baseline_permutations,
                              seed=12345)
    figures["esda"] = {"permutations": args.baseline_permutations, "counts": counts,
                       "spread": spread(counts), "seconds": float(np.mean(times)),
                       "artefacts": artefacts(old, values, graph),
                       "scaled_by_3_changed": int((old["pocket"] != scaled_old["pocket"]).sum()
                                                  + (old["hotspot"] != scaled_old["hotspot"]).sum()),
                       "p_is_alpha_disagree": int(old["p_is_alpha_disagree"].sum())}
    esda_s = figures["esda"]["seconds"]
    print(f"esda {args.baseline_permutations} permutations: {esda_s:.2f} s per run (both "
          f"statistics), significant {counts}, spread {spread(counts):.1%}")
    print(f"esda artefacts: {figures['esda']['artefacts']}; labels changed by x3: "
          f"{figures['esda']['scaled_by_3_changed']}; pocket vs hot spot at p = alpha: "
          f"{figures['esda']['p_is_alpha_disagree']}")

    # --- ours: permutations x smoothing x correction over the seeds -----------------------
    figures["ours"] = {}
    for permutations in args.permutations:
        for smoothing in ("eb", "raw"):
            counts, fdr_counts, times = [], [], []
            for seed in seeds:
                start = time.perf_counter()
                result = find_pockets(table, values, permutations=permutations, seed=seed,
                                      smoothing=smoothing, base=base, graph=graph)
                times.append(time.perf_counter() - start)
                counts.append(significant(result.table))
                fdr = find_pockets(table, values, permutations=permutations, seed=seed,
                                   smoothing=smoothing, base=base, graph=graph,
                                   correction="fdr")
                fdr_counts.append(significant(fdr.table))
            key = f"{smoothing}_{permutations}"
            seconds = float(np.mean(times))
            figures["ours"][key] = {"counts": counts, "spread": spread(counts),
                                    "fdr_counts": fdr_counts, "seconds": seconds,
                                    "ratio_vs_esda": seconds / esda_s}
            print(f"ours {smoothing} {permutations}: {seconds:.2f} s per run "
                  f"(ratio ours/esda {seconds / esda_s:.1f}), significant {counts}, spread "
                  f"{spread(counts):.1%}; FDR {fdr_counts}")

    # --- artefacts and labels before/after, default settings ------------------------------
    default = max(args.permutations)
    for smoothing in ("raw", "eb"):
        new = find_pockets(table, values, permutations=default, seed=12345,
                           smoothing=smoothing, base=base, graph=graph).table
        scaled = find_pockets(table, values * 3, permutations=default, seed=12345,
                              smoothing="raw", graph=graph).table if smoothing == "raw" else None
        found = {"artefacts": artefacts(new, values, graph),
                 "before_after": pd.crosstab(old["pocket"], new["pocket"]).to_dict()}
        if scaled is not None:
            found["scaled_by_3_changed"] = int((new["pocket"] != scaled["pocket"]).sum()
                                               + (new["hotspot"] != scaled["hotspot"]).sum())
        figures[f"labels_{smoothing}"] = found
        print(f"ours {smoothing} {default}: artefacts {found['artefacts']}"
              + (f"; labels changed by x3: {found['scaled_by_3_changed']}" if scaled is not None
                 else ""))
        print(f"before (rows, esda) / after (columns, ours {smoothing}):\n"
              f"{pd.crosstab(old['pocket'], new['pocket'])}")

    # --- a rate with a regional pattern: where FDR has something to find -------------------
    pattern = structured_rate(table)
    figures["structured"] = {}
    for permutations in args.permutations:
        row = {}
        for correction in ("none", "fdr"):
            counts = [significant(find_pockets(table, pattern, permutations=permutations,
                                               seed=seed, smoothing="eb", base=base,
                                               graph=graph, correction=correction).table)
                      for seed in seeds]
            row[correction] = {"counts": counts, "spread": spread(counts)}
        figures["structured"][permutations] = row
        print(f"structured eb {permutations}: none {row['none']['counts']} spread "
              f"{row['none']['spread']:.1%}; FDR {row['fdr']['counts']} spread "
              f"{row['fdr']['spread']:.1%}")
    return figures


if __name__ == "__main__":
    main()
