"""The layers every export writes, built once from an analysis result.

:func:`build_layers` is the only door from an :class:`~geo.pipeline.results.AnalysisResult` to the
writers: it reads ``result.villages`` and ``result.method`` (never ``result.households`` or
``result.rejected``), withholds any column that looks personal, applies the minimum cell size,
and derives the focus list, the pocket villages and the dissolved pocket areas.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, partial

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components

from geo.common.crs import metric_crs
from geo.common.errors import GeoInputError
from geo.export.fields import DECISION_COLUMNS, IDENTITY_COLUMNS
from geo.export.method import method_table, plain_config
from geo.common.privacy import is_personal
from geo.pipeline.results import AnalysisResult

_HOUSEHOLD_KEYS = {"household_id", "source_row"}  # a household row's identity, never a village's
_PERSONAL_VALUE = re.compile(r"(?<!\d)\d{16}(?!\d)")  # NIK and No. KK are 16 digits


@dataclass(frozen=True)
class ExportLayers:
    """What the writers may write: village aggregates and the method, nothing else.

    Attributes
    ----------
    villages
        Every village (EPSG:4326, exterior rings counter-clockwise), canonical columns first,
        then decision columns, then indicators; ordered by ``rank``.
    focus_list
        Villages with ``in_focus_list``, ordered by rank.
    pockets
        Villages whose ``pocket`` is ``HH`` (high-high: a poverty pocket), ordered by rank.
    pocket_areas
        One feature per group of touching HH villages, with the member codes.
    method
        Key/value rows that state the method, sources and accounting (made by
        ``method_source`` when first read: they state the boundary checks, which a first
        ``rank`` lets finish while it writes files that do not carry the method).
    min_households
        The minimum cell size applied, or None.
    withheld_columns
        Columns of ``result.villages`` not exported because they look personal.
    config, created_at, sources
        The analysis config (plain dict), its date and the data file names, for the
        ranked table and the map footers.
    """

    villages: gpd.GeoDataFrame
    focus_list: gpd.GeoDataFrame
    pockets: gpd.GeoDataFrame
    pocket_areas: gpd.GeoDataFrame
    method_source: Callable[[], pd.DataFrame] = field(repr=False, compare=False)
    min_households: int | None = None
    withheld_columns: tuple[str, ...] = field(default_factory=tuple)
    config: dict = field(default_factory=dict)
    created_at: str = ""
    sources: tuple[str, ...] = field(default_factory=tuple)

    @cached_property
    def method(self) -> pd.DataFrame:
        return self.method_source()


def is_personal_column(name: str, values: pd.Series | None = None) -> bool:
    """True for a column that may carry personal data (NIK, No. KK, names, addresses, phones).

    Judged by the name with :func:`geo.common.privacy.is_personal` (the list that drops them at
    ingest: ``nik``, ``nama_kk``, ``alamat``, ``no_hp`` ...; ``village_name`` and the other
    place names are allowed), plus ``household_id``/``source_row``, and, for text columns,
    by values holding a 16-digit number like a NIK or No. KK.
    """
    if is_personal(name) or str(name).lower() in _HOUSEHOLD_KEYS:
        return True
    if values is not None and not pd.api.types.is_numeric_dtype(values):
        if not pd.api.types.is_bool_dtype(values):
            text = values.dropna()
            if not isinstance(text.dtype, pd.StringDtype):  # text columns are searched as they are
                text = text.astype(str)
            return bool(text.str.contains(_PERSONAL_VALUE).any())
    return False


def suppress_small_villages(villages: pd.DataFrame, min_households: int | None) -> pd.DataFrame:
    """Withhold every household-derived figure of villages with fewer than ``min_households``.

    A count or a rate of a handful of households can identify them (1 household in desil 1
    out of 2 tells the neighbours who it is), so both are set to null: every column except
    the identity columns, the decision columns (rank, score, focus, pocket, hotspot) and the
    geometry. ``suppressed`` says which villages were withheld, so null does not read as
    "no data". Villages with no households (or an unknown count) are suppressed as well.

    Parameters
    ----------
    villages
        Village table with a ``households`` column.
    min_households
        Minimum cell size; None or 0 disables suppression (``suppressed`` is all False).
    """
    out = villages.copy()
    if not min_households:
        out["suppressed"] = False
        return out
    if "households" not in out.columns:
        raise GeoInputError("err.export_no_households", source="households")
    counts = pd.to_numeric(out["households"], errors="coerce")
    small = (counts < min_households).fillna(True).astype(bool).to_numpy()
    keep = {*IDENTITY_COLUMNS, *DECISION_COLUMNS, "geometry"}
    for column in out.columns:
        if column not in keep:
            out[column] = _nullable(out[column]).mask(small)
    out["suppressed"] = small
    return out


def _nullable(values: pd.Series) -> pd.Series:
    """The same values in a dtype that can hold a null without changing the others."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("boolean")
    if pd.api.types.is_integer_dtype(values):
        return values.astype("Int64")
    if pd.api.types.is_float_dtype(values):
        return values
    return values.astype("string")


def _public_villages(result: AnalysisResult) -> tuple[gpd.GeoDataFrame, tuple[str, ...]]:
    villages = result.villages
    if not isinstance(villages, gpd.GeoDataFrame) or villages.crs is None:
        raise GeoInputError("err.export_no_crs", source="villages")
    if "village_code" not in villages.columns:
        raise GeoInputError("err.export_no_code", source="villages")
    geometry_name = villages.geometry.name
    withheld = []
    keep = []
    for column in villages.columns:
        if column == geometry_name:
            continue
        values = villages[column]
        if isinstance(values, gpd.GeoSeries) or is_personal_column(column, values):
            withheld.append(column)
        else:
            keep.append(column)
    frame = gpd.GeoDataFrame(
        villages[keep].copy(), geometry=villages.geometry.to_crs(4326).values, crs=4326
    )
    for column in keep:
        if frame[column].dtype == object:
            frame[column] = frame[column].astype("string")
    frame["village_code"] = frame["village_code"].astype("string")
    frame.geometry = shapely.orient_polygons(frame.geometry.values, exterior_cw=False)
    return frame, tuple(withheld)


