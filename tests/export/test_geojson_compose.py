"""The composed GeoJSON writer (geo/export/geojson.py, geometry_text.py) against GDAL's.

Every layer written must read back (pyogrio) as the frame written: same names, order, types and
values (floats exact), texts with quotes, backslashes, unicode, control characters and hostile
HTML unchanged; the geometry as GDAL's RFC7946 writer would round it.
"""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon

from geo.export.geojson import can_compose, properties_texts, write_feature_collection
from geo.export.geometry_text import ENTRY_SUFFIX, GeometryTexts, serialise

HOSTILE = ['Ketro "Harjo"', "back\\slash\\", "Kauman Ngadirejo — Ñ 中文 🙂",
           "tab\tline\nbell\x07\x1f", "<script>alert('x')</script>&amp;", "=1+1", "", None]


def _frame() -> gpd.GeoDataFrame:
    rng = np.random.default_rng(19)
    n = len(HOSTILE)
    square = Polygon([(112.1, -7.1), (112.2, -7.1), (112.2, -7.0), (112.1, -7.0)],
                     [[(112.13, -7.07), (112.13, -7.03), (112.17, -7.03), (112.17, -7.07)]])
    geoms = [shapely.affinity.translate(square, 0.3 * i, 0.0000004 * i) for i in range(n)]
    geoms[2] = MultiPolygon([geoms[2], shapely.affinity.translate(geoms[2], 0, 0.5)])
    geoms[-1] = None
    return gpd.GeoDataFrame({
        "village_code": pd.array([f"35.01.01.{2000 + i}" for i in range(n)], dtype="string"),
        "village_name": pd.array(HOSTILE, dtype="string"),
        "rank": pd.array([1, 2, None, 4, 5, 6, 7, 8], dtype="Int64"),
        "households": np.arange(n, dtype=np.int64) * 10**12,
        "score": [0.1, 1 / 3, 0.09375000000000001, 1e-7, 1e16, np.nan, 0.0, -0.0],
        "share": rng.random(n),
        "in_focus_list": [True, False] * (n // 2),
        "flag": pd.array([True, None, False, True, None, False, True, False], dtype="boolean"),
        "small": pd.array([1, None, 0, 1, 0, 1, 0, 1], dtype="Int8"),
    }, geometry=geoms, crs=4326)


def _gdal(frame, path):
    pyogrio.write_dataframe(frame, path, layer="villages", driver="GeoJSON",
                            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6"})
    return path


def _composed(frame, path, folder):
    assert can_compose(frame)
    texts = GeometryTexts(folder).texts(frame.geometry.values, store=True)
    return write_feature_collection(path, name="villages", properties=properties_texts(frame),
                                    geometries=texts)


def test_composed_layer_reads_back_as_the_frame_written(tmp_path):
    frame = _frame()
    path = _composed(frame, tmp_path / "villages.geojson", tmp_path / "cache")
    back = pyogrio.read_dataframe(path)
    reference = pyogrio.read_dataframe(_gdal(frame, tmp_path / "gdal.geojson"))
    assert list(back.columns) == list(frame.columns)
    assert (back.dtypes == reference.dtypes).all(), "the field types GDAL's own file has"
    assert back["village_name"].tolist()[:-1] == HOSTILE[:-1]  # every character as it was
    assert pd.isna(back["village_name"].iloc[-1])
    for column in ("score", "share"):  # exact: GDAL's writer loses the last digit of some
        np.testing.assert_array_equal(back[column].to_numpy(), frame[column].to_numpy())
    assert np.signbit(back["score"].iloc[-1])
    assert back["households"].tolist() == frame["households"].tolist()
    assert back["in_focus_list"].tolist() == frame["in_focus_list"].tolist()
    for column in ("rank", "flag", "small"):
        pd.testing.assert_series_equal(back[column], reference[column])
    same = shapely.equals_exact(back.geometry.values, reference.geometry.values, tolerance=0)
    assert same[:-1].all() and back.geometry.iloc[-1] is None
    assert shapely.equals_exact(back.geometry.values[:-1], frame.geometry.values[:-1],
                                tolerance=1e-6).all()


def test_composed_document_is_strict_rfc7946_json(tmp_path):
    frame = _frame()
    raw = _composed(frame, tmp_path / "villages.geojson", tmp_path / "cache").read_bytes()
    doc = json.loads(raw.decode("utf-8"), parse_constant=lambda c: pytest.fail(f"non-JSON {c}"))
    assert doc["type"] == "FeatureCollection" and "crs" not in doc and doc["name"] == "villages"
    assert "<script>" in raw.decode("utf-8")  # a JSON string, no HTML escaping needed
    for feature in doc["features"][:-1]:
        for polygon in shapely.get_parts(shapely.geometry.shape(feature["geometry"])):
            assert polygon.exterior.is_ccw and not any(r.is_ccw for r in polygon.interiors)
    assert doc["features"][-1]["geometry"] is None
    assert doc["features"][0]["properties"]["flag"] is True
    assert doc["features"][1]["properties"]["flag"] is None
    assert doc["features"][6]["properties"]["score"] == 0.0
    assert isinstance(doc["features"][6]["properties"]["score"], float), "0.0 stays a Real"


def test_geometry_text_is_cached_by_content_in_any_order(tmp_path):
    geoms = np.asarray(_frame().geometry.values, dtype=object)
    folder = tmp_path / "cache"
    first = GeometryTexts(folder).texts(geoms, store=True)
    (entry,) = folder.glob(f"*{ENTRY_SUFFIX}")
    assert first == serialise(geoms)
    order = np.arange(len(geoms))[::-1]
    again = GeometryTexts(folder)
    assert again.texts(geoms[order], store=True) == [first[i] for i in order]
    assert list(folder.glob(f"*{ENTRY_SUFFIX}")) == [entry], "the same set: the same entry"
    entry.write_text("garbage", encoding="utf-8")  # a damaged entry is made again
    assert GeometryTexts(folder).texts(geoms, store=True) == first
    moved = geoms.copy()
    moved[0] = shapely.affinity.translate(moved[0], 0.001, 0)
    assert GeometryTexts(folder).texts(moved, store=True)[0] != first[0]


def test_empty_geometry_is_written_as_gdal_writes_it():
    assert serialise([Polygon(), None]) == ['{"type":"Polygon","coordinates":[]}', "null"]


def test_layers_gdal_must_write_are_recognised():
    frame = _frame()
    wide = frame.copy()
    wide.loc[0, "geometry"] = Polygon([(-170, 0), (170, 0), (170, 1), (-170, 1)])
    assert not can_compose(wide)
    assert not can_compose(frame.set_geometry(shapely.force_3d(frame.geometry.values)))
    dated = frame.assign(when=pd.Timestamp("2026-12-02"))
    assert properties_texts(dated) is None
