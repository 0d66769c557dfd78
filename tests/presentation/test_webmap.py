"""Web maps: only the app's own Leaflet and renderer, escaped text, compact data, click lookup."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from geo.presentation.display import simplify_for_display
from geo.presentation.offline import (
    component_page,
    LEAFLET_CSS_URL,
    LEAFLET_JS_URL,
    VILLAGE_MAP_JS_URL,
    ensure_leaflet_assets,
    publish_map_data,
)
from geo.presentation.webmap import (
    CANVAS_FROM,
    SELECTED_STYLE,
    choropleth_map,
    map_payload_bytes,
    pilot_map,
    pocket_map,
    village_at,
    village_features,
)

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


def _maps(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    return [choropleth_map(villages, colours, {"Desa": "village_name"}),
            pocket_map(villages, {"Desa": "village_name"}),
            pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[[2]], None,
                      {"Desa": "village_name"})]


def test_maps_load_only_the_local_leaflet(villages):
    for m in _maps(villages):
        html = m.to_html()
        assert sorted(re.findall(r'<script[^>]+src="([^"]+)"', html)) == \
            sorted([LEAFLET_JS_URL, VILLAGE_MAP_JS_URL])
        assert re.findall(r'<link[^>]+href="([^"]+)"', html) == [LEAFLET_CSS_URL]
        assert _external_links(html) == []
        assert "http" not in html.lower() and "cdn" not in html.lower()
        assert "jquery" not in html.lower() and "awesome" not in html.lower()
        assert m.to_dict()["tiles"] is None


def test_leaflet_assets_are_copied(tmp_path):
    target = ensure_leaflet_assets(tmp_path)
    assert (target / "leaflet.js").stat().st_size > 100_000
    assert "leaflet" in (target / "leaflet.css").read_text()[:2000].lower()
    assert (target / "images" / "layers.png").exists()
    assert "VillageMap" in (target / "village_map.js").read_text()
    # the URLs resolve from the component's iframe (/component/<name>/index.html) to /app/static
    assert LEAFLET_JS_URL == "../../app/static/leaflet/leaflet.js"
    assert VILLAGE_MAP_JS_URL == "../../app/static/leaflet/village_map.js"
    # the component's page loads exactly these files and nothing from elsewhere
    page = component_page()
    assert sorted(re.findall(r'src="([^"]+)"', page)) == \
        sorted([LEAFLET_JS_URL, VILLAGE_MAP_JS_URL, "main.js"])
    assert re.findall(r'href="([^"]+)"', page) == [LEAFLET_CSS_URL]


def test_map_data_is_published_once_by_content(tmp_path, villages):
    text = choropleth_map(villages, pd.Series("#ffffcc", index=villages.index),
                          {"Desa": "village_name"}).to_json()
    url = publish_map_data(text, tmp_path, keep=2)
    assert publish_map_data(text, tmp_path, keep=2) == url
    assert url.startswith("../../app/static/maps/") and url.endswith(".json")
    import gzip

    name = url.rsplit("/", 1)[1]
    assert sorted(f.name for f in (tmp_path / "maps").iterdir()) == [name, name + ".gz"]
    assert (tmp_path / "maps" / name).read_text() == text
    assert gzip.decompress((tmp_path / "maps" / (name + ".gz")).read_bytes()).decode() == text
    (tmp_path / "maps" / (name + ".gz")).unlink()  # e.g. written by an older version
    assert publish_map_data(text, tmp_path, keep=2) == url
    assert (tmp_path / "maps" / (name + ".gz")).exists()
    others = [publish_map_data(text.replace("#ffffcc", f"#00000{i}"), tmp_path, keep=2)
              for i in range(3)]
    assert len(set(others + [url])) == 4
    kept = sorted(u.rsplit("/", 1)[1] for u in others[-2:])  # only the newest two are kept
    assert sorted(f.name for f in (tmp_path / "maps").iterdir()) == \
        sorted(kept + [k + ".gz" for k in kept])


def test_text_is_escaped_in_properties(villages):
    data = village_features(villages, {"name": "village_name", "district": "district_name"})
    props = [f["properties"] for f in data["features"]]
    assert props[0]["name"] == "&lt;img src=x onerror=alert(1)&gt;"
    assert props[0]["district"] == "Kec &lt;script&gt;alert(2)&lt;/script&gt;"
    assert props[2]["name"] == "Desa &quot;Kutip&quot; &amp; &lt;b&gt;tebal&lt;/b&gt;"
    assert [f["id"] for f in data["features"]] == villages["village_code"].tolist()


def test_rendered_map_has_no_live_markup_from_data(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    m = choropleth_map(villages, colours, {"<i>Desa</i>": "village_name",
                                           "Kecamatan": "district_name"})
    html = m.to_html()
    assert "<img src=x" not in html and "alert(2)</script>" not in html
    assert "<i>Desa</i>" not in html  # labels are escaped too
    layer = m.to_dict()["layers"][0]
    assert layer["tooltip"] == ["&lt;i&gt;Desa&lt;/i&gt;", "Kecamatan"]
    assert layer["columns"]["props"]["f0"][0] == "&lt;img src=x onerror=alert(1)&gt;"


def test_style_follows_colours_and_selection(villages):
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    m = choropleth_map(villages, colours, {"Desa": "village_name"}, selected="99.71.01.1002")
    layer = m.layers[0]
    codes = villages["village_code"].tolist()
    assert [layer.style(code)["fillColor"] for code in codes] == colours.tolist()
    assert m.to_dict()["selected"] == "99.71.01.1002"
    assert m.to_dict()["selected_style"] == SELECTED_STYLE and SELECTED_STYLE["weight"] == 3
    pockets = pocket_map(villages, {"Desa": "village_name"}).layers[0]
    assert pockets.style("99.71.01.1001")["fillColor"] == "#b2182b"  # HH dark red
    assert pockets.style("99.71.01.1002")["dashArray"] == "4 3"      # isolated: dashed outline
    assert len(pockets.styles) == 3  # each distinct style is sent once


def test_tiles_are_off_by_default_and_optional(villages):
    colours = pd.Series("#ffffcc", index=villages.index)
    offline = choropleth_map(villages, colours, {})
    assert offline.to_dict()["tiles"] is None and "tile." not in offline.to_html()
    online = choropleth_map(villages, colours, {}, tiles="openstreetmap").to_html()
    assert "tile.openstreetmap.org" in online
    with pytest.raises(ValueError):
        choropleth_map(villages, colours, {}, tiles="google")


def test_large_layers_draw_on_canvas(villages):
    boxes = [shapely.box(i * 0.001, 0, i * 0.001 + 0.001, 0.001) for i in range(CANVAS_FROM + 1)]
    big = gpd.GeoDataFrame({"village_code": [f"99.71.01.{1000 + i}" for i in range(len(boxes))],
                            "village_name": "x"}, geometry=boxes, crs="EPSG:4326")
    assert choropleth_map(big, pd.Series("#ffffcc", index=big.index), {}).to_dict()["canvas"]
    assert not choropleth_map(villages, pd.Series("#ffffcc", index=villages.index),
                              {}).to_dict()["canvas"]


def test_village_at_finds_the_clicked_village(villages):
    assert village_at(villages, 117.415, 0.105) == "99.71.01.1002"
    assert village_at(villages, 117.40001, 0.10999) == "99.71.01.1001"
    assert village_at(villages, 117.43002, 0.105) == "99.71.01.1003"  # 2 m outside: nearest
    assert village_at(villages, 100.0, 0.0) is None


def test_empty_layers_are_skipped(villages):
    m = pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[0:0], None,
                  {"Desa": "village_name"})
    assert [layer.name for layer in m.layers] == ["neighbours", "pilot"]


def test_grid_cells_on_the_pilot_map(villages):
    cells = gpd.GeoDataFrame({"cell_id": ["0_1_1"], "cell_m": [250.0], "households": [12],
                              "poor_households": [7]},
                             geometry=[shapely.box(117.401, 0.101, 117.403, 0.103)], crs="EPSG:4326")
    m = pilot_map(villages.iloc[[0]], villages.iloc[[1]], villages.iloc[[2]], cells,
                  {"Desa": "village_name"})
    grid = m.layers[-1]
    assert grid.name == "grid" and grid.columns["ids"] == ["0_1_1"]
    assert grid.style("0_1_1")["fillColor"] == "#e31a1c"


def test_malang_payload_is_small(malang_sql):
    from geo.boundaries.read import read_villages

    villages, _ = read_villages([malang_sql])
    display = simplify_for_display(villages)
    shown = display.shapes
    m = choropleth_map(shown, pd.Series("#fd8d3c", index=shown.index),
                       {"Desa": "village_name", "Kecamatan": "district_name"})
    assert map_payload_bytes(m) < 1_000_000
    assert village_at(shown, *villages.representative_point().iloc[0].coords[0]) == \
        villages["village_code"].iloc[0]


def test_template_syntax_in_names_stays_text(villages):
    """No template engine sees the data: names are not evaluated."""
    import numpy as np

    from geo.presentation.display import classify

    named = villages.copy()
    named.loc[named.index[0], "village_name"] = "{{ 7*7 }} {% if true %}x{% endif %}"
    m = choropleth_map(named, classify(np.arange(len(named)), "quantiles", 3).colours,
                       {"Desa": "village_name"})
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in m.to_html()
    assert "{{ 7*7 }} {% if true %}x{% endif %}" in m.to_json()


def test_style_and_bounds_come_from_the_layer(villages):
    """Each village keeps its own fill; the map's bounds are the layer's."""
    colours = pd.Series(["#111111"] * len(villages), index=villages.index)
    colours.iloc[0] = "#222222"
    m = choropleth_map(villages, colours, {"Desa": "village_name"})
    layer = m.layers[0]
    assert [s["fillColor"] for s in layer.styles] == ["#222222", "#111111"]
    assert layer.style_of == [0, 1, 1]
    assert m.bounds == tuple(villages.total_bounds)


def _sent_features(columns: dict) -> list[dict]:
    """The features the browser builds from a layer's columns, expanded the way
    assets/village_map.js does."""

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
    from geo.presentation.display import round_coordinates

    multi = villages.copy()
    multi.loc[multi.index[1], "geometry"] = shapely.MultiPolygon(
        [shapely.box(117.41, 0.10, 117.415, 0.11), shapely.box(117.416, -0.10, 117.42, 0.11)])
    shown = multi.set_geometry(round_coordinates(multi.geometry.values))  # as the app draws
    tooltip = {"Desa": "village_name", "Kecamatan": "district_name", "Desil": "desil1_share"}
    props = {f"f{i}": column for i, column in enumerate(tooltip.values())}
    for gdf, whole in ((shown, True), (multi, False)):  # unrounded: coordinates sent as text
        m = choropleth_map(gdf, pd.Series("#ffffcc", index=gdf.index), tooltip)
        text = m.to_json()
        columns = json.loads(text)["layers"][0]["columns"]
        expected = village_features(gdf, props)["features"]
        assert _sent_features(columns) == expected
        assert columns["ints"] is whole
        assert '"type":"Feature"' not in text and '"coordinates"' not in text
        assert ", " not in text.replace("Desa ", "")  # no blanks between items
        assert "<img src=x" not in text and "alert(2)</script>" not in text
        if shutil.which("node"):  # the renderer's own expansion gives the same features
            assert _node_expand(columns) == expected


def _node_expand(columns: dict) -> list[dict]:
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "geo" / "presentation" / "assets" / "village_map.js"
    program = ("const vm=require('vm'),fs=require('fs');const ctx={};vm.createContext(ctx);"
               f"vm.runInContext(fs.readFileSync({json.dumps(str(script))},'utf8'),ctx);"
               "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>"
               "process.stdout.write(JSON.stringify(ctx.VillageMap.expand(JSON.parse(s)).features)));")
    done = subprocess.run(["node", "-e", program], input=json.dumps(columns), text=True,
                          capture_output=True, timeout=60, check=True)
    return json.loads(done.stdout)


def test_other_data_is_not_taken_for_village_columns(villages):
    from geo.presentation.webmap import _feature_columns

    data = village_features(villages, {"name": "village_name"})
    assert _feature_columns(data)["ids"] == villages["village_code"].tolist()
    data["features"][0]["properties"]["extra"] = 1  # not one column per property any more
    assert _feature_columns(data) is None
    assert _feature_columns({"type": "FeatureCollection", "features": []}) is None


# --- finding and reading (issue 20 item 2) -------------------------------------------------

def test_focus_on_a_village_is_its_bounds(villages):
    from geo.presentation.webmap import FOCUS_MAX_ZOOM, focus_on

    focus = focus_on(villages, ["99.71.01.1002"], key="3")
    assert focus.bounds == pytest.approx((117.41, 0.10, 117.42, 0.11))
    assert focus.to_dict() == {"bounds": list(focus.bounds), "key": "3",
                               "max_zoom": FOCUS_MAX_ZOOM, "padding": focus.to_dict()["padding"]}
    several = focus_on(villages, ["99.71.01.1001", "99.71.01.1003"])  # a district's villages
    assert several.bounds == pytest.approx((117.40, 0.10, 117.43, 0.11))


def test_focus_on_nothing_drawn_is_none(villages):
    from geo.presentation.webmap import focus_on

    assert focus_on(villages, ["99.71.01.9999"]) is None
    empty = villages.copy()
    empty.loc[1, "geometry"] = shapely.Polygon()
    assert focus_on(empty, ["99.71.01.1002"]) is None
    assert focus_on(empty, [None]) is None


def test_focus_is_not_part_of_the_cached_map(villages):
    """The focus goes to the widget beside the data: the map's JSON knows nothing of it."""
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    m = choropleth_map(villages, colours, {"Desa": "village_name"})
    assert "focus" not in m.to_dict()


