"""Bulk point location against brute force: every pair found once, none made up."""

from __future__ import annotations

import numpy as np
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.join import locate


def brute_force(x, y, polygons):
    """Every polygon against every point (GEOS one pair at a time, no grid, no box)."""
    return {(int(p), g) for g, poly in enumerate(polygons) if poly is not None and not poly.is_empty
            for p in np.flatnonzero(shapely.intersects_xy(poly, x, y))}


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 10_000), villages=st.integers(1, 30), points=st.integers(0, 300),
       threaded=st.booleans())
def test_every_point_in_every_polygon_it_touches(seed, villages, points, threaded):
    rng = np.random.default_rng(seed)
    centres = rng.uniform(0, 10, size=(villages, 2))
    sizes = rng.choice([0.0, 0.3, 1.0, 4.0], size=villages)  # 0: a point-sized box
    polygons = np.array([shapely.box(cx, cy, cx + s, cy + s * 0.7) if s else shapely.Polygon()
                         for (cx, cy), s in zip(centres, sizes)], dtype=object)
    for g in np.flatnonzero(rng.random(villages) < 0.3):  # round ones too, with a hole
        centre = shapely.Point(*centres[g])
        polygons[g] = centre.buffer(1.5).difference(centre.buffer(0.4))
    # points anywhere, some exactly on corners and edges
    x = rng.uniform(-1, 12, points)
    y = rng.uniform(-1, 12, points)
    corners = rng.random(points) < 0.2
    pick = rng.integers(0, villages, points)
    x[corners] = centres[pick[corners], 0]
    y[corners] = centres[pick[corners], 1]
    old = locate.THREADED_FROM
    locate.THREADED_FROM = 1 if threaded else old
    try:
        point, polygon = locate.points_in_polygons(x, y, polygons)
    finally:
        locate.THREADED_FROM = old
    found = list(zip(point.tolist(), polygon.tolist()))
    assert len(found) == len(set(found))
    assert set(found) == brute_force(x, y, polygons)
    assert np.all(np.diff(polygon) >= 0)


def test_no_polygon_or_no_point_gives_no_pair():
    x = np.array([1.0])
    y = np.array([1.0])
    assert len(locate.points_in_polygons(x, y, np.array([shapely.Polygon()], dtype=object))[0]) == 0
    empty = np.empty(0)
    assert len(locate.points_in_polygons(empty, empty,
                                         np.array([shapely.box(0, 0, 2, 2)], dtype=object))[0]) == 0


def test_one_far_vertex_does_not_make_a_huge_grid():
    """A village with a stray vertex 1,000 degrees away: the grid follows the points and stays
    small, and the points in the stray village's box are still found."""
    small = [shapely.box(i * 0.01, 0, i * 0.01 + 0.01, 0.01) for i in range(2000)]
    stray = shapely.Polygon([(0, 0), (-999, -999), (20, 0.02), (0, 0.02)])
    polygons = np.array(small + [stray], dtype=object)
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 20, 5000)
    y = rng.uniform(0, 0.01, 5000)
    cells = []
    original = np.searchsorted

    def counting(a, v, *args, **kwargs):
        cells.append(np.size(v))
        return original(a, v, *args, **kwargs)

    locate.np.searchsorted = counting
    try:
        point, polygon = locate.points_in_polygons(x, y, polygons)
    finally:
        locate.np.searchsorted = original
    assert max(cells) <= locate.MAX_CELLS_PER_ITEM * (len(x) + len(polygons)) * 2 + 1
    found = set(zip(point.tolist(), polygon.tolist()))
    assert found == brute_force(x, y, polygons)
