"""Data: upload boundaries and households, map columns, read the quality and reconciliation reports."""

import streamlit as st

import ui.state
import ui.uploads
from geo.pipeline.sources import (BOUNDARY_TYPES, HOUSEHOLD_TYPES, MAPPABLE_BOUNDARY_COLUMNS,
                            MAPPABLE_HOUSEHOLD_COLUMNS, MAX_UPLOAD_MB, SHAPEFILE_SIDECARS)
from geo.common.errors import GeoInputError
from geo.i18n import t
from geo.i18n.labels import report_label, translate_values
from geo.presentation.overview import outcome_table, quality_notes, report_table
from geo.presentation.views import public_rejected
from geo.common.messages import render_columns, render_nested

lang = ui.state.page_setup("data")
st.title(t("data", lang))

boundary_files = st.file_uploader(t("upload_boundaries", lang),
                                  type=list(BOUNDARY_TYPES + SHAPEFILE_SIDECARS),
                                  accept_multiple_files=True, key="upload_boundaries",
                                  help=f"≤ {MAX_UPLOAD_MB} MB")
household_file = st.file_uploader(t("upload_households", lang), type=list(HOUSEHOLD_TYPES),
                                  key="upload_households", help=f"≤ {MAX_UPLOAD_MB} MB")
layers = ui.uploads.upload_layers(boundary_files) if boundary_files else []
layer = (st.selectbox(t("layer", lang), layers, key="upload_layer") if len(layers) > 1 else None)
with st.expander(t("column_mapping", lang)):
    st.caption(t("column_mapping_help", lang))
    st.caption(t("canonical_columns", lang, columns=", ".join(MAPPABLE_BOUNDARY_COLUMNS)))
    boundary_map_text = st.text_area("boundaries", key="boundary_columns", height=80,
                                     placeholder="village_code = KDEPUM\nvillage_name = WADMKD")
    st.caption(t("canonical_columns", lang, columns=", ".join(MAPPABLE_HOUSEHOLD_COLUMNS)))
    household_map_text = st.text_area("households", key="household_columns", height=80,
                                      placeholder="village_code = kode_desa\ndesil = desil_kesejahteraan")

run_col, demo_col = st.columns(2)
if run_col.button(t("run_analysis", lang), disabled=not boundary_files, type="primary",
                  key="run_analysis"):
    try:
        with st.spinner(t("run_analysis", lang)):
            ui.uploads.analyse_uploads(boundary_files, household_file, boundary_map_text,
                                     household_map_text, layer=layer)
        st.success(t("analysis_done", lang, n=f"{len(ui.state.current_analysis().result.villages):,}"))
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
        st.warning(f"**{t(key, lang)}**\n\n" + "\n".join(f"- {note}" for note in notes[key]))

st.subheader(t("boundary_report", lang))
report = result.boundary_report or {}
summary = report_table(report)
if len(summary):
    summary["key"] = summary["key"].map(lambda k: report_label(k, lang))
    st.dataframe(summary, hide_index=True, width="stretch", key="boundary_report_table",
                 column_config={"key": t("boundary_items", lang), "value": t("value", lang)})
for key, value in report.items():
    if isinstance(value, (list, dict)) and value and key != "warnings":
        with st.expander(f"{report_label(key, lang)} ({len(value)})"):
            st.json(render_nested(value, lang), expanded=False)

st.subheader(t("reconciliation", lang))
recon = result.reconciliation or {}
outcomes = outcome_table(recon)
if len(outcomes):
    st.metric(t("rows_in", lang), f"{recon.get('rows_in', 0):,}")
    st.dataframe(translate_values(outcomes, lang), hide_index=True, width="stretch",
                 key="outcomes_table",
                 column_config={"outcome": t("outcome", lang), "count": t("count", lang)})
    if recon.get("examples"):
        with st.expander(t("examples", lang)):
            st.json(render_nested(recon["examples"], lang), expanded=False)

rejected = public_rejected(result.rejected)
if rejected is not None and len(rejected):
    st.subheader(t("rejected_rows", lang))
    st.dataframe(translate_values(rejected.head(500), lang), hide_index=True, width="stretch",
                 key="rejected_table", column_config=ui.state.column_config(list(rejected.columns), lang))
    st.download_button(t("download_rejected", lang),
                       render_columns(rejected, lang).to_csv(index=False).encode("utf-8"),
                       file_name="rejected_rows.csv", mime="text/csv", key="download_rejected")
