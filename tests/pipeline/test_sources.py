"""Uploaded files and environment variables become the paths the analysis reads."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest

from geo.pipeline.sources import (MAX_UPLOAD_MB, check_upload, parse_column_map, polygon_layers,
                            sources_from_environment, stage_boundary_files, stage_household_file)
from geo.boundaries.read import read_villages
from geo.common.errors import GeoInputError

DEMO = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_villages.geojson"


@pytest.fixture(scope="module")
def demo() -> gpd.GeoDataFrame:
    return gpd.read_file(DEMO)


@pytest.fixture(scope="module")
def shapefile_parts(tmp_path_factory, demo) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("shp")
    big = demo[["village_code", "village_name", "geometry"]].rename(
        columns={"village_code": "KDEPUM", "village_name": "WADMKD"})  # BIG/KUGI names
    big.to_file(folder / "desa.shp")
    return {p.name: p.read_bytes() for p in folder.iterdir()}


def test_shapefile_parts_are_staged_together_and_read(tmp_path, shapefile_parts, demo):
    sources = stage_boundary_files(shapefile_parts.items(), tmp_path)
    assert [p.name for p in sources] == ["desa.shp"]  # sidecars written, not listed
    assert {p.name for p in tmp_path.iterdir()} == set(shapefile_parts)
    villages, _ = read_villages(sources)
    assert sorted(villages["village_code"]) == sorted(demo["village_code"])


@pytest.mark.parametrize("left_out", ["desa.dbf", "desa.shx"])
def test_shapefile_without_a_required_part_is_refused(tmp_path, shapefile_parts, left_out):
    files = [(n, b) for n, b in shapefile_parts.items() if n != left_out]
    with pytest.raises(GeoInputError, match=r"\." + left_out[-3:]) as error:
        stage_boundary_files(files, tmp_path)
    assert error.value.source == "desa.shp"


def test_sidecar_without_its_shp_is_refused(tmp_path, shapefile_parts):
    with pytest.raises(GeoInputError, match="desa.shp"):
        stage_boundary_files([("desa.dbf", shapefile_parts["desa.dbf"])], tmp_path)


def test_several_layer_files_in_name_order(tmp_path):
    files = [("b.sql", b"--"), ("a.geojson", b"{}"), ("c.zip", b"PK")]
    assert [p.name for p in stage_boundary_files(files, tmp_path)] == ["a.geojson", "b.sql", "c.zip"]


def test_names_cannot_escape_the_folder_or_repeat(tmp_path):
    inside = tmp_path / "in"
    inside.mkdir()
    assert stage_boundary_files([("../../etc/desa.geojson", b"{}")], inside) \
        == [inside / "desa.geojson"]
    assert stage_boundary_files([("C:\\data\\kel.sql", b"--")], inside)[-1] == inside / "kel.sql"
    with pytest.raises(GeoInputError, match="twice"):
        stage_boundary_files([("a.sql", b""), ("A.SQL", b"")], tmp_path)
    with pytest.raises(GeoInputError, match="no boundary file"):
        stage_boundary_files([], tmp_path)


def test_types_and_sizes_are_checked():
    with pytest.raises(GeoInputError, match=r"\.exe") as error:
        check_upload("desa.exe", 10, ("geojson",))
    assert error.value.source == "desa.exe"
    with pytest.raises(GeoInputError, match=f"at most {MAX_UPLOAD_MB} MB"):
        check_upload("desa.geojson", (MAX_UPLOAD_MB + 1) * 2**20, ("geojson",))
    check_upload("DESA.GEOJSON", 10, ("geojson",))  # case does not matter


def test_household_file_types(tmp_path):
    assert stage_household_file("ruta.parquet", b"x", tmp_path).name == "ruta.parquet"
    with pytest.raises(GeoInputError, match="ruta.sav"):
        stage_household_file("ruta.sav", b"x", tmp_path)


def test_polygon_layers_of_a_geopackage(tmp_path, demo):
    path = tmp_path / "wilayah.gpkg"
    demo.to_file(path, layer="desa", driver="GPKG")
    demo.head(3).to_file(path, layer="desa_pilot", driver="GPKG")
    demo.set_geometry(demo.representative_point()).to_file(path, layer="kantor_desa", driver="GPKG")
    assert sorted(polygon_layers(path)) == ["desa", "desa_pilot"]
    assert polygon_layers(DEMO) == []
    broken = tmp_path / "rusak.gpkg"
    broken.write_bytes(b"not a geopackage")
    assert polygon_layers(broken) == []


def test_column_map_lines():
    assert parse_column_map("village_code = KDEPUM\n# note\n\nvillage_name=WADMKD", "boundary") \
        == {"village_code": "KDEPUM", "village_name": "WADMKD"}
    assert parse_column_map("", "boundary") is None
    with pytest.raises(GeoInputError, match="line 2"):
        parse_column_map("desil = d\nvillage_code KODE", "household")


def test_environment_lists_files_and_patterns(tmp_path):
    for name in ("kel_35.73.sql", "kel_35.79.sql", "ruta.csv", "bobot.toml"):
        (tmp_path / name).write_text("x")
    sources = sources_from_environment({
        "PPM_BOUNDARIES": f"{tmp_path / 'kel_35.*.sql'}{os.pathsep}{tmp_path / 'kel_35.73.sql'}",
        "PPM_HOUSEHOLDS": str(tmp_path / "ruta.csv"), "PPM_CONFIG": str(tmp_path / "bobot.toml"),
        "PPM_LAYER": "desa"})
    assert [p.name for p in sources.boundaries] == ["kel_35.73.sql", "kel_35.79.sql"]
    assert sources.households.name == "ruta.csv" and sources.config.name == "bobot.toml"
    assert sources.layer == "desa"
    assert sources.label() == "kel_35.73.sql, kel_35.79.sql + ruta.csv"
    before = sources.fingerprint()
    (tmp_path / "ruta.csv").write_text("changed")
    assert sources.fingerprint() != before


def test_environment_unset_or_wrong(tmp_path):
    assert sources_from_environment({}) is None
    assert sources_from_environment({"PPM_BOUNDARIES": "  "}) is None
    with pytest.raises(GeoInputError, match="PPM_BOUNDARIES") as error:
        sources_from_environment({"PPM_BOUNDARIES": str(tmp_path / "hilang.sql")})
    assert "hilang.sql" in str(error.value)
    with pytest.raises(GeoInputError, match="matches no file"):
        sources_from_environment({"PPM_BOUNDARIES": str(tmp_path / "*.sql")})
    (tmp_path / "a.sql").write_text("x")
    with pytest.raises(GeoInputError, match="PPM_HOUSEHOLDS"):
        sources_from_environment({"PPM_BOUNDARIES": str(tmp_path / "a.sql"),
                                  "PPM_HOUSEHOLDS": str(tmp_path / "none.csv")})


def test_an_upload_the_server_cannot_store_is_a_message(tmp_path):
    from geo.pipeline.sources import stage_household_file
    from geo.common.errors import GeoInputError

    missing_folder = tmp_path / "gone"
    with pytest.raises(GeoInputError, match="cannot store the upload"):
        stage_household_file("rumah_tangga.csv", b"desil\n1\n", missing_folder)
