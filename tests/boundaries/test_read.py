"""read_villages: real facts on the wilayah_boundaries dumps, every format, both engines, schemas,
CRS mistakes and unusable files."""

from __future__ import annotations

import json
import sqlite3
import zipfile

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from geo.boundaries.read import CANONICAL_COLUMNS, read_villages, write_villages
from geo.common.errors import GeoInputError
from geo.common.messages import render_cell

def english(rejected: list[dict]) -> list[dict]:
    """Rejected features with their reasons as an English reader sees them."""
    return [{**r, "reason": render_cell(r["reason"], "en")} for r in rejected]


pytestmark = pytest.mark.filterwarnings(
    "ignore:.*(truncated when saved|Normalized/laundered).*")

REPAIRED_IN_JAWA_TIMUR = {"Bendosari", "Kepanjen", "Patokan", "Kenongorejo", "Betoyokauman",
                          "Josenan"}


@pytest.fixture(scope="session")
def jatim(jatim_sqls):
    return read_villages(jatim_sqls)


@pytest.fixture(scope="session")
def malang(malang_sql):
    return read_villages(malang_sql, check_quality=False)


def _accounted(report: dict) -> bool:
    return report.features_in == (report.features_out + len(report.rejected)
                                     + report.merged_duplicates)


def _same_layer(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, tolerance: float = 1e-7) -> None:
    assert a["village_code"].tolist() == b["village_code"].tolist()
    assert a["village_name"].tolist() == b["village_name"].tolist()
    assert a["village_type"].tolist() == b["village_type"].tolist()
    assert shapely.equals_exact(a.geometry.array, b.geometry.array, tolerance=tolerance).all()


# --- real facts -------------------------------------------------------------------------

def test_canonical_layer_of_kota_malang(malang):
    villages, report = malang
    assert list(villages.columns) == CANONICAL_COLUMNS
    assert villages.crs.to_epsg() == 4326
    assert len(villages) == 57 and report.kelurahan == 57 and report.desa == 0
    assert villages["village_code"].is_monotonic_increasing and villages["village_code"].is_unique
    row = villages.set_index("village_code").loc["35.73.01.1001"]
    assert row["village_name"] == "Balearjosari"
    assert (row["district_code"], row["regency_code"], row["province_code"]) == (
        "35.73.01", "35.73", "35")
    assert villages["village_code"].dtype == "string"
    # GeoJSON ring order: exteriors counter-clockwise (the dump's are mostly clockwise)
    exteriors = shapely.get_exterior_ring(shapely.get_parts(villages.geometry.array))
    assert shapely.is_ccw(exteriors).all()
    assert _accounted(report)
    json.dumps(report.to_dict())


def test_kota_bontang_pilot_kelurahan(bontang_sql):
    villages, report = read_villages(bontang_sql, check_quality=False)
    assert len(villages) == 15
    pilot = villages.loc[villages["village_name"] == "Gunung Telihan"]
    assert pilot["village_code"].tolist() == ["64.74.03.1002"]
    assert pilot["village_type"].tolist() == ["kelurahan"]


def test_kabupaten_pekalongan_kelurahan_and_desa(pekalongan_sql):
    villages, report = read_villages(pekalongan_sql, check_quality=False)
    assert (len(villages), report.kelurahan, report.desa) == (285, 13, 272)
    assert villages["village_type"].value_counts().to_dict() == {"desa": 272, "kelurahan": 13}


@pytest.mark.slow
def test_jawa_timur_counts(jatim):
    villages, report = jatim
    assert (report.features_in, report.features_out) == (8494, 8494)
    assert (report.kelurahan, report.desa, report.desa_adat) == (773, 7721, 0)
    assert list(report.rejected) == [] and list(report.duplicates) == [] and list(report.empty) == []
    assert villages.is_valid.all()
    assert len(report.per_source) == 38
    json.dumps(report.to_dict())


