"""Data: upload boundaries and households, map columns, read the quality and reconciliation reports."""

import pandas as pd
import streamlit as st

import ui_state
from geo.errors import GeoInputError
from geo.i18n import t

lang = ui_state.page_setup("data")
st.title(t("data", lang))

boundary_file = st.file_uploader(t("upload_boundaries", lang), type=list(ui_state.BOUNDARY_TYPES),
                                 key="upload_boundaries")
household_file = st.file_uploader(t("upload_households", lang), type=list(ui_state.HOUSEHOLD_TYPES),
                                  key="upload_households")
with st.expander(t("column_mapping", lang)):
    st.caption(t("column_mapping_help", lang))
    boundary_map_text = st.text_area("boundaries", key="boundary_columns", height=80,
                                     placeholder="village_code = KDEPUM\nvillage_name = WADMKD")
    household_map_text = st.text_area("households", key="household_columns", height=80,
                                      placeholder="village_code = kode_desa\ndesil = desil_kesejahteraan")

run_col, demo_col = st.columns(2)
if run_col.button(t("run_analysis", lang), disabled=boundary_file is None, type="primary",
                  key="run_analysis"):
    try:
        with st.spinner(t("run_analysis", lang)):
            ui_state.analyse_uploads(boundary_file, household_file, boundary_map_text,
                                     household_map_text, lang)
        st.success(t("analysis_done", lang, n=f"{len(ui_state.current_analysis().result.villages):,}"))
    except GeoInputError as exc:
        ui_state.show_input_error(exc)
if demo_col.button(t("use_demo", lang), key="use_demo"):
    ui_state.use_demo()

# --- reports of the loaded analysis ------------------------------------------------------
analysis = ui_state.current_analysis()
result = analysis.result
st.caption(f"{t('data_source', lang)}: "
           f"{t('demo_data', lang) if analysis.label == 'demo' else analysis.label}")

st.subheader(t("boundary_report", lang))
report = result.boundary_report or {}
simple = {k: v for k, v in report.items() if isinstance(v, (int, float, str, bool))}
if simple:
    st.dataframe(pd.DataFrame({"": list(simple), t("value", lang): [str(v) for v in simple.values()]}),
                 hide_index=True, width="stretch", key="boundary_report_table")
for key, value in report.items():
    if isinstance(value, (list, dict)) and value:
        with st.expander(f"{key} ({len(value)})"):
            st.json(value, expanded=False)

st.subheader(t("reconciliation", lang))
recon = result.reconciliation or {}
outcomes = recon.get("outcomes", {})
if outcomes:
    st.metric(t("rows_in", lang), f"{recon.get('rows_in', 0):,}")
    st.dataframe(pd.DataFrame({t("outcome", lang): list(outcomes),
                               t("count", lang): list(outcomes.values())}),
                 hide_index=True, width="stretch", key="outcomes_table")
    examples = recon.get("examples", {})
    if examples:
        with st.expander("examples"):
            st.json(examples, expanded=False)

rejected = ui_state.public_rejected(result.rejected)
if rejected is not None and len(rejected):
    st.subheader(t("rejected_rows", lang))
    st.dataframe(rejected.head(500), hide_index=True, width="stretch", key="rejected_table")
    st.download_button(t("download_rejected", lang), rejected.to_csv(index=False).encode("utf-8"),
                        file_name="rejected_rows.csv", mime="text/csv", key="download_rejected")
