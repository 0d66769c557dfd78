"""Web maps of villages that work offline and show user text as text.

A map is data, :class:`VillageMap`: its layers as compact columns (ids, escaped tooltip texts,
integer coordinate steps), one small table of Leaflet styles, the bounds and the base map. The
browser draws it with Leaflet and ``assets/village_map.js`` (copied beside Leaflet into the
app's ``./static`` by :mod:`geo.presentation.offline`); :meth:`VillageMap.to_html` gives a
standalone page, the app's map widget (``ui/map_widget.py``) a JSON file it serves once.

Rules that keep a map alive in a town-hall browser with no internet:

- Leaflet and our own renderer are the only scripts, served by the app; nothing comes from a
  CDN (one asset that fails to load kills the whole map).
- Base-map tiles are optional: none by default, OpenStreetMap or CartoDB when the user is
  online and asks for them. The map is readable without them.
- Every text that reaches a tooltip is HTML-escaped here: Leaflet inserts tooltip content as
  HTML, so a village called ``<img src=x onerror=alert(1)>`` would otherwise run. No template
  engine sees the data (a name ``{{ 7*7 }}`` stays text).
- The selection is not part of the data: the widget outlines the selected village in the
  browser, so choosing another village sends a few bytes, not the layer again. Where the map
  should look (:class:`MapFocus`, from :func:`focus_on`) is such a small separate argument too.
- Village names are drawn as labels only at close zoom (:data:`LABEL_MIN_ZOOM`) and only for the
  villages in view (at most :data:`LABEL_CAP`): a province has thousands of villages. The label
  text is the tooltip's own escaped name (no extra bytes), shown by the browser as text.
- Zoomed in, the map may redraw the villages near its view finer, from tiles it fetches from
  the app (``detail``: :mod:`geo.presentation.detail`); the opening map stays light.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.presentation.display import POCKET_STYLES, format_value
from geo.presentation.offline import LEAFLET_CSS_URL, LEAFLET_JS_URL, VILLAGE_MAP_JS_URL
from geo.presentation.styles import NO_DATA_COLOUR

TILES: dict[str, dict | None] = {
    "none": None,
    "openstreetmap": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                      "attribution": "&copy; OpenStreetMap contributors", "max_zoom": 19},
    "cartodb": {"url": "https://{s}.basemaps.cartocdn.com/light_all/{z}/{x}/{y}{r}.png",
                "attribution": "&copy; OpenStreetMap contributors &copy; CARTO", "max_zoom": 20},
}
CANVAS_FROM = 3000  # features; above this the map draws on a canvas (faster than SVG)
BASE_STYLE = {"color": "#4d4d4d", "weight": 0.5, "fillOpacity": 0.8}
HIGHLIGHT_STYLE = {"weight": 2.5, "color": "#000000"}
SELECTED_STYLE = {"weight": 3, "color": "#000000"}
#: the selected village drawn again on top of every layer: a white halo under a dark line, no
#: fill (visible on any class colour), and a ring at its point when the shape is a few pixels
SELECTION_STYLE = {"halo": {"color": "#ffffff", "weight": 7, "opacity": 0.9},
                   "line": {"color": "#000000", "weight": 3, "opacity": 1},
                   "marker": {"radius": 9, "color": "#000000", "weight": 3, "fillColor": "#ffffff",
                              "fillOpacity": 0.6},
                   "marker_below_px": 12}
LABEL_MIN_ZOOM = 13  # village names from this zoom on (a district fills the screen)
LABEL_CAP = 250  # at most this many labels at once (the villages in view)
FOCUS_MAX_ZOOM = 15  # zooming to one small village stops here (streets, not one house)
FOCUS_PADDING_PX = 40


@dataclass(frozen=True)
class MapLayer:
    """One layer of polygons as the browser receives it.

    ``columns`` are the features as columns (see :func:`_feature_columns`); ``styles`` the
    distinct Leaflet styles and ``style_of`` the index of each feature's style; ``tooltip``
    the escaped labels of the tooltip rows (properties ``f0``, ``f1``, ... hold the values).
    """

    name: str
    columns: dict
    styles: list[dict]
    style_of: list[int]
    tooltip: list[str]
    highlight: dict = field(default_factory=lambda: dict(HIGHLIGHT_STYLE))
    label: str | None = None  # the property (``f0``, ...) whose escaped text labels a village

    def to_dict(self) -> dict:
        return {"name": self.name, "columns": self.columns, "styles": self.styles,
                "style_of": self.style_of, "tooltip": self.tooltip, "highlight": self.highlight,
                "label": self.label}

    def style(self, feature_id: str) -> dict:
        """The style the village with this id is drawn with (not counting the selection)."""
        return self.styles[self.style_of[self.columns["ids"].index(feature_id)]]


@dataclass(frozen=True)
class VillageMap:
    """A web map of village layers: what the browser needs to draw it, nothing per session.

    Parameters
    ----------
    layers
        Drawn in order (the last on top).
    bounds
        ``(minx, miny, maxx, maxy)`` in degrees the view is fitted to, or None.
    tiles
        A key of :data:`TILES`.
    prefer_canvas
        Draw on one canvas instead of one SVG path per village (above :data:`CANVAS_FROM`).
    selected
        The village outlined when the map opens (the app's widget passes its own).
    detail
        Finer shapes for close zoom, fetched by the browser tile by tile
        (:meth:`geo.presentation.detail.DetailPlan.to_dict`), or None.
    """

    layers: tuple[MapLayer, ...]
    bounds: tuple[float, float, float, float] | None = None
    tiles: str = "none"
    prefer_canvas: bool = False
    selected: str | None = None
    detail: dict | None = None

    def to_dict(self) -> dict:
        return {"layers": [layer.to_dict() for layer in self.layers],
                "bounds": list(self.bounds) if self.bounds is not None else None,
                "tiles": TILES[self.tiles], "canvas": self.prefer_canvas,
                "selected": self.selected, "selected_style": SELECTED_STYLE,
                "selection_style": SELECTION_STYLE,
                "labels": {"min_zoom": LABEL_MIN_ZOOM, "cap": LABEL_CAP},
                "detail": self.detail}

    def to_json(self) -> str:
        """Compact JSON, safe inside a ``<script>`` (``<``, ``>``, ``&``, ``'`` escaped)."""
        return json_text(self.to_dict())

    def to_html(self, height: str = "100vh") -> str:
        """A standalone page drawing the map; its asset URLs are those of the app's widget
        (``../../app/static/leaflet/...``), so it must be served from a folder two levels
        below a folder holding ``app/static`` (see ``benchmarks/bench_map.py``)."""
        return _PAGE.format(css=html.escape(LEAFLET_CSS_URL), js=html.escape(LEAFLET_JS_URL),
                            renderer=html.escape(VILLAGE_MAP_JS_URL),
                            height=html.escape(height), data=self.to_json())


_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="{css}">
<script src="{js}"></script>
<script src="{renderer}"></script>
<style>html, body {{margin: 0; padding: 0}} #map {{width: 100%; height: {height}}}
path.leaflet-interactive:focus {{outline: none}}</style>
</head><body><div id="map"></div>
<script>window.villageMap = VillageMap.draw(document.getElementById("map"), {data});</script>
</body></html>
"""


@dataclass(frozen=True)
class MapFocus:
    """Where the map should look: the bounds ``(minx, miny, maxx, maxy)`` it is fitted to
    (with padding, at most :data:`FOCUS_MAX_ZOOM`). ``key`` changes when the user asks again,
    so the map refits even to the same area after being panned away."""

    bounds: tuple[float, float, float, float]
    key: str = ""

    def to_dict(self) -> dict:
        return {"bounds": list(self.bounds), "key": self.key, "max_zoom": FOCUS_MAX_ZOOM,
                "padding": FOCUS_PADDING_PX}


def focus_on(gdf: gpd.GeoDataFrame, codes, *, key: str = "",
             id_column: str = "village_code") -> MapFocus | None:
    """The focus on the villages with these codes (one village, or a district's), or None
    when none of them has a shape."""
    wanted = gdf[id_column].astype("string").isin([str(c) for c in codes]).to_numpy()
    geometries = np.asarray(gdf.geometry.values, dtype=object)[wanted]
    geometries = geometries[~(shapely.is_missing(geometries) | shapely.is_empty(geometries))]
    if not len(geometries):
        return None
    bounds = _bounds(shapely.total_bounds(geometries))
    return None if bounds is None else MapFocus(bounds=bounds, key=str(key))


def _bounds(bounds) -> tuple[float, float, float, float] | None:
    if bounds is None:
        return None
    values = tuple(float(b) for b in bounds)
    return values if all(np.isfinite(values)) else None


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


def json_text(value) -> str:
    """Compact JSON with the HTML-safe escapes of jinja's ``tojson`` (no ``</script>``)."""
    return (json.dumps(value, sort_keys=True, separators=(",", ":"))
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("'", "\\u0027"))


# Features go to the browser as columns (assets/village_map.js rebuilds the same
# FeatureCollection), without sending '"type":"Feature","properties":{"f0":' ... once per
# village (a fifth of the bytes). Polygon rings may come as whole multiples of 1/scale, each
# vertex as the step from the previous one (ints): x = sum / scale gives exactly the double
# the decimal text would.
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


def _rounded_columns(gdf: gpd.GeoDataFrame, fields: Mapping[str, str],
                     id_column: str) -> dict | None:
    """What :func:`_feature_columns` makes of :func:`village_features`, straight from the
    coordinate arrays, for the layer the app draws (polygons rounded to 1/_SCALE degrees,
    2-D); None for any other layer, which then goes the GeoJSON way.

    Why: writing 8,494 villages as GeoJSON text, parsing it back and differencing each ring
    on its own took 0.6 s of every new map (a first visitor waits for one); one pass over
    :func:`shapely.to_ragged_array` gives the same integer steps in 0.05 s.
    """
    geoms = np.asarray(gdf.geometry.values, dtype=object)
    present = np.flatnonzero(~shapely.is_missing(geoms))
    if len(present) == 0:
        return None
    geoms = geoms[present]
    type_ids = shapely.get_type_id(geoms)
    if not np.isin(type_ids, (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)).all() \
            or shapely.has_z(geoms).any() or shapely.has_m(geoms).any() \
            or shapely.is_empty(geoms).any():
        return None
    kind_of, coords, offsets = shapely.to_ragged_array(geoms)
    whole = np.rint(coords * _SCALE)
    if not np.array_equal(whole / _SCALE, coords) or np.abs(whole).max(initial=0) > 2 ** 50:
        return None
    ring_at, polygon_at = offsets[0], offsets[1]
    if len(ring_at) < 2 or np.diff(ring_at).min() < 4 or np.diff(polygon_at).min() < 1:
        return None  # an empty ring or part (GeoJSON writes those its own way)
    if kind_of == shapely.GeometryType.POLYGON:  # all polygons: one polygon per geometry
        parts_at = np.arange(len(geoms) + 1)
    else:
        parts_at = offsets[2]
    steps = np.diff(whole, axis=0, prepend=np.zeros((1, 2)))
    starts = ring_at[:-1][ring_at[:-1] < len(whole)]
    steps[starts] = whole[starts]  # each ring starts from its first vertex, not the last ring's
    flat = steps.astype(np.int64).ravel().tolist()
    rings = [flat[2 * a:2 * b] for a, b in zip(ring_at[:-1].tolist(), ring_at[1:].tolist())]
    polygons = [rings[a:b] for a, b in zip(polygon_at[:-1].tolist(), polygon_at[1:].tolist())]
    names, kinds, out = [], [], []
    for type_id, a, b in zip(type_ids.tolist(), parts_at[:-1].tolist(), parts_at[1:].tolist()):
        name = "Polygon" if type_id == shapely.GeometryType.POLYGON else "MultiPolygon"
        if name not in names:
            names.append(name)
        kinds.append(names.index(name))
        if name == "Polygon":
            out.append([ring for polygon in polygons[a:b] for ring in polygon])
        else:
            out.append(polygons[a:b])
    ids = gdf[id_column].astype("string").fillna("").take(present).tolist()
    props = {name: [_text(col, value) for value in gdf[col].take(present).tolist()]
             for name, col in fields.items()}
    return {"ids": ids, "props": props, "types": names, "kinds": kinds, "coords": out,
            "ints": True, "scale": _SCALE, "depths": [_RING_DEPTH[n] for n in names]}


def geometry_columns(gdf: gpd.GeoDataFrame, id_column: str = "village_code") -> dict | None:
    """The shapes of a layer as the map's columns without properties (what
    :mod:`geo.presentation.detail` tiles carry), or None if none can be drawn."""
    columns = _rounded_columns(gdf, {}, id_column)
    if columns is None:
        columns = _feature_columns(village_features(gdf, {}, id_column=id_column))
    return columns


def _feature_columns(data) -> dict | None:
    """A FeatureCollection of :func:`village_features` as columns, or None if it has no
    features or is not one (other members, features with other keys).

    ``ints`` is true when every ring is a whole multiple of 1/_SCALE degrees (the display
    layer is rounded so): then ``coords`` are integer steps, else GeoJSON coordinates."""
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


def _style_table(ids: list[str], styles: Mapping[str, dict]) -> tuple[list[dict], list[int]]:
    """The distinct styles and, per feature, the index of its style (each style sent once)."""
    table: list[dict] = []
    index: dict[tuple, int] = {}
    style_of = []
    for feature_id in ids:
        style = styles.get(feature_id, {})
        frozen = tuple(sorted(style.items()))
        position = index.get(frozen)
        if position is None:
            position = index[frozen] = len(table)
            table.append(dict(style))
        style_of.append(position)
    return table, style_of


def village_layer(gdf: gpd.GeoDataFrame, *, fill: Mapping[str, str] | None = None,
                  styles: Mapping[str, dict] | None = None,
                  tooltip: Mapping[str, str] | None = None, name: str = "villages",
                  id_column: str = "village_code",
                  label_column: str | None = "village_name") -> MapLayer | None:
    """One layer of villages (None for an empty frame).

    Parameters
    ----------
    fill
        ``{village_code: "#rrggbb"}`` fill colour per village (choropleth).
    styles
        ``{village_code: style dict}`` full Leaflet style per village (overrides ``fill``).
    tooltip
        ``{label shown: column}``; labels and values are escaped.
    label_column
        The column whose tooltip text labels a village at close zoom; only if it is a tooltip
        row (the text is already sent: no extra bytes). None: no labels.
    """
    if gdf.empty:
        return None
    tooltip = dict(tooltip or {})
    props = {f"f{i}": col for i, col in enumerate(tooltip.values())}
    columns = _rounded_columns(gdf, props, id_column)
    if columns is None:  # not a rounded display layer of polygons: through GeoJSON text
        columns = _feature_columns(village_features(gdf, props, id_column=id_column))
    if columns is None:  # every geometry was empty
        return None
    ids = columns["ids"]
    fill = dict(fill or {})
    own = dict(styles or {})
    per_feature = {code: ({**BASE_STYLE, **own[code]} if code in own
                          else {**BASE_STYLE, "fillColor": fill.get(code, NO_DATA_COLOUR)})
                   for code in ids}
    table, style_of = _style_table(ids, per_feature)
    label = next((prop for prop, col in props.items() if col == label_column), None)
    return MapLayer(name=name, columns=columns, styles=table, style_of=style_of,
                    tooltip=[html.escape(str(label)) for label in tooltip], label=label)


@dataclass(frozen=True)
class LayerStyles:
    """New colours for a drawn layer, without its shapes: ``styles`` (distinct Leaflet styles)
    and ``style_of`` (per feature of the layer, in its order, the index of its style).

    A weight change or another classification recolours the villages; the shapes and tooltips
    (megabytes for a province) stay in the browser and only this (a few kilobytes) is sent.
    """

    styles: list[dict]
    style_of: list[int]

    def to_dict(self) -> dict:
        return {"styles": self.styles, "style_of": self.style_of}


def map_styles_json(layers: list[LayerStyles | None]) -> str:
    """The restyling of a map's layers as JSON (``None``: that layer keeps its own styles)."""
    return json_text({"layers": [None if layer is None else layer.to_dict() for layer in layers]})


def _drawn_ids(gdf: gpd.GeoDataFrame, id_column: str) -> list[str]:
    """The ids of the features :func:`village_layer` draws, in its order (shapes present)."""
    ids = gdf[id_column].astype("string").fillna("").tolist()
    missing = shapely.is_missing(np.asarray(gdf.geometry.values, dtype=object))
    return [code for code, gone in zip(ids, missing) if not gone]


def layer_styles(gdf: gpd.GeoDataFrame, *, fill: Mapping[str, str] | None = None,
                 styles: Mapping[str, dict] | None = None,
                 id_column: str = "village_code") -> LayerStyles:
    """The styles :func:`village_layer` would give these villages (same rules), on their own:
    to recolour a layer drawn from the same frame."""
    ids = _drawn_ids(gdf, id_column)
    fill = dict(fill or {})
    own = dict(styles or {})
    per_feature = {code: ({**BASE_STYLE, **own[code]} if code in own
                          else {**BASE_STYLE, "fillColor": fill.get(code, NO_DATA_COLOUR)})
                   for code in ids}
    table, style_of = _style_table(ids, per_feature)
    return LayerStyles(styles=table, style_of=style_of)


def choropleth_styles(gdf: gpd.GeoDataFrame, colours: pd.Series) -> LayerStyles:
    """The fill of :func:`choropleth_map` for ``colours`` (aligned with ``gdf``), on its own."""
    codes = gdf["village_code"].astype("string").fillna("")
    fill = dict(zip(codes, pd.Series(colours, copy=False).reindex(gdf.index).fillna(NO_DATA_COLOUR)))
    return layer_styles(gdf, fill=fill)


def _village_map(layers, bounds, *, tiles: str, prefer_canvas: bool = False,
                 selected: str | None = None) -> VillageMap:
    if tiles not in TILES:
        raise ValueError(f"unknown tiles {tiles!r}; choose one of {', '.join(TILES)}")
    return VillageMap(layers=tuple(layer for layer in layers if layer is not None),
                      bounds=_bounds(bounds), tiles=tiles, prefer_canvas=prefer_canvas,
                      selected=selected)


def choropleth_map(gdf: gpd.GeoDataFrame, colours: pd.Series, tooltip: Mapping[str, str], *,
                   tiles: str = "none", selected: str | None = None,
                   bounds=None) -> VillageMap:
    """Villages filled by class colour, with a tooltip; ``selected`` is outlined on opening.

    ``colours`` is aligned with ``gdf`` (e.g. :attr:`geo.presentation.display.Classification.colours`).
    """
    codes = gdf["village_code"].astype("string").fillna("")
    fill = dict(zip(codes, pd.Series(colours, copy=False).reindex(gdf.index).fillna(NO_DATA_COLOUR)))
    layer = village_layer(gdf, fill=fill, tooltip=tooltip)
    return _village_map([layer], gdf.total_bounds if bounds is None else bounds, tiles=tiles,
                        prefer_canvas=len(gdf) > CANVAS_FROM, selected=selected)


def pocket_map(gdf: gpd.GeoDataFrame, tooltip: Mapping[str, str], *, tiles: str = "none",
               pocket_column: str = "pocket") -> VillageMap:
    """LISA cluster map: HH dark red, LL blue, HL pink, LH light blue, ns grey, isolated outlined."""
    codes = gdf["village_code"].astype("string").fillna("")
    pockets = gdf[pocket_column].astype("string").fillna("no_data")
    styles = {code: POCKET_STYLES.get(p, POCKET_STYLES["no_data"]) for code, p in zip(codes, pockets)}
    layer = village_layer(gdf, styles=styles, tooltip=tooltip)
    return _village_map([layer], gdf.total_bounds, tiles=tiles,
                        prefer_canvas=len(gdf) > CANVAS_FROM)


def pilot_map(pilot: gpd.GeoDataFrame, neighbours: gpd.GeoDataFrame, candidates: gpd.GeoDataFrame,
              grid: gpd.GeoDataFrame | None, tooltip: Mapping[str, str], *,
              tiles: str = "none", grid_tooltip: Mapping[str, str] | None = None) -> VillageMap:
    """Pilot villages (thick outline), neighbours, expansion candidates and the household grid.

    The grid cells are aggregates (``households`` per cell, small cells already merged or
    hidden by :func:`geo.spatial.pilot.household_grid`): never single homes.
    """
    everything = pd.concat([pilot.geometry, neighbours.geometry, candidates.geometry])
    layers = [
        village_layer(candidates, styles={c: {"fillColor": "#fdd49e", "fillOpacity": 0.6,
                                              "color": "#b35806", "weight": 1.5,
                                              "dashArray": "5 3"}
                                          for c in candidates["village_code"]},
                      tooltip=tooltip, name="candidates"),
        village_layer(neighbours, styles={c: {"fillColor": "#f0f0f0", "fillOpacity": 0.5,
                                              "color": "#636363", "weight": 1}
                                          for c in neighbours["village_code"]},
                      tooltip=tooltip, name="neighbours"),
        village_layer(pilot, styles={c: {"fillColor": "#ffffff", "fillOpacity": 0.1,
                                         "color": "#000000", "weight": 3}
                                     for c in pilot["village_code"]},
                      tooltip=tooltip, name="pilot"),
    ]
    if grid is not None and len(grid):
        top = max(float(grid["poor_households"].max()), 1.0)
        cell_styles = {
            str(cid): {"fillColor": "#e31a1c", "color": "#800026", "weight": 0.3,
                       "fillOpacity": round(0.15 + 0.7 * float(n) / top, 3)}
            for cid, n in zip(grid["cell_id"], grid["poor_households"])
        }
        layers.append(village_layer(grid, styles=cell_styles, id_column="cell_id", name="grid",
                                    tooltip=grid_tooltip or {"households": "households",
                                                             "desil 1–4": "poor_households"}))
    return _village_map(layers, gpd.GeoSeries(everything, crs=pilot.crs).total_bounds, tiles=tiles)


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


def map_payload_bytes(m: VillageMap) -> int:
    """Size in bytes of the map's data (what the browser has to receive and parse)."""
    return len(m.to_json().encode("utf-8"))
