"""Folium maps: only the app's own Leaflet, escaped text, no CDN-pulling elements, click lookup."""

from __future__ import annotations

import re

import folium
import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.presentation.display import simplify_for_display
from geo.presentation.offline import LEAFLET_CSS_URL, LEAFLET_JS_URL, ensure_leaflet_assets
from geo.presentation.webmap import (CANVAS_FROM, base_map, choropleth_map, map_payload_bytes, pilot_map,
                        pocket_map, village_at, village_features)

XSS = "<img src=x onerror=alert(1)>"


@pytest.fixture()
def villages() -> gpd.GeoDataFrame:
    boxes = [shapely.box(117.40 + 0.01 * i, 0.10, 117.41 + 0.01 * i, 0.11) for i in range(3)]
    return gpd.GeoDataFrame({
        "village_code": ["99.71.01.1001", "99.71.01.1002", "99.71.01.1003"],
        "village_name": [XSS, "Sukamaju", 'Desa "Kutip" & <b>tebal</b>'],
        "district_name": ["Kec <script>alert(2)</script>", "Contoh", "Contoh"],
        "desil1_share": [0.1, 0.25, float("nan")],
        "pocket": ["HH", "isolated", None],
    }, geometry=boxes, crs="EPSG:4326")


def _external_links(html: str) -> list[str]:
    links = re.findall(r'<script[^>]+src="([^"]+)"', html) + re.findall(r'<link[^>]+href="([^"]+)"', html)
    return [u for u in links if not u.startswith("../../app/static/")]


def _all_assets(m: folium.Map) -> list[str]:
    """What streamlit-folium would load: default_js/css of every element, d3 for colormaps."""
    import branca

    found = []

    def walk(element):
        if isinstance(element, branca.colormap.ColorMap):
            found.append("d3 (branca colormap)")
        found.extend(url for _, url in getattr(element, "default_js", []))
        found.extend(url for _, url in getattr(element, "default_css", []))
        for child in getattr(element, "_children", {}).values():
            walk(child)

    walk(m)
    return found


def test_maps_load_only_the_local_leaflet(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    maps = [choropleth_map(villages, colours, {"Desa": "village_name"}),
            pocket_map(villages, {"Desa": "village_name"}),
            pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[[2]], None,
                      {"Desa": "village_name"})]
    for m in maps:
        assert sorted(set(_all_assets(m))) == sorted({LEAFLET_JS_URL, LEAFLET_CSS_URL})
        html = m.get_root().render()
        assert _external_links(html) == []
        assert "cdn" not in html.lower() and "jquery" not in html.lower()
        assert "awesome" not in html.lower() and "d3" not in re.findall(r"\bd3\b", html)
    # folium's own class-level defaults are untouched (other code may still use folium)
    assert any("cdn.jsdelivr" in url for _, url in folium.Map.default_js)


def test_leaflet_assets_are_copied(tmp_path):
    target = ensure_leaflet_assets(tmp_path)
    assert (target / "leaflet.js").stat().st_size > 100_000
    assert "leaflet" in (target / "leaflet.css").read_text()[:2000].lower()
    assert (target / "images" / "layers.png").exists()
    # the URLs resolve from streamlit-folium's iframe (/component/<name>/index.html) to /app/static
    assert LEAFLET_JS_URL == "../../app/static/leaflet/leaflet.js"


