"""Finer shapes for close zoom, in tiles (issue 19, item 4: a map that stays usable zoomed in)."""

from __future__ import annotations

import gzip
import json
import os
import time

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.presentation.detail import DETAIL_ZOOM, detail_plan, detail_tiles
from geo.presentation.display import simplify_for_display, zoom_tolerance
from geo.presentation.offline import DETAIL_COMPLETE, publish_detail


def _wiggly(n: int = 6, across: float = 0.05) -> gpd.GeoDataFrame:
    """Round villages of 400 vertices each, in a row crossing two tiles of 0.25 degrees."""
    centres = [(112.15 + 0.06 * i, -7.4) for i in range(n)]
    return gpd.GeoDataFrame({"village_code": [f"35.01.01.20{i:02d}" for i in range(n)]},
                            geometry=[shapely.Point(c).buffer(across / 2, quad_segs=100)
                                      for c in centres], crs=4326)


def _expanded(columns: dict) -> list:
    """The shapes a tile's columns stand for (the renderer's own arithmetic: running sums)."""
    out = []
    for kind, coords in zip(columns["kinds"], columns["coords"]):
        depth = columns["depths"][kind]

        def ring(steps):
            xy = np.cumsum(np.asarray(steps, dtype=np.int64).reshape(-1, 2), axis=0)
            return xy / columns["scale"]

        if depth == 1:
            out.append(shapely.Polygon(ring(coords[0]), [ring(r) for r in coords[1:]]))
        else:
            out.append(shapely.MultiPolygon([shapely.Polygon(ring(p[0]), [ring(r) for r in p[1:]])
                                             for p in coords]))
    return out


def test_a_coarse_map_gets_detail_from_the_zoom_where_it_is_a_pixel_off():
    villages = _wiggly()
    drawn = simplify_for_display(villages, 0.004)
    plan = detail_plan(villages, drawn, "digest")
    assert plan is not None and plan.tolerance == zoom_tolerance(DETAIL_ZOOM)
    # the drawn shapes are within half a pixel up to min_zoom - 1, a pixel off from min_zoom
    assert zoom_tolerance(plan.min_zoom) <= drawn.tolerance / 2 < zoom_tolerance(plan.min_zoom - 1)
    assert plan.tiles == ("448_-30", "449_-30")  # floor(lon / 0.25) _ floor(lat / 0.25)


def test_no_detail_where_the_drawn_shapes_are_fine_already():
    villages = _wiggly()
    assert detail_plan(villages, simplify_for_display(villages, 2e-5), "d") is None  # a city
    squares = gpd.GeoDataFrame({"village_code": ["a", "b"]},
                               geometry=[shapely.box(112, -7.5, 112.2, -7.3),
                                         shapely.box(112.2, -7.5, 112.4, -7.3)], crs=4326)
    # coarse, but every vertex kept: nothing finer to send
    assert detail_plan(squares, simplify_for_display(squares, 0.01), "d") is None


def test_the_folder_is_named_by_the_shapes():
    villages = _wiggly()
    drawn = simplify_for_display(villages, 0.004)
    assert detail_plan(villages, drawn, "a").name == detail_plan(villages, drawn, "a").name
    assert detail_plan(villages, drawn, "a").name != detail_plan(villages, drawn, "b").name


