"""Overlaps and gaps from the coverage (issue 19): the same findings as the plain way.

The plain way, written here independently: every intersecting pair, ``relate`` for interiors
that meet, the area of each intersection; the holes of one ``union_all`` of every village.
"""

from __future__ import annotations

import numpy as np
import pyproj
import pytest
import shapely
import shapely.affinity

from geo.boundaries.quality import (check_coverage, find_gaps, find_overlaps,
                                    is_exact_coverage, union_holes)
from geo.common.crs import metric_crs

UTM49S = pyproj.CRS.from_epsg(32749)
ORIGIN = np.array([600_000.0, 9_100_000.0])


def _cell(i, j, size=1000.0):
    x, y = ORIGIN + [i * size, j * size]
    return shapely.box(x, y, x + size, y + size)


def _plain_overlaps(geoms) -> dict[tuple[int, int], float]:
    left, right = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    pairs = {}
    for a, b in zip(left, right):
        if a < b and shapely.relate_pattern(geoms[a], geoms[b], "T********"):
            pairs[(a, b)] = shapely.area(shapely.intersection(geoms[a], geoms[b]))
    return pairs


def _plain_hole_areas(geoms) -> list[float]:
    union = shapely.union_all(geoms)
    areas = [shapely.area(shapely.Polygon(ring)) for part in shapely.get_parts(union)
             for ring in part.interiors]
    return sorted(areas, reverse=True)


def _codes(n):
    return [f"35.01.01.{2000 + k}" for k in range(n)], [f"V{k}" for k in range(n)]


def _same_as_plain(geoms):
    geoms = np.array(geoms, dtype=object)
    codes, names = _codes(len(geoms))
    found = check_coverage(geoms, codes, names, UTM49S, listed=10_000)
    plain = _plain_overlaps(geoms)
    assert found.overlaps_total["pairs"] == len(plain)
    assert found.overlaps_total["area_m2"] == pytest.approx(sum(plain.values()), abs=0.1)
    assert {tuple(sorted(p["codes"])) for p in found.overlaps} == {
        tuple(sorted((codes[a], codes[b]))) for a, b in plain}
    holes = sorted(shapely.area(union_holes(geoms)), reverse=True)
    assert holes == pytest.approx(_plain_hole_areas(geoms), abs=1e-6)
    assert found.gaps["count"] == len(holes)
    return found


def test_a_clean_grid_with_a_missing_cell_is_a_valid_coverage_with_one_gap():
    cells = [_cell(i, j) for i in range(4) for j in range(4) if (i, j) != (1, 2)]
    assert is_exact_coverage(np.array(cells))
    found = _same_as_plain(cells)
    assert found.method == "coverage"
    assert found.gaps["count"] == 1 and found.gaps["total_area_m2"] == pytest.approx(1e6)
    assert found.overlaps == [] and found.overlaps_total == {"pairs": 0, "area_m2": 0.0}


def test_touching_villages_neither_overlap_nor_leave_a_gap():
    cells = [_cell(i, 0) for i in range(5)]  # a row of squares sharing their sides
    found = _same_as_plain(cells)
    assert found.method == "coverage"
    assert found.gaps["count"] == 0 and found.overlaps_total["pairs"] == 0


def test_corner_touching_pairs_are_not_overlaps():
    # a chequerboard: diagonal neighbours meet at one point only; the white squares are gaps
    # where they are enclosed (none here: each touches the outside at its corners)
    cells = [_cell(i, j) for i in range(3) for j in range(3) if (i + j) % 2 == 0]
    found = _same_as_plain(cells)
    assert found.overlaps_total["pairs"] == 0


