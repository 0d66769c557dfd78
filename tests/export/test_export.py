"""Tests of geo.export: every format read back with pyogrio and fiona, RFC 7946, suppression, privacy.

The analysis result is built by hand: a small Kota Malang-like grid with what real layers have
and exports break on: clockwise exteriors, a village with a hole (an enclave), a multipolygon
village with an islet, names with quotes, non-ASCII, HTML-ish and formula-like text, villages
with a handful of households and one with none (no score, no rank), two separate poverty
pockets, and a household table that still carries ``nik``, ``nama`` and ``alamat``.
"""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
import zlib
from pathlib import Path

import fiona
import geopandas as gpd
import numpy as np
import openpyxl
import pandas as pd
import pyogrio
import pyproj
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import shape

from geo.__main__ import main as cli_main
from geo.common.errors import GeoInputError
from geo.export import DEFAULT_FORMATS, build_layers, export_result, parse_formats, write_geojson
from geo.export.fields import shapefile_field_names
from geo.export.tables import headers
from geo.i18n import t
from geo.i18n.labels import indicator_label, value_label
from geo.pipeline.results import AnalysisResult

ROOT = Path(__file__).resolve().parents[2]
RANKED_ORDER = ("rank", "village_code", "village_name")

from synthetic_result import (  # noqa: E402
    PERSONAL_COLUMNS, PERSONAL_VALUES, analysis_result,
)


# --------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def result() -> AnalysisResult:
    return analysis_result()


@pytest.fixture(scope="module")
def source(result) -> gpd.GeoDataFrame:
    """The source villages indexed by code, for comparing exports against."""
    return result.villages.set_index("village_code")


@pytest.fixture(scope="module")
def exported(result, tmp_path_factory) -> dict[str, list[Path]]:
    return export_result(result, tmp_path_factory.mktemp("export"))


@pytest.fixture(scope="module")
def exported_small(result, tmp_path_factory) -> dict[str, list[Path]]:
    """All formats with a minimum cell size of 5 households."""
    return export_result(result, tmp_path_factory.mktemp("export_min5"), min_households=5)


def _one(written: dict, fmt: str, name: str) -> Path:
    return next(p for p in written[fmt] if p.name == name)


def _csv(path: Path, lang: str = "id", **kwargs) -> pd.DataFrame:
    """A CSV download read back with field names as columns (its headers are labels in ``lang``)."""
    table = pd.read_csv(path, dtype=str, encoding="utf-8-sig", **kwargs)
    fields = list(dict.fromkeys((*RANKED_ORDER, *analysis_result().villages.columns, "suppressed")))
    back = {header: field for header, field in zip(headers(fields, lang), fields)}
    assert set(table.columns) <= set(back), set(table.columns) - set(back)
    return table.rename(columns=back)


def _shp_zip(written) -> Path:
    return written["shp"][0]


def _field_map(zip_path: Path) -> dict[tuple[str, str], str]:
    """(layer, shapefile_field) -> long field, from field_names.csv inside the zip."""
    with zipfile.ZipFile(zip_path) as archive:
        table = pd.read_csv(archive.open("field_names.csv"), dtype=str)
    return {(r.layer, r.shapefile_field): r.field for r in table.itertuples()}


def _read_pyogrio(written, fmt: str, layer: str) -> pd.DataFrame:
    if fmt == "geojson":
        return pyogrio.read_dataframe(_one(written, "geojson", f"{layer}.geojson"))
    if fmt == "gpkg":
        return pyogrio.read_dataframe(written["gpkg"][0], layer=layer)
    zip_path = _shp_zip(written)
    frame = pyogrio.read_dataframe(f"zip://{zip_path}!{layer}.shp")
    names = _field_map(zip_path)
    return frame.rename(columns={c: names.get((layer, c), c) for c in frame.columns})


def _read_fiona(written, fmt: str, layer: str) -> pd.DataFrame:
    if fmt == "geojson":
        path, kwargs = str(_one(written, "geojson", f"{layer}.geojson")), {}
    elif fmt == "gpkg":
        path, kwargs = str(written["gpkg"][0]), {"layer": layer}
    else:
        path, kwargs = f"zip://{_shp_zip(written)}!{layer}.shp", {}
    with fiona.open(path, **kwargs) as src:
        records = [
            {**dict(f.properties), "geometry": shape(f.geometry) if f.geometry else None} for f in src
        ]
    frame = pd.DataFrame(records)
    if fmt == "shp":
        names = _field_map(_shp_zip(written))
        frame = frame.rename(columns={c: names.get((layer, c), c) for c in frame.columns})
    return frame


# --------------------------------------------------------------------------- whole export

