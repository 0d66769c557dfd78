"""Which villages each household point lies in, in bulk (a point on a border is in both).

Why not ``STRtree``/``geopandas.sjoin``
    They need a GEOS point per household, and building a million of them is most of their
    time. Here points stay two float arrays: they are bucketed on a grid of cells about half
    the size of a typical village's box, each village's box is turned into the runs of
    cells it covers (one contiguous run of sorted points per grid row), the runs give the
    candidate (point, village) pairs in a few array operations, and the pairs inside the box
    are tested with shapely's prepared ``intersects_xy``.

Why two threads, split by village
    GEOS releases the GIL in ``intersects_xy``, so the tests split over the cores. A
    prepared geometry builds its index lazily on first use and GEOS does not promise that is
    safe from two threads at once, so every pair of one village goes to the same thread.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from geo.common.cores import usable_cores

#: Grid cells per typical village box side (2: a box covers about 3 x 3 cells).
CELLS_PER_BOX = 2
#: Grid cells per point and box at most.
MAX_CELLS_PER_ITEM = 4
#: Below this many candidate pairs one thread does all the tests.
THREADED_FROM = 200_000


def points_in_polygons(x: np.ndarray, y: np.ndarray, polygons: np.ndarray
                       ) -> tuple[np.ndarray, np.ndarray]:
    """Every (point, polygon) pair where the point lies in or on the polygon, as two index
    arrays, grouped by polygon (ascending). ``x``, ``y``: the points in the polygons' CRS."""
    point, polygon = candidate_pairs(x, y, shapely.bounds(polygons))
    hit = _intersects(polygons, x, y, point, polygon)
    return point[hit], polygon[hit]


def candidate_pairs(x: np.ndarray, y: np.ndarray, bounds: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """(point, polygon) pairs whose point lies in the polygon's box (borders included),
    grouped by polygon. ``bounds``: ``(n, 4)`` minx, miny, maxx, maxy (NaN: no polygon)."""
    empty = (np.empty(0, np.int64), np.empty(0, np.int64))
    real = np.flatnonzero(np.isfinite(bounds).all(axis=1))
    if not len(real) or not len(x):
        return empty
    box = bounds[real]
    # points outside every box never meet a polygon; the grid spans the rest of the points
    inside = np.flatnonzero((x >= box[:, 0].min()) & (x <= box[:, 2].max())
                            & (y >= box[:, 1].min()) & (y <= box[:, 3].max()))
    if not len(inside):
        return empty
    x0, x1 = x[inside].min(), x[inside].max()
    y0, y1 = y[inside].min(), y[inside].max()
    width, height = _cell_size(box, x1 - x0, y1 - y0, len(inside))
    columns = int((x1 - x0) // width) + 1
    rows = int((y1 - y0) // height) + 1
    cell = ((y[inside] - y0) // height).astype(np.int64) * columns \
        + ((x[inside] - x0) // width).astype(np.int64)
    order = np.argsort(cell, kind="stable")
    by_cell = inside[order]
    first = np.searchsorted(cell[order], np.arange(rows * columns + 1))
    # a box reaching beyond the points is cut to the grid: the cells it loses hold no point
    c0 = np.clip((box[:, 0] - x0) // width, 0, columns - 1).astype(np.int64)
    c1 = np.clip((box[:, 2] - x0) // width, 0, columns - 1).astype(np.int64)
    r0 = np.clip((box[:, 1] - y0) // height, 0, rows - 1).astype(np.int64)
    r1 = np.clip((box[:, 3] - y0) // height, 0, rows - 1).astype(np.int64)
    # one run of sorted points per (polygon, grid row it covers)
    runs = r1 - r0 + 1
    run_polygon = np.repeat(np.arange(len(box)), runs)
    run_row = r0[run_polygon] + np.arange(runs.sum()) - np.repeat(np.cumsum(runs) - runs, runs)
    start = first[run_row * columns + c0[run_polygon]]
    stop = first[run_row * columns + c1[run_polygon] + 1]
    length = stop - start
    total = int(length.sum())
    if not total:
        return empty
    offset = np.arange(total) - np.repeat(np.cumsum(length) - length, length)
    point = by_cell[np.repeat(start, length) + offset]
    polygon = np.repeat(run_polygon, length)
    keep = ((x[point] >= box[polygon, 0]) & (x[point] <= box[polygon, 2])
            & (y[point] >= box[polygon, 1]) & (y[point] <= box[polygon, 3]))
    return point[keep], real[polygon[keep]]


def _cell_size(box: np.ndarray, span_x: float, span_y: float, points: int
               ) -> tuple[float, float]:
    """Cells about ``1 / CELLS_PER_BOX`` of the median box, but never more cells than
    :data:`MAX_CELLS_PER_ITEM` per point and box (one stray vertex far away must not
    make a grid of billions)."""
    width = float(np.median(box[:, 2] - box[:, 0])) / CELLS_PER_BOX
    height = float(np.median(box[:, 3] - box[:, 1])) / CELLS_PER_BOX
    width = width if width > 0 else (span_x or 1.0)
    height = height if height > 0 else (span_y or 1.0)
    limit = MAX_CELLS_PER_ITEM * (points + len(box))
    cells = (span_x / width + 1) * (span_y / height + 1)
    if cells > limit:
        grow = float(np.sqrt(cells / limit))
        width, height = width * grow * 1.01, height * grow * 1.01
    return width, height


def _intersects(polygons, x, y, point, polygon) -> np.ndarray:
    """``intersects_xy`` of each pair; pairs grouped by polygon, split where a polygon ends."""
    shapely.prepare(polygons)
    pairs = len(point)
    threads = usable_cores()
    shared = len({id(g) for g in polygons.tolist()}) < len(polygons)  # one object twice
    if pairs < THREADED_FROM or threads < 2 or shared:
        return shapely.intersects_xy(polygons[polygon], x[point], y[point])
    cuts = np.searchsorted(polygon, polygon[np.linspace(0, pairs, threads + 1)[1:-1]
                                            .astype(np.int64)], side="left")
    edges = [0, *cuts.tolist(), pairs]
    parts = [slice(a, b) for a, b in zip(edges[:-1], edges[1:]) if b > a]
    with ThreadPoolExecutor(len(parts), thread_name_prefix="locate") as pool:
        done = list(pool.map(lambda part: shapely.intersects_xy(
            polygons[polygon[part]], x[point[part]], y[point[part]]), parts))
    return np.concatenate(done)