def test_labels_reuse_the_escaped_name_property(villages):
    from geo.presentation.webmap import LABEL_CAP, LABEL_MIN_ZOOM

    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index)
    m = choropleth_map(villages, colours, {"Kecamatan": "district_name", "Desa": "village_name"})
    layer = m.to_dict()["layers"][0]
    assert layer["label"] == "f1"  # the village name's tooltip row, not the district's
    assert XSS not in m.to_json() and html_escaped(XSS) in layer["columns"]["props"]["f1"]
    assert m.to_dict()["labels"] == {"min_zoom": LABEL_MIN_ZOOM, "cap": LABEL_CAP}
    no_name = choropleth_map(villages, colours, {"Kecamatan": "district_name"})
    assert no_name.to_dict()["layers"][0]["label"] is None  # no extra bytes for labels


def html_escaped(text: str) -> str:
    import html

    return html.escape(text)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is absent")
def test_label_text_is_the_name_as_text():
    """The renderer turns the escaped name back into the plain text it sets as textContent."""
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "geo" / "presentation" / "assets" / "village_map.js"
    names = [XSS, 'Desa "Kutip" & <b>tebal</b>', "O'Brien &amp; co", "{{ 7*7 }}"]
    program = ("const vm=require('vm'),fs=require('fs');const ctx={};vm.createContext(ctx);"
               f"vm.runInContext(fs.readFileSync({json.dumps(str(script))},'utf8'),ctx);"
               "let s='';process.stdin.on('data',d=>s+=d).on('end',()=>process.stdout.write("
               "JSON.stringify(JSON.parse(s).map(x=>ctx.VillageMap.unescape(x)))));")
    done = subprocess.run(["node", "-e", program], input=json.dumps([html_escaped(n) for n in names]),
                          text=True, capture_output=True, timeout=60, check=True)
    assert json.loads(done.stdout) == names


