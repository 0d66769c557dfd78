"""Level of detail by zoom (issue 19): half a pixel per zoom, coarser when zoomed out."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.presentation.display import level_of_detail, zoom_tolerance


def test_zoom_tolerance_halves_with_each_zoom_level():
    assert zoom_tolerance(0) == pytest.approx(360 / 512)
    assert zoom_tolerance(9) == pytest.approx(zoom_tolerance(8) / 2)


def test_each_zoom_keeps_every_village_and_fewer_vertices_when_zoomed_out():
    # wiggly villages: a circle of 400 vertices each, 0.05 degrees across
    centres = [(112.0 + 0.06 * i, -7.5) for i in range(5)]
    shapes = [shapely.Point(c).buffer(0.025, quad_segs=100) for c in centres]
    gdf = gpd.GeoDataFrame({"village_code": [f"35.01.01.200{i}" for i in range(5)]},
                           geometry=shapes, crs=4326)
    lods = level_of_detail(gdf, zooms=(6, 10, 14))
    counts = [lods[z].vertices_out for z in (6, 10, 14)]
    assert counts[0] < counts[1] < counts[2] <= lods[14].vertices_in
    for lod in lods.values():
        assert len(lod.shapes) == 5 and not lod.shapes.geometry.is_empty.any()
        # never moves a border more than the zoom's half pixel (plus coordinate rounding)
        moved = shapely.hausdorff_distance(np.asarray(lod.shapes.geometry.values), shapes)
        assert (moved <= lod.tolerance + 1e-5).all()