def _by_rank(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    if "rank" not in frame.columns:
        return frame.sort_values("village_code", kind="stable").reset_index(drop=True)
    return frame.sort_values(["rank", "village_code"], kind="stable", na_position="last").reset_index(
        drop=True
    )


def display_names(frame: pd.DataFrame) -> pd.Series:
    """Village names as text for lists and labels: a village without a name (a layer whose
    name column is empty for it) is listed by its code rather than breaking the export."""
    codes = frame["village_code"].astype("string")
    if "village_name" not in frame:
        return codes
    names = frame["village_name"].astype("string").str.strip()
    return names.mask(names.isna() | (names == ""), codes).fillna("–")


def pocket_areas(pockets: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Dissolve touching HH villages into pocket areas (kantong kemiskinan) with member codes.

    Villages that share an edge or a corner (queen contiguity) belong to the same area;
    member codes and names are listed in code order, areas numbered by their best rank.
    ``households`` and ``desil1_households`` are summed only when no member is suppressed:
    a total beside its visible members would give the withheld count away.
    """
    columns = ["pocket_id", "n_villages", "village_codes", "village_names", "best_rank",
               "area_km2", "households", "desil1_households"]
    if pockets.empty:
        return gpd.GeoDataFrame({c: [] for c in columns}, geometry=[], crs=4326)
    geoms = pockets.geometry.values
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    n = len(pockets)
    graph = coo_array((np.ones(len(left)), (left, right)), shape=(n, n))
    _, labels = connected_components(graph, directed=False)
    frame = pockets.assign(_area=labels).sort_values("village_code", kind="stable")
    names = display_names(frame)
    rows = []
    for _, group in frame.groupby("_area", sort=False):
        withheld = bool(group["suppressed"].any()) if "suppressed" in group else False
        row = {
            "n_villages": len(group),
            "village_codes": ";".join(group["village_code"].astype(str)),
            "village_names": ";".join(names.loc[group.index].astype(str)),
            "best_rank": group["rank"].min() if "rank" in group else pd.NA,
            "geometry": shapely.union_all(group.geometry.values),
        }
        for count in ("households", "desil1_households"):
            row[count] = (
                pd.NA if withheld or count not in group else pd.to_numeric(group[count]).sum()
            )
        rows.append(row)
    areas = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    areas = areas.sort_values(["best_rank"], kind="stable").reset_index(drop=True)
    areas.insert(0, "pocket_id", [f"P{i:02d}" for i in range(1, len(areas) + 1)])
    metric = areas.geometry.to_crs(metric_crs(areas))
    areas["area_km2"] = (metric.area / 1e6).round(3)
    for count in ("households", "desil1_households", "best_rank"):
        areas[count] = pd.array(areas[count], dtype="Int64")
    areas.geometry = shapely.orient_polygons(areas.geometry.values, exterior_cw=False)
    return areas[[*columns, "geometry"]]


def build_layers(result: AnalysisResult, *, min_households: int | None = None) -> ExportLayers:
    """Prepare the layers of every export from an analysis result.

    Parameters
    ----------
    result
        The analysis; only ``villages``, ``method``, ``reconciliation`` and
        ``boundary_report`` are read. ``households`` and ``rejected`` are never touched.
    min_households
        Minimum cell size (see :func:`suppress_small_villages`); None keeps every figure.

    Returns
    -------
    ExportLayers
    """
    if min_households is not None and (
        isinstance(min_households, bool) or not isinstance(min_households, (int, np.integer))
        or min_households < 0
    ):
        raise GeoInputError("err.export_min_households", source="--min-households",
                            given=repr(min_households))
    villages, withheld = _public_villages(result)
    villages = suppress_small_villages(villages, min_households or None)
    first = [c for c in (*IDENTITY_COLUMNS, *DECISION_COLUMNS) if c in villages.columns]
    villages = _by_rank(villages[first + [c for c in villages.columns if c not in first]])  # stable order
    in_focus = (
        villages["in_focus_list"].fillna(False).astype(bool)
        if "in_focus_list" in villages else pd.Series(False, index=villages.index)
    )
    is_pocket = (
        villages["pocket"].astype("string").eq("HH").fillna(False).astype(bool)
        if "pocket" in villages else pd.Series(False, index=villages.index)
    )
    focus = villages[in_focus.to_numpy()].reset_index(drop=True)
    pockets = villages[is_pocket.to_numpy()].reset_index(drop=True)
    areas = pocket_areas(pockets)
    counts = {
        "villages": len(villages),
        "focus_villages": len(focus),
        "pocket_villages": len(pockets),
        "pocket_areas": len(areas),
        "suppressed_villages": int(villages["suppressed"].sum()),
    }
    return ExportLayers(
        villages=villages,
        focus_list=focus,
        pockets=pockets,
        pocket_areas=areas,
        method_source=partial(method_table, result, counts=counts,
                              min_households=min_households or None),
        min_households=min_households or None,
        withheld_columns=withheld,
        config=plain_config(result.method.config),
        created_at=str(result.method.created_at or ""),
        sources=tuple(s.file for s in result.method.sources),
    )
