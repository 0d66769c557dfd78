"""The quality layer: the report's overlaps, gaps and repairs as shapes, worst first."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely

from geo.boundaries.quality_layer import quality_features, quality_totals
from geo.boundaries.read import read_villages
from geo.presentation.quality_map import quality_legend, quality_map, quality_table

DEMO = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_villages.geojson"


@pytest.fixture(scope="module")
def bontang(bontang_sql):
    return read_villages(bontang_sql)


def test_kota_bontang_overlaps_are_drawn_worst_first_with_positive_areas(bontang):
    villages, report = bontang
    features = quality_features(villages, report)
    overlaps = features[features["kind"] == "overlap"]
    assert len(report.overlaps) == 19
    assert len(overlaps) == 19
    assert overlaps["rank"].tolist() == list(range(1, 20))
    assert overlaps["codes"].tolist() == [" ".join(p["codes"]) for p in report.overlaps]
    assert (overlaps["area_m2"] > 0).all()
    assert np.allclose(overlaps["area_m2"].head(17), [p["area_m2"] for p in report.overlaps][:17],
                       atol=0.1)
    assert "Gunung Telihan (64.74.03.1002)" in " ".join(overlaps["label"])
    assert features.crs.to_epsg() == 4326
    assert shapely.is_valid(np.asarray(features.geometry.array)).all()
    gaps = features[features["kind"] == "gap"]
    assert len(gaps) == report.gaps["count"] == quality_totals(report)["gap"]
    assert gaps["area_m2"].is_monotonic_decreasing
    assert gaps["area_m2"].iloc[0] == pytest.approx(report.gaps["largest_area_m2"], abs=0.1)
    assert features["feature_id"].is_unique


def test_the_limit_keeps_the_worst_of_each_kind(bontang):
    villages, report = bontang
    features = quality_features(villages, report, limit=10)
    assert len(features) == 10
    assert set(features["kind"]) == {"overlap", "gap"}
    assert features.groupby("kind")["rank"].max().max() == 5


def test_the_quality_map_table_and_legend_of_bontang(bontang):
    villages, report = bontang
    features = quality_features(villages, report)
    table = quality_table(features, "en")
    assert table["kind"].iloc[0] == "Overlap" and table["place"].iloc[-1] == "Gap 41"
    legend = quality_legend(features, quality_totals(report), "en")
    assert [(e["label"], e["count"]) for e in legend] == [("Overlap", 19), ("Gap", 41)]
    drawn = quality_map(villages, features, "en")
    assert [layer.name for layer in drawn.layers] == ["villages", "quality"]
    assert len(drawn.layers[1].style_of) == len(features)


def test_a_clean_coverage_has_nothing_to_draw():
    villages, report = read_villages(DEMO)
    assert report.quality_checked and report.overlaps_total["pairs"] == 0
    features = quality_features(villages, report)
    assert features.empty and {"kind", "rank", "label", "area_m2"} <= set(features.columns)
    assert quality_legend(features, quality_totals(report)) == []


def test_a_repaired_village_is_drawn_as_its_outline(tmp_path):
    import geopandas as gpd

    bowtie = shapely.Polygon([(112.60, -7.95), (112.62, -7.93), (112.62, -7.95), (112.60, -7.93)])
    square = shapely.box(112.62, -7.95, 112.64, -7.93)
    path = tmp_path / "two.geojson"
    gpd.GeoDataFrame({"village_code": ["35.73.01.1001", "35.73.01.1002"],
                      "village_name": ["Bowtie", "Square"]},
                     geometry=[bowtie, square], crs=4326).to_file(path, driver="GeoJSON")
    villages, report = read_villages(path)
    assert [r["village_code"] for r in report.repaired] == ["35.73.01.1001"]
    features = quality_features(villages, report)
    repaired = features[features["kind"] == "repaired"]
    assert repaired["label"].tolist() == ["Bowtie (35.73.01.1001)"]
    assert repaired.geom_type.isin(["LineString", "MultiLineString"]).all()
    assert quality_totals(report)["repaired"] == 1
