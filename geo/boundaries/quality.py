"""Quality checks of a village layer: nothing silent.

Real boundary files have defects (``data/wilayah_boundaries/README.md``): self-intersecting
rings, duplicate codes, empty geometries, sliver overlaps and gaps from polygons simplified one
by one, a newly split village drawn over its parent. Each check here is vectorised (shapely 2
arrays, one STRtree) and returns plain JSON-serialisable records for the boundary report.
Areas are square metres in :func:`geo.common.crs.metric_crs`, never square degrees.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.boundaries import cascade

POLYGONAL = (shapely.GeometryType.POLYGON, shapely.GeometryType.MULTIPOLYGON)
OVERLAPS_LISTED = 100
#: Candidate pairs intersected first, to learn early whether the layer has overlaps.
FIRST_PAIRS = 500


def polygonal_part(geoms: np.ndarray) -> np.ndarray:
    """Keep only the polygonal parts of each geometry (None where nothing polygonal remains).

    ``make_valid`` may return a GeometryCollection holding the repaired polygon plus collapsed
    lines or points; a village is an area, so only the area is kept.
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    types = shapely.get_type_id(geoms)
    mixed = np.flatnonzero((types >= 0) & ~np.isin(types, POLYGONAL))
    if mixed.size:
        parts, owner = shapely.get_parts(geoms[mixed], return_index=True)
        keep = np.isin(shapely.get_type_id(parts), POLYGONAL)
        geoms[mixed] = None
        for k in np.unique(owner[keep]):
            geoms[mixed[k]] = _single_or_multi(parts[keep & (owner == k)])
    return geoms


def _single_or_multi(polygons: np.ndarray):
    flat = shapely.get_parts(polygons)
    return flat[0] if flat.size == 1 else shapely.multipolygons(flat)


def single_part_as_polygon(geoms: np.ndarray) -> np.ndarray:
    """MultiPolygons with one part become Polygons, so every format gives the same layer."""
    geoms = np.asarray(geoms, dtype=object).copy()
    one = (shapely.get_type_id(geoms) == shapely.GeometryType.MULTIPOLYGON) & (
        shapely.get_num_geometries(geoms) == 1)
    geoms[one] = shapely.get_geometry(geoms[one], 0)
    return geoms


def repair_invalid(geoms: np.ndarray, metric: pyproj.CRS) -> tuple[np.ndarray, pd.DataFrame]:
    """Repair invalid geometries with ``make_valid``, keeping their polygonal parts.

    Returns
    -------
    geoms
        The geometries with the invalid ones replaced.
    repaired
        One row per repaired geometry: ``index`` (position), ``problem`` (GEOS's reason, with
        the location), ``area_before_m2`` and ``area_after_m2`` (a repair that changes the area
        noticeably deserves a look).
    """
    geoms = np.asarray(geoms, dtype=object).copy()
    present = ~shapely.is_missing(geoms)
    invalid = np.flatnonzero(present & ~shapely.is_valid(geoms))
    if invalid.size == 0:
        return geoms, pd.DataFrame(columns=["index", "problem", "area_before_m2", "area_after_m2"])
    problem = shapely.is_valid_reason(geoms[invalid])
    fixed = polygonal_part(shapely.make_valid(geoms[invalid]))
    to_metric = pyproj.Transformer.from_crs("EPSG:4326", metric, always_xy=True)
    before = shapely.area(shapely.transform(geoms[invalid], _projector(to_metric)))
    after = shapely.area(shapely.transform(fixed, _projector(to_metric)))
    geoms[invalid] = fixed
    return geoms, pd.DataFrame({"index": invalid, "problem": problem,
                                "area_before_m2": before, "area_after_m2": after})


def _projector(transformer: pyproj.Transformer):
    def project(xy: np.ndarray) -> np.ndarray:
        x, y = transformer.transform(xy[:, 0], xy[:, 1])
        return np.column_stack([x, y])
    return project


def duplicate_groups(codes: pd.Series) -> pd.Series:
    """True for every row whose code occurs more than once."""
    return codes.duplicated(keep=False).fillna(False).astype(bool)