@pytest.mark.slow
def test_jawa_timur_six_invalid_geometries_repaired_without_changing_area(jatim):
    _, report = jatim
    assert {r["village_name"] for r in report.repaired} == REPAIRED_IN_JAWA_TIMUR
    for record in report.repaired:
        assert "Self-intersection" in record["problem"]
        assert record["area_after_m2"] == pytest.approx(record["area_before_m2"], rel=1e-6)


@pytest.mark.slow
def test_jawa_timur_worst_overlap_is_ketro_harjo_over_ketro(jatim):
    _, report = jatim
    top = report.overlaps[0]
    assert set(top["codes"]) == {"35.01.10.2016", "35.01.10.2017"}
    assert set(top["names"]) == {"Ketro", "Ketro Harjo"}
    assert top["share_of_smaller"] == pytest.approx(0.94, abs=0.01)
    shares = [p["share_of_smaller"] for p in report.overlaps]
    assert shares == sorted(shares, reverse=True)
    assert report.overlaps_total["pairs"] >= len(report.overlaps)


@pytest.mark.slow
def test_jawa_timur_gaps_match_the_dataset_notes(jatim):
    # data/wilayah_boundaries/README.md: 38,616 gaps, the largest 1.4 ha
    gaps = jatim[1].gaps
    assert gaps["count"] == pytest.approx(38616, rel=0.005)
    assert gaps["largest_area_m2"] == pytest.approx(14000, rel=0.05)
    lon, lat = gaps["largest_at"]
    assert 111 < lon < 115 and -9 < lat < -6.5


@pytest.mark.slow
def test_jawa_timur_randuboto_island_reported_and_valid(jatim):
    villages, report = jatim
    assert [r["village_code"] for r in report.islands_fixed] == ["35.25.09.2021"]
    geom = villages.set_index("village_code").geometry["35.25.09.2021"]
    assert geom.geom_type == "MultiPolygon" and geom.is_valid


def test_several_files_are_combined(malang_sql, bontang_sql):
    villages, report = read_villages([malang_sql, bontang_sql], check_quality=False)
    assert len(villages) == 72 and report.features_in == 72
    assert set(villages["regency_code"]) == {"35.73", "64.74"}


def test_the_same_file_twice_gives_identical_copies_dropped(malang_sql):
    villages, report = read_villages([malang_sql, malang_sql], check_quality=False)
    assert len(villages) == 57
    assert len(report.duplicates) == 57
    assert {d["action"] for d in report.duplicates} == {"identical copies dropped"}
    assert _accounted(report)


# --- formats and engines ----------------------------------------------------------------

@pytest.fixture(scope="session")
def malang_files(malang, tmp_path_factory):
    """Kota Malang written in every supported format."""
    villages, _ = malang
    out = tmp_path_factory.mktemp("formats")
    write_villages(villages, out / "malang.gpkg")
    villages.to_file(out / "malang.geojson", driver="GeoJSON", engine="pyogrio")
    villages.to_file(out / "malang.fgb", driver="FlatGeobuf", engine="pyogrio")
    villages.to_parquet(out / "malang.parquet")
    shp = out / "shp"
    shp.mkdir()
    villages.to_file(shp / "malang.shp", engine="pyogrio")
    with zipfile.ZipFile(out / "malang.zip", "w") as archive:
        for part in shp.iterdir():
            archive.write(part, part.name)
    villages.to_file(out / "malang.kml", driver="KML", engine="pyogrio",
                     dataset_options={"NameField": "village_code",
                                      "DescriptionField": "village_name"})
    return out


@pytest.mark.parametrize("name", ["malang.gpkg", "malang.geojson", "malang.fgb",
                                  "shp/malang.shp", "malang.zip", "malang.parquet"])
@pytest.mark.parametrize("engine", ["pyogrio", "fiona"])
def test_every_format_and_engine_gives_the_same_layer(malang, malang_files, name, engine):
    villages, report = read_villages(malang_files / name, engine=engine, check_quality=False)
    _same_layer(villages, malang[0])
    assert list(villages.columns) == CANONICAL_COLUMNS
    assert report.features_out == 57


