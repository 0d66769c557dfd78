"""Map payload and first paint for all of Jawa Timur (8,494 villages) in headless Chromium.

Run: ``python benchmarks/bench_map.py [KEL_DIR] [--any-count] [--results DIR]``. Targets
(issue 5): payload under 5 MB and first paint under 3 s. Steps timed separately: reading the 38
dumps, display simplification, classification, building the map (``VillageMap``); then the map page
is served from a local HTTP server laid out like the app (``/component/<name>/index.html``
beside ``/app/static/leaflet``, so the map's relative Leaflet URLs resolve the same way) and
opened in Debian's Chromium. First paint = time from navigation to two animation frames after
the load event (the map data is inline, so by then Leaflet has drawn every village on its
canvas). The indicator values are synthetic (seeded); results (``bench_map.json`` and a
screenshot) go to ``benchmarks/results/`` (gitignored) or ``--results DIR``. ``--any-count``
runs on however many ``wilayah_boundaries_kel_35.*.sql`` dumps KEL_DIR holds (small runs, e.g.
Kota Malang alone in ``tests/test_benchmarks_scripts.py``). Exit status 0 only if both targets
are met and nothing was requested outside localhost.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.boundaries.read import read_villages  # noqa: E402
from geo.presentation.display import classify, simplify_for_display  # noqa: E402
from geo.presentation.offline import ensure_leaflet_assets  # noqa: E402
from geo.presentation.webmap import choropleth_map  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "wilayah_boundaries" / "kel"
RESULTS = ROOT / "benchmarks" / "results"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
PAYLOAD_TARGET_MB = 5.0
PAINT_TARGET_S = 3.0


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<44} {seconds:7.2f} s")
    return result, seconds


def first_paint(html: str, runs: int = 3,
                screenshot: Path | None = None) -> tuple[float, int, int, list[str]]:
    """Median seconds to first paint over ``runs`` cold loads, the canvas count, the count of
    SVG village paths (maps under ``geo.presentation.webmap.CANVAS_FROM`` villages draw SVG), outside requests.

    ``screenshot``: where to save a picture of the first load (none if not given)."""
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        ensure_leaflet_assets(root / "app" / "static")
        page_dir = root / "component" / "map"
        page_dir.mkdir(parents=True)
        (page_dir / "index.html").write_text(html, encoding="utf-8")
        handler = functools.partial(_QuietHandler, directory=str(root))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/component/map/index.html"
        outside: list[str] = []
        times = []
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for run in range(runs):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    context.on("request", lambda r: r.url.startswith("http://127.0.0.1") or
                               outside.append(r.url))
                    page = context.new_page()
                    page.goto(url, wait_until="load", timeout=120_000)
                    painted_ms = page.evaluate(
                        "() => new Promise(r => requestAnimationFrame(() => "
                        "requestAnimationFrame(() => r(performance.now()))))")
                    times.append(painted_ms / 1000)
                    canvases = page.locator("canvas.leaflet-zoom-animated").count()
                    svg_paths = page.locator("path.leaflet-interactive").count()
                    if run == 0 and screenshot is not None:
                        screenshot.parent.mkdir(parents=True, exist_ok=True)
                        page.screenshot(path=str(screenshot))
                    context.close()
                browser.close()
        finally:
            server.shutdown()
    return float(np.median(times)), canvases, svg_paths, outside


def detail_figures(villages, display, zoom: int = 12) -> dict:
    """The detail tiles of the layer (:mod:`geo.presentation.detail`): how long they take to
    make and write, their gzip bytes, and what a view at ``zoom`` over the layer's centre
    fetches, against the whole layer at that detail in one file (the same tiles' sum: what a
    map with one level of detail, the fine one, would send). Empty when no detail is needed."""
    import math

    from geo.presentation.detail import detail_plan, detail_tiles
    from geo.presentation.display import view_bounds
    from geo.presentation.display_cache import shapes_digest
    from geo.presentation.offline import DETAIL_SUBDIR, publish_detail

    plan = detail_plan(villages, display, shapes_digest(villages))
    if plan is None:
        print(f"{'detail tiles':<44} none needed (drawn shapes fine enough)")
        return {}
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        publish_detail(plan.name, detail_tiles(villages, plan), folder)
        seconds = time.perf_counter() - start
        packed = {p.name[:-len(".json.gz")]: p.stat().st_size
                  for p in (Path(folder) / DETAIL_SUBDIR / plan.name).glob("*.json.gz")}
    minx, miny, maxx, maxy = villages.total_bounds
    west, south, east, north = view_bounds((minx + maxx) / 2, (miny + maxy) / 2, zoom)
    d = plan.tile_deg  # the renderer's rule: the tiles in view and one more on each side
    near = {f"{x}_{y}" for x in range(math.floor(west / d) - 1, math.floor(east / d) + 2)
            for y in range(math.floor(south / d) - 1, math.floor(north / d) + 2)}
    fetched = sum(size for key, size in packed.items() if key in near)
    whole = sum(packed.values())
    figures = {"tiles": len(packed), "min_zoom": plan.min_zoom, "write_s": round(seconds, 2),
               "whole_gz_mb": round(whole / 1e6, 2), "largest_tile_kb": round(max(packed.values()) / 1e3, 1),
               f"view_zoom{zoom}_tiles": len(near & packed.keys()),
               f"view_zoom{zoom}_gz_kb": round(fetched / 1e3, 1),
               "view_share_of_whole": round(fetched / whole, 3)}
    print(f"{'detail tiles: made and written':<44} {seconds:7.2f} s  ({len(packed)} tiles, "
          f"{whole / 1e6:.2f} MB gzip, from zoom {plan.min_zoom})")
    print(f"{f'a view at zoom {zoom} fetches':<44} {len(near & packed.keys())} tiles, "
          f"{fetched / 1e3:.0f} kB gzip = {fetched / whole:.3f} of the whole layer at that detail")
    return figures


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the benchmark output readable
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kel_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--any-count", action="store_true",
                        help="run on whatever Jawa Timur dumps KEL_DIR holds (small test runs)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="folder for bench_map.json and the screenshot")
    args = parser.parse_args(argv)
    kel = args.kel_dir
    paths = sorted(kel.glob("wilayah_boundaries_kel_35.*.sql"))
    if not paths or (len(paths) != 38 and not args.any_count):
        print(f"need the 38 Jawa Timur dumps in {kel}, found {len(paths)}", file=sys.stderr)
        return 2
    (villages, _), t_read = timed(f"read_villages ({len(paths)} dumps)", read_villages, paths)
    display, t_simplify = timed("simplify_for_display", simplify_for_display, villages)
    shown = display.shapes
    rng = np.random.default_rng(2024)
    shown["desil1_share"] = rng.beta(2, 18, len(shown))  # synthetic, ~10 % on average
    classes, t_classify = timed("classify (natural breaks, 5)", classify, shown["desil1_share"],
                                "natural_breaks", 5, indicator="desil1_share")
    tooltip = {"Desa": "village_name", "Kecamatan": "district_name", "Desil 1": "desil1_share"}
    m, t_build = timed("choropleth_map", choropleth_map, shown, classes.colours, tooltip)
    html, t_render = timed("render HTML", m.to_html)
    payload_mb = len(html.encode("utf-8")) / 1e6
    shot = args.results / "bench_map_jatim.png"
    paint_s, canvases, svg_paths, outside = first_paint(html, screenshot=shot)
    figures = {
        "villages": len(villages),
        "vertices_in": display.vertices_in, "vertices_out": display.vertices_out,
        "simplification": display.method, "tolerance_deg": display.tolerance,
        "payload_mb": round(payload_mb, 2), "first_paint_s": round(paint_s, 2),
        "canvas_layers": canvases, "svg_paths": svg_paths, "outside_requests": outside,
        "seconds": {"read": round(t_read, 2), "simplify": round(t_simplify, 2),
                    "classify": round(t_classify, 2), "build_map": round(t_build, 2),
                    "render": round(t_render, 2)},
    }
    print(f"{'vertices (source -> display)':<44} {display.vertices_in:,} -> {display.vertices_out:,}"
          f" ({display.method}, tolerance {display.tolerance:.5f} deg)")
    print(f"{'map payload':<44} {payload_mb:7.2f} MB  (target < {PAYLOAD_TARGET_MB} MB)")
    print(f"{'first paint in headless Chromium (median of 3)':<44} {paint_s:7.2f} s   "
          f"(target < {PAINT_TARGET_S} s)")
    print(f"{'drawn: canvas layers, SVG village paths':<44} {canvases}, {svg_paths}")
    print(f"{'requests outside localhost':<44} {len(outside)}")
    figures["detail"] = detail_figures(villages, display)
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_map.json").write_text(json.dumps(figures, indent=2))
    ok = payload_mb < PAYLOAD_TARGET_MB and paint_s < PAINT_TARGET_S and not outside
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
