"""Quality checks on shapes whose overlaps, gaps and repairs are known by construction."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import pytest
import shapely

from geo.common.crs import metric_crs
from geo.boundaries.quality import (find_gaps, find_overlaps, polygonal_part, repair_invalid,
                         single_part_as_polygon)

UTM49S = pyproj.CRS.from_epsg(32749)


def test_metric_crs_is_the_utm_zone_of_the_centre():
    malang = gpd.GeoSeries([shapely.box(112.55, -8.05, 112.70, -7.90)], crs=4326)
    bontang = gpd.GeoSeries([shapely.box(117.40, 0.05, 117.55, 0.20)], crs=4326)
    assert metric_crs(malang).to_epsg() == 32749  # 49S: 108–114°E, south of the equator
    assert metric_crs(bontang).to_epsg() == 32650  # 50N: 114–120°E, just north of it
    assert metric_crs(malang.to_crs(3857)).to_epsg() == 32749


def test_overlaps_are_measured_in_square_metres_worst_share_first():
    # metric squares: a 100x100 m village, one 100x100 m over 50 % of it, one 1000x1000 m
    # touching a 10 m sliver of the first, one only touching (no overlap)
    a = shapely.box(0, 0, 100, 100)
    b = shapely.box(50, 0, 150, 100)  # overlaps a by 50x100 = 5000 m²
    c = shapely.box(90, 100 - 1000, 1090, 10)  # overlaps a by 10x10, b by 60x10
    d = shapely.box(-100, 0, 0, 100)  # touches a along x = 0
    pairs, total = find_overlaps(np.array([a, b, c, d]), ["A", "B", "C", "D"],
                                 ["a", "b", "c", "d"])
    assert total == {"pairs": 3, "area_m2": 5000 + 100 + 600}
    assert pairs[0] == {"codes": ["A", "B"], "names": ["a", "b"], "area_m2": 5000.0,
                        "share_of_smaller": 0.5}
    assert [p["codes"] for p in pairs[1:]] == [["C", "B"], ["C", "A"]]
    assert pairs[1]["share_of_smaller"] == pytest.approx(600 / 10000)


def test_a_village_inside_another_counts_as_full_overlap():
    outer, inner = shapely.box(0, 0, 1000, 1000), shapely.box(100, 100, 200, 200)
    pairs, _ = find_overlaps(np.array([outer, inner]), ["O", "I"], ["o", "i"])
    assert pairs[0]["share_of_smaller"] == 1.0 and pairs[0]["codes"] == ["O", "I"]


def test_gaps_are_holes_in_the_union_not_the_outside():
    # a 3x3 block of 1 km cells with the middle one missing: one gap of 1 km²
    origin = np.array([600_000.0, 9_100_000.0])
    cells = [shapely.box(*(origin + [i * 1000, j * 1000]), *(origin + [(i + 1) * 1000,
                                                                         (j + 1) * 1000]))
             for i in range(3) for j in range(3) if (i, j) != (1, 1)]
    gaps = find_gaps(np.array(cells), UTM49S)
    assert gaps["count"] == 1
    assert gaps["total_area_m2"] == pytest.approx(1e6)
    assert gaps["largest_area_m2"] == pytest.approx(1e6)
    lon, lat = pyproj.Transformer.from_crs(UTM49S, 4326, always_xy=True).transform(
        *(origin + 1500))
    assert gaps["largest_at"] == pytest.approx([lon, lat], abs=1e-4)


def test_no_gap_in_a_clean_coverage():
    cells = [shapely.box(i, 0, i + 1, 1) for i in range(4)]
    assert find_gaps(np.array(cells), UTM49S)["count"] == 0


def test_repair_keeps_the_area_of_a_self_intersecting_ring():
    # valid L shape; and a ring touching itself at a point: two 0.01° squares corner to corner
    l_shape = shapely.Polygon([(112.0, -8.0), (112.02, -8.0), (112.02, -8.01), (112.01, -8.01),
                              (112.01, -8.02), (112.0, -8.02), (112.0, -8.0)])
    touching = shapely.Polygon([(112.0, -8.0), (112.01, -8.0), (112.01, -8.01), (112.02, -8.01),
                                (112.02, -8.02), (112.01, -8.02), (112.01, -8.01),
                                (112.0, -8.01), (112.0, -8.0)])
    ok = shapely.box(112.1, -8.1, 112.2, -8.0)
    geoms, repaired = repair_invalid(np.array([ok, touching, l_shape], dtype=object), UTM49S)
    assert not shapely.is_valid(touching)
    assert repaired["index"].tolist() == [1]
    assert shapely.is_valid(geoms).all()
    assert geoms[0] is ok and geoms[2] is l_shape  # valid ones untouched
    assert "Self-intersection" in repaired["problem"].iloc[0]
    assert repaired["area_after_m2"].iloc[0] == pytest.approx(repaired["area_before_m2"].iloc[0])
    # 0.01° is ~1,102 m east-west at 8°S and ~1,106 m north-south
    assert repaired["area_after_m2"].iloc[0] == pytest.approx(2 * 1102 * 1106, rel=0.01)


def test_polygonal_part_drops_lines_and_points_and_empties_non_areas():
    square = shapely.box(0, 0, 1, 1)
    mixed = shapely.GeometryCollection([square, shapely.LineString([(2, 2), (3, 3)])])
    line = shapely.LineString([(0, 0), (1, 1)])
    out = polygonal_part(np.array([mixed, line, square, None], dtype=object))
    assert out[0].equals(square) and out[1] is None and out[2] is square and out[3] is None


def test_single_part_multipolygons_become_polygons():
    square = shapely.box(0, 0, 1, 1)
    two = shapely.MultiPolygon([square, shapely.box(2, 2, 3, 3)])
    out = single_part_as_polygon(np.array([shapely.MultiPolygon([square]), two]))
    assert [g.geom_type for g in out] == ["Polygon", "MultiPolygon"]
