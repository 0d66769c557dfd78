"""One neighbour graph per layer: the 5 m rule, islands explicit, map clicks in metres."""

from __future__ import annotations

import dataclasses
import json

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.common.errors import GeoInputError
from geo.spatial.neighbours import (
    CLICK_TOLERANCE_M,
    NEIGHBOUR_TOLERANCE_M,
    build_neighbours,
    graph_for,
    village_at,
)

STEP = 0.01  # degrees, ~1.1 km near the equator


def _board(n: int = 3, gap: float = 0.0) -> gpd.GeoDataFrame:
    codes, boxes = [], []
    for r in range(n):
        for c in range(n):
            x0, y0 = 117.4 + c * (STEP + gap), 0.1 + r * (STEP + gap)
            codes.append(f"99.71.01.1{r}{c}0")
            boxes.append(shapely.box(x0, y0, x0 + STEP, y0 + STEP))
    return gpd.GeoDataFrame({"village_code": codes}, geometry=boxes, crs="EPSG:4326")


def _with_island(layer: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    island = gpd.GeoDataFrame({"village_code": ["99.71.02.2001"]},
                              geometry=[shapely.box(118.0, 0.5, 118.01, 0.51)], crs="EPSG:4326")
    return gpd.GeoDataFrame(np.concatenate([layer.to_numpy(), island.to_numpy()]),
                            columns=layer.columns, geometry="geometry", crs="EPSG:4326")


def test_queen_neighbours_and_explicit_islands():
    graph = build_neighbours(_with_island(_board()))
    assert graph.tolerance_m == NEIGHBOUR_TOLERANCE_M == 5.0
    assert len(graph.of("99.71.01.1110")) == 8  # the centre: corners count (queen)
    assert len(graph.of("99.71.01.1000")) == 3
    assert graph.islands == ("99.71.02.2001",)
    assert graph.counts().tolist() == [3, 5, 3, 5, 8, 5, 3, 5, 3, 0]
    assert (graph.focal != graph.neighbour).all()
    pairs = set(zip(graph.focal.tolist(), graph.neighbour.tolist()))
    assert all((b, a) in pairs for a, b in pairs)  # symmetric


def test_gaps_of_a_few_metres_are_bridged_but_not_wider_ones():
    assert build_neighbours(_board(gap=0.00002)).counts().sum() == 40  # ~2 m gaps
    assert build_neighbours(_board(gap=0.0002)).counts().sum() == 0  # ~22 m gaps
    assert build_neighbours(_board(gap=0.00002), tolerance_m=0).counts().sum() == 0


def test_around_excludes_the_chosen_villages():
    graph = build_neighbours(_board())
    around = graph.around(["99.71.01.1000", "99.71.01.1010"])
    assert "99.71.01.1000" not in around and "99.71.01.1010" not in around
    assert set(around) == {"99.71.01.1100", "99.71.01.1110", "99.71.01.1020", "99.71.01.1120"}
    assert set(around) == (set(graph.of("99.71.01.1000")) | set(graph.of("99.71.01.1010"))) - {
        "99.71.01.1000", "99.71.01.1010"}
    with pytest.raises(GeoInputError, match="99.99.99.9999"):
        graph.of("99.99.99.9999")


def test_graph_is_frozen_and_its_summary_is_json():
    graph = build_neighbours(_with_island(_board()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        graph.tolerance_m = 50.0
    data = graph.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["pairs"] == 20 and data["islands"] == ["99.71.02.2001"] and data["villages"] == 10


def test_graph_for_reuses_only_a_graph_of_the_same_layer_and_rule():
    layer = _board()
    graph = build_neighbours(layer)
    assert graph_for(layer, graph) is graph
    flipped = graph_for(layer.iloc[::-1], graph)  # same villages, other row order
    assert flipped is not graph and flipped.codes == graph.codes[::-1]
    assert all(flipped.of(c) == graph.of(c) for c in graph.codes)
    assert flipped.counts().tolist() == graph.counts().tolist()[::-1]
    assert graph_for(layer.iloc[1:], graph).codes == graph.codes[1:]  # another layer: rebuilt
    assert graph_for(layer, graph, tolerance_m=0.0) is not graph
    assert graph_for(layer, graph, tolerance_m=None) is graph


def test_projected_layers_are_measured_in_their_own_crs():
    utm = _board(gap=0.00002).to_crs("EPSG:32750")
    graph = build_neighbours(utm)
    assert graph.metric_crs.endswith("32750")
    assert graph.counts().sum() == 40


def test_village_at_inside_near_and_far():
    graph = build_neighbours(_board())
    assert village_at(graph, 117.415, 0.105) == "99.71.01.1010"
    # ~2 m east of the board: the nearest village, within the click tolerance
    assert village_at(graph, 117.43002, 0.105) == "99.71.01.1020"
    # ~110 m east: beyond CLICK_TOLERANCE_M (50 m)
    assert CLICK_TOLERANCE_M == 50.0
    assert village_at(graph, 117.431, 0.105) is None
    assert village_at(graph, 100.0, 0.0) is None
    assert village_at(graph, None, 0.1) is None
    # the same answers from a plain layer
    assert village_at(_board(), 117.415, 0.105) == "99.71.01.1010"


def test_village_at_keeps_to_the_villages_drawn():
    graph = build_neighbours(_board())
    drawn = ["99.71.01.1000", "99.71.01.1010"]
    assert village_at(graph, 117.425, 0.105, among=drawn) is None  # under 1020, not drawn
    assert village_at(graph, 117.415, 0.105, among=drawn) == "99.71.01.1010"


def test_the_pairs_of_a_layer_are_kept_and_rebuilt_when_damaged(monkeypatch, tmp_path):
    """The STRtree query runs once per polygon set and rule; the next build reads the pairs
    from the cache folder, a damaged entry is rebuilt, another rule is another entry."""
    from geo.spatial import neighbours

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path))
    layer = _board(4, gap=0.00002)  # ~2 m apart
    first = build_neighbours(layer, tolerance_m=5.0)
    entries = list(tmp_path.glob(f"*{neighbours.PAIRS_SUFFIX}"))
    assert len(entries) == 1

    def no_query(*args, **kwargs):
        raise AssertionError("the pairs should come from the cache")

    monkeypatch.setattr(shapely.STRtree, "query", no_query)
    again = build_neighbours(layer, tolerance_m=5.0)
    assert np.array_equal(again.focal, first.focal) and np.array_equal(again.neighbour, first.neighbour)
    assert again.of(again.codes[0]) == first.of(first.codes[0])
    monkeypatch.undo()
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path))
    entries[0].write_bytes(b"not an npz")
    rebuilt = build_neighbours(layer, tolerance_m=5.0)
    assert np.array_equal(rebuilt.focal, first.focal)
    touching = build_neighbours(layer, tolerance_m=0.0)  # no pair at 0 m
    assert len(touching.focal) == 0 and len(first.focal) > 0
    assert len(list(tmp_path.glob(f"*{neighbours.PAIRS_SUFFIX}"))) == 2
    moved = layer.copy()
    moved.geometry = moved.geometry.translate(0.5)  # other polygons, another entry
    build_neighbours(moved, tolerance_m=5.0)
    assert len(list(tmp_path.glob(f"*{neighbours.PAIRS_SUFFIX}"))) == 3
