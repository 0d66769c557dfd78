"""Implausible coordinates (issue 18): NaN, infinity and 1e308 vertices are quarantined feature by
feature with a reason and never choose the UTM zone; a layer that does not fit its CRS as a whole
(degrees declared as UTM, UTM metres in a GeoParquet labelled EPSG:4326) is one line."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import geopandas as gpd
import pytest

from geo.__main__ import main
from geo.boundaries.read import read_villages
from geo.common.errors import GeoInputError
from geo.common.messages import render_cell

DEMO = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_villages.geojson"
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _ring(feature) -> list:
    geometry = feature["geometry"]
    return (geometry["coordinates"][0] if geometry["type"] == "Polygon"
            else geometry["coordinates"][0][0])


def _nan_vertex(feature):  # one vertex NaN: the ring is no longer closed (GEOS refuses it)
    _ring(feature)[1][1] = float("nan")
    _ring(feature)[0][0] = float("nan")


def _infinite_vertex(feature):  # closed ring through infinity
    _ring(feature)[1][0] = float("inf")


def _huge_polygon(feature):  # the polygon spanning ±1e308 that picked UTM zone 30
    feature["geometry"] = {"type": "Polygon", "coordinates": [[
        [-1e308, -1e308], [1e308, -1e308], [1e308, 1e308], [-1e308, 1e308], [-1e308, -1e308]]]}


def _metres_in_degrees(feature):  # 500 km east of the layer but still a number
    for vertex in _ring(feature):
        vertex[0] += 5e5


HOSTILE = {"nan": (_nan_vertex, "not finite"), "infinity": (_infinite_vertex, "not finite"),
           "1e308": (_huge_polygon, "beyond any place on Earth"),
           "metres": (_metres_in_degrees, "beyond ±180° longitude")}


@pytest.fixture(scope="module")
def clean():
    return read_villages(DEMO, check_quality=False)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_an_implausible_feature_is_quarantined_and_does_not_pick_the_zone(case, clean, tmp_path):
    mutate, reason = HOSTILE[case]
    data = json.loads(DEMO.read_text(encoding="utf-8"))
    victim = copy.deepcopy(data["features"][5])
    mutate(victim)
    data["features"][5] = victim
    path = tmp_path / f"{case}.geojson"
    path.write_text(json.dumps(data, allow_nan=True), encoding="utf-8")

    villages, report = read_villages(path)

    code = victim["properties"]["village_code"]
    assert code not in set(villages["village_code"])
    [rejected] = report.rejected
    assert rejected["village_code"] == code and reason in render_cell(rejected["reason"], "en")
    assert report.features_in == report.features_out + len(report.rejected)
    assert report.metric_crs == clean[1].metric_crs
    assert villages.total_bounds[2] <= clean[0].total_bounds[2] + 1e-9


def test_degrees_declared_as_utm_are_one_line(tmp_path, capsys):
    layer = gpd.read_file(DEMO).set_crs(32750, allow_override=True)
    path = tmp_path / "degrees_as_utm.gpkg"
    layer.to_file(path, driver="GPKG")
    with pytest.raises(GeoInputError) as caught:
        read_villages(path)
    assert "look like degrees" in caught.value.render("en")
    assert "EPSG:32750" in caught.value.render("en")

    assert main(["--lang", "en", "boundaries", str(path), "--out", str(tmp_path / "v.gpkg")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err and "degrees_as_utm.gpkg" in err


def test_a_geoparquet_with_a_wrong_crs_is_one_line(tmp_path, capsys):
    layer = gpd.read_file(DEMO)
    wrong = layer.to_crs(32750).set_crs(4326, allow_override=True)  # UTM metres labelled degrees
    path = tmp_path / "wrong_crs.parquet"
    wrong.to_parquet(path)
    with pytest.raises(GeoInputError) as caught:
        read_villages(path)
    message = caught.value.render("id")
    assert "EPSG:4326" in message and "--crs" in message and "\n" not in message

    # the right CRS given on the command line places the layer
    villages, _ = read_villages(path, crs="EPSG:32750", check_quality=False)
    assert len(villages) == len(layer)
    assert main(["boundaries", str(path), "--out", str(tmp_path / "v.gpkg")]) == 2
    assert capsys.readouterr().err.count("\n") == 1
