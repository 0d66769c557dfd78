"""National scale: Jawa Timur replicated to ~83,000 villages, ranked through the Dask back end.

Run: ``python benchmarks/bench_national.py --copies 10 --households 1000000
--villages-cache /tmp/jatim.parquet --work /tmp/national``

Builds (once, into ``--work``) a layer of ``--copies`` copies of the Jawa Timur layer, each
shifted east by the layer's width plus half a degree and given its own province code (10
copies: 84,940 villages, about Indonesia's 83,000), and a partitioned synthetic registry over
it (:mod:`households_gen`). Then, timed in this run:

first boundary read
    ``read_villages_cached`` of the new layer: the quality checks (overlaps, gaps), computed
    once and cached with the layer;
rank on Dask
    :func:`geo.pipeline.analysis.analyse` with ``dask=True`` (a local cluster) on the cached
    layer: join and aggregate on the workers, score and pockets in this process; peak memory
    of this process plus the workers (psutil);
baseline
    the same analysis on one copy (Jawa Timur alone), same run: the ratio per village says
    how far from linear the national run is;
map payload
    the GeoJSON string of the ranked layer (code + geometry) at full detail and simplified per
    zoom level (:func:`geo.presentation.display.level_of_detail`).

``main(argv)`` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import geopandas as gpd  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from bench_dask import MemoryWatch, prepare as prepare_registry  # noqa: E402

ZOOMS = (6, 8, 10, 12)


def national_layer(villages: gpd.GeoDataFrame, copies: int) -> gpd.GeoDataFrame:
    """``copies`` copies of ``villages`` side by side (east), province codes 35, 11, 12, ..."""
    minx, _, maxx, _ = villages.total_bounds
    step = (maxx - minx) + 0.5
    provinces = ["35"] + [f"{p}" for p in range(11, 11 + copies) if p != 35][:copies - 1]
    parts = []
    for k, province in enumerate(provinces):
        copy = villages.copy()
        copy["geometry"] = shapely.transform(villages.geometry.values,
                                             lambda xy, dx=k * step: xy + [dx, 0.0])
        for column in [c for c in copy.columns if c.endswith("_code") and c != "geometry"]:
            codes = copy[column].astype("string")
            copy[column] = province + codes.str.slice(2)
        parts.append(copy)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=villages.crs)


def payload(layer: gpd.GeoDataFrame) -> dict:
    """GeoJSON characters of the map layer (code + geometry), full and per zoom level."""
    from geo.presentation.display import level_of_detail

    shapes = layer[["village_code", "geometry"]]
    sizes = {"full": len(shapes.to_json())}
    vertices = {"full": int(shapely.get_num_coordinates(shapes.geometry.values).sum())}
    for zoom, lod in level_of_detail(shapes, ZOOMS).items():
        sizes[f"z{zoom}"] = len(lod.shapes.to_json())
        vertices[f"z{zoom}"] = lod.vertices_out
    return {"chars": sizes, "vertices": vertices}


def rank_on_dask(layer_file: Path, registry: Path, workers: int) -> tuple[dict, object]:
    """First (quality) read, then ``analyse(..., dask=True)``: seconds and peak memory."""
    from geo.boundaries.cache import read_villages_cached
    from geo.pipeline.analysis import analyse

    start = time.perf_counter()
    read_villages_cached([layer_file])
    first_read = time.perf_counter() - start
    with MemoryWatch() as memory:
        start = time.perf_counter()
        result = analyse([layer_file], registry, dask=True)
        seconds = time.perf_counter() - start
    return {"first_read_s": first_read, "rank_s": seconds,
            "peak_mb": memory.peak_bytes / 2**20}, result


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--chunk", type=int, default=500_000, help="rows per registry file")
    parser.add_argument("--villages-cache", required=True,
                        help="GeoParquet of the layer to replicate (Jawa Timur)")
    parser.add_argument("--work", help="folder for the generated inputs (default: temporary)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the one-copy run (it doubles the time)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_national_") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        os.environ["PPM_CACHE_DIR"] = str(work / "layer_cache")
        base = gpd.read_parquet(args.villages_cache)
        runs = {}
        sizes = [args.copies] if args.no_baseline else [1, args.copies]
        for copies in sizes:
            layer_file = work / f"villages_x{copies}.parquet"
            if not layer_file.exists():
                national_layer(base, copies).to_parquet(layer_file)
            households = max(1, args.households * copies // args.copies)
            registry = work / f"registry_x{copies}_{households}"
            registry.mkdir(exist_ok=True)
            prepare_registry(households, registry, layer_file, chunk=args.chunk)
            figures, result = rank_on_dask(layer_file, registry, args.workers)
            figures.update(villages=len(result.villages), households=households,
                           ranked=int(result.villages["rank"].notna().sum())
                           if "rank" in result.villages else 0,
                           pockets=result.pockets.counts if result.pockets else {},
                           payload=payload(result.villages))
            runs[copies] = figures
    for copies, f in runs.items():
        print(f"{copies} x the layer: {f['villages']:,} villages, {f['households']:,} "
              f"households; first boundary read (quality checks) {f['first_read_s']:.1f} s; "
              f"rank on Dask {f['rank_s']:.1f} s; peak memory {f['peak_mb']:,.0f} MB")
        chars = f["payload"]["chars"]
        print("  map payload (GeoJSON characters, code + geometry): "
              + ", ".join(f"{k} {v / 1e6:.1f} M" for k, v in chars.items())
              + f"; zoom 8 is {chars['z8'] / chars['full']:.0%} of full detail")
    figures = {"runs": runs}
    if len(runs) == 2:
        one, many = runs[1], runs[args.copies]
        per_village = (many["rank_s"] / many["villages"]) / (one["rank_s"] / one["villages"])
        figures["ratio_per_village"] = per_village
        print(f"rank seconds per village, {args.copies} copies vs 1 (same run): "
              f"{per_village:.2f} (1.00 = linear)")
    return figures


if __name__ == "__main__":
    main()
