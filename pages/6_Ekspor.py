"""Export: GeoJSON / GeoPackage / zipped Shapefile for QGIS, CSV / XLSX / PNG / PDF for decisions."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import tempfile
from pathlib import Path

import streamlit as st

import ui.auth
import ui.state
from geo.common.errors import GeoInputError
from geo.export import FORMATS, export_result
from geo.i18n import number, t

MIME = {"geojson": "application/geo+json", "gpkg": "application/geopackage+sqlite3",
        "zip": "application/zip", "csv": "text/csv", "png": "image/png", "pdf": "application/pdf",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "json": "application/json"}

lang = ui.state.page_setup("export")
ui.auth.require("page.export", lang)
st.title(t("export", lang))
st.caption(ui.state.data_source_caption(lang))
result = ui.state.current_result()
analysis = ui.state.current_analysis()

formats = ui.state.kept_choices(st.multiselect, "export_formats", t("formats", lang),
                                list(FORMATS), default=["geojson", "gpkg", "xlsx"],
                                format_func=lambda f: t(f"format.{f}", lang),
                                placeholder=t("placeholder.choose_formats", lang))
min_households = ui.state.kept_value(st.number_input, "export_min_households",
                                     t("min_households_export", lang), default=0, min_value=0,
                                     max_value=100)
# files are offered only for the analysis, config and choices they were made from
signature = (analysis.token, result.method.config and str(result.method.config),
             tuple(formats), int(min_households), lang)
if st.button(t("prepare_export", lang), disabled=not formats, key="prepare_export"):
    ui.auth.require("download", lang)
    try:
        with tempfile.TemporaryDirectory(prefix="export-") as folder, st.spinner(t("prepare_export", lang)):
            written = export_result(result, folder, formats=formats,
                                    min_households=int(min_households) or None, lang=lang)
            st.session_state["export_files"] = (signature, [
                (path.name, path.read_bytes()) for paths in written.values() for path in paths
            ])
    except GeoInputError as exc:
        ui.state.show_input_error(exc)

made_for, files = st.session_state.get("export_files", (None, []))
for i, (name, data) in enumerate(files if made_for == signature else []):
    st.download_button(t("export_file", lang, name=name, size=number(len(data) / 1024, lang, 0)), data,
                       file_name=name, mime=MIME.get(Path(name).suffix.lstrip("."),
                                                     "application/octet-stream"),
                       key=f"download_export_{i}", on_click=ui.auth.on_download, args=(name,))