def test_export_result_writes_every_format(exported):
    assert set(exported) == set(DEFAULT_FORMATS)
    for paths in exported.values():
        assert paths
        for path in paths:
            assert path.is_file() and path.stat().st_size > 0, path
    assert {p.name for p in exported["geojson"]} == {
        "villages.geojson", "focus_list.geojson", "pockets.geojson", "pocket_areas.geojson"}
    assert {p.name for p in exported["png"]} == {"map_focus_list.png", "map_pockets.png"}


def test_only_chosen_formats_are_written(result, tmp_path):
    written = export_result(result, tmp_path / "new" / "dir", formats="gpkg, CSV")
    assert set(written) == {"gpkg", "csv"}
    assert sorted(p.name for p in (tmp_path / "new" / "dir").iterdir()) == [
        "focus_list.csv", "manifest.json", "poverty_map.gpkg", "ranked_villages.csv"]


# --------------------------------------------------------------------------- GeoJSON / RFC 7946

def test_fixture_really_has_clockwise_rings(result):
    """Precondition of the orientation test: the source breaks the RFC 7946 ring rule."""
    polygons = shapely.get_parts(result.villages.geometry.values)
    assert not all(shapely.is_ccw(shapely.get_exterior_ring(polygons)))


@pytest.mark.parametrize("name", ["villages", "focus_list", "pockets", "pocket_areas"])
def test_geojson_follows_rfc7946(exported, name):
    raw = _one(exported, "geojson", f"{name}.geojson").read_bytes()
    doc = json.loads(raw.decode("utf-8"))  # UTF-8, strict JSON (no NaN)
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc
    assert doc["features"]
    for feature in doc["features"]:
        assert "crs" not in feature
        props = feature["properties"]
        assert all(not isinstance(v, (dict, list)) for v in props.values()), "properties are flat"
        geom = shape(feature["geometry"])
        for polygon in shapely.get_parts(geom):
            assert polygon.exterior.is_ccw, f"{name}: exterior ring must be counter-clockwise"
            assert all(not ring.is_ccw for ring in polygon.interiors), "holes must be clockwise"
        coords = shapely.get_coordinates(geom)
        lon, lat = coords[:, 0], coords[:, 1]
        assert ((-180 <= lon) & (lon <= 180)).all() and ((-90 <= lat) & (lat <= 90)).all()
        assert ((95 <= lon) & (lon <= 141)).all(), "longitude first, within Indonesia"
        assert ((-11 <= lat) & (lat <= 6)).all(), "latitude second, within Indonesia"
        assert np.allclose(coords, np.round(coords, 6), rtol=0, atol=1e-12), "6 decimals at most"


def test_geojson_keeps_holes_multipolygons_and_names(exported, source):
    doc = json.loads(_one(exported, "geojson", "villages.geojson").read_text(encoding="utf-8"))
    by_code = {f["properties"]["village_code"]: f for f in doc["features"]}
    assert set(by_code) == set(source.index)
    for code, feature in by_code.items():
        geom = shape(feature["geometry"])
        assert shapely.hausdorff_distance(geom, source.geometry[code]) < 1e-6
        assert feature["properties"]["village_name"] == source.at[code, "village_name"]
    enclave_holder = shape(by_code["35.73.01.1013"]["geometry"])
    assert len(enclave_holder.interiors) == 1
    assert by_code["35.73.02.1020"]["geometry"]["type"] == "MultiPolygon"
    text = _one(exported, "geojson", "villages.geojson").read_text(encoding="utf-8")
    assert "Kauman Ngadirejo — Ñ" in text  # UTF-8 as is, not escaped


def test_geojson_properties_have_stable_names(exported):
    doc = json.loads(_one(exported, "geojson", "villages.geojson").read_text(encoding="utf-8"))
    keys = list(doc["features"][0]["properties"])
    for name in ("village_code", "village_name", "district_name", "households", "desil1_share",
                 "mpi_m0", "score", "rank", "in_focus_list", "pocket"):
        assert name in keys
    assert keys[:2] == ["village_code", "village_name"]


# --------------------------------------------------------------------------- read back: pyogrio and fiona

CASES = [(fmt, layer) for fmt in ("geojson", "gpkg", "shp")
         for layer in ("villages", "focus_list", "pockets")]