def test_kml_through_both_engines(malang, malang_files):
    names = {"village_code": "Name", "village_name": "Description"}
    a, _ = read_villages(malang_files / "malang.kml", engine="pyogrio", column_map=names,
                         check_quality=False)
    b, _ = read_villages(malang_files / "malang.kml", engine="fiona", column_map=names,
                         check_quality=False)
    _same_layer(a, malang[0], tolerance=1e-8)
    _same_layer(a, b, tolerance=0)


def test_written_geopackage_has_the_villages_layer(malang, malang_files):
    layers = pyogrio.list_layers(malang_files / "malang.gpkg")
    assert layers[:, 0].tolist() == ["villages"]
    assert layers[0, 1] == "MultiPolygon"


def test_geopackage_with_several_layers_needs_a_choice(malang, tmp_path):
    villages = malang[0]
    path = tmp_path / "two.gpkg"
    villages.to_file(path, layer="desa_2023", engine="pyogrio")
    villages.iloc[:10].to_file(path, layer="desa_2024", engine="pyogrio")
    with pytest.raises(GeoInputError, match=r"two\.gpkg: several layers.*desa_2023.*desa_2024"):
        read_villages(path, check_quality=False)
    chosen, report = read_villages(path, layer="desa_2024", check_quality=False)
    assert len(chosen) == 10 and report.per_source["two.gpkg"]["layer"] == "desa_2024"
    with pytest.raises(GeoInputError, match="no layer 'desa_2030'"):
        read_villages(path, layer="desa_2030", check_quality=False)


def test_zip_without_shp_is_refused(tmp_path):
    path = tmp_path / "batas.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("batas.dbf", b"x")
        archive.writestr("batas.shx", b"x")
    with pytest.raises(GeoInputError, match=r"batas\.zip: the zip holds no \.shp.*batas\.dbf"):
        read_villages(path)