def find_overlaps(metric_geoms: np.ndarray, codes, names, *, listed: int = OVERLAPS_LISTED,
                  on_first_overlap=None) -> tuple[list[dict], dict]:
    """Pairs of villages whose interiors overlap, worst first.

    Parameters
    ----------
    metric_geoms
        Valid geometries in a metric CRS.
    codes, names
        Village codes and names, aligned with ``metric_geoms``.
    listed
        How many pairs to list (all are counted).
    on_first_overlap
        Called (without arguments) as soon as one overlapping pair is found, before the
        remaining intersections: :func:`check_coverage` then starts the gap union beside them.

    Returns
    -------
    pairs
        ``{"codes": [a, b], "names": [a, b], "area_m2", "share_of_smaller"}`` where ``b`` is
        the smaller village, sorted by ``share_of_smaller`` (then area) descending: a village
        drawn over most of another (a new split over its parent) comes before edge slivers.
    summary
        ``{"pairs": n, "area_m2": total overlap area}``.

    Notes
    -----
    One STRtree pair query, then one vectorised intersection of the candidate pairs: a pair
    overlaps exactly when its intersection has an area (interiors that meet), so no separate
    ``relate`` pass is needed (on Jawa Timur that pass cost more than the intersections it
    saved: 24,998 candidates, 17,442 overlapping).
    """
    geoms = np.asarray(metric_geoms, dtype=object)
    codes = np.asarray(pd.Series(codes, dtype="string").fillna("").to_numpy(dtype=object))
    names = np.asarray(pd.Series(names, dtype="string").fillna("").to_numpy(dtype=object))
    left, right = _candidate_pairs(geoms)
    head = min(len(left), FIRST_PAIRS)
    area = shapely.area(shapely.intersection(geoms[left[:head]], geoms[right[:head]]))
    if on_first_overlap is not None and (area > 0).any():
        on_first_overlap()
    rest = shapely.area(shapely.intersection(geoms[left[head:]], geoms[right[head:]]))
    if on_first_overlap is not None and not (area > 0).any() and (rest > 0).any():
        on_first_overlap()
    area = np.concatenate([area, rest])
    positive = area > 0
    left, right, area = left[positive], right[positive], area[positive]
    own = shapely.area(geoms)
    small_is_left = own[left] < own[right]
    big = np.where(small_is_left, right, left)
    small = np.where(small_is_left, left, right)
    share = area / own[small]
    order = np.lexsort((-area, -share))[:listed]
    pairs = [
        {"codes": [codes[big[k]], codes[small[k]]], "names": [names[big[k]], names[small[k]]],
         "area_m2": round(float(area[k]), 1), "share_of_smaller": round(float(share[k]), 4)}
        for k in order
    ]
    return pairs, {"pairs": int(area.size), "area_m2": round(float(area.sum()), 1)}


