"""Data: upload boundaries and households, map columns, read the quality and reconciliation reports."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import streamlit as st

import ui.map_widget
import ui.auth
import ui.state
import ui.uploads
from geo.boundaries.quality_layer import quality_features, quality_totals
from geo.boundaries.report import is_pending
from geo.pipeline.sources import (BOUNDARY_TYPES, CODE_TABLE_TYPES, HOUSEHOLD_TYPES,
                                  MAPPABLE_BOUNDARY_COLUMNS, MAPPABLE_HOUSEHOLD_COLUMNS,
                                  MAX_UPLOAD_MB, SHAPEFILE_SIDECARS)
from geo.common.errors import GeoInputError
from geo.export.tables import csv_bytes
from geo.i18n import number, t
from geo.i18n.labels import report_label
from geo.presentation.overview import (detail_table, examples_table, mpi_sample_note,
                                       outcome_table, quality_notes, report_details,
                                       report_table)
from geo.presentation.older_codes import code_tables_used, older_code_table
from geo.presentation.quality_map import quality_legend, quality_map, quality_table
from geo.presentation.views import markdown_text, public_rejected, screen_headers, screen_table

lang = ui.state.page_setup("data")
ui.auth.require("page.data", lang)
st.title(t("data", lang))

boundary_files = st.file_uploader(t("upload_boundaries", lang),
                                  type=list(BOUNDARY_TYPES + SHAPEFILE_SIDECARS),
                                  accept_multiple_files=True, key="upload_boundaries",
                                  help=f"≤ {number(MAX_UPLOAD_MB, lang)} MB")
household_file = st.file_uploader(t("upload_households", lang), type=list(HOUSEHOLD_TYPES),
                                  key="upload_households", help=f"≤ {number(MAX_UPLOAD_MB, lang)} MB")
layers = ui.uploads.upload_layers(boundary_files) if boundary_files else []
layer = (ui.state.kept_choice(st.selectbox, "upload_layer", t("layer", lang), layers,
                              default=layers[0]) if len(layers) > 1 else None)
with st.expander(t("column_mapping", lang)):
    st.caption(t("column_mapping_help", lang))
    st.caption(t("canonical_columns", lang, columns=", ".join(MAPPABLE_BOUNDARY_COLUMNS)))
    boundary_map_text = ui.state.kept_value(
        st.text_area, "boundary_columns", t("mapping.boundaries", lang), default="", height=80,
        placeholder="village_code = KDEPUM\nvillage_name = WADMKD")
    st.caption(t("canonical_columns", lang, columns=", ".join(MAPPABLE_HOUSEHOLD_COLUMNS)))
    household_map_text = ui.state.kept_value(
        st.text_area, "household_columns", t("mapping.households", lang), default="", height=80,
        placeholder="village_code = kode_desa\ndesil = desil_kesejahteraan")

with st.expander(t("code_tables", lang)):
    st.caption(t("code_tables_help", lang))
    crosswalk_file = st.file_uploader(t("upload_crosswalk", lang), type=list(CODE_TABLE_TYPES),
                                      key="upload_crosswalk")
    bridge_file = st.file_uploader(t("upload_bps_bridge", lang), type=list(CODE_TABLE_TYPES),
                                   key="upload_bps_bridge")

run_col, demo_col = st.columns(2)
if run_col.button(t("run_analysis", lang), disabled=not boundary_files, type="primary",
                  key="run_analysis"):
    ui.auth.require("upload", lang)
    try:
        with st.spinner(t("run_analysis", lang)):
            ui.uploads.analyse_uploads(boundary_files, household_file, boundary_map_text,
                                     household_map_text, layer=layer,
                                     crosswalk_file=crosswalk_file, bridge_file=bridge_file)
        ui.auth.audit("files_loaded", {"files": ui.auth.fingerprints(
            [*boundary_files, household_file, crosswalk_file, bridge_file])})
        st.success(t("analysis_done", lang, n=len(ui.state.current_analysis().result.villages)))
    except GeoInputError as exc:
        ui.state.show_input_error(exc)
if demo_col.button(t("use_demo", lang), key="use_demo"):
    ui.state.use_demo()

# --- reports of the loaded analysis ------------------------------------------------------
result = ui.state.current_analysis().result
st.caption(ui.state.data_source_caption(lang))

notes = quality_notes(result, lang)
for key in ("mpi_notes", "boundary_warnings"):
    if notes[key]:
        st.warning(f"**{t(key, lang)}**\n\n" + "\n".join(f"- {markdown_text(note)}" for note in notes[key]))
if sample_note := mpi_sample_note(result, lang):
    st.info(f"**{t('mpi_missing', lang)}**\n\n{markdown_text(sample_note)}")

st.subheader(t("boundary_report", lang))
report = result.boundary_report
if is_pending(report):  # a first start: the checks finish behind the map
    with st.spinner(t("prepare.checks_wait", lang)):
        report = report.result()
summary = report_table(report, lang)
if len(summary):
    st.dataframe(summary, hide_index=True, width="stretch", key="boundary_report_table",
                 column_config={"key": t("boundary_items", lang), "value": t("value", lang)})
for key, value in report_details(report):
    with st.expander(f"{report_label(key, lang)} ({number(len(value), lang)})"):
        st.dataframe(detail_table(value, lang), hide_index=True, width="stretch")

@st.cache_resource(show_spinner=False, max_entries=4)
def _quality_features(token: str, _villages, _report):
    """The report's problems as shapes, once per analysis (the union behind gaps is slow)."""
    return quality_features(_villages, _report)


