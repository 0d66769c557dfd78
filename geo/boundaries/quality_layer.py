"""Quality on the map: the shapes behind the boundary report's overlaps, gaps and repairs.

The report (:class:`geo.boundaries.report.BoundaryReport`) keeps only JSON records (pairs of
codes with areas, a gap count, repaired codes), so it stays small and cacheable. The shapes are
computed again on demand from the canonical layer: the intersection of each listed pair
(one vectorised ``shapely.intersection``), the holes of the union (only for layers small enough
that the union is quick), and the outline of each repaired village.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.boundaries import quality
from geo.boundaries.report import BoundaryReport
from geo.common.crs import metric_crs

#: the kinds of feature, in the order they are drawn and listed
KINDS = ("overlap", "gap", "repaired")
#: gaps are drawn only up to this many villages: the union takes ~10 s for Jawa Timur's 8,494
GAPS_DRAWN_UP_TO = 2_000
COLUMNS = ["kind", "rank", "label", "codes", "area_m2", "geometry"]


def quality_totals(report: BoundaryReport) -> dict[str, int]:
    """How many of each kind the report counts (all overlaps, not only the listed ones)."""
    overlaps = (report.overlaps_total or {}).get("pairs", len(report.overlaps))
    gaps = (report.gaps or {}).get("count", 0)
    return {"overlap": int(overlaps), "gap": int(gaps or 0), "repaired": len(report.repaired)}


def _named(names, codes) -> list[str]:
    return [f"{n} ({c})" if n else str(c) for n, c in zip(names, codes)]


def _overlaps(villages: gpd.GeoDataFrame, report: BoundaryReport) -> pd.DataFrame:
    pairs = pd.DataFrame(list(report.overlaps), columns=["codes", "names", "area_m2"])
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    where = pd.Series(np.arange(len(villages)), index=villages["village_code"].astype(str))
    where = where[~where.index.duplicated()]
    a = where.reindex([c[0] for c in pairs["codes"]]).to_numpy()
    b = where.reindex([c[1] for c in pairs["codes"]]).to_numpy()
    known = ~(np.isnan(a) | np.isnan(b))
    pairs, a, b = pairs[known], a[known].astype(int), b[known].astype(int)
    geoms = np.asarray(villages.geometry.array, dtype=object)
    shapes = quality.polygonal_part(shapely.intersection(geoms[a], geoms[b]))
    names = [" × ".join(_named(n, c)) for n, c in zip(pairs["names"], pairs["codes"])]
    return pd.DataFrame({"kind": "overlap", "rank": np.arange(1, len(pairs) + 1),
                         "label": names, "codes": [" ".join(c) for c in pairs["codes"]],
                         "area_m2": shapely.area(shapes),  # unrounded: a sliver stays > 0
                         "geometry": shapes})


def _gaps(metric_geoms: np.ndarray, report: BoundaryReport) -> pd.DataFrame:
    if not (report.gaps or {}).get("count") or len(metric_geoms) > GAPS_DRAWN_UP_TO:
        return pd.DataFrame(columns=COLUMNS)
    overlapping = (report.overlaps_total or {}).get("pairs", len(report.overlaps))
    holes = quality.union_holes(metric_geoms,  # overlaps: no valid coverage, no test
                                exact_coverage=False if overlapping else None)
    areas = shapely.area(holes)
    order = np.argsort(-areas, kind="stable")
    return pd.DataFrame({"kind": "gap", "rank": np.arange(1, len(order) + 1), "label": "",
                         "codes": "", "area_m2": np.round(areas[order], 1),
                         "geometry": holes[order]})


def _repaired(villages: gpd.GeoDataFrame, report: BoundaryReport) -> pd.DataFrame:
    records = pd.DataFrame(list(report.repaired),
                           columns=["village_code", "village_name", "area_before_m2",
                                    "area_after_m2"])
    codes = records["village_code"].astype(str)
    records = records[codes.isin(villages["village_code"].astype(str))]
    if records.empty:
        return pd.DataFrame(columns=COLUMNS)
    change = (records["area_before_m2"].astype(float) - records["area_after_m2"].astype(float)).abs()
    records = records.assign(area_m2=change.round(1)).sort_values("area_m2", ascending=False,
                                                                  kind="stable")
    shapes = villages.drop_duplicates("village_code").set_index(
        villages["village_code"].drop_duplicates().astype(str)).geometry
    outline = shapes.reindex(records["village_code"].astype(str)).to_numpy()
    return pd.DataFrame({"kind": "repaired", "rank": np.arange(1, len(records) + 1),
                         "label": _named(records["village_name"].fillna(""),
                                         records["village_code"]),
                         "codes": records["village_code"].astype(str).to_numpy(),
                         "area_m2": records["area_m2"].to_numpy(),
                         "geometry": shapely.boundary(outline.astype(object))})


def quality_features(villages: gpd.GeoDataFrame, report: BoundaryReport, *,
                     limit: int = 500) -> gpd.GeoDataFrame:
    """The report's problems as shapes (EPSG:4326), worst first, at most ``limit`` of them.

    Parameters
    ----------
    villages
        The canonical village layer the report was made with (EPSG:4326).
    report
        Its boundary report (overlaps and gaps only if ``quality_checked``).
    limit
        At most this many features; the worst of each kind are kept (interleaved by rank).
        ``quality_totals(report)`` minus the counts here is what is not drawn.

    Returns
    -------
    GeoDataFrame
        ``kind`` (overlap, gap, repaired), ``rank`` (1 = worst within its kind), ``label``
        (village names and codes; empty for a gap), ``codes``, ``area_m2`` (the overlap's or
        the gap's area, the area a repair changed), ``geometry``; ``feature_id`` like
        ``overlap-1``. Overlaps rank as the report does (share of the smaller village, then
        area); gaps and repairs by area. Empty (with these columns) when nothing is wrong.
    """
    metric = pyproj.CRS(report.metric_crs) if report.metric_crs else metric_crs(villages)
    metric_layer = villages.to_crs(metric)
    metric_geoms = np.asarray(metric_layer.geometry.array, dtype=object)
    parts = [_overlaps(metric_layer, report), _gaps(metric_geoms, report),
             _repaired(metric_layer, report)]
    parts = [p for p in parts if len(p)]
    if not parts:
        frame = gpd.GeoDataFrame(pd.DataFrame(columns=COLUMNS + ["feature_id"]),
                                 geometry="geometry", crs="EPSG:4326")
        return frame
    frame = pd.concat(parts, ignore_index=True)
    frame["rank"] = frame["rank"].astype(int)
    frame["_order"] = frame["kind"].map({k: i for i, k in enumerate(KINDS)})
    frame = frame.sort_values(["rank", "_order"], kind="stable").head(limit)
    frame = frame.sort_values(["_order", "rank"], kind="stable").drop(columns="_order")
    frame = frame[~shapely.is_empty(np.asarray(frame["geometry"], dtype=object))]
    frame["feature_id"] = frame["kind"] + "-" + frame["rank"].astype(str)
    out = gpd.GeoDataFrame(frame.reset_index(drop=True), geometry="geometry", crs=metric)
    return out.to_crs("EPSG:4326")