def test_a_sliver_overlap_and_a_sliver_gap_as_in_separately_simplified_neighbours():
    # a 3x3 block whose middle cell is drawn 2 m too far right: it overlaps its right
    # neighbour by 2 m x 1 km and leaves a 2 m x 1 km gap on its left, enclosed by the block;
    # its other neighbours only touch it along a line
    cells = [_cell(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    cells.append(shapely.affinity.translate(_cell(1, 1), xoff=2.0))
    found = _same_as_plain(cells)
    assert found.method == "union"
    assert found.overlaps_total == {"pairs": 1, "area_m2": pytest.approx(2000.0)}
    assert found.overlaps[0]["share_of_smaller"] == pytest.approx(0.002)
    assert found.gaps["count"] == 1
    assert found.gaps["total_area_m2"] == pytest.approx(2000.0)


def test_an_overlap_and_a_hole_with_an_island_inside():
    # a ring of 8 cells around a missing middle cell holding a small island village, and a
    # ninth village over half of one cell: the gap counts its island, as the union's hole does
    cells = [_cell(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    x, y = ORIGIN + 1400
    island = shapely.box(x, y, x + 200, y + 200)
    over = shapely.box(*(ORIGIN + [2500, 0]), *(ORIGIN + [3000, 1000]))
    found = _same_as_plain(cells + [island, over])
    assert found.method == "union"
    assert found.overlaps[0]["share_of_smaller"] == 1.0  # ``over`` lies inside its cell
    assert found.gaps["count"] == 1 and found.gaps["total_area_m2"] == pytest.approx(1e6)


def test_the_coverage_and_the_union_give_the_same_holes_on_a_valid_coverage():
    # an irregular valid coverage: a triangulated grid with two cells missing, one a lake
    # made of two triangles
    tris = []
    for i in range(5):
        for j in range(5):
            x, y = ORIGIN + [i * 500, j * 500]
            a, b, c, d = (x, y), (x + 500, y), (x + 500, y + 500), (x, y + 500)
            tris += [shapely.Polygon([a, b, c]), shapely.Polygon([a, c, d])]
    geoms = np.array([t for k, t in enumerate(tris) if k not in (12, 13, 34)], dtype=object)
    assert is_exact_coverage(geoms)
    via_coverage = sorted(shapely.area(union_holes(geoms, exact_coverage=True)))
    via_union = sorted(shapely.area(union_holes(geoms, exact_coverage=False)))
    assert via_coverage == pytest.approx(via_union) and len(via_coverage) == 2
    gaps = find_gaps(geoms, UTM49S)
    assert gaps == find_gaps(geoms, UTM49S, exact_coverage=False)


def test_overlaps_listing_is_unchanged_by_the_bounding_box_filter():
    # boxes touching along a side (zero-width box overlap) and a real overlap
    a, b, c = _cell(0, 0), _cell(1, 0), shapely.box(*(ORIGIN + [900, 900]), *(ORIGIN + [1100, 1100]))
    pairs, total = find_overlaps(np.array([a, b, c]), ["A", "B", "C"], ["a", "b", "c"])
    assert total["pairs"] == 2 and total["area_m2"] == pytest.approx(2 * 100 * 100)


@pytest.mark.slow
def test_jawa_timur_findings_are_those_of_the_plain_way(jatim_sqls):
    from geo.boundaries.read import read_villages

    villages, report = read_villages(jatim_sqls)
    metric = metric_crs(villages)
    geoms = np.asarray(villages.geometry.to_crs(metric).array, dtype=object)
    assert report.gaps["count"] == len(_plain_hole_areas(geoms)) == 38_616  # the README's count
    plain = _plain_overlaps(geoms)
    assert report.overlaps_total["pairs"] == len(plain)
    assert report.overlaps_total["area_m2"] == pytest.approx(sum(plain.values()), abs=0.1)
    assert report.overlaps[0]["names"] == ["Ketro", "Ketro Harjo"]
    assert not is_exact_coverage(geoms)


def test_an_error_in_the_gap_thread_is_raised_by_check_coverage(monkeypatch):
    from geo.boundaries import quality
    from geo.common.errors import GeoInputError

    def broken(*args, **kwargs):
        raise GeoInputError("err.bnd_no_village", source="gaps.gpkg", features=1, reasons="x")

    monkeypatch.setattr(quality, "find_gaps", broken)
    cells = [_cell(i, j) for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    cells.append(shapely.affinity.translate(_cell(1, 1), xoff=2.0))  # an overlap: the thread
    codes, names = _codes(len(cells))
    with pytest.raises(GeoInputError) as raised:
        check_coverage(np.array(cells, dtype=object), codes, names, UTM49S)
    assert raised.value.source == "gaps.gpkg"


def test_the_gap_union_starts_only_once_an_overlap_is_found(monkeypatch):
    from geo.boundaries import quality

    calls = []
    real = quality.find_gaps
    monkeypatch.setattr(quality, "find_gaps",
                        lambda *a, **k: calls.append(k["exact_coverage"]) or real(*a, **k))
    clean = [_cell(i, j) for i in range(4) for j in range(4) if (i, j) != (1, 2)]
    codes, names = _codes(len(clean))
    assert check_coverage(np.array(clean, dtype=object), codes, names, UTM49S).method == "coverage"
    assert calls == [True]  # no overlap: the coverage test first, then the coverage union
    # many candidate pairs (squares cut into two triangles: same box, no shared area), the
    # only overlap beyond the first batch: still found, the gaps still from the union
    tris = []
    for k in range(quality.FIRST_PAIRS + 50):
        x, y = ORIGIN + [k * 20.0, 0]
        tris += [shapely.Polygon([(x, y), (x + 10, y), (x + 10, y + 10)]),
                 shapely.Polygon([(x, y), (x + 10, y + 10), (x, y + 10)])]
    tris.append(shapely.affinity.translate(tris[-1], xoff=2.0))
    geoms = np.array(tris, dtype=object)
    left, right = quality._candidate_pairs(geoms)
    area = shapely.area(shapely.intersection(geoms[left], geoms[right]))
    assert np.flatnonzero(area > 0).min() >= quality.FIRST_PAIRS  # the case meant
    codes, names = _codes(len(tris))
    found = check_coverage(geoms, codes, names, UTM49S)
    assert found.method == "union" and found.overlaps_total["pairs"] == int((area > 0).sum())
    assert calls[1:] == [False]
