"""The renderer fetches detail tiles once zoomed in, and redraws those villages finer.

A map page laid out as the app serves it (``/component/map/index.html`` beside
``/app/static/``), served on localhost and opened in Debian's Chromium. The app's own map
widget loads the same renderer (``assets/village_map.js``); this test drives its detail
logic directly, including a tile that is written only after the map asked for it.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlparse

import geopandas as gpd
import pytest
import shapely

from geo.presentation.detail import detail_plan, detail_tiles
from geo.presentation.display import simplify_for_display
from geo.presentation.offline import DETAIL_BASE_URL, ensure_leaflet_assets, publish_detail
from geo.presentation.webmap import VillageMap, choropleth_map

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
if not CHROMIUM.exists():
    pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright")

#: the number of vertices the renderer draws (every ring of every village path)
VERTICES = """() => { let n = 0; window.villageMap.map.eachLayer(l => {
  if (l.feature && l.getLatLngs) n += l.getLatLngs().flat(3).length; }); return n; }"""


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture()
def served(tmp_path):
    ensure_leaflet_assets(tmp_path / "app" / "static")
    handler = functools.partial(_Quiet, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def _villages() -> gpd.GeoDataFrame:
    centres = [(112.15 + 0.06 * i, -7.4) for i in range(6)]
    # one code is a name JavaScript objects already have: it must not break the drawing
    codes = [f"35.01.01.20{i:02d}" for i in range(5)] + ["__proto__"]
    return gpd.GeoDataFrame({"village_code": codes,
                             "village_name": [f"Desa <b>{i}</b>" for i in range(6)]},
                            geometry=[shapely.Point(c).buffer(0.025, quad_segs=100)
                                      for c in centres], crs=4326)


def test_zooming_in_fetches_the_tiles_in_view_and_draws_them_finer(served):
    root, base = served
    villages = _villages()
    drawn = simplify_for_display(villages, 0.0004)  # off by a pixel from zoom 12 on
    plan = detail_plan(villages, drawn, "browser-test")
    assert plan.min_zoom == 12
    tiles = dict(detail_tiles(villages, plan))
    shown = choropleth_map(drawn.shapes, villages.set_index("village_code").index.to_series()
                           .map(lambda _: "#ff0000"), {"Desa": "village_name"})
    page_map = VillageMap(layers=shown.layers, bounds=shown.bounds,
                          detail=plan.to_dict(DETAIL_BASE_URL))
    (root / "component" / "map").mkdir(parents=True)
    (root / "component" / "map" / "index.html").write_text(page_map.to_html("600px"))
    west, east = sorted(plan.tiles)  # the first tile now, the second once asked for
    publish_detail(plan.name, iter([(west, tiles[west])]), root / "app" / "static")

    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1000, "height": 700})
        requests: list[str] = []
        context.on("request", lambda request: requests.append(request.url))
        page = context.new_page()
        page.goto(f"{base}/component/map/index.html")
        page.wait_for_function("window.villageMap && window.villageMap.map")
        before = page.evaluate(VERTICES)
        assert page.evaluate("window.villageMap.map.getZoom()") < plan.min_zoom
        assert page.evaluate("window.villageMap.detailTiles()") == 0  # not zoomed in: nothing
        assert not [u for u in requests if "/detail/" in u]

        # zoomed in on the western villages: their tile, and the eastern one (still absent)
        page.evaluate("z => window.villageMap.map.setView([-7.4, 112.2], z, {animate: false})",
                      plan.min_zoom)
        page.wait_for_function("window.villageMap.detailTiles() === 1", timeout=20_000)
        finer = page.evaluate(VERTICES)
        assert finer > before
        assert any(u.endswith(f"/{west}.json") for u in requests)
        assert any(u.endswith(f"/{east}.json") for u in requests)  # asked, not found

        # the missing tile appears later: the map asks again by itself and draws it
        folder = root / "app" / "static" / "detail" / plan.name
        (folder / f"{east}.json").write_text(tiles[east])
        page.wait_for_function("window.villageMap.detailTiles() === 2", timeout=20_000)
        assert page.evaluate(VERTICES) > finer
        # the village coded __proto__ (the eastern tile) took its finer shape too
        assert page.evaluate("""() => { let n = 0; window.villageMap.map.eachLayer(l => {
          if (l.feature && l.feature.id === "__proto__") n = l.getLatLngs().flat(3).length; });
          return n; }""") > 50
        # each tile was fetched once it existed, not again on every move
        page.evaluate("window.villageMap.map.panBy([30, 0], {animate: false})")
        page.wait_for_timeout(500)
        assert sum(u.endswith(f"/{west}.json") for u in requests) == 1
        # the tooltip text is still the escaped name, as text
        assert page.locator("b").count() == 0
        context.close()
        browser.close()
    outside = [u for u in requests if urlparse(u).hostname not in ("127.0.0.1", None)]
    assert not outside