def test_text_is_escaped_in_properties(villages):
    data = village_features(villages, {"name": "village_name", "district": "district_name"})
    props = [f["properties"] for f in data["features"]]
    assert props[0]["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert props[0]["district"] == "Kec &lt;script&gt;alert(2)&lt;/script&gt;"
    assert props[2]["name"] == "Desa &quot;Kutip&quot; &amp; &lt;b&gt;tebal&lt;/b&gt;"
    assert [f["id"] for f in data["features"]] == villages["village_code"].tolist()


def test_rendered_map_has_no_live_markup_from_data(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    html = choropleth_map(villages, colours, {"<i>Desa</i>": "village_name",
                                              "Kecamatan": "district_name"}).get_root().render()
    assert "<img src=x" not in html and "alert(2)</script>" not in html
    assert "<i>Desa</i>" not in html  # labels are escaped too


def test_style_follows_colours_and_selection(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    html = choropleth_map(villages, colours, {"Desa": "village_name"},
                          selected="99.71.01.1002").get_root().render()
    for colour in ("#ffffcc", "#bd0026", "#d9d9d9"):
        assert colour in html
    assert '"weight": 3' in html  # the selected village is outlined
    pockets = pocket_map(villages, {"Desa": "village_name"}).get_root().render()
    assert "#b2182b" in pockets            # HH dark red
    assert '"dashArray": "4 3"' in pockets  # isolated: dashed outline


def test_tiles_are_off_by_default_and_optional(villages):
    offline = base_map(villages.total_bounds).get_root().render()
    assert "tileLayer" not in offline
    online = base_map(villages.total_bounds, tiles="openstreetmap").get_root().render()
    assert "tile.openstreetmap.org" in online
    with pytest.raises(ValueError):
        base_map(tiles="google")


def test_large_layers_draw_on_canvas():
    boxes = [shapely.box(i * 0.001, 0, i * 0.001 + 0.001, 0.001) for i in range(CANVAS_FROM + 1)]
    big = gpd.GeoDataFrame({"village_code": [f"99.71.01.{1000 + i}" for i in range(len(boxes))],
                            "village_name": "x"}, geometry=boxes, crs="EPSG:4326")
    html = choropleth_map(big, pd.Series("#ffffcc", index=big.index), {}).get_root().render()
    assert '"preferCanvas": true' in html


def test_village_at_finds_the_clicked_village(villages):
    assert village_at(villages, 117.415, 0.105) == "99.71.01.1002"
    assert village_at(villages, 117.40001, 0.10999) == "99.71.01.1001"
    assert village_at(villages, 117.43002, 0.105) == "99.71.01.1003"  # 2 m outside: nearest
    assert village_at(villages, 100.0, 0.0) is None


def test_empty_layers_are_skipped(villages):
    html = pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[0:0], None,
                     {"Desa": "village_name"}).get_root().render()
    assert html.count("L.geoJson(") == 2


def test_grid_cells_on_the_pilot_map(villages):
    cells = gpd.GeoDataFrame({"cell_id": ["0_1_1"], "cell_m": [250.0], "households": [12],
                              "poor_households": [7]},
                             geometry=[shapely.box(117.401, 0.101, 117.403, 0.103)], crs="EPSG:4326")
    html = pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[[2]], cells,
                     {"Desa": "village_name"}).get_root().render()
    assert '"0_1_1"' in html and "#e31a1c" in html


def test_malang_payload_is_small(malang_sql):
    from geo.boundaries.read import read_villages

    villages, _ = read_villages([malang_sql])
    shown = simplify_for_display(villages)
    m = choropleth_map(shown, pd.Series("#fd8d3c", index=shown.index),
                       {"Desa": "village_name", "Kecamatan": "district_name"})
    assert map_payload_bytes(m) < 1_000_000
    assert village_at(shown, *villages.representative_point().iloc[0].coords[0]) == \
        villages["village_code"].iloc[0]


def test_template_syntax_in_names_stays_text(villages):
    """folium re-parses rendered scripts as jinja templates; names must not be evaluated."""
    import numpy as np

    from geo.presentation.display import classify

    named = villages.copy()
    named.loc[named.index[0], "village_name"] = "{{ 7*7 }} {% if true %}x{% endif %}"
    m = choropleth_map(named, classify(np.arange(len(named)), "quantiles", 3).colours,
                       {"Desa": "village_name"})
    html = m.get_root().render()
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in html


def test_style_and_bounds_come_from_the_layer(villages):
    """Each village keeps its own fill; the map's bounds are the layer's (no per-vertex walk)."""
    import json

    colours = pd.Series(["#111111"] * len(villages), index=villages.index)
    colours.iloc[0] = "#222222"
    m = choropleth_map(villages, colours, {"Desa": "village_name"})
    layer = next(c for c in m._children.values() if isinstance(c, folium.GeoJson))
    style_map = layer._maps[0]
    assert json.loads(style_map["default"])["fillColor"] == "#111111"
    odd = [ids for key, ids in style_map.items() if key != "default"]
    assert odd == [[str(villages["village_code"].iloc[0])]]
    minx, miny, maxx, maxy = villages.total_bounds
    assert m.get_bounds() == [[miny, minx], [maxy, maxx]]


def _sent_features(script: str) -> list[dict]:
    """The features the browser builds from a rendered layer script (the columns the layer
    sends, expanded the way its JavaScript does)."""
    import json

    start = script.index("_add(") + len("_add(")
    columns = json.JSONDecoder().raw_decode(script, script.index("})(", start) + 3)[0]

    def ring(steps):
        x = y = 0
        out = []
        for dx, dy in zip(steps[::2], steps[1::2]):
            x, y = x + dx, y + dy
            out.append([x / columns["scale"], y / columns["scale"]])
        return out

    def nest(coordinates, depth):
        return [nest(c, depth - 1) for c in coordinates] if depth else ring(coordinates)

    def geometry(i):
        kind = columns["kinds"][i]
        coordinates = (nest(columns["coords"][i], columns["depths"][kind]) if columns["ints"]
                       else columns["coords"][i])
        return {"type": columns["types"][kind], "coordinates": coordinates}

    return [{"type": "Feature", "id": columns["ids"][i],
             "properties": {name: values[i] for name, values in columns["props"].items()},
             "geometry": geometry(i)}
            for i in range(len(columns["ids"]))]


def test_layer_data_is_sent_compactly_and_complete(villages):
    """The GeoJSON goes out as columns without blanks; the browser rebuilds the same features."""
    import streamlit_folium

    from geo.presentation.display import round_coordinates

    multi = villages.copy()
    multi.loc[multi.index[1], "geometry"] = shapely.MultiPolygon(
        [shapely.box(117.41, 0.10, 117.415, 0.11), shapely.box(117.416, -0.10, 117.42, 0.11)])
    shown = multi.set_geometry(round_coordinates(multi.geometry.values))  # as the app draws
    tooltip = {"Desa": "village_name", "Kecamatan": "district_name", "Desil": "desil1_share"}
    props = {f"f{i}": column for i, column in enumerate(tooltip.values())}
    for gdf, whole in ((shown, True), (multi, False)):  # unrounded: coordinates sent as text
        m = choropleth_map(gdf, pd.Series("#ffffcc", index=gdf.index), tooltip)
        html = m.get_root().render()
        expected = village_features(gdf, props)["features"]
        assert _sent_features(html) == expected
        assert ('"ints":true' in html) is whole
        m.render()  # streamlit-folium renders the layer's template itself: the same text
        script = streamlit_folium._get_map_string(m)
        assert _sent_features(script) == expected
        assert '"type": "Feature"' not in script and '"coordinates"' not in script
        assert "<img src=x" not in script and "alert(2)</script>" not in script


def test_other_data_falls_back_to_plain_compact_geojson(villages):
    from geo.presentation.webmap import _CompactData, _feature_columns

    data = village_features(villages, {"name": "village_name"})
    data["features"][0]["properties"]["extra"] = 1  # not one column per property any more
    assert _feature_columns(data) is None
    assert _feature_columns({"type": "FeatureCollection", "features": []}) is None
    layer = folium.GeoJson(data)
    text = _CompactData(layer).fill('f("__village_layer_data__")')
    assert text.startswith('f({"features":[{"geometry":') and "&lt;img" not in text
    assert "\\u0026lt;img" in text  # the same HTML-safe escapes as jinja's tojson
