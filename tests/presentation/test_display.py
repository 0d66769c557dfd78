"""Display preparation: simplification keeps shared borders, rounding, classes, colours."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
import shapely.affinity

from geo.presentation.display import (NO_DATA_COLOUR, PALETTES, classify, format_value, pocket_legend, ramp,
                         round_coordinates, simplify_for_display)
from geo.common.errors import GeoInputError

DEMO = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_villages.geojson"


@pytest.fixture(scope="module")
def demo_villages() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO)


def test_clean_coverage_is_simplified_as_a_coverage(demo_villages):
    # the demo is a Voronoi tessellation: neighbours share borders exactly
    assert shapely.coverage_is_valid(demo_villages.geometry.values)
    display = simplify_for_display(demo_villages, tolerance=0.002)
    shown = display.shapes
    assert display.method == "coverage"
    assert display.vertices_out < display.vertices_in
    # shared borders stay shared: no gap or overlap opens between neighbours
    assert shapely.coverage_is_valid(shown.geometry.values)
    assert len(shown) == len(demo_villages)
    assert not shown.geometry.is_empty.any()
    # the source layer is untouched (display only)
    assert shapely.get_num_coordinates(demo_villages.geometry.values).sum() == \
        display.vertices_in


def _grid(columns: int, rows: int) -> gpd.GeoDataFrame:
    """A clean coverage of squares (neighbours share their edges vertex for vertex), each
    square's edges split so simplification has something to remove."""
    cells = [shapely.segmentize(shapely.box(i, j, i + 1, j + 1), 0.25)  # exact quarter points
             for j in range(rows) for i in range(columns)]
    return gpd.GeoDataFrame({"village_code": [f"99.71.{k // 1000:02d}.{k % 1000 + 1000}"
                                              for k in range(len(cells))]},
                            geometry=cells, crs="EPSG:4326")


@pytest.mark.parametrize("overlap_at", [None, 3, 1100])
def test_a_large_layer_is_a_coverage_only_if_all_of_it_is(overlap_at):
    """From COVERAGE_PRETEST_FROM villages the first eighth is tested on its own first: a clean
    layer still goes through the coverage, an overlap in or after that eighth does not."""
    from geo.presentation.display import COVERAGE_PRETEST_FROM

    grid = _grid(40, 30)
    assert len(grid) >= COVERAGE_PRETEST_FROM
    if overlap_at is not None:
        grid.loc[overlap_at, "geometry"] = shapely.affinity.translate(
            grid.geometry[overlap_at], 0.4, 0.0)
    display = simplify_for_display(grid, tolerance=0.1)
    assert display.method == ("coverage" if overlap_at is None else "per_feature")
    assert display.vertices_out < display.vertices_in


def test_invalid_coverage_falls_back_to_per_feature():
    overlapping = gpd.GeoDataFrame(
        {"village_code": ["99.71.01.1001", "99.71.01.1002"]},
        geometry=[shapely.box(0, 0, 1, 1), shapely.box(0.5, 0, 1.5, 1)], crs="EPSG:4326")
    display = simplify_for_display(overlapping)
    shown = display.shapes
    assert display.method == "per_feature"
    assert np.round(shapely.area(shown.geometry.values), 6).tolist() == [1.0, 1.0]


def test_per_feature_shapes_are_each_villages_own_simplification_in_row_order():
    """The per-feature simplification is made in two halves on two threads: each row keeps its
    own village's shape, as one call over the whole layer gives it."""
    from geo.presentation.display import round_coordinates

    grid = _grid(7, 5)  # an odd count: halves of unequal size
    grid.loc[3, "geometry"] = shapely.affinity.translate(grid.geometry[3], 0.4, 0.0)
    display = simplify_for_display(grid, tolerance=0.1)
    assert display.method == "per_feature"
    whole = round_coordinates(shapely.simplify(grid.geometry.values, 0.1, preserve_topology=True))
    assert shapely.equals_exact(display.shapes.geometry.values, whole, 0).all()
    assert display.shapes["village_code"].tolist() == grid["village_code"].tolist()


def test_simplification_never_erases_a_village():
    big = shapely.box(0, 0, 1, 1)
    tiny = shapely.box(2, 2, 2.00001, 2.00001)  # smaller than the tolerance
    gdf = gpd.GeoDataFrame({"village_code": ["a", "b"]}, geometry=[big, tiny], crs="EPSG:4326")
    display = simplify_for_display(gdf, tolerance=0.01)
    shown = display.shapes
    assert not shown.geometry.is_empty.any()
    assert (shapely.area(shown.geometry.values) > 0).all()


def test_coordinates_are_rounded_to_five_decimals(demo_villages):
    display = simplify_for_display(demo_villages)
    shown = display.shapes
    coords = shapely.get_coordinates(shown.geometry.values)
    assert np.allclose(coords, np.round(coords, 5), atol=1e-12)
    point = round_coordinates([shapely.Point(112.123456789, -7.987654321)])[0]
    assert (point.x, point.y) == (112.12346, -7.98765)


def test_quantiles_split_evenly():
    result = classify(np.arange(1, 101), "quantiles", 4)
    assert [entry["count"] for entry in result.legend] == [25, 25, 25, 25]
    assert sorted(result.class_of.unique()) == [0, 1, 2, 3]


def test_equal_interval_bins():
    result = classify(np.arange(0, 11), "equal_interval", 2)
    assert [entry["upper"] for entry in result.legend] == [5.0, 10.0]
    assert result.class_of.tolist() == [0] * 6 + [1] * 5


