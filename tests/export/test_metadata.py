"""ISO 19115 metadata (ISO 19139 XML) in the GeoPackage: gpkg_metadata and its references."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pyogrio
import pytest
from synthetic_result import analysis_result

from geo.export import export_result

GMD = "{http://www.isotc211.org/2005/gmd}"
GCO = "{http://www.isotc211.org/2005/gco}"


@pytest.fixture(scope="module")
def gpkg(tmp_path_factory):
    written = export_result(analysis_result(), tmp_path_factory.mktemp("meta"), formats="gpkg")
    return written["gpkg"][0]


def _record(path):
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT id, md_scope, md_standard_uri, mime_type, metadata FROM gpkg_metadata").fetchall()
        refs = db.execute("SELECT reference_scope, table_name, md_file_id FROM gpkg_metadata_reference").fetchall()
        ext = db.execute("SELECT table_name FROM gpkg_extensions WHERE extension_name = 'gpkg_metadata'").fetchall()
    return rows, refs, ext


def test_one_iso_record_for_the_file_and_every_layer(gpkg):
    rows, refs, ext = _record(gpkg)
    assert len(rows) == 1 and rows[0][1:4] == ("dataset", "http://www.isotc211.org/2005/gmd", "text/xml")
    scopes = {(scope, table) for scope, table, _ in refs}
    assert ("geopackage", None) in scopes
    assert {t for s, t in scopes if s == "table"} >= {"villages", "focus_list", "pockets", "pocket_areas"}
    assert {t for (t,) in ext} == {"gpkg_metadata", "gpkg_metadata_reference"}


def test_record_has_title_abstract_date_source_licence_contact(gpkg, monkeypatch):
    root = ET.fromstring(_record(gpkg)[0][0][4].encode())
    ident = root.find(f"{GMD}identificationInfo/{GMD}MD_DataIdentification")
    title = ident.find(f"{GMD}citation/{GMD}CI_Citation/{GMD}title/{GCO}CharacterString").text
    abstract = ident.find(f"{GMD}abstract/{GCO}CharacterString").text
    assert "Poverty" in title and "villages" in abstract
    assert ident.find(f".//{GMD}useLimitation/{GCO}CharacterString").text
    assert root.find(f"{GMD}contact//{GMD}organisationName/{GCO}CharacterString").text
    assert len(root.find(f"{GMD}dateStamp/{GCO}Date").text) == 10
    assert root.findall(f".//{GMD}LI_Source")
    box = ident.find(f".//{GMD}EX_GeographicBoundingBox")
    assert float(box.find(f"{GMD}westBoundLongitude/{GCO}Decimal").text) < float(
        box.find(f"{GMD}eastBoundLongitude/{GCO}Decimal").text)


def test_contact_and_licence_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_METADATA_CONTACT", "Bappeda Kab. Contoh <data@contoh.go.id>")
    monkeypatch.setenv("PPM_METADATA_LICENCE", "CC BY 4.0")
    path = export_result(analysis_result(), tmp_path, formats="gpkg")["gpkg"][0]
    text = _record(path)[0][0][4]
    assert "CC BY 4.0" in text and "&lt;data@contoh.go.id&gt;" in text
    ET.fromstring(text.encode())


def test_layers_still_read(gpkg):
    assert len(pyogrio.read_dataframe(gpkg, layer="villages")) > 0