@pytest.mark.parametrize("reader", [_read_pyogrio, _read_fiona], ids=["pyogrio", "fiona"])
@pytest.mark.parametrize("fmt,layer", CASES)
def test_layers_read_back_equal_the_source(exported, source, reader, fmt, layer):
    frame = reader(exported, fmt, layer)
    if layer == "villages":
        expected = source.sort_values("rank", na_position="last", kind="stable")
    elif layer == "focus_list":
        expected = source[source["in_focus_list"]].sort_values("rank")
    else:
        expected = source[source["pocket"] == "HH"].sort_values("rank")
    assert list(frame["village_code"]) == list(expected.index), "codes as dotted text, by rank"
    frame = frame.set_index("village_code")
    for column in ("village_name", "district_name", "pocket"):
        assert list(frame[column]) == list(expected[column])
    for column in ("rank", "score", "households", "desil1_share", "mpi_m0"):
        got = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
        want = pd.to_numeric(expected[column], errors="coerce").to_numpy(dtype=float)
        np.testing.assert_allclose(got, want, rtol=1e-9, equal_nan=True, err_msg=column)
    assert [bool(v) for v in frame["in_focus_list"]] == list(expected["in_focus_list"])
    for code in expected.index:
        assert shapely.hausdorff_distance(frame.loc[code, "geometry"], expected.geometry[code]) < 1e-6


@pytest.mark.parametrize("reader", [_read_pyogrio, _read_fiona], ids=["pyogrio", "fiona"])
@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "shp"])
def test_pocket_areas_dissolve_touching_hh_villages(exported, source, reader, fmt):
    areas = reader(exported, fmt, "pocket_areas")
    members = [set(codes.split(";")) for codes in areas["village_codes"]]
    assert sorted(members, key=len) == [
        {"35.73.02.1014", "35.73.02.1015"},
        {"35.73.01.1001", "35.73.01.1002", "35.73.01.1006"},
    ]
    geod = pyproj.Geod(ellps="WGS84")
    for (_, area), codes in zip(areas.iterrows(), members):
        union = shapely.union_all(source.geometry[sorted(codes)].values)
        assert shapely.hausdorff_distance(area["geometry"], union) < 1e-6
        geodesic_km2 = abs(geod.geometry_area_perimeter(union)[0]) / 1e6
        assert float(area["area_km2"]) == pytest.approx(geodesic_km2, rel=0.005)
        assert int(area["households"]) == int(source.loc[sorted(codes), "households"].sum())


# --------------------------------------------------------------------------- GeoPackage

def test_geopackage_has_method_and_fields_tables(exported, result):
    gpkg = exported["gpkg"][0]
    layers = dict(pyogrio.list_layers(gpkg))
    assert layers["method"] is None and layers["fields"] is None
    assert layers["villages"] == "MultiPolygon"
    with sqlite3.connect(gpkg) as db:  # how QGIS sees it: features and attribute tables
        kinds = dict(db.execute("SELECT table_name, data_type FROM gpkg_contents"))
    assert kinds["method"] == "attributes" and kinds["villages"] == "features"
    for method in (pyogrio.read_dataframe(gpkg, layer="method"),
                   pd.DataFrame([dict(f.properties) for f in fiona.open(gpkg, layer="method")])):
        rows = dict(zip(method["key"], method["value"]))
        assert json.loads(rows["config"]) == json.loads(json.dumps(result.method.config))
        assert rows["sources.0.sha256"] == "a" * 64
        assert rows["sources.1.file"] == "dtsen_malang_2025.csv"
        assert rows["created_at"] == "2025-03-14T09:30:00+07:00"
        assert rows["software_version"] == "0.1.0"
        assert rows["reconciliation.rows_in"] == "12"
        assert rows["reconciliation.outcomes.matched_code"] == "12"
        assert float(rows["weight.mpi_m0"]) == pytest.approx(0.25)
        assert rows["count.villages"] == "21" and rows["count.focus_villages"] == "4"
        assert rows["ingest.personal_columns_dropped"] == "3 (names not listed)"
        assert not any(name in value for value in rows.values() for name in ('"nik"', "alamat"))
    fields = pyogrio.read_dataframe(gpkg, layer="fields")
    villages = fields[fields["layer"] == "villages"]
    assert "village_code" in set(villages["field"])
    assert villages.set_index("field").at["desil1_share", "shapefile_field"] == "D1_SHARE"


# --------------------------------------------------------------------------- Shapefile

def test_shapefile_zip_has_all_parts_utf8_and_wgs84(exported):
    zip_path = _shp_zip(exported)
    with zipfile.ZipFile(zip_path) as archive:
        names = set(archive.namelist())
        for layer in ("villages", "focus_list", "pockets", "pocket_areas"):
            for ext in ("shp", "shx", "dbf", "prj", "cpg"):
                assert f"{layer}.{ext}" in names
            assert archive.read(f"{layer}.cpg").decode().strip().upper() in {"UTF-8", "UTF8"}
            assert pyproj.CRS(archive.read(f"{layer}.prj").decode()).to_epsg() == 4326
        assert {"field_names.csv", "method.csv"} <= names
    for layer in ("villages", "pocket_areas"):
        info = pyogrio.read_info(f"zip://{zip_path}!{layer}.shp")
        assert all(len(f) <= 10 for f in info["fields"])
        assert len({f.upper() for f in info["fields"]}) == len(info["fields"])
    mapping = _field_map(zip_path)
    assert mapping[("villages", "VIL_CODE")] == "village_code"
    assert mapping[("villages", "D1_SHARE")] == "desil1_share"


