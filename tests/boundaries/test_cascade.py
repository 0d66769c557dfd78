"""The union cascade (issue 19): the holes of GEOS's ``union_all``, found faster."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
import shapely.affinity

from geo.boundaries import cascade

ORIGIN = np.array([600_000.0, 9_100_000.0])


def _plain_holes(geoms) -> set[bytes]:
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    return set(shapely.to_wkb(shapely.normalize(np.array(holes, dtype=object))))


def _as_set(holes) -> set[bytes]:
    return set(shapely.to_wkb(shapely.normalize(holes)))


def _jittered_grid(n=24, size=500.0, seed=7):
    """Squares each moved and shrunk a little, some missing, one with an island in its place:
    overlaps, sliver gaps and real holes, as separately simplified villages have."""
    rng = np.random.default_rng(seed)
    cells = []
    for i in range(n):
        for j in range(n):
            if rng.random() < 0.04:
                x, y = ORIGIN + [i * size + 200, j * size + 200]
                cells.append(shapely.box(x, y, x + 50, y + 50))  # an island in a hole
                continue
            x, y = ORIGIN + [i * size, j * size] + rng.normal(0, 0.6, 2)
            grow = rng.normal(0, 0.4, 4)
            cell = shapely.box(x + grow[0], y + grow[1], x + size + grow[2], y + size + grow[3])
            cells.append(shapely.affinity.rotate(cell, rng.normal(0, 0.05)))  # edges cross
    return np.array(cells, dtype=object)


def test_holes_are_those_of_union_all_on_a_messy_layer():
    cells = _jittered_grid()
    holes = cascade.union_holes(cells)
    assert len(holes) > 100  # the test means something: many sliver gaps and real holes
    assert len(holes) == len(_plain_holes(cells))
    assert _as_set(holes) == _plain_holes(cells)


def test_final_holes_are_set_aside_on_the_way_up():
    cells = _jittered_grid(n=16)
    parts = shapely.get_parts(cells)
    run = cascade._Cascade(parts[cascade.str_order(parts)], threads=2)
    holes = run.holes()
    assert sum(len(h) for h in run.set_aside) > 0  # not just union_all in another order
    assert _as_set(holes) == _plain_holes(cells)


def test_multipolygons_and_an_island_inside_a_hole_count_as_union_all_does():
    ring = [shapely.box(*(ORIGIN + [i * 1000, j * 1000]), *(ORIGIN + [i * 1000 + 1000,
                                                                        j * 1000 + 1000]))
            for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    island = shapely.box(*(ORIGIN + 1400), *(ORIGIN + 1600))
    pair = shapely.MultiPolygon([shapely.box(*(ORIGIN + [5000, 0]), *(ORIGIN + [6000, 1000])),
                                 shapely.box(*(ORIGIN + [7000, 0]), *(ORIGIN + [8000, 1000]))])
    geoms = np.array(ring + [island, pair], dtype=object)
    holes = cascade.union_holes(geoms)
    assert len(holes) == 1 and shapely.area(holes[0]) == 1e6  # the island's area included
    assert _as_set(holes) == _plain_holes(geoms)


def test_ties_between_different_polygons_fall_back_to_union_all():
    a = shapely.box(*(ORIGIN + [0, 0]), *(ORIGIN + [10, 10]))
    b = shapely.Polygon([tuple(ORIGIN + p) for p in [(0, 0), (10, 0), (10, 10)]])
    cells = np.array([a, b] + list(_jittered_grid(n=4)), dtype=object)  # same box, not equal
    assert cascade.str_order(shapely.get_parts(cells)) is None
    assert _as_set(cascade.union_holes(cells)) == _plain_holes(cells)


def test_identical_copies_do_not_make_the_order_ambiguous():
    cells = _jittered_grid(n=6)
    cells = np.concatenate([cells, cells[:1]])
    assert cascade.str_order(shapely.get_parts(cells)) is not None
    assert _as_set(cascade.union_holes(cells)) == _plain_holes(cells)


def test_a_single_thread_gives_the_same_holes():
    cells = _jittered_grid(n=10, seed=3)
    assert _as_set(cascade.union_holes(cells, threads=1)) == _as_set(
        cascade.union_holes(cells, threads=2))


def _metric_layer(paths):
    from geo.boundaries.read import read_villages
    from geo.common.crs import metric_crs

    villages, _ = read_villages(paths, check_quality=False)
    return np.asarray(villages.geometry.to_crs(metric_crs(villages)).array, dtype=object)


@pytest.mark.parametrize("fixture, count", [("malang_sql", 207), ("bontang_sql", 41),
                                            ("pekalongan_sql", 889)])
def test_the_real_files_give_union_alls_holes_ring_for_ring(fixture, count, request):
    geoms = _metric_layer([request.getfixturevalue(fixture)])
    holes = cascade.union_holes(geoms)
    assert len(holes) == count  # as counted by union_all when the cascade was written
    assert _as_set(holes) == _plain_holes(geoms)


@pytest.mark.slow
def test_jawa_timur_gives_union_alls_holes_ring_for_ring(jatim_sqls):
    geoms = _metric_layer(jatim_sqls)
    holes = cascade.union_holes(geoms)
    assert len(holes) == 38_616
    assert _as_set(holes) == _plain_holes(geoms)