def test_each_village_is_in_one_tile_finer_than_drawn_and_true_to_its_shape():
    villages = _wiggly()
    villages.loc[len(villages)] = ["35.01.01.2099", shapely.box(112.5, -7.41, 112.50001,
                                                                 -7.40999)]  # a speck
    drawn = simplify_for_display(villages, 0.004)
    plan = detail_plan(villages, drawn, "digest")
    tiles = dict(detail_tiles(villages, plan))
    assert sorted(tiles) == list(plan.tiles)
    seen = {}
    for key, text in tiles.items():
        columns = json.loads(text)
        assert columns["props"] == {} and columns["ints"] is True
        for code, shape in zip(columns["ids"], _expanded(columns)):
            assert code not in seen
            seen[code] = (key, shape)
    assert sorted(seen) == sorted(villages["village_code"])
    for code, geom in zip(villages["village_code"], villages.geometry):
        key, shape = seen[code]
        centre = shapely.box(*geom.bounds).centroid
        assert key == f"{int(np.floor(centre.x / 0.25))}_{int(np.floor(centre.y / 0.25))}"
        assert shape.is_valid and shape.area > 0  # never lost, even the speck
        assert shapely.hausdorff_distance(shape, geom) <= plan.tolerance + 1e-5
    drawn_vertices = shapely.get_num_coordinates(drawn.shapes.geometry.values).sum()
    detail_vertices = sum(shapely.get_num_coordinates(s) for _, s in seen.values())
    assert detail_vertices > 2 * drawn_vertices


def test_a_clean_coverage_keeps_its_shared_borders_in_the_detail():
    # two villages sharing one wiggly border: per-feature simplification would split it
    wave = [(112.0 + 0.0005 * i, -7.4 + 0.0002 * np.sin(i)) for i in range(401)]
    north = shapely.Polygon(wave + [(112.2, -7.3), (112.0, -7.3)])
    south = shapely.Polygon(wave + [(112.2, -7.5), (112.0, -7.5)])
    villages = gpd.GeoDataFrame({"village_code": ["n", "s"]}, geometry=[north, south], crs=4326)
    plan = detail_plan(villages, simplify_for_display(villages, 0.004), "d")
    shapes = [s for _, text in detail_tiles(villages, plan) for s in _expanded(json.loads(text))]
    assert shapely.intersection(shapes[0], shapes[1]).area == pytest.approx(0, abs=1e-12)
    assert shapely.union_all(shapes).area == pytest.approx(north.area + south.area, rel=1e-6)


def test_tiles_are_written_whole_once_and_old_folders_go(tmp_path):
    publish_detail("one", iter([("1_2", '{"a":1}'), ("3_4", '{"b":2}')]), tmp_path)
    folder = tmp_path / "detail" / "one"
    assert json.loads((folder / "1_2.json").read_text()) == {"a": 1}
    assert gzip.decompress((folder / "3_4.json.gz").read_bytes()) == b'{"b":2}'
    assert (folder / DETAIL_COMPLETE).exists()
    assert not [p for p in folder.iterdir() if p.name.startswith(".")]  # no partial file left

    def never():
        raise AssertionError("a complete folder is not written again")
        yield

    publish_detail("one", never(), tmp_path)
    # an unfinished folder of a writer that died an hour ago goes; a fresh one stays
    for name, age in (("dead", 7200), ("busy", 10)):
        (tmp_path / "detail" / name).mkdir()
        os.utime(tmp_path / "detail" / name, (time.time() - age,) * 2)
    for i, name in enumerate(("two", "three")):
        publish_detail(name, iter([("0_0", "{}")]), tmp_path, keep=2)
        os.utime(tmp_path / "detail" / name / DETAIL_COMPLETE, (time.time() + i + 1,) * 2)
    left = sorted(p.name for p in (tmp_path / "detail").iterdir())
    assert left == ["busy", "three", "two"]  # the two newest complete ones, and the busy one


def test_a_failed_write_leaves_no_complete_mark(tmp_path):
    def broken():
        yield "0_0", "{}"
        raise OSError("disk full")

    with pytest.raises(OSError):
        publish_detail("x", broken(), tmp_path)
    folder = tmp_path / "detail" / "x"
    assert (folder / "0_0.json").exists() and not (folder / DETAIL_COMPLETE).exists()
    publish_detail("x", iter([("0_0", "{}"), ("1_1", "{}")]), tmp_path)  # written again
    assert (folder / "1_1.json").exists() and (folder / DETAIL_COMPLETE).exists()