def test_shapefile_field_names_are_short_unique_and_deterministic():
    fields = ["village_code", "village_name", "desil1_share", "desil14_share", "in_focus_list",
              "contrib_child_mortality", "cens_child_mortality", "rate_child_mortality",
              "abcdefghijkl_x", "abcdefghijkl_y", "abcdefghijkl_z", "ABCDEFGHIJKL_X"]
    mapping = shapefile_field_names(fields)
    assert list(mapping) == fields
    assert mapping["desil1_share"] == "D1_SHARE"
    assert mapping["village_code"] == "VIL_CODE"
    assert all(len(v) <= 10 for v in mapping.values())
    assert len({v.upper() for v in mapping.values()}) == len(fields)
    assert shapefile_field_names(fields) == mapping


@settings(max_examples=60, deadline=None)
@given(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,30}", fullmatch=True), unique=True, max_size=40))
def test_shapefile_field_names_property(fields):
    mapping = shapefile_field_names(fields)
    assert list(mapping) == fields
    assert all(0 < len(v) <= 10 for v in mapping.values())
    assert len({v.upper() for v in mapping.values()}) == len(fields)


def test_docs_mapping_table_matches_the_code(exported):
    """docs/exports.md lists long -> short names; they must be what the zip really holds."""
    text = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    tables = re.split(r"^\| field \| Shapefile \|", text, flags=re.M)[1:]
    assert len(tables) == 2  # villages (and focus_list, pockets), pocket_areas
    actual = _field_map(_shp_zip(exported))
    for table, layer in zip(tables, ("villages", "pocket_areas")):
        rows = re.findall(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*`([A-Z0-9_]+)`\s*\|", table, flags=re.M)
        documented = dict(rows)
        assert len(documented) == len(rows) >= 8
        assert shapefile_field_names(list(documented)) == documented
        for (in_layer, short), long in actual.items():
            if in_layer == layer and long in documented:
                assert documented[long] == short, long


# --------------------------------------------------------------------------- CSV and XLSX

def test_csv_ranked_list(exported, source):
    path = _one(exported, "csv", "ranked_villages.csv")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM for Excel"
    table = _csv(path, keep_default_na=False)
    assert list(table.columns[:3]) == ["rank", "village_code", "village_name"]
    for column in ("district_name", "score", "desil1_share", "in_focus_list", "focus_reason",
                   "quadrant", "pocket", "mpi_poor_people"):
        assert column in table.columns
    ranked = source.dropna(subset=["rank"]).sort_values("rank")
    assert list(table["village_code"][: len(ranked)]) == list(ranked.index)
    assert table["rank"].iloc[-1] == "" and table["village_code"].iloc[-1] == "35.73.01.1018"
    neutralised = {("'" + n) if n.startswith("=") else n for n in source["village_name"]}
    assert set(table["village_name"]) == neutralised, "a formula-like name gets a leading '"
    focus = _csv(_one(exported, "csv", "focus_list.csv"))
    assert list(focus["village_code"]) == list(ranked[ranked["in_focus_list"]].index)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_csv_speaks_the_language(result, source, tmp_path, lang):
    """Headers are the labels in the language, stored codes their readable text, flags words."""
    written = export_result(result, tmp_path, formats=["csv"], lang=lang)["csv"]
    path = _one({"csv": written}, "csv", "ranked_villages.csv")
    raw = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    assert list(raw.columns[:3]) == [indicator_label(c, lang) for c in RANKED_ORDER]
    assert "pocket" not in raw.columns and "village_code" not in raw.columns
    table = _csv(path, lang, keep_default_na=False).set_index("village_code")
    for column in ("pocket", "quadrant"):
        expected = {value_label(column, v, lang) for v in source[column].dropna()}
        assert set(table[column]) - {""} == expected, column
        assert not set(table[column]) & set(source[column].dropna()) - expected, column
    assert set(table["in_focus_list"]) == {t("flag.yes", lang), t("flag.no", lang)}
    other = "en" if lang == "id" else "id"
    assert indicator_label("village_name", other) not in raw.columns


def test_xlsx_has_focus_ranking_and_method_sheets(exported, source):
    book = openpyxl.load_workbook(exported["xlsx"][0])
    assert book.sheetnames == ["Daftar Lokus", "Peringkat Desa", "Metode"]
    focus = book["Daftar Lokus"]
    header = [c.value for c in focus[1]]
    code_col = header.index(indicator_label("village_code", "id"))
    codes = [row[code_col] for row in focus.iter_rows(min_row=2, values_only=True)]
    assert codes == list(source[source["in_focus_list"]].sort_values("rank").index)
    ranking = book["Peringkat Desa"]
    assert ranking.max_row == len(source) + 1
    for row in ranking.iter_rows(min_row=2):
        assert row[code_col].data_type == "s" and row[code_col].number_format == "@"
    share = header.index(indicator_label("desil1_share", "id"))
    assert all(row[share].number_format == "0.0%" for row in ranking.iter_rows(min_row=2))
    # M0 is a share of people (H x A): a percentage like the other shares, not 0.000
    m0 = header.index(indicator_label("mpi_m0", "id"))
    assert all(row[m0].number_format == "0.0%" for row in ranking.iter_rows(min_row=2))
    # counts are whole numbers with grouping, never percentages
    households = header.index(indicator_label("households", "id"))
    assert all(row[households].number_format == "#,##0" for row in ranking.iter_rows(min_row=2))
    name_col = header.index(indicator_label("village_name", "id"))
    names = {row[name_col].value: row[name_col]
             for row in ranking.iter_rows(min_row=2)}
    assert names["=SUM(1,2) Tlogomas"].data_type == "s", "a name is never a formula"
    assert "Kauman Ngadirejo — Ñ" in names and '<b>Sukun</b> & "Bandulan"' in names
    method = {r[0]: r[1] for r in book["Metode"].iter_rows(values_only=True) if r and r[0]}
    assert json.loads(method["config"])["indicator"][0]["column"] == "mpi_m0"
    assert method["sources.1.sha256"] == "b" * 64
    assert method["created_at"].startswith("2025-03-14")
    assert method["reconciliation.rows_in"] == "12"
    assert "software_version" in method and "weight.desil1_share" in method
    assert method["title"] == t("method.title", "id") != t("method.title", "en")
    assert method[indicator_label("score", "id")] == "score"  # headers back to field names


def test_xlsx_in_english(result, tmp_path):
    (path,) = export_result(result, tmp_path, formats=["xlsx"], lang="en")["xlsx"]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Focus list", "Village ranking", "Method"]
    ranking = book["Village ranking"]
    header = [c.value for c in ranking[1]]
    pockets = {row[header.index(indicator_label("pocket", "en"))]
               for row in ranking.iter_rows(min_row=2, values_only=True)}
    assert value_label("pocket", "HH", "en") in pockets and "HH" not in pockets
    method = {r[0]: r[1:] for r in book["Method"].iter_rows(values_only=True) if r and r[0]}
    assert list(method["Key"]) == ["Value", "Meaning"]
    assert method["title"][0] == t("method.title", "en")
    assert method["count.villages"][1] == t("method.key.count", "en", layer="villages")
    assert [c.value for c in book["Focus list"][1]][:3] == [
        indicator_label(c, "en") for c in ("rank", "village_code", "village_name")]


def test_focus_reasons_are_english_in_gis_layers_and_in_the_language_of_tables(result, tmp_path):
    import dataclasses

    from geo.common.messages import encode, join

    coded = join([encode("focus.top_n", n=4), encode("focus.best_in_district", district="Klojen")])
    villages = result.villages.copy()
    villages["focus_reason"] = pd.array(
        [coded if f else None for f in villages["in_focus_list"]], dtype="string")
    coded_result = dataclasses.replace(result, villages=villages)
    written = export_result(coded_result, tmp_path, formats=["geojson", "csv", "xlsx"], lang="id")
    layer = gpd.read_file(tmp_path / "focus_list.geojson")
    assert set(layer["focus_reason"]) == {"top 4; best in district Klojen"}
    table = pd.read_csv(tmp_path / "focus_list.csv", dtype=str)  # headers for people, in Indonesian
    assert set(table[indicator_label("focus_reason", "id")]) == {"4 teratas; terbaik di kecamatan Klojen"}
    (xlsx,) = written["xlsx"]
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    header = [c.value for c in sheet[1]]
    column = header.index(indicator_label("focus_reason", "id"))
    assert sheet.cell(row=2, column=column + 1).value == "4 teratas; terbaik di kecamatan Klojen"


def test_method_notes_stored_as_codes_are_written_as_text(result):
    import dataclasses

    from geo.common.messages import encode

    note = encode("note.weight_moved_across", indicator="dep_nutrition")
    noted = dataclasses.replace(result, method=dataclasses.replace(result.method, mpi_notes=(note,)))
    from geo.common.messages import render_cell
    from geo.export.method import gis_method, method_rows

    method = build_layers(noted).method
    english = " ".join(gis_method(method)["value"].astype(str))  # what GIS files carry
    assert "dep_nutrition: no data in the household file and none for its dimension" in english
    assert "note.weight_moved_across" not in english
    indonesian = " ".join(value for _, value, _ in method_rows(method, "id"))  # the Metode sheet
    assert render_cell(note, "id") in indonesian and render_cell(note, "id") != render_cell(note, "en")
    assert "note.weight_moved_across" not in indonesian
    assert "names not listed" not in indonesian and "not listed" not in indonesian


# --------------------------------------------------------------------------- suppression

def test_min_households_suppresses_household_figures(exported_small, source):
    small = {"35.73.02.1005", "35.73.02.1010", "35.73.01.1018"}  # 3, 2 and 0 households
    assert set(source.index[source["households"] < 5]) == small
    for fmt in ("geojson", "gpkg", "shp"):
        frame = _read_pyogrio(exported_small, fmt, "villages").set_index("village_code")
        assert set(frame.index[frame["suppressed"].astype(bool)]) == small
        for column in ("households", "people", "desil1_households", "desil1_share",
                       "desil14_share", "mpi_m0", "mpi_poor_people", "poor_unreached", "lisa_i"):
            assert frame.loc[sorted(small), column].isna().all(), (fmt, column)
            others = sorted(set(source.index) - small)
            np.testing.assert_allclose(frame.loc[others, column].astype(float),
                                       source.loc[others, column].astype(float), rtol=1e-9)
        kept = sorted(small - {"35.73.01.1018"})
        assert list(frame.loc[kept, "rank"]) == list(source.loc[kept, "rank"])
        assert list(frame.loc[kept, "village_name"]) == list(source.loc[kept, "village_name"])
        np.testing.assert_allclose(frame.loc[kept, "score"].astype(float),
                                   source.loc[kept, "score"].astype(float))
    table = _csv(_one(exported_small, "csv", "ranked_villages.csv"),
                 keep_default_na=False).set_index("village_code")
    assert (table.loc[sorted(small), "households"] == "").all()
    assert (table.loc[sorted(small), "desil1_share"] == "").all()
    assert table.loc["35.73.02.1010", "rank"] == "1"


def test_pocket_totals_withheld_when_a_member_is_suppressed(result, source, tmp_path):
    threshold = int(source.loc["35.73.01.1001", "households"]) + 1  # 1001 is in the 3-village pocket
    layers = build_layers(result, min_households=threshold)
    areas = layers.pocket_areas.set_index("pocket_id")
    by_members = {frozenset(c.split(";")): pid for pid, c in areas["village_codes"].items()}
    big = by_members[frozenset({"35.73.01.1001", "35.73.01.1002", "35.73.01.1006"})]
    assert pd.isna(areas.at[big, "households"])
    other = by_members[frozenset({"35.73.02.1014", "35.73.02.1015"})]
    assert areas.at[other, "households"] == source.loc[["35.73.02.1014", "35.73.02.1015"], "households"].sum()


# --------------------------------------------------------------------------- personal data

def _pdf_text(data: bytes) -> bytes:
    """The PDF with its Flate streams inflated and the text of each TJ/Tj operator joined.

    matplotlib writes kerned text as ``[(Kel) 0.07 (urahan)] TJ``; joining the string
    pieces makes text drawn on the page searchable.
    """
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", data, flags=re.S):
        try:
            stream = zlib.decompress(match.group(1))
        except zlib.error:
            continue
        parts.append(stream)
        for text in re.finditer(rb"\[(.*?)\]\s*TJ|(\((?:\\.|[^\\)])*\))\s*Tj", stream, flags=re.S):
            pieces = re.findall(rb"\(((?:\\.|[^\\)])*)\)", text.group(0))
            parts.append(re.sub(rb"\\(.)", rb"\1", b"".join(pieces)))
    return b"\n".join(parts)


def _all_bytes(path: Path) -> bytes:
    """Everything a reader of the file could see: raw bytes, zip members, inflated PDF streams."""
    data = path.read_bytes()
    if zipfile.is_zipfile(path):  # shapefile zip, xlsx
        with zipfile.ZipFile(path) as archive:
            data += b"\n".join(archive.read(n) for n in archive.namelist())
    if path.suffix == ".pdf":
        data = _pdf_text(data)
    return data


def _field_names(path: Path) -> set[str]:
    """Column / property / header names in an export, lower case."""
    if path.suffix == ".geojson":
        doc = json.loads(path.read_text(encoding="utf-8"))
        return {k.lower() for f in doc["features"] for k in f["properties"]}
    if path.suffix == ".gpkg":
        names = set()
        for layer, _ in pyogrio.list_layers(path):
            names |= {c.lower() for c in pyogrio.read_dataframe(path, layer=layer).columns}
        return names
    if path.suffix == ".zip":
        names = set()
        with zipfile.ZipFile(path) as archive:
            for member in archive.namelist():
                if member.endswith(".shp"):
                    names |= {f.lower() for f in pyogrio.read_info(f"zip://{path}!{member}")["fields"]}
                if member.endswith(".csv"):
                    names |= {c.lower() for c in pd.read_csv(archive.open(member)).columns}
        return names
    if path.suffix == ".csv":
        return {c.lower() for c in pd.read_csv(path, encoding="utf-8-sig").columns}
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path)
        return {str(c.value).lower() for sheet in book for c in sheet[1] if c.value}
    return set()


