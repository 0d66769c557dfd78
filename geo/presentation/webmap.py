"""Folium maps of villages that work offline and show user text as text.

Rules that keep a map alive in a town-hall browser with no internet:

- Leaflet is the only script and stylesheet, served by the app (:mod:`geo.offline`); folium's
  defaults (jQuery, Bootstrap, awesome-markers, Font Awesome from CDNs) are dropped. One asset
  that fails to load kills the whole map.
- Polygons are ``folium.GeoJson`` + ``style_function`` (not ``folium.Choropleth`` and no branca
  colormap: streamlit-folium pulls d3 from a CDN for those); points are ``CircleMarker``; no
  ``folium.Icon``. The legend is data (:mod:`geo.display`) drawn beside the map.
- Base-map tiles are optional: none by default, OpenStreetMap or CartoDB when the user is
  online and asks for them. The map is readable without them.
- Every text property that reaches a tooltip or popup is HTML-escaped: Leaflet inserts tooltip
  content as HTML, so a village called ``<img src=x onerror=alert(1)>`` would otherwise run.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from types import SimpleNamespace

import folium
import geopandas as gpd
import numpy as np
import pandas as pd
import jinja2.runtime
import shapely
from branca.element import Element
from folium.elements import ElementAddToElement
from folium.utilities import get_obj_in_upper_tree

from geo.presentation.display import POCKET_STYLES, format_value
from geo.presentation.styles import NO_DATA_COLOUR
from geo.presentation.offline import LEAFLET_CSS_URL, LEAFLET_JS_URL

TILES: dict[str, dict | None] = {
    "none": None,
    "openstreetmap": {"tiles": "OpenStreetMap", "attr": None},
    "cartodb": {"tiles": "CartoDB positron", "attr": None},
}
CANVAS_FROM = 3000  # features; above this the map draws on a canvas (faster than SVG)
BASE_STYLE = {"color": "#4d4d4d", "weight": 0.5, "fillOpacity": 0.8}
HIGHLIGHT_STYLE = {"weight": 2.5, "color": "#000000"}


def base_map(bounds=None, *, tiles: str = "none", prefer_canvas: bool = False,
             height: int | str = "100%") -> folium.Map:
    """An empty Leaflet map that loads only the app's own Leaflet files.

    Parameters
    ----------
    bounds
        ``(minx, miny, maxx, maxy)`` in degrees to fit the view to, or None.
    tiles
        A key of :data:`TILES`: ``none`` (offline, default), ``openstreetmap`` or ``cartodb``.
    prefer_canvas
        Draw vectors on one canvas instead of one SVG path each (needed above a few thousand
        villages to stay responsive).
    """
    if tiles not in TILES:
        raise ValueError(f"unknown tiles {tiles!r}; choose one of {', '.join(TILES)}")
    m = folium.Map(location=None, tiles=None, prefer_canvas=prefer_canvas, height=height,
                   control_scale=True)
    # instance attributes: folium's class-level lists (CDN links) stay untouched
    m.default_js = [("leaflet", LEAFLET_JS_URL)]
    m.default_css = [("leaflet_css", LEAFLET_CSS_URL)]
    choice = TILES[tiles]
    if choice:
        folium.TileLayer(tiles=choice["tiles"], attr=choice["attr"]).add_to(m)
    if bounds is not None and all(np.isfinite(bounds)):
        minx, miny, maxx, maxy = bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
        m.location = [(miny + maxy) / 2, (minx + maxx) / 2]
    return m


def _text(indicator: str, value) -> str:
    """One property value as escaped display text."""
    if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool):
        return html.escape(format_value(indicator, value))
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return html.escape(str(value))


def village_features(gdf: gpd.GeoDataFrame, fields: Mapping[str, str],
                     id_column: str = "village_code") -> dict:
    """A GeoJSON FeatureCollection with only the tooltip fields, each escaped text.

    Parameters
    ----------
    gdf
        Villages (display geometry, EPSG:4326).
    fields
        ``{property name: column}``; each value becomes escaped, formatted text.
    id_column
        Column used as the feature ``id`` (what style functions and clicks key on).
    """
    ids = gdf[id_column].astype("string").fillna("").tolist()
    texts = {name: [_text(col, value) for value in gdf[col].tolist()]
             for name, col in fields.items()}
    geometries = shapely.to_geojson(np.asarray(gdf.geometry.values, dtype=object))
    present = [i for i, geom in enumerate(geometries) if geom is not None]
    # one parse of all geometries: 8,494 separate json.loads calls cost ~0.3 s
    parsed = json.loads("[" + ",".join(geometries[i] for i in present) + "]")
    features = [{"type": "Feature", "id": ids[i],
                 "properties": {name: values[i] for name, values in texts.items()},
                 "geometry": geometry}
                for i, geometry in zip(present, parsed)]
    return {"type": "FeatureCollection", "features": features}


class _VillageLayer(folium.GeoJson):
    """``folium.GeoJson`` that knows its bounds and styles without walking every feature again.

    streamlit-folium renders a map three times per script run and asks for its bounds; stock
    GeoJson recomputes the bounds from every coordinate in Python and the style of every
    feature (one ``json.dumps`` each) on each render — seconds for all of Jawa Timur. Here the
    bounds come from shapely once, and the style and highlight maps (``{style json: [ids]}``,
    the largest group as ``default``, exactly folium's format) are built once, serialising
    each distinct style only once.
    """

    def __init__(self, data: dict, *, bounds, styles: dict, highlight: dict, **kwargs):
        super().__init__(data, style_function=lambda feature: {},
                         highlight_function=lambda feature: {}, **kwargs)
        self._template = _COMPACT_TEMPLATE
        minx, miny, maxx, maxy = (float(b) for b in bounds)
        self._bounds = [[miny, minx], [maxy, maxx]]
        ids = [feature["id"] for feature in data["features"]]
        self._maps = (_style_mapping(ids, styles), _style_mapping(ids, {}, default=highlight))

    def _get_self_bounds(self):
        return self._bounds

    def render(self, **kwargs):
        self.parent_map = get_obj_in_upper_tree(self, folium.Map)
        if self.data["features"]:
            self.style_map, self.highlight_map = self._maps
        if getattr(self, "includes", None):  # folium's class includes: the stock path
            return super(folium.GeoJson, self).render(**kwargs)
        # folium's MacroElement.render wraps the rendered script (megabytes of GeoJSON) in
        # a new jinja Template, i.e. lexes it again, and would evaluate "{{ }}" in names;
        # the rendered text is added as it is instead.
        if self.show:
            self.add_child(ElementAddToElement(element_name=self.get_name(),
                                               element_parent_name=self._parent.get_name()),
                           name=self.get_name() + "_add")
        figure = self.get_root()
        module = self._template.module.__dict__
        for part, target in (("header", figure.header), ("html", figure.html),
                             ("script", figure.script)):
            if module.get(part) is not None:
                target.add_child(_RenderedText(module[part](self, kwargs)), name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)


class _CompactData:
    """The layer as its template sees it, with the GeoJSON written without blanks.

    jinja's ``tojson`` puts a blank after every ``,`` and ``:`` — about 9 % of a big map's
    bytes, which the browser has to receive, decode and parse. The template gets a short
    placeholder for ``this.data`` instead, replaced by the same JSON (sorted keys and the
    same HTML-safe escapes as ``tojson``) without the blanks. Nothing in the result is parsed
    as a template again (names with ``{{ }}`` stay text).
    """

    _MARK = "__village_layer_data__"

    def __init__(self, layer: folium.GeoJson):
        self._layer = layer
        self.data = self._MARK

    def __getattr__(self, name):
        return getattr(self._layer, name)

    def fill(self, text: str) -> str:
        placeholder = json.dumps(self._MARK)
        if placeholder not in text:
            return text
        columns = _feature_columns(self._layer.data)
        data = (_EXPAND_JS + "(" + _json(columns) + ")" if columns is not None
                else _json(self._layer.data))
        return text.replace(placeholder, data, 1)


def _json(value) -> str:
    """Compact JSON with the HTML-safe escapes of jinja's ``tojson`` (no ``</script>``)."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


# Rebuilds the FeatureCollection of :func:`_feature_columns` in the browser: the same
# features, ids, properties and geometries Leaflet would get from the plain GeoJSON, without
# sending '"type":"Feature","properties":{"f0":' ... once per village (a fifth of the bytes).
# Polygon rings may come as whole multiples of 1/scale, each vertex as the step from the
# previous one (d.ints): x = sum / scale gives exactly the double the decimal text would.
_EXPAND_JS = ("(function(d){var n=d.ids.length,f=new Array(n),i,k,p,s=d.scale;"
              "function ring(a){var o=new Array(a.length/2),x=0,y=0,j;"
              "for(j=0;j<a.length;j+=2){x+=a[j];y+=a[j+1];o[j/2]=[x/s,y/s];}return o;}"
              "function nest(c,depth){return depth?c.map(function(e){return nest(e,depth-1);})"
              ":ring(c);}"
              "for(i=0;i<n;i++){p={};for(k in d.props)p[k]=d.props[k][i];"
              "f[i]={type:\"Feature\",id:d.ids[i],properties:p,"
              "geometry:{type:d.types[d.kinds[i]],coordinates:d.ints?"
              "nest(d.coords[i],d.depths[d.kinds[i]]):d.coords[i]}};}"
              "return {type:\"FeatureCollection\",features:f};})")
_RING_DEPTH = {"Polygon": 1, "MultiPolygon": 2}  # list levels above a ring's [x, y] pairs
_SCALE = 10 ** 5  # geo.presentation.display.COORDINATE_DECIMALS


def _ring_steps(coordinates, depth: int):
    """Rings as flat integer steps ``[x0, y0, dx1, dy1, ...]`` in 1/_SCALE degrees, or None
    if some coordinate is not exactly such a multiple (then the text is sent as it is)."""
    if depth:
        out = [_ring_steps(part, depth - 1) for part in coordinates]
        return None if any(part is None for part in out) else out
    xy = np.asarray(coordinates, dtype=float)
    if xy.ndim != 2 or xy.shape[1] != 2:
        return None
    whole = np.rint(xy * _SCALE)
    if not np.array_equal(whole / _SCALE, xy) or np.abs(whole).max(initial=0) > 2 ** 50:
        return None
    return np.diff(whole, axis=0, prepend=np.zeros((1, 2))).astype(np.int64).ravel().tolist()


def _feature_columns(data) -> dict | None:
    """A FeatureCollection of :func:`village_features` as columns, or None if it is not one
    (other members, geometry collections...): then the plain GeoJSON is sent."""
    if not isinstance(data, dict) or set(data) != {"type", "features"} or \
            data["type"] != "FeatureCollection":
        return None
    features = data["features"]
    if not features:
        return None
    names = list(features[0].get("properties") or {})
    types: dict[str, int] = {}
    ids, kinds, coords = [], [], []
    props: dict[str, list] = {name: [] for name in names}
    for feature in features:
        geometry = feature.get("geometry")
        properties = feature.get("properties")
        if (not isinstance(feature, dict) or set(feature) != {"type", "id", "properties", "geometry"}
                or feature["type"] != "Feature" or not isinstance(properties, dict)
                or list(properties) != names or not isinstance(geometry, dict)
                or set(geometry) != {"type", "coordinates"}):
            return None
        ids.append(feature["id"])
        kinds.append(types.setdefault(geometry["type"], len(types)))
        coords.append(geometry["coordinates"])
        for name in names:
            props[name].append(properties[name])
    columns = {"ids": ids, "props": props, "types": list(types), "kinds": kinds,
               "coords": coords, "ints": False, "scale": _SCALE}
    names = list(types)
    if all(name in _RING_DEPTH for name in names):
        steps = [_ring_steps(c, _RING_DEPTH[names[k]]) for c, k in zip(coords, kinds)]
        if all(step is not None for step in steps):
            columns.update(coords=steps, ints=True, depths=[_RING_DEPTH[n] for n in names])
    return columns


class _CompactTemplate:
    """folium's GeoJson template whose macros write the layer's data through
    :class:`_CompactData`: both our own render and streamlit-folium (which calls
    ``layer._template.module.script(layer)`` directly) get the compact text."""

    def __init__(self, template):
        self._template = template
        macros = {name: macro for name, macro in template.module.__dict__.items()
                  if isinstance(macro, jinja2.runtime.Macro)}
        self.module = SimpleNamespace(**{name: self._compact(macro)
                                         for name, macro in macros.items()})

    @staticmethod
    def _compact(macro):
        def call(this, kwargs=None):
            view = _CompactData(this)
            return view.fill(str(macro(view, kwargs or {})))
        return call

    def render(self, **kwargs) -> str:  # the stock path (streamlit-folium's fallback)
        return self._template.render(**kwargs)


class _RenderedText(Element):
    """Already rendered HTML/JS, added to a figure without being parsed as a template."""

    def __init__(self, text: str):
        super().__init__()
        self._text = str(text)

    def render(self, **kwargs) -> str:
        return self._text


_COMPACT_TEMPLATE = _CompactTemplate(folium.GeoJson._template)


def _style_mapping(ids: list[str], styles: Mapping[str, dict], default: dict | None = None) -> dict:
    """folium's style map: ``{style as JSON: [feature ids]}`` with the largest group ``default``."""
    keys: dict[tuple, str] = {}
    mapping: dict[str, list[str]] = {}
    for feature_id in ids:
        style = styles.get(feature_id, default or {})
        frozen = tuple(sorted(style.items()))
        key = keys.get(frozen)
        if key is None:
            key = keys[frozen] = json.dumps(style, sort_keys=True)
        mapping.setdefault(key, []).append(feature_id)
    largest = max(mapping, key=lambda k: len(mapping[k]))
    del mapping[largest]
    mapping["default"] = largest
    return mapping


def add_villages(m: folium.Map, gdf: gpd.GeoDataFrame, *, fill: Mapping[str, str] | None = None,
                 styles: Mapping[str, dict] | None = None, tooltip: Mapping[str, str] | None = None,
                 name: str = "villages", id_column: str = "village_code") -> folium.GeoJson | None:
    """Draw villages as one GeoJson layer (nothing, and None, for an empty layer).

    Parameters
    ----------
    fill
        ``{village_code: "#rrggbb"}`` fill colour per village (choropleth).
    styles
        ``{village_code: style dict}`` full Leaflet style per village (overrides ``fill``).
    tooltip
        ``{label shown: column}``; labels and values are escaped.
    """
    if gdf.empty:
        return None
    tooltip = dict(tooltip or {})
    props = {f"f{i}": col for i, col in enumerate(tooltip.values())}
    data = village_features(gdf, props, id_column=id_column)
    fill = dict(fill or {})
    own = dict(styles or {})
    per_feature = {feature["id"]: ({**BASE_STYLE, **own[feature["id"]]} if feature["id"] in own
                                   else {**BASE_STYLE,
                                         "fillColor": fill.get(feature["id"], NO_DATA_COLOUR)})
                   for feature in data["features"]}
    layer = _VillageLayer(
        data,
        bounds=gdf.total_bounds,
        styles=per_feature,
        highlight=HIGHLIGHT_STYLE,
        name=name,
        tooltip=folium.GeoJsonTooltip(
            fields=list(props), aliases=[html.escape(str(label)) for label in tooltip],
            sticky=False,
        ) if props else None,
    )
    layer.add_to(m)
    return layer


def choropleth_map(gdf: gpd.GeoDataFrame, colours: pd.Series, tooltip: Mapping[str, str], *,
                   tiles: str = "none", selected: str | None = None,
                   bounds=None) -> folium.Map:
    """Villages filled by class colour, with a tooltip and the selected village outlined.

    ``colours`` is aligned with ``gdf`` (e.g. :attr:`geo.presentation.display.Classification.colours`).
    """
    m = base_map(gdf.total_bounds if bounds is None else bounds, tiles=tiles,
                 prefer_canvas=len(gdf) > CANVAS_FROM)
    codes = gdf["village_code"].astype("string").fillna("")
    fill = dict(zip(codes, pd.Series(colours, copy=False).reindex(gdf.index).fillna(NO_DATA_COLOUR)))
    styles = {}
    if selected:
        styles[selected] = {"fillColor": fill.get(selected, NO_DATA_COLOUR), "weight": 3,
                            "color": "#000000"}
    add_villages(m, gdf, fill=fill, styles=styles, tooltip=tooltip)
    return m


def pocket_map(gdf: gpd.GeoDataFrame, tooltip: Mapping[str, str], *, tiles: str = "none",
               pocket_column: str = "pocket") -> folium.Map:
    """LISA cluster map: HH dark red, LL blue, HL pink, LH light blue, ns grey, isolated outlined."""
    m = base_map(gdf.total_bounds, tiles=tiles, prefer_canvas=len(gdf) > CANVAS_FROM)
    codes = gdf["village_code"].astype("string").fillna("")
    pockets = gdf[pocket_column].astype("string").fillna("no_data")
    styles = {code: POCKET_STYLES.get(p, POCKET_STYLES["no_data"]) for code, p in zip(codes, pockets)}
    add_villages(m, gdf, styles=styles, tooltip=tooltip)
    return m


def pilot_map(pilot: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame, candidates: gpd.GeoDataFrame,
              grid: gpd.GeoDataFrame | None, tooltip: Mapping[str, str], *,
              tiles: str = "none", grid_tooltip: Mapping[str, str] | None = None) -> folium.Map:
    """Pilot villages (thick outline), neighbours, expansion candidates and the household grid.

    The grid cells are aggregates (``households`` per cell, small cells already merged or
    hidden by :func:`geo.spatial.pilot.household_grid`): never single homes.
    """
    everything = pd.concat([pilot.geometry, neighbours.geometry, candidates.geometry])
    m = base_map(gpd.GeoSeries(everything, crs=pilot.crs).total_bounds, tiles=tiles)
    add_villages(m, candidates, styles={c: {"fillColor": "#fdd49e", "fillOpacity": 0.6,
                                            "color": "#b35806", "weight": 1.5, "dashArray": "5 3"}
                                        for c in candidates["village_code"]},
                 tooltip=tooltip, name="candidates")
    add_villages(m, neighbours, styles={c: {"fillColor": "#f0f0f0", "fillOpacity": 0.5,
                                            "color": "#636363", "weight": 1}
                                        for c in neighbours["village_code"]},
                 tooltip=tooltip, name="neighbours")
    add_villages(m, pilot, styles={c: {"fillColor": "#ffffff", "fillOpacity": 0.1,
                                       "color": "#000000", "weight": 3}
                                   for c in pilot["village_code"]},
                 tooltip=tooltip, name="pilot")
    if grid is not None and len(grid):
        top = max(float(grid["poor_households"].max()), 1.0)
        cell_styles = {
            str(cid): {"fillColor": "#e31a1c", "color": "#800026", "weight": 0.3,
                       "fillOpacity": round(0.15 + 0.7 * float(n) / top, 3)}
            for cid, n in zip(grid["cell_id"], grid["poor_households"])
        }
        add_villages(m, grid, styles=cell_styles, id_column="cell_id", name="grid",
                     tooltip=grid_tooltip or {"households": "households",
                                              "desil 1–4": "poor_households"})
    return m


def add_points(m: folium.Map, lon, lat, labels, *, colour: str = "#08519c",
               radius: float = 5) -> None:
    """Circle markers with escaped tooltips (e.g. village centroids); no icon fonts needed."""
    for x, y, label in zip(lon, lat, labels):
        folium.CircleMarker(location=[float(y), float(x)], radius=radius, color=colour,
                            fill=True, fill_opacity=0.9,
                            tooltip=_no_template(html.escape(str(label)))).add_to(m)


def _no_template(text: str) -> str:
    """Braces as HTML entities: folium passes marker scripts through jinja, where ``{{ }}``
    in a label would be evaluated on the server."""
    return text.replace("{", "&#123;").replace("}", "&#125;")


def village_at(gdf: gpd.GeoDataFrame, lon: float, lat: float, *, graph=None) -> str | None:
    """The ``village_code`` of the village drawn under a clicked point, or None.

    A click in a gap between simplified shapes takes the nearest village within
    :data:`geo.spatial.neighbours.CLICK_TOLERANCE_M` metres. With ``graph`` (the analysis
    result's ``neighbours``) its STRtree is reused and the answer kept to the villages of
    ``gdf``; else ``gdf``'s own shapes are searched (see :func:`geo.spatial.neighbours.village_at`).
    """
    from geo.spatial.neighbours import village_at as _village_at

    if gdf.empty:
        return None
    if graph is not None:
        return _village_at(graph, lon, lat, among=gdf["village_code"].astype("string").tolist())
    return _village_at(gdf, lon, lat)


def map_payload_bytes(m: folium.Map) -> int:
    """Size in bytes of the map's rendered HTML/JS (what the browser has to receive and parse)."""
    return len(m.get_root().render().encode("utf-8"))