def test_natural_breaks_find_clusters():
    values = [1, 1, 2, 50, 51, 52, 100, 101]
    result = classify(values, "natural_breaks", 3)
    assert result.class_of.tolist() == [0, 0, 0, 1, 1, 1, 2, 2]


def test_missing_values_are_grey_and_counted():
    result = classify([0.1, np.nan, 0.3, pd.NA, 0.5], "equal_interval", 2, indicator="desil1_share")
    assert result.class_of.tolist()[1] == -1 and result.class_of.tolist()[3] == -1
    assert result.colours.tolist()[1] == NO_DATA_COLOUR
    assert result.legend[-1]["no_data"] and result.legend[-1]["count"] == 2
    assert result.legend[-1]["label"] == "tidak ada data"  # Indonesian by default
    assert "%" in result.legend[0]["label"]
    english = classify([0.1, np.nan, 0.3], "equal_interval", 2, indicator="desil1_share", lang="en")
    assert english.legend[-1]["label"] == "no data"


def test_fewer_distinct_values_than_classes():
    result = classify([3, 3, 3, 7, 7], "quantiles", 5)
    assert len(result.legend) == 2
    assert result.class_of.tolist() == [0, 0, 0, 1, 1]
    single = classify([4, 4, 4], "natural_breaks", 5)
    assert len(single.legend) == 1 and set(single.class_of) == {0}


def test_colours_follow_the_classes_light_to_dark():
    result = classify(np.arange(10), "equal_interval", 3, palette="YlOrRd")
    colours = result.colours.tolist()
    assert colours[0] == PALETTES["YlOrRd"][0] and colours[-1] == PALETTES["YlOrRd"][-1]
    assert len(set(colours)) == 3


def test_ramp_and_unknown_names():
    for k in range(2, 10):
        colours = ramp("viridis", k)
        assert len(colours) == k == len(set(colours))
    with pytest.raises(GeoInputError, match="palette"):
        ramp("rainbow", 3)
    with pytest.raises(GeoInputError, match="classification"):
        classify([1, 2, 3], "jenks_caspall")


def test_format_value_in_both_languages():
    assert format_value("desil1_share", 0.1234, "en") == "12.3 %"
    assert format_value("desil1_share", 0.1234) == "12,3 %"  # Indonesian by default
    assert format_value("rate_dep_water", 0.5, "en") == "50.0 %"
    assert format_value("households", 12345, "en") == "12,345"
    assert format_value("households", 12345, "id") == "12.345"
    assert format_value("score", 71.256, "en") == "71.26"
    assert format_value("score", 71.256, "id") == "71,26"
    assert format_value("score", float("nan")) == "–"
    assert format_value("households", pd.NA) == "–"


def test_counts_are_never_percentages():
    """inclusion_error counts households: 27 is "27", not "2700.0 %" (issue 11)."""
    assert format_value("inclusion_error", 27, "en") == "27"
    assert format_value("inclusion_error", 3, "id") == "3"
    assert format_value("inclusion_error_rate", 0.27, "en") == "27.0 %"
    assert format_value("mpi_m0", 0.0852, "en") == "8.5 %"
    legend = classify([1, 4, 9, 30, 12, 6], "equal_interval", 3, indicator="inclusion_error",
                      lang="en").legend
    assert [e["label"] for e in legend] == ["1 – 11", "11 – 20", "20 – 30"]  # breaks 10.67, 20.33
    assert not any("%" in entry["label"] for entry in legend)


def test_unknown_column_is_a_plain_number():
    assert format_value("not_a_column", 1234, "en") == "1,234"
    assert format_value("not_a_column", 0.5, "en") == "0.50"
    assert format_value("", 2.0, "id") == "2"


def test_pocket_legend_counts_in_conventional_order():
    entries = pocket_legend(["ns", "HH", "HH", None, "isolated", "LL"])
    assert [e["pocket"] for e in entries] == ["HH", "LL", "ns", "isolated", "no_data"]
    assert entries[0]["count"] == 2


def test_real_layer_keeps_every_village(malang_sql):
    from geo.boundaries.read import read_villages

    villages, _ = read_villages([malang_sql])
    display = simplify_for_display(villages)
    shown = display.shapes
    assert len(shown) == len(villages) == 57
    assert not shown.geometry.is_empty.any()
    assert display.vertices_out < display.vertices_in
    # display shapes stay close to the real ones: area changes by well under 1 %
    change = abs(shown.to_crs(32749).area.sum() / villages.to_crs(32749).area.sum() - 1)
    assert change < 0.01


def test_natural_breaks_on_a_large_layer_uses_a_sample_and_is_repeatable(monkeypatch):
    import mapclassify

    from geo.presentation import display

    sizes = []
    exact = mapclassify.FisherJenks

    def counting(y, *args, **kwargs):
        sizes.append(len(y))
        return exact(y, *args, **kwargs)

    monkeypatch.setattr(mapclassify, "FisherJenks", counting)
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.normal(mu, 0.5, 3000) for mu in (0, 10, 20)])  # 9,000 villages
    first = classify(values, "natural_breaks", 3)
    # exact Fisher-Jenks is O(k·n²), minutes for 9,000 values: it only ever sees the sample
    assert sizes and max(sizes) <= display.JENKS_SAMPLE < len(values)
    assert classify(values, "natural_breaks", 3).class_of.equals(first.class_of)
    # the three clusters are found: each class is one cluster
    assert [e["count"] for e in first.legend] == [3000, 3000, 3000]