@pytest.mark.parametrize("which", ["exported", "exported_small"])
def test_no_personal_data_in_any_export(request, which, result):
    assert set(PERSONAL_COLUMNS) <= set(result.households.columns)  # the trap is set
    written = request.getfixturevalue(which)
    files = [p for paths in written.values() for p in paths]
    assert {p.suffix for p in files} == {".geojson", ".gpkg", ".zip", ".csv", ".xlsx", ".png", ".pdf"}
    secrets = [v.encode() for v in PERSONAL_VALUES] + [
        v.encode() for column in PERSONAL_COLUMNS for v in result.households[column]]
    for path in files:
        content = _all_bytes(path)
        for secret in secrets:
            assert secret not in content, f"{path.name} contains {secret!r}"
        assert not set(PERSONAL_COLUMNS) & _field_names(path), path.name
    # the searches can find text where it is: the PDF's list of focus villages, PNG metadata
    pdf = _all_bytes(_one(written, "pdf", "map_focus_list.pdf"))
    assert b"Kelurahan 09" in pdf
    assert b"geo" in _one(written, "png", "map_pockets.png").read_bytes()


def test_personal_columns_on_villages_are_withheld(result, tmp_path):
    """Defence in depth: if a personal column ever reached the village table, it stays out."""
    villages = result.villages.copy()
    villages["nama_kepala_keluarga"] = "Bapak Rahasia"
    villages["nik"] = PERSONAL_VALUES[0]
    villages["keterangan"] = "kontak 3573014403870002"  # a 16-digit number: a NIK or No. KK
    leaky = AnalysisResult(villages=villages, method=result.method)
    layers = build_layers(leaky)
    assert set(layers.withheld_columns) == {"nama_kepala_keluarga", "nik", "keterangan"}
    written = export_result(leaky, tmp_path, formats=("geojson", "gpkg", "csv", "xlsx", "shp"))
    for path in (p for paths in written.values() for p in paths):
        content = _all_bytes(path)
        assert b"Bapak Rahasia" not in content and b"357301440387000" not in content, path.name
        assert "nik" not in _field_names(path)