# --- issue 19: colours on their own, the shapes sent once ---------------------------------

def test_layer_styles_are_the_styles_the_layer_is_drawn_with(villages):
    """A recolouring (choropleth_styles) gives each drawn feature exactly the style the
    whole map would have drawn it with: the browser can swap colours without the shapes."""
    from geo.presentation.webmap import choropleth_styles, map_styles_json

    villages = villages.copy()
    villages.loc[1, "geometry"] = None  # a village without a shape is not drawn: not styled
    for colours in (pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=villages.index),
                    pd.Series(["#000000", None, "#111111"], index=villages.index)):
        layer = choropleth_map(villages, colours, {"Desa": "village_name"}).layers[0]
        styles = choropleth_styles(villages, colours)
        assert styles.styles == layer.styles and styles.style_of == layer.style_of
        assert len(styles.style_of) == len(layer.columns["ids"]) == 2
        sent = json.loads(map_styles_json([styles, None]))
        assert sent["layers"][1] is None
        assert sent["layers"][0]["style_of"] == layer.style_of
        assert "<" not in map_styles_json([styles])


def test_colourings_are_published_apart_from_the_shapes(tmp_path):
    from geo.presentation.offline import STYLES_SUBDIR

    shapes_url = publish_map_data('{"layers": []}', tmp_path)
    for i in range(5):
        publish_map_data(f'{{"layers": [{i}]}}', tmp_path, subdir=STYLES_SUBDIR, keep=2)
    assert "/maps/" in shapes_url
    assert len(list((tmp_path / STYLES_SUBDIR).glob("*.json"))) == 2  # its own budget
    assert len(list((tmp_path / "maps").glob("*.json"))) == 1  # the shapes stay


