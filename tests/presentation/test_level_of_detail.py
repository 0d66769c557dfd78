"""Level of detail by zoom (issue 19): half a pixel per zoom, coarser when zoomed out."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.presentation.display import (fit_zoom, level_of_detail, simplify_for_display,
                                      view_bounds, zoom_tolerance)


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


def test_level_of_detail_matches_simplify_for_display_at_each_zoom():
    # the shared preparation (repair, coverage test) gives what one zoom alone gives
    squares = [shapely.box(112 + i * 0.01, -7.5, 112.01 + i * 0.01, -7.49) for i in range(4)]
    wiggly = [shapely.Point(112.1, -7.5).buffer(0.004, quad_segs=50)]
    gdf = gpd.GeoDataFrame({"village_code": [f"35.01.01.200{i}" for i in range(5)]},
                           geometry=squares + wiggly, crs=4326)
    for zoom, lod in level_of_detail(gdf, zooms=(6, 12)).items():
        alone = simplify_for_display(gdf, zoom_tolerance(zoom))
        assert lod.method == alone.method and lod.vertices_out == alone.vertices_out
        assert shapely.equals(lod.shapes.geometry.values, alone.shapes.geometry.values).all()


@pytest.mark.parametrize("zoom", [4, 5, 8, 11])
def test_fit_zoom_is_the_zoom_whose_view_holds_the_bounds(zoom):
    view = view_bounds(112.7, -7.3, zoom)
    inner = (view[0] + 1e-6, view[1] + 1e-6, view[2] - 1e-6, view[3] - 1e-6)
    assert fit_zoom(inner) == zoom
    # one zoom closer shows half the width
    closer = view_bounds(112.7, -7.3, zoom + 1)
    assert closer[2] - closer[0] == pytest.approx((view[2] - view[0]) / 2)


def test_fit_zoom_of_indonesia_and_of_one_province():
    assert fit_zoom((95.0, -11.0, 141.0, 6.0)) == 5  # Sabang to Merauke in 1280 px
    assert fit_zoom((110.9, -8.8, 116.3, -5.0)) == 8  # Jawa Timur