def test_truncated_geojson_is_refused(malang_files, tmp_path):
    text = (malang_files / "malang.geojson").read_text()
    path = tmp_path / "cut.geojson"
    path.write_text(text[: len(text) // 2])
    for engine in ("pyogrio", "fiona"):
        with pytest.raises(GeoInputError, match=r"cut\.geojson: cannot (open|read) it"):
            read_villages(path, engine=engine)


def test_truncated_sql_dump_is_refused(malang_sql, tmp_path):
    text = malang_sql.read_text()
    path = tmp_path / "cut.sql"
    path.write_text(text[: len(text) // 2])
    with pytest.raises(GeoInputError, match=r"cut\.sql: .*truncated"):
        read_villages(path)


def test_missing_file_and_unknown_engine(tmp_path, malang_sql):
    with pytest.raises(GeoInputError, match="not_here.geojson: file not found"):
        read_villages(tmp_path / "not_here.geojson")
    with pytest.raises(GeoInputError, match="unknown engine 'gdal'"):
        read_villages(malang_sql, engine="gdal")


# --- CRS mistakes -----------------------------------------------------------------------

def test_swapped_coordinates_are_detected_and_can_be_fixed(malang, tmp_path):
    villages = malang[0]
    swapped = villages.set_geometry(shapely.transform(villages.geometry.array,
                                                      lambda xy: xy[:, ::-1]))
    path = tmp_path / "latlon.geojson"
    swapped.to_file(path, engine="pyogrio")
    with pytest.raises(GeoInputError, match=r"latlon\.geojson: .*\(latitude, longitude\).*swap"):
        read_villages(path)
    fixed, report = read_villages(path, swap_xy=True, check_quality=False)
    _same_layer(fixed, villages)
    assert any("swapped as requested" in render_cell(w, "en") for w in report.warnings)
    assert any("ditukar sesuai permintaan" in render_cell(w, "id") for w in report.warnings)


def test_projected_crs_with_prj_is_reprojected(malang, tmp_path):
    villages = malang[0]
    path = tmp_path / "utm.shp"
    villages.to_crs(32749).to_file(path, engine="pyogrio")
    back, report = read_villages(path, check_quality=False)
    _same_layer(back, villages, tolerance=1e-6)
    assert report.per_source["utm.shp"]["crs_in"] == "EPSG:32749"


def test_projected_coordinates_without_prj_need_a_crs(malang, tmp_path):
    villages = malang[0]
    path = tmp_path / "noprj.shp"
    villages.to_crs(32749).to_file(path, engine="pyogrio")
    path.with_suffix(".prj").unlink()
    with pytest.raises(GeoInputError, match=r"noprj\.shp: coordinates look projected.*--crs"):
        read_villages(path)
    back, _ = read_villages(path, crs="EPSG:32749", check_quality=False)
    _same_layer(back, villages, tolerance=1e-6)


# --- schemas ----------------------------------------------------------------------------

def _small_layer(malang, columns: dict, rows: int = 4) -> gpd.GeoDataFrame:
    villages = malang[0].iloc[:rows]
    return gpd.GeoDataFrame(columns, geometry=villages.geometry.to_numpy(), crs=4326)


def test_big_kugi_schema(malang, tmp_path):
    codes = ["3573011001", "35.73.01.1002", "", "3573011004"]
    layer = _small_layer(malang, {
        "KDEPUM": codes, "KDEBPS": ["3573010001", "3573010002", "3573010003", "3573010004"],
        "WADMKD": ["Balearjosari", "Arjosari", "Polowijen", "Purwodadi"],
        "WADMKC": ["Blimbing"] * 4, "WADMKK": ["Kota Malang"] * 4,
        "WADMPR": ["Jawa Timur"] * 4, "TIPADM": [4, 4, 4, 4]})
    path = tmp_path / "big.shp"
    layer.to_file(path, engine="pyogrio")
    villages, report = read_villages(path, check_quality=False)
    assert report.per_source["big.shp"]["schema"] == "BIG/KUGI"
    assert villages["village_code"].tolist() == ["35.73.01.1001", "35.73.01.1002", "35.73.01.1004"]
    assert villages["district_name"].unique().tolist() == ["Blimbing"]
    assert villages["regency_name"].unique().tolist() == ["Kota Malang"]
    assert villages["village_type"].unique().tolist() == ["kelurahan"]  # from the code
    assert english(report.rejected) == [{"source": "big.shp", "row": 3, "village_code": None,
                                            "village_name": "Polowijen",
                                            "reason": "no village code (KDEPUM is empty)"}]
    assert render_cell(report.rejected[0]["reason"], "id") == "tanpa kode desa (KDEPUM kosong)"
    # the user can map another column, which overrides detection
    other = layer.assign(KODE_DESA=["3573011001", "3573011002", "3573011003", "3573011004"])
    path2 = tmp_path / "big2.gpkg"
    other.to_file(path2, engine="pyogrio")
    mapped, report2 = read_villages(path2, column_map={"village_code": "KODE_DESA"},
                                    check_quality=False)
    assert len(mapped) == 4 and list(report2.rejected) == []


def test_bps_wilkerstat_only_bps_codes_is_refused_with_the_reason(malang, tmp_path):
    layer = _small_layer(malang, {
        "iddesa": ["3573010001", "3573010002", "3573010003", "3573010004"],
        "nmdesa": ["Balearjosari", "Arjosari", "Polowijen", "Purwodadi"],
        "kdprov": ["35"] * 4, "kdkab": ["73"] * 4, "kdkec": ["010"] * 4,
        "kddesa": ["001", "002", "003", "004"], "nmkec": ["Blimbing"] * 4})
    path = tmp_path / "bps.geojson"
    layer.to_file(path, engine="pyogrio")
    with pytest.raises(GeoInputError, match=r"bps\.geojson: the file has only a BPS code "
                                            r"\(iddesa\).*do not convert.*--map village_code="):
        read_villages(path)
    # with a column of Kemendagri codes from a bridge table, the names come from nmdesa/nmkec
    bridged = layer.assign(kode_kemendagri=["35.73.01.1001", "35.73.01.1002", "35.73.01.1003",
                                            "35.73.01.1004"])
    path2 = tmp_path / "bps_bridged.geojson"
    bridged.to_file(path2, engine="pyogrio")
    villages, report = read_villages(path2, column_map={"village_code": "kode_kemendagri"},
                                     check_quality=False)
    assert villages["village_name"].tolist() == ["Balearjosari", "Arjosari", "Polowijen",
                                                 "Purwodadi"]
    assert villages["district_name"].unique().tolist() == ["Blimbing"]


def test_bps_code_mapped_as_village_code_is_rejected_row_by_row(malang, tmp_path):
    layer = _small_layer(malang, {"iddesa": ["3573010001", "3573010002", "3573010003",
                                             "3573010004"], "nmdesa": list("abcd")})
    path = tmp_path / "bps.gpkg"
    layer.to_file(path, engine="pyogrio")
    with pytest.raises(GeoInputError, match="no usable village.*must start with 1 kelurahan"):
        read_villages(path, column_map={"village_code": "iddesa"})


def test_no_code_column_names_the_columns_found(malang, tmp_path):
    layer = _small_layer(malang, {"NAMA": list("abcd"), "LUAS": [1.0, 2.0, 3.0, 4.0]})
    path = tmp_path / "nocode.geojson"
    layer.to_file(path, engine="pyogrio")
    with pytest.raises(GeoInputError, match=r"nocode\.geojson: no village code column.*"
                                            r"Columns found: NAMA, LUAS"):
        read_villages(path)


def test_two_plausible_code_columns_need_a_choice(malang, tmp_path):
    codes = ["35.73.01.1001", "35.73.01.1002", "35.73.01.1003", "35.73.01.1004"]
    layer = _small_layer(malang, {"kode": codes, "kode_desa": codes, "nama": list("abcd")})
    path = tmp_path / "two_codes.fgb"
    layer.to_file(path, engine="pyogrio")
    with pytest.raises(GeoInputError, match=r"two or more columns.*kode_desa, kode"):
        read_villages(path)
    villages, _ = read_villages(path, column_map={"village_code": "kode"}, check_quality=False)
    assert villages["village_code"].tolist() == codes
    with pytest.raises(GeoInputError, match="column 'KODE_BPS' \\(mapped to village_code\\) is "
                                            "not in the file"):
        read_villages(path, column_map={"village_code": "KODE_BPS"})


def test_empty_and_non_polygon_geometries_are_rejected_and_reported(malang, tmp_path):
    layer = _small_layer(malang, {"kode": ["35.73.01.1001", "35.73.01.1002", "35.73.01.1003",
                                           "35.73.01.1004"], "nama": list("abcd")})
    geoms = layer.geometry.to_numpy()
    geoms[1] = None
    geoms[2] = shapely.LineString([(112.6, -7.9), (112.61, -7.91)])
    layer = layer.set_geometry(geoms)
    path = tmp_path / "mixed.gpkg"
    layer.to_file(path, engine="pyogrio", geometry_type="Unknown")
    villages, report = read_villages(path, check_quality=False)
    assert villages["village_code"].tolist() == ["35.73.01.1001", "35.73.01.1004"]
    assert [e["village_code"] for e in report.empty] == ["35.73.01.1002"]
    reasons = {r["village_code"]: render_cell(r["reason"], "en") for r in report.rejected}
    assert reasons == {"35.73.01.1002": "empty geometry",
                       "35.73.01.1003": "not a polygon (Linestring)"}
    assert _accounted(report)


def test_parts_of_one_village_are_merged_and_a_reused_code_rejected(malang, tmp_path):
    base = malang[0].iloc[:3]
    layer = gpd.GeoDataFrame(
        {"kode": ["35.73.01.1001", "35.73.01.1001", "35.73.01.1001"],
         "nama": ["Balearjosari", "Balearjosari", "Arjosari"]},
        geometry=base.geometry.to_numpy(), crs=4326)
    path = tmp_path / "dups.geojson"
    layer.to_file(path, engine="pyogrio")
    villages, report = read_villages(path, check_quality=False)
    assert len(villages) == 1
    merged = villages.geometry.iloc[0]
    assert merged.area == pytest.approx(base.geometry.iloc[0].area + base.geometry.iloc[1].area,
                                        rel=1e-3)
    assert report.duplicates[0]["features"] == 3
    assert report.rejected[0]["village_name"] == "Arjosari"
    assert "already used by Balearjosari" in render_cell(report.rejected[0]["reason"], "en")
    assert report.merged_duplicates == 1 and _accounted(report)


def test_written_geopackage_reads_back_identically(malang, tmp_path):
    villages = malang[0]
    path = write_villages(villages, tmp_path / "out" / "villages.gpkg")
    with sqlite3.connect(path) as db:
        assert db.execute("select count(*) from villages").fetchone() == (57,)
    back, _ = read_villages(path, check_quality=False)
    _same_layer(back, villages, tolerance=0)
    assert back["district_code"].equals(villages["district_code"])
    assert (back["province_name"] == "Jawa Timur").all()  # written with the table's names
    assert back["district_name"].equals(villages["district_name"])
    assert np.array_equal(back.geometry.geom_type.unique(), villages.geometry.geom_type.unique())


def test_cli_output_paths_are_checked_before_reading(malang_sql, tmp_path):
    import argparse

    from geo.cli import boundaries as boundaries_cli

    def run(*argv):
        parser = argparse.ArgumentParser()
        boundaries_cli.add_arguments(parser)
        return boundaries_cli.run(parser.parse_args([str(malang_sql), "--no-quality", *argv]))

    with pytest.raises(GeoInputError, match="--out is a folder"):
        run("--out", str(tmp_path))
    with pytest.raises(GeoInputError, match="--report is a folder"):
        run("--out", str(tmp_path / "v.gpkg"), "--report", str(tmp_path))
    (tmp_path / "blocker").write_text("x")
    with pytest.raises(GeoInputError, match="--out: cannot create the folder"):
        run("--out", str(tmp_path / "blocker" / "v.gpkg"))
    assert not (tmp_path / "v.gpkg").exists()
    report = tmp_path / "new" / "deeper" / "report.json"
    assert run("--out", str(tmp_path / "out" / "v.gpkg"), "--report", str(report)) == 0
    assert json.loads(report.read_text())["features_out"] == 57


def test_bad_code_reasons_name_the_column_not_the_value(malang, tmp_path):
    layer = _small_layer(malang, {"kode": ["35.73.01.1001", "3573014107800002", "3.57301E+09",
                                           "35.73.01"], "nama": list("abcd")})
    path = tmp_path / "codes.geojson"
    layer.to_file(path, engine="pyogrio")
    _, report = read_villages(path, check_quality=False)
    reasons = [render_cell(r["reason"], "en") for r in report.rejected]
    assert reasons == [
        ("village code in kode is not a Kemendagri code PP.KK.CC.VVVV (a 16-digit number, like a "
         "NIK or No. KK)"),
        ("village code in kode lost digits in a spreadsheet (scientific notation): format the "
         "column as text and export again"),
        ("village code in kode is not a Kemendagri code PP.KK.CC.VVVV (a 6-digit number with "
         "separators)")]
    assert [r["village_code"] for r in report.rejected] == ["3573014107800002", "3.57301E+09",
                                                               "35.73.01"]
