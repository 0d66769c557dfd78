"""The pilot area: where a programme starts this year and where it goes next.

A TKPK typically pilots an integrated programme in one kelurahan (Kota Bontang: Gunung Telihan,
2022) and expands to others the year after. This module answers three questions for the
chosen pilot villages:

- which villages border them (:func:`neighbours`),
- where inside them the poor households live, as an aggregated grid in metres — cells with
  too few households are hidden, so the map never points at a single home
  (:func:`household_grid`),
- which villages are the natural next step (:func:`expansion_candidates`): nearby first, then
  similar — the neighbours, then, among the villages within :data:`NEAR_KM` of the pilot, those
  whose indicator profile is most like the pilot's (standardised Euclidean distance, i.e. each
  indicator in units of its own spread across the region). Without the distance limit the
  "similar" villages of a province lie anywhere in it and the pilot map zooms out to show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.common.crs import metric_crs
from geo.common.errors import GeoInputError
from geo.spatial.neighbours import NeighbourGraph, graph_for
from geo.i18n import Message

DEFAULT_CELL_M = 250.0
DEFAULT_MIN_HOUSEHOLDS = 5
POOR_DESIL = 4
MERGE_LEVELS = 2  # 250 m cells may grow to 500 m and 1 km squares
CELL_SIZES_M = (100, 250, 500, 1000)  # the cell sizes offered, finest first
NEAR_KM = 10.0  # expansion candidates lie within this distance of the pilot villages


def _pilot_codes(villages: gpd.GeoDataFrame, codes: Iterable[str]) -> list[str]:
    codes = [str(c) for c in codes]
    if not codes:
        raise GeoInputError("err.pilot_none", source=Message("err.src_pilot"))
    known = set(villages["village_code"].astype("string").dropna())
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise GeoInputError("err.pilot_unknown", source=Message("err.src_pilot"),
                            codes=", ".join(unknown))
    return codes


def check_pilot_codes(villages: gpd.GeoDataFrame, codes: Iterable[str]) -> list[str]:
    """The pilot codes as strings; none, or one not in the layer, raises a one-line error."""
    return _pilot_codes(villages, codes)


@dataclass(frozen=True, eq=False)
class PilotGrid:
    """The household grid over the pilot villages and what it leaves out.

    Attributes
    ----------
    cells : one row per shown cell (EPSG:4326): ``cell_id``, ``cell_m``, ``households``,
        ``poor_households``, square geometry.
    placed : matched households with coordinates inside the pilot villages.
    placed_poor, shown_poor, hidden_poor : poor (desil 1–4) households placed, in shown cells,
        and in cells too small to show.
    hidden_cells : cells still too small after merging.
    cell_m : side of the finest cells (metres).
    """

    cells: gpd.GeoDataFrame
    placed: int
    placed_poor: int
    shown_poor: int
    hidden_poor: int
    hidden_cells: int
    cell_m: float

    def to_dict(self) -> dict:
        """The counts, JSON-ready (the cells are not included)."""
        return {"placed": self.placed, "placed_poor": self.placed_poor,
                "shown_poor": self.shown_poor, "hidden_poor": self.hidden_poor,
                "hidden_cells": self.hidden_cells, "cell_m": self.cell_m}


def neighbours(villages: gpd.GeoDataFrame, codes: Iterable[str], *,
               graph: NeighbourGraph | None = None) -> gpd.GeoDataFrame:
    """The villages bordering any pilot village (the pilots excluded).

    Neighbours are those of the layer's one neighbour graph (:mod:`geo.spatial.neighbours`,
    polygons within 5 m), the same the pockets use; pass the graph kept on the analysis
    result (``result.neighbours``) so it is not built again.
    """
    codes = _pilot_codes(villages, codes)
    graph = graph_for(villages, graph, tolerance_m=None)
    near = set(graph.around(codes))
    return villages.loc[villages["village_code"].isin(near).to_numpy()].copy()


def household_grid(households: pd.DataFrame | None, villages: gpd.GeoDataFrame,
                   codes: Iterable[str], *, cell_m: float = DEFAULT_CELL_M,
                   min_households: int = DEFAULT_MIN_HOUSEHOLDS,
                   merge_levels: int = MERGE_LEVELS) -> PilotGrid:
    """Poor households counted in square cells over the pilot villages; small cells merged or hidden.

    Households are binned in ``cell_m`` squares (metric CRS of the layer). A cell with fewer
    than ``min_households`` poor (desil 1–4) households is merged into its parent square (twice
    the side), up to ``merge_levels`` times; a parent square is used only where none of its
    parts is already shown, so shown cells never overlap. What is still too small is hidden.
    No shown cell can therefore point at fewer than ``min_households`` poor homes.

    Parameters
    ----------
    households
        The joined household table (``longitude``, ``latitude``, ``desil``, optionally
        ``outcome``). Rows without coordinates, or not matched to a village, are not placed.
    villages
        The village layer (to find the metric CRS and the pilot shapes).
    codes
        Pilot village codes.
    cell_m
        Side of the finest cells in metres.
    min_households
        Fewest poor households a shown cell may hold.
    merge_levels
        How many times small cells may be merged into their parent square.

    Returns
    -------
    PilotGrid
        ``cells`` (EPSG:4326): one row per shown cell: ``cell_id``, ``cell_m`` (its side),
        ``households`` (all placed households in it), ``poor_households``, square geometry;
        and ``placed``, ``placed_poor``, ``shown_poor``, ``hidden_poor``, ``hidden_cells`` so
        the app can say what was left out.
    """
    codes = _pilot_codes(villages, codes)
    if cell_m <= 0 or min_households < 1:
        raise GeoInputError("err.pilot_grid", source=Message("err.src_grid"))
    points, poor = _placed_households(households, villages, codes)
    info = {"placed": 0 if points is None else int(len(points)), "placed_poor": int(poor.sum()), "shown_poor": 0,
            "hidden_poor": int(poor.sum()), "hidden_cells": 0, "cell_m": float(cell_m)}
    if points is None or len(points) == 0:
        return _empty_grid(info)
    x, y = points.x.to_numpy(), points.y.to_numpy()
    pending = np.ones(len(x), dtype=bool)   # households not yet in a shown cell
    shown_boxes: list[tuple[int, int, int]] = []  # (level, col, row)
    rows = []
    for level in range(merge_levels + 1):
        side = cell_m * 2 ** level
        col = np.floor(x / side).astype(np.int64)
        row = np.floor(y / side).astype(np.int64)
        frame = pd.DataFrame({"col": col, "row": row, "poor": poor.astype(int), "pending": pending})
        cells = frame[frame["pending"]].groupby(["col", "row"]).agg(
            households=("poor", "size"), poor_households=("poor", "sum")).reset_index()
        # a parent square is usable only where no finer shown cell lies inside it
        blocked = {(c >> level, r >> level) for lv, c, r in shown_boxes}
        free = np.array([(c, r) not in blocked for c, r in zip(cells["col"], cells["row"])],
                        dtype=bool)
        ok = free & (cells["poor_households"] >= min_households).to_numpy()
        for c, r, n, p in cells.loc[ok, ["col", "row", "households", "poor_households"]].itertuples(
                index=False):
            rows.append({"cell_id": f"{level}_{c}_{r}", "cell_m": side, "households": int(n),
                         "poor_households": int(p),
                         "geometry": shapely.box(c * side, r * side, (c + 1) * side, (r + 1) * side)})
            shown_boxes.append((level, int(c) << level, int(r) << level))
        taken = pd.MultiIndex.from_frame(cells.loc[ok, ["col", "row"]])
        pending &= ~pd.MultiIndex.from_arrays([col, row]).isin(taken)
        if level == merge_levels:
            info["hidden_cells"] = int((~ok).sum())
    if not rows:
        return _empty_grid(info)
    crs = metric_crs(villages)
    grid = gpd.GeoDataFrame(rows, geometry="geometry", crs=crs).to_crs("EPSG:4326")
    grid["cell_id"] = grid["cell_id"].astype("string")
    info["shown_poor"] = int(grid["poor_households"].sum())
    info["hidden_poor"] = info["placed_poor"] - info["shown_poor"]
    return PilotGrid(cells=grid, **info)


def _placed_households(households, villages, codes) -> tuple[gpd.GeoSeries | None, np.ndarray]:
    """Matched households with coordinates inside the pilot villages, in the metric CRS."""
    if households is None or households.empty or not {"longitude", "latitude"} <= set(households):
        return None, np.zeros(0, dtype=bool)
    usable = households["longitude"].notna() & households["latitude"].notna()
    if "outcome" in households:
        usable &= households["outcome"].astype("string").str.startswith("matched")
    hh = households.loc[usable.fillna(False).astype(bool)]
    if hh.empty:
        return None, np.zeros(0, dtype=bool)
    crs = metric_crs(villages)
    pilot = villages.loc[villages["village_code"].isin(codes)].to_crs(crs)
    points = gpd.GeoSeries(gpd.points_from_xy(hh["longitude"], hh["latitude"]),
                           index=hh.index, crs="EPSG:4326").to_crs(crs)
    points = points[points.intersects(
        shapely.union_all(np.asarray(pilot.geometry.values, dtype=object)))]
    desil = (pd.to_numeric(hh.loc[points.index, "desil"], errors="coerce") if "desil" in hh
             else pd.Series(np.nan, index=points.index))
    return points, (desil <= POOR_DESIL).fillna(False).astype(bool).to_numpy()


def _empty_grid(info: dict) -> PilotGrid:
    empty = gpd.GeoDataFrame({"cell_id": pd.Series(dtype="string"),
                              "cell_m": pd.Series(dtype="float64"),
                              "households": pd.Series(dtype="int64"),
                              "poor_households": pd.Series(dtype="int64")},
                             geometry=gpd.GeoSeries([], crs="EPSG:4326"), crs="EPSG:4326")
    return PilotGrid(cells=empty, **info)


def profile_distance(villages: pd.DataFrame, codes: Sequence[str],
                     indicators: Sequence[str]) -> pd.Series:
    """Standardised Euclidean distance of every village's profile to the pilot's mean profile.

    Each indicator is z-scored across all villages (so a share and a count weigh alike);
    missing values take the indicator's median; indicators with no spread are ignored.
    """
    columns = [c for c in indicators if c in villages]
    if not columns:
        raise GeoInputError("err.pilot_similar", source=Message("err.src_similar"),
                            indicators=str(list(indicators)))
    values = villages[columns].apply(pd.to_numeric, errors="coerce").astype("float64")
    values = values.fillna(values.median())
    spread = values.std(ddof=0)
    useful = spread[spread > 0].index
    z = (values[useful] - values[useful].mean()) / spread[useful]
    pilot_profile = z.loc[villages["village_code"].isin(codes).to_numpy()].mean()
    return np.sqrt(((z - pilot_profile) ** 2).sum(axis=1)).rename("distance")


def suggest_cell_size(households: pd.DataFrame | None, villages: gpd.GeoDataFrame,
                      codes: Iterable[str], *, min_households: int = DEFAULT_MIN_HOUSEHOLDS,
                      sizes: Sequence[float] = CELL_SIZES_M) -> float:
    """The finest cell size of ``sizes`` at which the grid shows at least one cell.

    The privacy rule (``min_households`` poor households a cell) stays; only the cell grows
    until the pilot's households fill some cells: a kelurahan of a few hundred registered
    households shows nothing at 250 m, so a fixed default would show an empty grid. When no
    size shows anything the largest is returned (the page then says why the grid is empty).
    """
    codes = _pilot_codes(villages, codes)
    for size in sorted(float(s) for s in sizes):
        if len(household_grid(households, villages, codes, cell_m=size,
                              min_households=min_households).cells):
            return size
    return float(max(sizes))


def nearby(villages: gpd.GeoDataFrame, codes: Iterable[str], *, near_km: float = NEAR_KM) -> np.ndarray:
    """Boolean mask of villages (pilots excluded) within ``near_km`` km of any pilot village."""
    codes = _pilot_codes(villages, codes)
    metric = villages.geometry.to_crs(metric_crs(villages))
    is_pilot = villages["village_code"].isin(codes).to_numpy()
    pilot = shapely.union_all(np.asarray(metric.values[is_pilot], dtype=object))
    close = shapely.dwithin(np.asarray(metric.values, dtype=object), pilot, float(near_km) * 1000)
    return close & ~is_pilot


def expansion_candidates(villages: gpd.GeoDataFrame, codes: Iterable[str],
                         indicators: Sequence[str], *, n_similar: int = 5,
                         graph: NeighbourGraph | None = None,
                         near_km: float | None = NEAR_KM) -> pd.DataFrame:
    """Next year's candidates, nearby first, then similar.

    The rule: every neighbour of the pilot is a candidate; then the ``n_similar`` villages
    with the profile closest to the pilot's, chosen among the villages within ``near_km`` km
    of a pilot village (``None``: anywhere in the layer). A programme grows to places its
    teams can reach; similarity alone scatters candidates across a province.

    Returns
    -------
    DataFrame
        ``village_code``, ``village_name``, ``district_name`` (when present), ``neighbour``
        (bool), ``similar`` (bool: among the ``n_similar`` closest profiles), ``distance``
        (standardised Euclidean distance to the pilot's mean profile), sorted by
        neighbour first, then distance.
    """
    codes = _pilot_codes(villages, codes)
    distance = profile_distance(villages, codes, indicators)
    near = neighbours(villages, codes, graph=graph)
    others = ~villages["village_code"].isin(codes).to_numpy()
    pool = others if near_km is None else nearby(villages, codes, near_km=near_km)
    pool = pool & ~villages.index.isin(near.index)  # neighbours are candidates already
    closest = distance[pool].nsmallest(max(int(n_similar), 0)).index
    table = pd.DataFrame({
        "village_code": villages["village_code"],
        "neighbour": villages.index.isin(near.index),
        "similar": villages.index.isin(closest),
        "distance": distance.round(3),
    }, index=villages.index)
    for extra in ("village_name", "district_name", "score", "rank"):
        if extra in villages:
            table[extra] = villages[extra]
    table = table.loc[others & (table["neighbour"] | table["similar"]).to_numpy()]
    order = ["village_code", "village_name", "district_name", "neighbour", "similar", "distance",
             "score", "rank"]
    table = table[[c for c in order if c in table]]
    return table.sort_values(["neighbour", "distance"], ascending=[False, True]).reset_index(drop=True)


def default_pilot(villages: pd.DataFrame, planted: Iterable[str] = ()) -> list[str]:
    """The pilot to start with: ``planted`` codes that are in the layer (the demo's pilot
    kelurahan), otherwise the top-ranked village, otherwise none."""
    codes = set(villages["village_code"].astype("string").dropna())
    chosen = [str(c) for c in planted if str(c) in codes]
    if chosen:
        return chosen
    if "rank" not in villages or villages["rank"].isna().all():
        return []
    top = villages.sort_values(["rank", "village_code"], na_position="last").iloc[0]
    return [str(top["village_code"])]