def _candidate_pairs(geoms: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each pair of intersecting geometries once (``left < right``), from one STRtree query;
    pairs whose boxes only touch along a line or at a point cannot share any area."""
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    once = left < right
    left, right = left[once], right[once]
    bounds = shapely.bounds(geoms)
    width = np.minimum(bounds[left, 2], bounds[right, 2]) - np.maximum(bounds[left, 0],
                                                                       bounds[right, 0])
    height = np.minimum(bounds[left, 3], bounds[right, 3]) - np.maximum(bounds[left, 1],
                                                                        bounds[right, 1])
    boxed = (width > 0) & (height > 0)
    return left[boxed], right[boxed]


def is_exact_coverage(metric_geoms: np.ndarray) -> bool:
    """True when the villages form a valid polygonal coverage (GEOS ``coverage_is_valid``):
    neighbours share exactly the same vertices along their common edges and nothing overlaps.

    Official layers cut from one topology are such coverages; the wilayah_boundaries files,
    each polygon simplified on its own, are not (Jawa Timur: 17,442 overlapping pairs)."""
    geoms = np.asarray(metric_geoms, dtype=object)
    geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    return bool(len(geoms)) and bool(shapely.coverage_is_valid(geoms))


def union_holes(metric_geoms: np.ndarray, *, exact_coverage: bool | None = None) -> np.ndarray:
    """The holes of the union of all villages, as polygons (what :func:`find_gaps` counts;
    drawn by :func:`geo.boundaries.quality_layer.quality_features`).

    ``exact_coverage``: whether the villages form a valid coverage (:func:`is_exact_coverage`;
    ``None``: find out). A valid coverage is dissolved by GEOS's coverage union, which only
    drops the shared edges (linear in the vertices); anything else needs the full overlay
    union (``union_all``), the one way to get the holes exactly when neighbours' edges cross
    one another. The holes are the same either way (tested on hand-made coverages). The
    overlay union is GEOS's own, in the same order, with final holes set aside on the way
    (:mod:`geo.boundaries.cascade`): the same holes in about a third of the time.
    """
    geoms = np.asarray(metric_geoms, dtype=object)
    geoms = geoms[~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)]
    if not len(geoms):
        return np.empty(0, dtype=object)
    if exact_coverage is None:
        exact_coverage = is_exact_coverage(geoms)
    if not exact_coverage:
        return cascade.union_holes(geoms)
    union = shapely.coverage_union_all(geoms)
    parts = shapely.get_parts(union)
    parts = parts[shapely.get_type_id(parts) == shapely.GeometryType.POLYGON]
    rings, owner = shapely.get_rings(parts, return_index=True)
    interior = np.r_[False, owner[1:] == owner[:-1]] if rings.size else np.zeros(0, bool)
    return shapely.polygons(rings[interior])


def find_gaps(metric_geoms: np.ndarray, metric: pyproj.CRS, *,
              exact_coverage: bool | None = None) -> dict:
    """Holes in the union of all villages: land no village covers, enclosed by villages.

    Returns ``{"count", "total_area_m2", "largest_area_m2", "largest_at": [lon, lat]}``.

    Notes
    -----
    On a valid coverage the holes come from GEOS's coverage union (milliseconds). Layers whose
    neighbours' edges cross (every polygon simplified on its own) need the overlay union:
    GEOS's coverage union refuses them ("cannot process incorrectly noded inputs"), and
    snapping to a grid first changes the gaps found (issue 19). ``union_all`` took about 10 s
    for Jawa Timur's 8,494 villages; :mod:`geo.boundaries.cascade` does the same unions in
    the same order with final holes set aside, in threads (about 3-4 s on two cores).
    :func:`check_coverage` decides which, once per layer.
    """
    holes = union_holes(metric_geoms, exact_coverage=exact_coverage)
    areas = shapely.area(holes)
    if areas.size == 0:
        return {"count": 0, "total_area_m2": 0.0, "largest_area_m2": 0.0, "largest_at": None}
    k = int(np.argmax(areas))
    point = shapely.point_on_surface(holes[k])
    to_wgs84 = pyproj.Transformer.from_crs(metric, "EPSG:4326", always_xy=True)
    lon, lat = to_wgs84.transform(point.x, point.y)
    return {"count": int(areas.size), "total_area_m2": round(float(areas.sum()), 1),
            "largest_area_m2": round(float(areas[k]), 1),
            "largest_at": [round(lon, 6), round(lat, 6)]}


@dataclass(frozen=True)
class CoverageFindings:
    """Overlaps and gaps of one village layer, as the boundary report records them.

    ``overlaps`` and ``overlaps_total`` as :func:`find_overlaps` returns them, ``gaps`` as
    :func:`find_gaps`; ``method`` says how the gaps were found: ``"coverage"`` (a valid
    coverage, GEOS coverage union) or ``"union"`` (overlay union).
    """

    overlaps: list[dict]
    overlaps_total: dict
    gaps: dict
    method: str


def check_coverage(metric_geoms: np.ndarray, codes, names, metric: pyproj.CRS, *,
                   listed: int = OVERLAPS_LISTED) -> CoverageFindings:
    """Overlaps, then gaps, of a village layer in a metric CRS (computed once per layer: the
    boundary cache, :mod:`geo.boundaries.cache`, keeps the report).

    Overlapping villages already mean the layer is no valid coverage, so the coverage test
    (about 1.5 s on Jawa Timur) runs only when no pair overlaps. Once the first overlapping
    pair is found, the gap union starts in a thread beside the remaining intersections (GEOS
    releases the GIL); an error there is raised here, as if it had run in line.
    """
    with ThreadPoolExecutor(1) as pool:
        union: list[Future] = []

        def start_union() -> None:
            union.append(pool.submit(find_gaps, metric_geoms, metric, exact_coverage=False))

        pairs, total = find_overlaps(metric_geoms, codes, names, listed=listed,
                                     on_first_overlap=start_union)
        if union:
            gaps, exact = union[0].result(), False
        else:
            exact = is_exact_coverage(metric_geoms)
            gaps = find_gaps(metric_geoms, metric, exact_coverage=exact)
    return CoverageFindings(overlaps=pairs, overlaps_total=total, gaps=gaps,
                            method="coverage" if exact else "union")
