"""ISO 19115 metadata (ISO 19139 XML) in a GeoPackage, for Satu Data catalogues.

The GeoPackage metadata extension: table ``gpkg_metadata`` holds one ISO 19139 record
(title, abstract, date, source files, licence, contact, extent) and ``gpkg_metadata_reference``
ties it to the whole GeoPackage and to each layer. Contact and licence come from the
environment (``PPM_METADATA_CONTACT``, ``PPM_METADATA_LICENCE``), else the defaults below.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from xml.sax.saxutils import escape

DEFAULT_CONTACT = "Bappeda (data owner of this export)"
DEFAULT_LICENCE = ("Aggregated village figures; household data stay with the data owner "
                   "(UU 27/2022 Pelindungan Data Pribadi). Reuse under the data owner's terms.")
_NS = ('xmlns:gmd="http://www.isotc211.org/2005/gmd" xmlns:gco="http://www.isotc211.org/2005/gco"')


def _text(tag: str, value: str) -> str:
    return f"<gmd:{tag}><gco:CharacterString>{escape(str(value))}</gco:CharacterString></gmd:{tag}>"


def iso19139(*, title: str, abstract: str, date: str, sources: list[str], licence: str, contact: str,
             bbox: tuple[float, float, float, float] | None = None) -> str:
    """An ISO 19139 ``MD_Metadata`` record (UTF-8 text)."""
    day = (date or datetime.now(timezone.utc).date().isoformat())[:10]
    party = (f"<gmd:CI_ResponsibleParty>{_text('organisationName', contact)}"
             '<gmd:role><gmd:CI_RoleCode codeList="http://standards.iso.org/iso/19139/resources/'
             'gmxCodelists.xml#CI_RoleCode" codeListValue="pointOfContact">pointOfContact'
             "</gmd:CI_RoleCode></gmd:role></gmd:CI_ResponsibleParty>")
    extent = ""
    if bbox is not None:
        w, s, e, n = (f"{v:.6f}" for v in bbox)
        extent = ("<gmd:extent><gmd:EX_Extent><gmd:geographicElement><gmd:EX_GeographicBoundingBox>"
                  f"<gmd:westBoundLongitude><gco:Decimal>{w}</gco:Decimal></gmd:westBoundLongitude>"
                  f"<gmd:eastBoundLongitude><gco:Decimal>{e}</gco:Decimal></gmd:eastBoundLongitude>"
                  f"<gmd:southBoundLatitude><gco:Decimal>{s}</gco:Decimal></gmd:southBoundLatitude>"
                  f"<gmd:northBoundLatitude><gco:Decimal>{n}</gco:Decimal></gmd:northBoundLatitude>"
                  "</gmd:EX_GeographicBoundingBox></gmd:geographicElement></gmd:EX_Extent></gmd:extent>")
    lineage = "".join(
        f"<gmd:source><gmd:LI_Source>{_text('description', name)}</gmd:LI_Source></gmd:source>"
        for name in sources)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gmd:MD_Metadata {_NS}>'
        f"{_text('fileIdentifier', title)}"
        '<gmd:language><gmd:LanguageCode codeList="http://www.loc.gov/standards/iso639-2/" '
        'codeListValue="ind">ind</gmd:LanguageCode></gmd:language>'
        f"<gmd:contact>{party}</gmd:contact>"
        f"<gmd:dateStamp><gco:Date>{day}</gco:Date></gmd:dateStamp>"
        "<gmd:identificationInfo><gmd:MD_DataIdentification><gmd:citation><gmd:CI_Citation>"
        f"{_text('title', title)}<gmd:date><gmd:CI_Date><gmd:date><gco:Date>{day}</gco:Date></gmd:date>"
        '<gmd:dateType><gmd:CI_DateTypeCode codeList="http://standards.iso.org/iso/19139/resources/'
        'gmxCodelists.xml#CI_DateTypeCode" codeListValue="creation">creation</gmd:CI_DateTypeCode>'
        "</gmd:dateType></gmd:CI_Date></gmd:date></gmd:CI_Citation></gmd:citation>"
        f"{_text('abstract', abstract)}<gmd:pointOfContact>{party}</gmd:pointOfContact>"
        "<gmd:resourceConstraints><gmd:MD_LegalConstraints>"
        f"{_text('useLimitation', licence)}</gmd:MD_LegalConstraints></gmd:resourceConstraints>"
        f"{_text('language', 'ind')}{extent}"
        "</gmd:MD_DataIdentification></gmd:identificationInfo>"
        "<gmd:dataQualityInfo><gmd:DQ_DataQuality><gmd:lineage><gmd:LI_Lineage>"
        f"{_text('statement', 'Computed by the poverty-pocket map from the listed source files')}"
        f"{lineage}</gmd:LI_Lineage></gmd:lineage></gmd:DQ_DataQuality></gmd:dataQualityInfo>"
        "</gmd:MD_Metadata>"
    )


def contact_and_licence() -> tuple[str, str]:
    return (os.environ.get("PPM_METADATA_CONTACT", "").strip() or DEFAULT_CONTACT,
            os.environ.get("PPM_METADATA_LICENCE", "").strip() or DEFAULT_LICENCE)


def write_gpkg_metadata(path, xml: str, tables: list[str]) -> None:
    """Add ``xml`` as the dataset metadata of the GeoPackage and of each of ``tables``."""
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    with sqlite3.connect(Path(path)) as db:
        db.executescript("""
        CREATE TABLE IF NOT EXISTS gpkg_metadata (
            id INTEGER CONSTRAINT m_pk PRIMARY KEY ASC NOT NULL,
            md_scope TEXT NOT NULL DEFAULT 'dataset',
            md_standard_uri TEXT NOT NULL,
            mime_type TEXT NOT NULL DEFAULT 'text/xml',
            metadata TEXT NOT NULL DEFAULT '');
        CREATE TABLE IF NOT EXISTS gpkg_metadata_reference (
            reference_scope TEXT NOT NULL,
            table_name TEXT,
            column_name TEXT,
            row_id_value INTEGER,
            timestamp DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
            md_file_id INTEGER NOT NULL,
            md_parent_id INTEGER,
            CONSTRAINT crmr_mfi_fk FOREIGN KEY (md_file_id) REFERENCES gpkg_metadata(id),
            CONSTRAINT crmr_mpi_fk FOREIGN KEY (md_parent_id) REFERENCES gpkg_metadata(id));
        """)
        md_id = db.execute("INSERT INTO gpkg_metadata (md_scope, md_standard_uri, mime_type, metadata) "
                           "VALUES ('dataset', 'http://www.isotc211.org/2005/gmd', 'text/xml', ?)",
                           (xml,)).lastrowid
        db.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, timestamp, "
                   "md_file_id) VALUES ('geopackage', NULL, ?, ?)", (stamp, md_id))
        for table in tables:
            db.execute("INSERT INTO gpkg_metadata_reference (reference_scope, table_name, timestamp, "
                       "md_file_id) VALUES ('table', ?, ?, ?)", (table, stamp, md_id))
        if db.execute("SELECT 1 FROM sqlite_master WHERE name = 'gpkg_extensions'").fetchone() is None:
            db.execute("CREATE TABLE gpkg_extensions (table_name TEXT, column_name TEXT, "
                       "extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL, "
                       "CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))")
        for table in ("gpkg_metadata", "gpkg_metadata_reference"):
            db.execute("INSERT OR IGNORE INTO gpkg_extensions VALUES (?, NULL, 'gpkg_metadata', "
                       "'http://www.geopackage.org/spec121/#extension_metadata', 'read-write')", (table,))