@pytest.mark.skipif(shutil.which("node") is None, reason="node is absent")
def test_the_renderer_restyles_drawn_villages_in_place():
    """village_map.js's restyle: each village of the layer takes the style of its index; an
    id of another layer or a missing one is left alone."""
    from pathlib import Path

    source = (Path(__file__).resolve().parents[2] / "geo" / "presentation" / "assets"
              / "village_map.js").read_text()
    body = source[source.index("restyle: function (layers)"):]
    body = body[:body.index("labelCount")]
    program = """
      const shapes = {a: {layer: 0, style: {f: 1}}, b: {layer: 0, style: {f: 1}},
                      c: {layer: 1, style: {f: 9}}};
      const data = {layers: [{columns: {ids: ["a", "b", "c"]}}, {columns: {ids: ["c"]}}]};
      const done = [];
      function restyle(id) { done.push(id); }
      const handle = {""" + body + """};
      handle.restyle([{styles: [{f: 2}, {f: 3}], style_of: [1, 0, 1]}, null]);
      console.log(JSON.stringify({shapes, done}));
    """
    out = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True,
                                    check=True).stdout)
    assert out["shapes"]["a"]["style"] == {"f": 3} and out["shapes"]["b"]["style"] == {"f": 2}
    assert out["shapes"]["c"]["style"] == {"f": 9}  # drawn by the other layer
    assert out["done"] == ["a", "b"]


