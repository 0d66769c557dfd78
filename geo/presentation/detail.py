"""Finer village shapes for close zoom, in tiles the map fetches only where it looks.

A whole province is drawn simplified to about a pixel of the zoom that shows it all
(:func:`geo.presentation.display.display_tolerance`: about 180 m on Jawa Timur). Zoomed in to
one district, those borders are visibly off: a planner sees a village edge cross a road it
follows. Sending every village at full detail instead would make the first map several times
heavier (Jawa Timur: 830k vertices), and most of it is never looked at closely.

So the app's map carries a :class:`DetailPlan` beside its simplified layer: from
:attr:`DetailPlan.min_zoom` on, the browser fetches the tiles around its view (villages
grouped by the centre of their bounds in squares of :data:`TILE_DEG` degrees) and redraws
those villages at :attr:`DetailPlan.tolerance`: half a pixel at :data:`DETAIL_ZOOM`, the
closest zoom a chosen village opens at. A tile holds only codes and coordinates (the
tooltips and colours stay those of the drawn map), so the same tiles serve every map of the
same shapes. Layers whose display shapes are already that fine (a city) get no plan.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely

from geo.presentation.display import DisplayLayer, simplify_for_display, zoom_tolerance
from geo.presentation.webmap import FOCUS_MAX_ZOOM, geometry_columns, json_text

#: the zoom whose half pixel the detail keeps (a village chosen in a list opens at most here)
DETAIL_ZOOM = FOCUS_MAX_ZOOM
#: side of a tile in degrees (about 28 km): a district is a few tiles, a tile a few dozen villages
TILE_DEG = 0.25
#: changes whenever a tile's content would: old tiles are then never read again
FORMAT = 1


@dataclass(frozen=True)
class DetailPlan:
    """Where the finer shapes of one layer are and when the map wants them.

    ``name`` is the folder of the tiles (a digest of the shapes and of this rule, so one set of
    shapes is one folder whatever the map or the session); ``tiles`` the keys ``"<x>_<y>"``
    (tile column and row: ``floor(degrees / tile_deg)``) that hold at least one village.
    """

    name: str
    min_zoom: int
    tolerance: float
    tile_deg: float
    tiles: tuple[str, ...]

    def to_dict(self, base_url: str) -> dict:
        """What the map's JSON carries (``base_url``: where the ``name`` folder is served)."""
        return {"base": f"{base_url}/{self.name}", "min_zoom": self.min_zoom,
                "tile_deg": self.tile_deg, "tiles": list(self.tiles)}


def detail_plan(villages: gpd.GeoDataFrame, drawn: DisplayLayer, shapes_digest: str, *,
                tile_deg: float = TILE_DEG) -> DetailPlan | None:
    """The plan for a layer whose map draws ``drawn``, or None when that is fine enough
    already (every vertex kept, or a tolerance at most twice the detail's) or nothing can be
    drawn.

    Parameters
    ----------
    villages
        The full village shapes with ``village_code``, in EPSG:4326 (the analysed layer).
    drawn
        The shapes the map draws (:func:`geo.presentation.display.simplify_for_display`).
    shapes_digest
        :func:`geo.presentation.display_cache.shapes_digest` of ``villages``.
    """
    tolerance = zoom_tolerance(DETAIL_ZOOM)
    drawn_tolerance = float(drawn.tolerance)
    if drawn_tolerance <= 2 * tolerance or drawn.vertices_out >= drawn.vertices_in:
        return None
    keys = _tile_keys(villages, tile_deg)
    present = keys[keys != ""]
    if present.size == 0:
        return None
    # from the zoom at which the drawn shapes are off by a whole pixel (two half pixels)
    min_zoom = max(0, math.ceil(math.log2(zoom_tolerance(0) / (drawn_tolerance / 2))))
    rule = f"detail {FORMAT} {tolerance!r} {tile_deg!r} {shapes_digest}"
    name = hashlib.sha256(rule.encode("utf-8")).hexdigest()[:32]
    return DetailPlan(name=name, min_zoom=min(min_zoom, DETAIL_ZOOM), tolerance=tolerance,
                      tile_deg=float(tile_deg), tiles=tuple(sorted(set(present.tolist()))))


def _tile_keys(villages: gpd.GeoDataFrame, tile_deg: float) -> np.ndarray:
    """Each village's tile key (``""`` for a missing or empty shape), by its bounds' centre."""
    geoms = _shapes(villages)
    drawn = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    keys = np.full(len(geoms), "", dtype=object)
    if drawn.any():
        bounds = shapely.bounds(geoms[drawn])
        column = np.floor((bounds[:, 0] + bounds[:, 2]) / 2 / tile_deg).astype(np.int64)
        row = np.floor((bounds[:, 1] + bounds[:, 3]) / 2 / tile_deg).astype(np.int64)
        keys[drawn] = [f"{x}_{y}" for x, y in zip(column.tolist(), row.tolist())]
    return keys


def _shapes(villages: gpd.GeoDataFrame) -> np.ndarray:
    if villages.crs is not None and not villages.crs.equals("EPSG:4326"):
        villages = villages.to_crs(4326)
    return np.asarray(villages.geometry.values, dtype=object)


def detail_tiles(villages: gpd.GeoDataFrame, plan: DetailPlan) -> Iterator[tuple[str, str]]:
    """``(key, JSON text)`` of each tile of ``plan``: the villages whose centre is in it,
    simplified at the plan's tolerance as the drawn layer is (shared borders kept shared on a
    clean coverage, never losing a village, rounded alike), as the map's geometry columns
    (``ids``, ``types``, ``kinds``, ``coords``, ``depths``, ``scale``; no properties)."""
    keys = _tile_keys(villages, plan.tile_deg)
    drawn = np.flatnonzero(keys != "")
    codes = villages["village_code"].astype("string").fillna("").to_numpy(dtype=object)
    layer = gpd.GeoDataFrame({"village_code": codes[drawn]},
                             geometry=_shapes(villages)[drawn], crs=4326)
    layer = simplify_for_display(layer, plan.tolerance).shapes
    order = np.argsort(keys[drawn], kind="stable")
    sorted_keys = keys[drawn][order]
    starts = np.flatnonzero(np.r_[True, sorted_keys[1:] != sorted_keys[:-1]])
    ends = np.r_[starts[1:], len(order)]
    for a, b in zip(starts.tolist(), ends.tolist()):
        columns = geometry_columns(layer.iloc[order[a:b]])
        if columns is not None:
            yield str(sorted_keys[a]), json_text(columns)
