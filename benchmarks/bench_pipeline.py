"""The whole ``rank`` pipeline at province scale, against the plain GeoPandas way, same run.

Run: ``python benchmarks/bench_pipeline.py --households 1000000``

Makes (once, in a child process so it does not count in the peak memory) the Jawa Timur
village layer as GeoParquet and ``--households`` synthetic households
(:mod:`households_gen`), then times, in this order and on the same files:

ours
    read boundaries (``read_villages``), read (``read_table``: Parquet numbers stay numbers), validate
    (the rest of ``read_households``), join (``join_households``: codes, locations,
    reconciliation), aggregate (``village_indicators``: desil, rates, exact MPI, targeting),
    score (``score_villages`` + ``select_focus``), pockets (``pockets_for``: Local Moran and
    Gi*, the config's permutations and EB rates), export (``run_rank``: reconciliation.json, four GeoJSON
    layers, focus_list.csv). Peak memory (``ru_maxrss``) is read right after. First on
    boundary files it has not seen, in a child process with a layer cache of its own (the
    quality checks run beside the join and the export, on threads that give way to them;
    ``export`` includes the wait for their end before the files are committed, ``checks``
    any wait left after; the neighbour pairs are computed): ``--first-runs`` times, each
    with a new cache, taken in turn with baseline 2. Then in this process with the first
    one's cache: the layer and its neighbour pairs cached.
baseline 1
    what a GIS analyst writes: ``pd.read_parquet`` -> ``gpd.points_from_xy`` -> ``gpd.sjoin``
    -> ``groupby`` (households, people, desil-1 and desil 1-4 counts and shares, deprivation
    shares). Ratio ours/baseline for join + aggregate.
baseline 2
    the same steps as ``rank``, the plain way: read both files, sjoin, groupby, libpysal Queen
    weights, ``esda.Moran_Local`` with 999 permutations, write the GeoJSON. Ratio end to end
    (for the first run, the median of the ratios of each first run to the baseline run taken
    beside it).
commands (``--commands N``)
    ``python -m geo rank`` on new boundary files and baseline 2 as a script, each a new
    process timed from start to exit (imports and esda's numba compile included), in turn.

Prints one line per stage and the ratios; ``main(argv)`` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402


#: issue 19's targets for the end-to-end ratio ours / plain script, measured in the same run
TARGET_FIRST_RUN = 1.0
TARGET_CACHED = 0.6


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def prepare(households: int, work: Path, *, villages_cache: Path | None = None,
            boundaries=None, households_file: Path | None = None, seed: int = 2024
            ) -> tuple[Path, Path]:
    """The village GeoParquet and the household Parquet, made by a child process if absent."""
    villages_cache = villages_cache or work / "villages.parquet"
    households_file = households_file or work / f"households_{households}.parquet"
    if not (villages_cache.exists() and households_file.exists()):
        cmd = [sys.executable, str(HERE / "households_gen.py"), "--households", str(households),
               "--out", str(households_file), "--villages-cache", str(villages_cache),
               "--seed", str(seed)]
        if boundaries:
            cmd += ["--boundaries", *map(str, boundaries)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    return villages_cache, households_file


class Clock:
    """Named stage timings (wall clock, seconds)."""

    def __init__(self):
        self.times: dict[str, float] = {}

    def __call__(self, name: str, func, *args, **kwargs):
        start = time.perf_counter()
        value = func(*args, **kwargs)
        self.times[name] = time.perf_counter() - start
        return value


def run_ours(villages_file: Path, households_file: Path, out_dir: Path) -> tuple[dict, dict]:
    """Our pipeline, stage by stage, as ``python -m geo rank`` runs it."""
    from geo.households.read import read_households, read_table
    from geo.boundaries.cache import read_villages_checked_later
    from geo.indicators.village import village_indicators
    from geo.join.match import join_households, rejected_rows
    from geo.pipeline.analysis import as_config, rescore, run_rank
    from geo.spatial.pockets import pockets_for
    from geo.pipeline.results import AnalysisResult, Method

    config = as_config(None)
    clock = Clock()
    # as `rank` does: through the layer cache; on a first read the quality checks run on a
    # thread of their own until the outputs are committed (run_rank waits for them)
    read_table(households_file)  # untimed: lazy imports and the page cache, as for the next
    # two; before the boundaries, so the checks' thread gets no untimed time to run in
    villages, pending = clock("read boundaries", read_villages_checked_later, [villages_file])
    clock("read", read_table, households_file)
    gc.collect()
    table, ingest = clock("read+validate", read_households, households_file)
    clock.times["validate"] = clock.times.pop("read+validate") - clock.times["read"]
    joined, reconciliation = clock("join", join_households, table, villages)
    del table
    indicators = clock("aggregate", village_indicators, joined, villages,
                       weights=config.mpi.weights, k=config.mpi.k)
    base = villages.merge(indicators, on="village_code", how="left", validate="one_to_one")
    pockets = clock("pockets", pockets_for, base, base, config)
    base = gpd.GeoDataFrame(base.merge(pockets.table, on="village_code", how="left"),
                            geometry="geometry", crs=villages.crs)
    result = AnalysisResult(villages=base,
                            reconciliation=replace(reconciliation, ingest=ingest),
                            boundary_report=pending,  # as analyse(wait_for_checks=False)
                            # as analyse() leaves it: indicators and pockets are computed above
                            method=Method(config=config.to_dict(), mpi_weights_used={}),
                            households=joined, rejected=rejected_rows(joined), pockets=pockets)
    result = clock("score", rescore, result, config)
    clock("export", run_rank, result, out_dir)  # commits once the checks have ended
    clock("checks", pending.result)  # nothing left to wait for: run_rank waited
    figures = {
        "households": int(reconciliation.rows_in),
        "villages": len(villages),
        "outcomes": reconciliation.outcomes,
        "pockets": pockets.counts,
        "peak_mb": peak_mb(),
    }
    return clock.times, figures


def _plain_aggregate(sj: pd.DataFrame) -> pd.DataFrame:
    """groupby as an analyst writes it: counts, sums and means per village."""
    from geo.households.schema import DEPRIVATIONS

    sj = sj.assign(d1=sj["desil"].eq(1), d14=sj["desil"].le(4))
    agg = sj.groupby("village_code_right").agg(
        households=("household_id", "count"), people=("members", "sum"),
        desil1_households=("d1", "sum"), desil14_households=("d14", "sum"),
        **{f"rate_{d}": (d, "mean") for d in DEPRIVATIONS},
    )
    agg["desil1_share"] = agg["desil1_households"] / agg["households"]
    agg["desil14_share"] = agg["desil14_households"] / agg["households"]
    return agg


def run_baseline1(villages_file: Path, households_file: Path) -> dict:
    """read_parquet -> points_from_xy -> sjoin -> groupby."""
    clock = Clock()
    villages = gpd.read_parquet(villages_file)
    hh = clock("read", pd.read_parquet, households_file)
    start = time.perf_counter()
    points = gpd.GeoDataFrame(hh, geometry=gpd.points_from_xy(hh["longitude"], hh["latitude"]),
                              crs=4326)
    sj = gpd.sjoin(points, villages[["village_code", "geometry"]], how="inner",
                   predicate="within")
    clock.times["join"] = time.perf_counter() - start
    clock("aggregate", _plain_aggregate, sj)
    return clock.times


def _warm_esda() -> None:
    """One untimed Local Moran on a ring of 12: with numba installed esda compiles its
    permutation kernel on first use, and the script's time should be its steady state (ours
    loads its compiled kernel from numba's cache, and that load is in ours)."""
    import esda
    import numpy as np
    from libpysal.weights import W

    n = 12
    w = W({i: [(i - 1) % n, (i + 1) % n] for i in range(n)}, silence_warnings=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        esda.Moran_Local(np.arange(n, dtype=float), w, permutations=9, seed=1)


def run_baseline2(villages_file: Path, households_file: Path, out_dir: Path,
                  permutations: int = 999) -> dict:
    """The ``rank`` steps the plain way: sjoin, groupby, Queen weights, Local Moran, GeoJSON."""
    import esda
    from libpysal.weights import Queen

    _warm_esda()
    clock = Clock()
    start = time.perf_counter()
    villages = gpd.read_parquet(villages_file)
    hh = pd.read_parquet(households_file)
    clock.times["read"] = time.perf_counter() - start
    start = time.perf_counter()
    points = gpd.GeoDataFrame(hh, geometry=gpd.points_from_xy(hh["longitude"], hh["latitude"]),
                              crs=4326)
    sj = gpd.sjoin(points, villages[["village_code", "geometry"]], how="inner",
                   predicate="within")
    agg = _plain_aggregate(sj)
    clock.times["join+aggregate"] = time.perf_counter() - start
    gdf = villages.merge(agg, left_on="village_code", right_index=True, how="left")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = clock("queen", Queen.from_dataframe, gdf, use_index=False, silence_warnings=True)
        w.transform = "r"
        y = gdf["desil1_share"].fillna(0).to_numpy()
        lisa = clock("local moran", esda.Moran_Local, y, w, permutations=permutations,
                     seed=12345)
    gdf["lisa_q"] = lisa.q
    gdf["lisa_p"] = lisa.p_sim
    path = out_dir / "baseline_villages.geojson"
    clock("export", gdf.to_file, path, driver="GeoJSON")
    return clock.times


def first_run(villages_file: Path, households_file: Path, out_dir: Path,
              cache_dir: Path) -> tuple[dict, float]:
    """:func:`run_ours` on boundary files the layer cache (``cache_dir``, new) has not seen,
    in a child process (its stage times and peak memory): every first run starts as ``rank``
    does, in a process that has not yet loaded the compiled kernel or the exporters, and none
    finds another's cache."""
    out = _child([sys.executable, __file__, "--first-run-child", str(villages_file),
                  str(households_file), str(out_dir)], cache_dir)
    child = json.loads(out.strip().splitlines()[-1])
    return child["times"], child["peak_mb"]


def _child(cmd: list[str], cache_dir: Path) -> str:
    """Run ``cmd`` with its own layer cache; its output, or its error output and the error."""
    done = subprocess.run(cmd, cwd=HERE.parent, capture_output=True, text=True,
                          env={**os.environ, "PPM_CACHE_DIR": str(cache_dir)})
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise subprocess.CalledProcessError(done.returncode, cmd)
    return done.stdout


def _first_run_child(villages_file: str, households_file: str, out_dir: str) -> None:
    times, figures = run_ours(Path(villages_file), Path(households_file), Path(out_dir))
    print(json.dumps({"times": times, "peak_mb": figures["peak_mb"]}))


def as_commands(villages_file: Path, households_file: Path, out_dir: Path, cache_dir: Path,
                permutations: int) -> tuple[float, float]:
    """Seconds from process start to exit of ``python -m geo rank`` on boundary files its
    layer cache (``cache_dir``, new) has not seen, then of the plain script run as a script:
    what each costs the person who types it, imports and compiles included (esda compiles its
    permutation kernel in every new process: numba's cache is not asked for)."""
    rank = [sys.executable, "-m", "geo", "rank", "--boundaries", str(villages_file),
            "--households", str(households_file), "--out", str(out_dir / "rank")]
    plain = [sys.executable, __file__, "--plain-script-child", str(villages_file),
             str(households_file), str(out_dir), str(permutations)]
    seconds = []
    for cmd in (rank, plain):
        start = time.perf_counter()
        _child(cmd, cache_dir)
        seconds.append(time.perf_counter() - start)
    return seconds[0], seconds[1]


def _median_run(runs: list[dict]) -> dict:
    """The run whose total is the median (the lower middle one of an even count)."""
    return sorted(runs, key=lambda times: sum(times.values()))[(len(runs) - 1) // 2]


def _line(name: str, times: dict) -> str:
    parts = ", ".join(f"{k} {v:.2f}" for k, v in times.items())
    return f"{name}: {parts} (s)"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--work", help="folder for the generated inputs and outputs "
                        "(default: a temporary folder)")
    parser.add_argument("--villages-cache", help="GeoParquet of the village layer (made once)")
    parser.add_argument("--households-file", help="use this household Parquet")
    parser.add_argument("--boundaries", nargs="*", help="boundary files (default: Jawa Timur)")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of ours (layer cached) and of both baselines, taken in turn; "
                        "the run with the median total of each is reported (first runs: "
                        "--first-runs)")
    parser.add_argument("--first-runs", type=int, default=1,
                        help="first runs of ours, each in a new process with a new layer "
                        "cache, taken in turn with baseline 2; the median of their ratios is "
                        "reported, and each")
    parser.add_argument("--permutations", type=int, default=999,
                        help="baseline 2's permutations (ours: the config's)")
    parser.add_argument("--commands", type=int, default=0,
                        help="also time `python -m geo rank` on new boundary files and the "
                        "plain script, each as a new process, this many times in turn")
    parser.add_argument("--first-run-child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--plain-script-child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_run_child:
        _first_run_child(*args.first_run_child)
        return {}
    if args.plain_script_child:
        *paths, permutations = args.plain_script_child
        run_baseline2(*map(Path, paths), int(permutations))
        return {}
    with tempfile.TemporaryDirectory(prefix="bench_pipeline_") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        villages_file, households_file = prepare(
            args.households, work,
            villages_cache=Path(args.villages_cache) if args.villages_cache else None,
            boundaries=args.boundaries,
            households_file=Path(args.households_file) if args.households_file else None)
        baseline_mb = peak_mb()
        # each first run gets a layer cache of its own, so it is a first read even when
        # --work is reused (the layer and its neighbour pairs are cached there); the first
        # one's cache is the one the cached runs find
        caches = [Path(tempfile.mkdtemp(prefix="layer_cache_", dir=tmp))
                  for _ in range(max(1, args.first_runs))]
        os.environ["PPM_CACHE_DIR"] = str(caches[0])
        runs = {"first": [], "first_peak_mb": [], "ours": [], "baseline1": [], "baseline2": []}
        for turn in range(max(len(caches), args.repeat, 1)):  # each side in turn, so noise
            if turn < len(caches):                             # hits both alike
                # the first read (quality checks beside the join) fills its layer cache,
                # and the first pockets its neighbour pairs
                times, peak = first_run(villages_file, households_file, work / "ours",
                                        caches[turn])
                runs["first"].append(times)
                runs["first_peak_mb"].append(peak)
            if turn < max(1, args.repeat):
                gc.collect()
                times, figures = run_ours(villages_file, households_file, work / "ours")
                runs["ours"].append(times)
                gc.collect()
                runs["baseline1"].append(run_baseline1(villages_file, households_file))
            gc.collect()
            runs["baseline2"].append(run_baseline2(villages_file, households_file, work,
                                                   args.permutations))
        commands = [as_commands(villages_file, households_file, work,
                                Path(tempfile.mkdtemp(prefix="layer_cache_", dir=tmp)),
                                args.permutations) for _ in range(max(0, args.commands))]
        ratios = [sum(o.values()) / sum(b.values())
                  for o, b in zip(runs["ours"], runs["baseline2"])]
        first_ratios = [sum(f.values()) / sum(b.values())
                        for f, b in zip(runs["first"], runs["baseline2"])]
        ours, base1, base2, first = (_median_run(runs[side]) for side in (
            "ours", "baseline1", "baseline2", "first"))
        first_read = first["read boundaries"] + first["checks"]

    ours_total = sum(ours.values())
    ours_ja = ours["join"] + ours["aggregate"]
    base1_ja = base1["join"] + base1["aggregate"]
    base2_total = sum(base2.values())
    figures.update({
        "ours": ours, "baseline1": base1, "baseline2": base2,
        "ratio_join_aggregate": ours_ja / base1_ja,
        "ratio_end_to_end": ours_total / base2_total,
        "start_mb": baseline_mb,
        "first_boundary_read": first_read,
        "ours_first_run": first,
        "ratios_cached_each_run": ratios,
        "ratios_first_each_run": first_ratios,
        "ratio_end_to_end_first_run": float(np.median(first_ratios)),
        "peak_mb_first_run": max(runs["first_peak_mb"]),
        "commands": [{"rank_s": r, "plain_s": p} for r, p in commands],
    })
    if commands:
        figures["ratio_commands_first_run"] = float(np.median([r / p for r, p in commands]))
    print(f"{figures['households']:,} households over {figures['villages']:,} villages")
    print("outcomes:", figures["outcomes"])
    print(_line("ours, first run", first) + f"; total {sum(first.values()):.2f} s")
    print(_line("ours, layer cached", ours) + f"; total {ours_total:.2f} s")
    print(f"ours peak memory: first run {figures['peak_mb_first_run']:.0f} MB (its own "
          f"process), layer cached {figures['peak_mb']:.0f} MB (process, after the runs; "
          f"{baseline_mb:.0f} MB before)")
    print(_line("baseline 1 (read_parquet, points_from_xy, sjoin, groupby)", base1))
    print(f"join + aggregate: ours {ours_ja:.2f} s, baseline 1 {base1_ja:.2f} s, "
          f"ratio ours/baseline {figures['ratio_join_aggregate']:.2f}")
    print(_line("baseline 2 (read, sjoin, groupby, Queen, Moran_Local, GeoJSON)", base2)
          + f"; total {base2_total:.2f} s")
    print(f"end to end: ours {ours_total:.2f} s, baseline 2 {base2_total:.2f} s, "
          f"ratio ours/baseline {figures['ratio_end_to_end']:.2f} (boundary layer cached)")
    if len(ratios) > 1:
        print(f"{len(ratios)} runs, layer cached, ratio ours/baseline 2 in each: "
              + ", ".join(f"{r:.2f}" for r in ratios))
    if len(first_ratios) > 1:
        print(f"{len(first_ratios)} first runs, each in a new process and layer cache, ratio "
              f"ours/baseline 2 in each: " + ", ".join(f"{r:.2f}" for r in first_ratios))
    print(f"first run on new boundary files (read {first['read boundaries']:.2f} s, "
          f"quality checks beside the rest until the export commits; neighbour pairs computed): "
          f"ratio ours/baseline {figures['ratio_end_to_end_first_run']:.2f}"
          + (" (median)" if len(first_ratios) > 1 else ""))
    if commands:
        print(f"as commands, each a new process (imports, compiles and the checks included), "
              f"{len(commands)} in turn: `geo rank` on new boundary files / plain script "
              + ", ".join(f"{r:.1f} s / {p:.1f} s" for r, p in commands)
              + f"; ratio {figures['ratio_commands_first_run']:.2f}"
              + (" (median)" if len(commands) > 1 else ""))
    print(f"RATIOS ours / plain script (same run): first run "
          f"{figures['ratio_end_to_end_first_run']:.2f} (target <= {TARGET_FIRST_RUN}), "
          f"layer cached {figures['ratio_end_to_end']:.2f} (target <= {TARGET_CACHED})")
    return figures


if __name__ == "__main__":
    main()
