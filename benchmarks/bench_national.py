"""National scale: Jawa Timur replicated to ~83,000 villages, ranked through the Dask back end.

Run: ``python benchmarks/bench_national.py --copies 10 --households 1000000
--villages-cache /tmp/jatim.parquet --work /tmp/national``

Builds (once, into ``--work``) a layer of ``--copies`` copies of the Jawa Timur layer, each
shifted east by the layer's width plus half a degree and given a province code that no real
province has (41, 42, ...: :data:`SPARE_PROVINCES`; 10 copies: 84,940 villages, about
Indonesia's 83,000), and a partitioned synthetic registry over it (:mod:`households_gen`,
households in proportion to the copies). Then, timed in this run, for one copy (the same-run
baseline) and for all copies:

first boundary read
    ``read_villages_cached`` of the new layer with the options :func:`analyse` passes, so
    that the rank below reads the cached layer: the quality checks (overlaps, gaps), computed
    once and cached with the layer;
rank on Dask, by stage
    :func:`geo.pipeline.analysis.analyse` with ``dask=True`` (a local cluster) on the cached
    layer: read, neighbour graph, cluster start, join and aggregate on the workers, pockets,
    score and rank (each stage's function wrapped by a clock, :class:`StageClock`); peak memory
    of this process plus the workers (psutil);
map payload per zoom level
    the GeoJSON characters of the ranked layer (code + geometry) at full detail and the bytes
    of the app's map data (:func:`geo.presentation.webmap.choropleth_map`: colour, name
    tooltip) simplified for each zoom level of the level-of-detail scheme
    (:func:`geo.presentation.display.level_of_detail`, half a pixel per zoom), from the zoom
    the whole layer opens at (:func:`geo.presentation.display.fit_zoom`, 1280 x 800) to 12,
    for the whole layer and for the heaviest 1280 x 800 view at that zoom
    (:func:`densest_view`: what a map sending only the villages in view would send);
first paint
    that map at the opening zoom in headless Debian Chromium (``bench_map.first_paint``:
    served from localhost, median of ``--paint-runs`` cold loads; requests outside localhost
    are counted and must be zero); ``--no-paint`` skips it.

The ratio per village (national seconds per village over one copy's) says how far from
linear each figure is. ``main(argv)`` returns the figures as a dict.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import geopandas as gpd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402

from bench_dask import MemoryWatch, prepare as prepare_registry  # noqa: E402
from geo.pipeline.analysis import boundary_read_options  # noqa: E402

#: Zoom levels of the level-of-detail scheme past the opening one (the opening one is added).
ZOOMS = (6, 8, 10, 12)

#: Two-digit prefixes that are no Kemendagri province (the real ones: 11-19, 21, 31-36,
#: 51-53, 61-65, 71-76, 81-82, 91-96). A copy coded 11 would be read as Aceh: its codes then
#: meet the code history and the Kemendagri names of real villages.
SPARE_PROVINCES = tuple(str(p) for p in (*range(41, 50), *range(37, 41), *range(22, 31),
                                         *range(54, 61), *range(66, 71), *range(77, 81),
                                         *range(83, 91), *range(97, 100)))

#: The reading options :func:`geo.pipeline.analysis.analyse` passes by default: the cache key
#: includes them, so the first read must pass the same ones for the rank to hit the cache.
ANALYSE_READ_OPTIONS = boundary_read_options()

#: Stage name -> (module, function) timed inside ``analyse(..., dask=True)``.
STAGES = {
    "read boundaries (cached)": ("geo.pipeline.analysis", "read_villages_checked_later"),
    "neighbour graph": ("geo.pipeline.analysis", "build_neighbours"),
    "Dask: cluster start": ("geo.scale.dask_backend", "_client"),
    "Dask: read, validate, join, aggregate": ("geo.scale.dask_backend", "_run"),
    "pockets": ("geo.pipeline.analysis", "pockets_for"),
    "score and rank": ("geo.pipeline.analysis", "_ranked"),
}


def national_layer(villages: gpd.GeoDataFrame, copies: int) -> gpd.GeoDataFrame:
    """``copies`` copies of ``villages`` side by side (east); the first keeps its codes, the
    others get the spare province codes 41, 42, ... (:data:`SPARE_PROVINCES`)."""
    if copies - 1 > len(SPARE_PROVINCES):
        raise ValueError(f"at most {len(SPARE_PROVINCES) + 1} copies")
    minx, _, maxx, _ = villages.total_bounds
    step = (maxx - minx) + 0.5
    parts = []
    for k in range(copies):
        copy = villages.copy()
        copy["geometry"] = shapely.transform(villages.geometry.values,
                                             lambda xy, dx=k * step: xy + [dx, 0.0])
        if k:
            for column in [c for c in copy.columns if c.endswith("_code")]:
                codes = copy[column].astype("string")
                copy[column] = SPARE_PROVINCES[k - 1] + codes.str.slice(2)
        parts.append(copy)
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry",
                            crs=villages.crs)


class StageClock:
    """Seconds spent in each of :data:`STAGES` while the clock is on (functions wrapped with
    ``mock.patch``; a stage called twice adds up)."""

    def __init__(self):
        self.seconds: dict[str, float] = {name: 0.0 for name in STAGES}
        self._stack = contextlib.ExitStack()

    def _wrap(self, name, function):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] += time.perf_counter() - start
        return timed

    def __enter__(self):
        import importlib

        for name, (module_name, attribute) in STAGES.items():
            module = importlib.import_module(module_name)
            self._stack.enter_context(mock.patch.object(
                module, attribute, self._wrap(name, getattr(module, attribute))))
        return self

    def __exit__(self, *exc):
        self._stack.close()


def rank_on_dask(layer_file: Path, registry: Path) -> tuple[dict, object]:
    """First (quality) read, then ``analyse(..., dask=True)`` by stage, and peak memory."""
    from geo.boundaries.cache import read_villages_cached
    from geo.pipeline.analysis import analyse

    start = time.perf_counter()
    _, report = read_villages_cached([layer_file], **ANALYSE_READ_OPTIONS)
    first_read = time.perf_counter() - start
    with MemoryWatch() as memory, StageClock() as clock:
        start = time.perf_counter()
        result = analyse([layer_file], registry, dask=True)
        seconds = time.perf_counter() - start
    stages = dict(clock.seconds)
    stages["other (tables, merges, cluster close)"] = seconds - sum(stages.values())
    return {"first_read_s": first_read, "first_read_cache": report.cache,
            "rank_cache": result.boundary_report.cache, "rank_s": seconds, "stages": stages,
            "peak_mb": memory.peak_bytes / 2**20}, result


def map_levels(layer: gpd.GeoDataFrame, zooms) -> dict:
    """Per zoom level: the layer simplified (:func:`level_of_detail`), its GeoJSON characters
    (code + geometry), vertices and the app's map data in bytes; ``"full"``: no
    simplification. Also the seconds the simplification of all levels took."""
    from geo.presentation.display import level_of_detail
    from geo.presentation.webmap import choropleth_map, map_payload_bytes

    shapes = layer[["village_code", "village_name", "geometry"]]
    colours = _colours(layer)
    tooltip = {"Desa": "village_name"}
    levels = {"full": {"geojson_chars": len(shapes[["village_code", "geometry"]].to_json()),
                       "vertices": int(shapely.get_num_coordinates(shapes.geometry.values).sum())}}
    start = time.perf_counter()
    lods = level_of_detail(shapes, zooms)
    simplify_s = time.perf_counter() - start
    maps = {}
    for zoom, lod in lods.items():
        m = choropleth_map(lod.shapes, colours, tooltip)
        maps[zoom] = m
        in_view = densest_view(lod.shapes, zoom)
        levels[f"z{zoom}"] = {
            "geojson_chars": len(lod.shapes[["village_code", "geometry"]].to_json()),
            "vertices": lod.vertices_out, "map_bytes": map_payload_bytes(m),
            "method": lod.method, "view_villages": len(in_view),
            "view_map_bytes": map_payload_bytes(choropleth_map(in_view, colours, tooltip))}
    return {"levels": levels, "simplify_s": simplify_s, "maps": maps}


def densest_view(shapes: gpd.GeoDataFrame, zoom: int, candidates: int = 200) -> gpd.GeoDataFrame:
    """The villages a 1280 x 800 map shows at ``zoom`` where the layer is heaviest (most
    vertices in view, over ``candidates`` centres spread through the villages): what a map
    that sends only the villages in view must send at most."""
    from geo.presentation.display import view_bounds

    geoms = shapes.geometry.values
    tree = shapely.STRtree(geoms)
    weight = shapely.get_num_coordinates(geoms)
    centres = shapely.centroid(geoms[np.linspace(0, len(geoms) - 1, min(candidates, len(geoms)),
                                                 dtype=int)])
    best, best_weight = np.arange(len(geoms)), -1
    for x, y in zip(shapely.get_x(centres), shapely.get_y(centres)):
        hit = tree.query(shapely.box(*view_bounds(x, y, zoom)), predicate="intersects")
        if weight[hit].sum() > best_weight:
            best, best_weight = hit, weight[hit].sum()
    return shapes.iloc[np.sort(best)]


def _colours(layer: gpd.GeoDataFrame) -> pd.Series:
    """Five quantile classes of the score (what the map colours by); grey without a score."""
    from geo.presentation.display import classify

    values = layer["score"] if "score" in layer else pd.Series(np.nan, index=layer.index)
    return classify(values, "quantiles", 5, indicator="score").colours


def run_one(base: gpd.GeoDataFrame, copies: int, households: int, work: Path, *, chunk: int,
            paint: bool, paint_runs: int) -> dict:
    """Every figure for ``copies`` copies of ``base``."""
    from geo.presentation.display import fit_zoom

    layer_file = work / f"villages_x{copies}.parquet"
    if not layer_file.exists():
        national_layer(base, copies).to_parquet(layer_file)
    registry = work / f"registry_x{copies}_{households}"
    registry.mkdir(exist_ok=True)
    prepare_registry(households, registry, layer_file, chunk=chunk)
    figures, result = rank_on_dask(layer_file, registry)
    villages = result.villages
    opening = fit_zoom(villages.total_bounds)
    zooms = sorted({opening, *(z for z in ZOOMS if z > opening)})
    levels = map_levels(villages, zooms)
    figures.update(villages=len(villages), households=households, opening_zoom=opening,
                   ranked=int(villages["rank"].notna().sum()) if "rank" in villages else 0,
                   pockets=result.pockets.counts if result.pockets else {},
                   payload=levels["levels"], simplify_s=levels["simplify_s"])
    if paint:
        from bench_map import first_paint

        html = levels["maps"][opening].to_html()
        seconds, canvases, svg_paths, outside = first_paint(html, runs=paint_runs)
        figures["paint"] = {"first_paint_s": seconds, "html_bytes": len(html.encode("utf-8")),
                            "canvas_layers": canvases, "svg_paths": svg_paths,
                            "outside_requests": outside}
    return figures


def report(runs: dict, copies: int) -> dict:
    """Print the figures of each run and the per-village ratios; return the ratios."""
    for n, f in runs.items():
        print(f"{n} x the layer: {f['villages']:,} villages, {f['households']:,} households; "
              f"first boundary read (quality checks, cache {f['first_read_cache']}) "
              f"{f['first_read_s']:.1f} s; rank on Dask {f['rank_s']:.1f} s (layer cache "
              f"{f['rank_cache']}); peak memory {f['peak_mb']:,.0f} MB")
        for stage, seconds in f["stages"].items():
            print(f"    {stage:<42} {seconds:7.1f} s")
        print(f"  map, opening zoom {f['opening_zoom']} (1280 x 800); level of detail built in "
              f"{f['simplify_s']:.1f} s:")
        for level, p in f["payload"].items():
            app = (f", app map data {p['map_bytes'] / 1e6:6.1f} MB; densest view "
                   f"{p['view_villages']:,} villages, {p['view_map_bytes'] / 1e6:.1f} MB"
                   if "map_bytes" in p else "")
            print(f"    {level:<5} GeoJSON {p['geojson_chars'] / 1e6:6.1f} M characters, "
                  f"{p['vertices']:>10,} vertices{app}")
        if "paint" in f:
            p = f["paint"]
            print(f"  first paint at zoom {f['opening_zoom']} in headless Chromium: "
                  f"{p['first_paint_s']:.2f} s (page {p['html_bytes'] / 1e6:.1f} MB, "
                  f"{p['canvas_layers']} canvas, {len(p['outside_requests'])} requests "
                  f"outside localhost)")
    ratios = {}
    if len(runs) == 2:
        one, many = runs[1], runs[copies]
        scale = many["villages"] / one["villages"]
        ratios = {"rank": many["rank_s"] / one["rank_s"] / scale,
                  "first_read": many["first_read_s"] / one["first_read_s"] / scale,
                  "peak_memory": many["peak_mb"] / one["peak_mb"] / scale}
        ratios["stages"] = {stage: many["stages"][stage] / max(one["stages"][stage], 1e-3) / scale
                            for stage in one["stages"]}
        print(f"seconds per village, {copies} copies vs 1 (same run; 1.00 = linear): rank "
              f"{ratios['rank']:.2f}, first boundary read {ratios['first_read']:.2f}; memory "
              f"per village {ratios['peak_memory']:.2f}")
        print("  by stage: " + ", ".join(f"{k} {v:.2f}" for k, v in ratios["stages"].items()))
        if "paint" in one and "paint" in many:
            ratios["first_paint"] = (many["paint"]["first_paint_s"]
                                     / one["paint"]["first_paint_s"])
            print(f"first paint {copies} copies at zoom {many['opening_zoom']} vs 1 copy at "
                  f"zoom {one['opening_zoom']}: {ratios['first_paint']:.2f} x")
    return ratios


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--households", type=int, default=1_000_000,
                        help="households of the national run (the one-copy run gets its share)")
    parser.add_argument("--chunk", type=int, default=500_000, help="rows per registry file")
    parser.add_argument("--villages-cache", required=True,
                        help="GeoParquet of the layer to replicate (Jawa Timur)")
    parser.add_argument("--work", help="folder for the generated inputs (default: temporary)")
    parser.add_argument("--no-baseline", action="store_true",
                        help="skip the one-copy run (no per-village ratios)")
    parser.add_argument("--no-paint", action="store_true", help="skip the browser")
    parser.add_argument("--paint-runs", type=int, default=3, help="cold loads (median)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="bench_national_") as tmp:
        work = Path(args.work or tmp)
        work.mkdir(parents=True, exist_ok=True)
        os.environ["PPM_CACHE_DIR"] = str(work / "layer_cache")
        base = gpd.read_parquet(args.villages_cache)
        runs = {}
        for copies in [args.copies] if args.no_baseline else [1, args.copies]:
            households = max(1, args.households * copies // args.copies)
            runs[copies] = run_one(base, copies, households, work, chunk=args.chunk,
                                   paint=not args.no_paint, paint_runs=args.paint_runs)
    return {"runs": runs, "ratios": report(runs, args.copies)}


if __name__ == "__main__":
    main()