# --------------------------------------------------------------------------- edge cases and errors

def test_no_focus_villages_and_no_pockets(result, tmp_path):
    villages = result.villages.assign(in_focus_list=False, pocket="ns")
    written = export_result(AnalysisResult(villages=villages, method=result.method), tmp_path,
                            formats=("geojson", "gpkg", "shp", "csv", "xlsx", "png"))
    doc = json.loads(_one(written, "geojson", "pockets.geojson").read_text(encoding="utf-8"))
    assert doc["features"] == []
    assert len(pyogrio.read_dataframe(written["gpkg"][0], layer="focus_list")) == 0
    assert len(pyogrio.read_dataframe(written["gpkg"][0], layer="villages")) == len(villages)
    with fiona.open(f"zip://{written['shp'][0]}!pocket_areas.shp") as src:
        assert len(src) == 0


def test_villages_in_a_projected_crs_are_written_in_wgs84(result, tmp_path):
    utm = result.villages.to_crs(32749)
    (path,) = [p for p in write_geojson(build_layers(AnalysisResult(villages=utm)), tmp_path)
               if p.name == "villages.geojson"]
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == 4326
    assert 112.5 < frame.total_bounds[0] < 112.7


@pytest.mark.parametrize(
    "kwargs, source_name",
    [({"formats": "gpkg,kml"}, "--formats"), ({"formats": []}, "--formats"),
     ({"min_households": -1}, "--min-households"), ({"min_households": 2.5}, "--min-households"),
     ({"lang": "fr"}, "--lang")],
)
def test_bad_options_raise_geo_input_error(result, tmp_path, kwargs, source_name):
    with pytest.raises(GeoInputError) as info:
        export_result(result, tmp_path, **kwargs)
    assert info.value.source == source_name