st.subheader(t("quality_map", lang))
analysis = ui.state.current_analysis()
totals = quality_totals(report)
if not report.quality_checked:
    st.info(t("quality_not_checked", lang))
features = _quality_features(analysis.token, result.villages, report)
if not len(features):
    st.info(t("quality_nothing", lang))
else:
    st.caption(t("quality_map_help", lang, crs=report.metric_crs or "UTM"))
    hidden = sum(totals.values()) - len(features)
    if totals["gap"] and not (features["kind"] == "gap").any():
        hidden -= totals["gap"]
        st.caption(t("quality_gaps_not_drawn", lang, count=totals["gap"],
                     largest=number((report.gaps or {}).get("largest_area_m2", 0), lang),
                     villages=len(result.villages)))
    if hidden > 0:
        st.caption(t("quality_not_drawn", lang, shown=len(features), hidden=hidden))
    shapes = ui.state.display_layer(analysis.token, result.villages).shapes
    tiles = st.session_state.get("tiles", "none")
    quality_key = ui.state.content_token("quality", analysis.token, lang, tiles, len(features))
    map_col, legend_col = st.columns([4, 1])
    with map_col:
        ui.map_widget.show_map(lambda: quality_map(shapes, features, lang, tiles=tiles),
                               quality_key, key="quality_map", height=480,
                               detail=ui.state.map_detail(analysis))
    with legend_col:
        ui.map_widget.draw_legend(quality_legend(features, totals, lang), t("legend", lang), lang)
    st.dataframe(quality_table(features, lang), hide_index=True, width="stretch",
                 key="quality_table",
                 column_config={"kind": t("quality_kind", lang), "rank": t("quality_rank", lang),
                                "place": t("quality_place", lang),
                                "area_m2": t("area_m2", lang)})

st.subheader(t("reconciliation", lang))
recon = result.reconciliation
outcomes = outcome_table(recon)
if recon is not None and len(outcomes):
    st.metric(t("rows_in", lang), number(recon.rows_in, lang))
    st.dataframe(screen_table(outcomes, lang), hide_index=True, width="stretch",
                 key="outcomes_table",
                 column_config={"outcome": t("outcome", lang), "count": t("count", lang)})
    codes = older_code_table(recon, lang)
    if len(codes):
        st.markdown(f"**{t('older_codes', lang)}**")
        st.dataframe(screen_table(codes, lang), hide_index=True, width="stretch",
                     key="older_codes_table",
                     column_config={"what": t("older_codes_what", lang), "count": t("count", lang)})
    for line in code_tables_used(recon, lang):
        st.caption(line)
    if recon.examples:
        with st.expander(t("examples", lang)):
            st.dataframe(examples_table(recon.examples, lang), hide_index=True, width="stretch")

rejected = public_rejected(result.rejected)
if rejected is not None and len(rejected):
    st.subheader(t("rejected_rows", lang))
    st.dataframe(screen_table(rejected.head(500), lang, numeric=("source_row",)), hide_index=True,
                 width="stretch", key="rejected_table",
                 column_config=screen_headers(rejected.columns, lang))
    st.download_button(t("download_rejected", lang), csv_bytes(rejected, lang),
                       file_name="rejected_rows.csv", mime="text/csv", key="download_rejected",
                       on_click=ui.auth.on_download, args=("rejected_rows.csv",))