def test_the_drawn_layer_is_sent_from_its_arrays_as_from_its_geojson(pekalongan_sql):
    """The app's layer (rounded polygons) skips the GeoJSON text; what goes out is the same.

    Kabupaten Pekalongan as the app draws it, with a village made a MultiPolygon with a hole,
    and a tooltip of dates and nullable numbers (their text must not change either)."""
    from geo.boundaries.read import read_villages
    from geo.presentation.display import round_coordinates
    from geo.presentation.webmap import _feature_columns, _rounded_columns

    villages, _ = read_villages(pekalongan_sql, check_quality=False)
    shapes = simplify_for_display(villages).shapes
    holed = shapely.box(109.60, -7.10, 109.61, -7.09).difference(shapely.box(109.603, -7.097,
                                                                            109.606, -7.094))
    shapes.loc[shapes.index[0], "geometry"] = shapely.MultiPolygon(
        [holed, shapely.box(109.62, -7.10, 109.621, -7.099)])
    shapes = shapes.set_geometry(round_coordinates(shapes.geometry.values))
    shapes["updated"] = pd.Timestamp("2026-12-03")
    shapes["households"] = pd.array([None] + list(range(1, len(shapes))), dtype="Int64")
    props = {"f0": "village_name", "f1": "updated", "f2": "households"}
    fast = _rounded_columns(shapes, props, "village_code")
    assert fast is not None and fast["types"] == ["MultiPolygon", "Polygon"]
    assert fast == _feature_columns(village_features(shapes, props))
    assert len(fast["coords"][0][0]) == 2  # the outline and its hole

    unrounded = villages.iloc[:5]
    one_empty = shapes.copy()
    one_empty.loc[shapes.index[2], "geometry"] = shapely.Polygon()
    lines = shapes.iloc[:3].set_geometry(shapes.iloc[:3].boundary)
    measured = shapes.iloc[:2].set_geometry(  # XYM: has_z is False, the arrays have 3 columns
        [shapely.from_wkt("POLYGON M ((109.6 -7.1 0, 109.61 -7.1 0, 109.61 -7.09 0, 109.6 -7.1 0))")] * 2,
        crs=shapes.crs)
    empty_part = shapes.iloc[:2].copy()
    empty_part.loc[empty_part.index[1], "geometry"] = shapely.from_wkt(
        "MULTIPOLYGON (((109.6 -7.1, 109.61 -7.1, 109.61 -7.09, 109.6 -7.1)), EMPTY)")
    for other in (unrounded, one_empty, lines, measured, empty_part):  # the GeoJSON way, as before
        assert _rounded_columns(other, props if other is not unrounded else {}, "village_code") is None