def test_out_dir_that_is_a_file_and_villages_without_crs(result, tmp_path):
    afile = tmp_path / "taken"
    afile.write_text("x")
    with pytest.raises(GeoInputError, match="folder"):
        export_result(result, afile, formats="csv")
    no_crs = result.villages.set_crs(None, allow_override=True)
    with pytest.raises(GeoInputError, match="coordinate reference system"):
        export_result(AnalysisResult(villages=no_crs), tmp_path / "out", formats="csv")


def test_parse_formats():
    assert parse_formats("GeoJSON, gpkg") == ("geojson", "gpkg")
    assert parse_formats(["png"]) == ("png",)


def test_cli_reports_a_bad_format_in_one_line(tmp_path, capsys):
    code = cli_main(["export", "--boundaries", str(tmp_path / "none.geojson"), "--out",
                     str(tmp_path / "out"), "--formats", "geojson,kmz"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "kmz" in err and "Traceback" not in err


def test_cli_exports_the_demo(tmp_path, capsys):
    from geo.pipeline import analysis as pipeline

    boundaries, households = pipeline.demo_sources()
    if not boundaries.exists():
        pytest.skip(f"demo data not built yet: {boundaries} is absent")
    code = cli_main(["export", "--boundaries", str(boundaries), "--households", str(households),
                     "--out", str(tmp_path), "--formats", "gpkg,csv", "--min-households", "5"])
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert str(tmp_path / "poverty_map.gpkg") in printed
    villages = pyogrio.read_dataframe(tmp_path / "poverty_map.gpkg", layer="villages")
    demo = pyogrio.read_dataframe(boundaries)
    assert len(villages) == len(demo)
    assert villages["village_code"].str.fullmatch(r"\d{2}\.\d{2}\.\d{2}\.\d{4}").all()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_download_csv_of_a_screen_table(source, lang):
    """The Prioritas page's focus-list download: headers and codes in the language, no formula."""
    import io

    from geo.export.tables import csv_bytes

    frame = pd.DataFrame({"village_code": ["35.73.01.1001"], "village_name": ["=SUM(1,2) Tlogomas"],
                          "quadrant": ["high-high"], "in_focus_list": [True], "score": [87.5]})
    data = csv_bytes(frame, lang)
    assert data.startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(io.BytesIO(data), dtype=str, encoding="utf-8-sig")
    assert list(table.columns) == [indicator_label(c, lang) for c in frame.columns]
    row = table.iloc[0].tolist()
    assert row == ["35.73.01.1001", "'=SUM(1,2) Tlogomas", value_label("quadrant", "high-high", lang),
                   t("flag.yes", lang), "87.5"]
    assert value_label("quadrant", "high-high", "id") != value_label("quadrant", "high-high", "en")


def test_csv_for_software_keeps_field_names_and_codes(result, source, tmp_path):
    """``python -m geo rank`` writes the CSV without a language: stable names and codes."""
    from geo.export.tables import write_ranked_table

    paths = write_ranked_table(build_layers(result), tmp_path, formats=("csv",))
    table = pd.read_csv(_one({"csv": paths}, "csv", "ranked_villages.csv"), dtype=str,
                        encoding="utf-8-sig", keep_default_na=False)
    assert list(table.columns[:3]) == list(RANKED_ORDER)
    assert set(table["pocket"]) - {""} <= {"HH", "LL", "HL", "LH", "ns", "isolated", "no_data"}
    assert "'=SUM(1,2) Tlogomas" in set(table["village_name"])  # still never a formula


def test_cli_export_speaks_the_chosen_language(tmp_path):
    """``python -m geo export --lang en`` writes English CSV headers; the default is Indonesian."""
    from geo.pipeline import analysis as pipeline

    boundaries, households = pipeline.demo_sources()
    if not boundaries.exists():
        pytest.skip(f"demo data not built yet: {boundaries} is absent")
    for lang, flags in (("id", []), ("en", ["--lang", "en"])):
        out = tmp_path / lang
        assert cli_main(["export", "--boundaries", str(boundaries), "--households", str(households),
                         "--out", str(out), "--formats", "csv", *flags]) == 0
        header = pd.read_csv(out / "focus_list.csv", encoding="utf-8-sig", nrows=0).columns
        assert list(header[:2]) == [indicator_label(c, lang) for c in ("rank", "village_code")]


# --------------------------------------------------------------------------- parent names (issue 13)

def test_exported_real_layer_has_the_parent_names(bontang_sql, tmp_path):
    """Kota Bontang's dump has village names only; GIS staff get every level's name."""
    from geo.pipeline.analysis import analyse

    written = export_result(analyse([bontang_sql], cache=False), tmp_path, formats="geojson,csv")
    layer = gpd.read_file(next(p for p in written["geojson"] if p.name == "villages.geojson"))
    assert len(layer) == 15
    for column in ("district_name", "regency_name", "province_name"):
        assert layer[column].notna().all() and (layer[column] != "").all(), column
    pilot = layer.set_index("village_code").loc["64.74.03.1002"]
    assert (pilot["district_name"], pilot["regency_name"], pilot["province_name"]) == (
        "Bontang Barat", "Kota Bontang", "Kalimantan Timur")
    ranked = pd.read_csv(next(p for p in written["csv"] if "focus" not in p.name), dtype=str)
    assert "Bontang Barat" in set(ranked.iloc[:, list(ranked.columns).index(
        headers(["district_name"], "id")[0])])
