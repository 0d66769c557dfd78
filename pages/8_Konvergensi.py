"""Konvergensi: which agency's programme reaches which poor household, and who goes where next.

What a TKPK meeting looks at: the headline numbers, each programme's reach, the programme ×
village coverage, a map of the untouched poor households per village, per-agency work lists
and the proposed division of labour (bagi tugas), which a planner edits and saves.
"""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import json

import streamlit as st

import ui.auth
import ui.convergence
import ui.map_widget
import ui.state
from geo.common.errors import GeoInputError
from geo.convergence.assignment import agency_load, propose_assignment, save_assignment
from geo.convergence.exports import convergence_layer, layer_bytes, workbook_bytes
from geo.convergence.write import village_table
from geo.common.safe_text import neutralise_frame
from geo.i18n import number, percent, t
from geo.presentation.convergence_view import (ASSIGNMENT_HEADERS, agencies, agency_work_list,
                                               assignment_headers, assignment_screen,
                                               coverage_matrix, headline, need_effort_table,
                                               programme_table, quadrant_counts, untouched_map)

lang = ui.state.page_setup("convergence")
ui.auth.require("page.convergence", lang)
st.title(t("convergence", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
st.caption(ui.state.data_source_caption(lang))
if result.households is None or result.households.empty:
    st.info(t("conv.no_households", lang))
    st.stop()
small = 0 if ui.auth.allowed("full_detail") else ui.auth.VIEWER_MIN_HOUSEHOLDS

with st.expander(t("conv.upload_heading", lang), expanded=not analysis.is_demo):
    uploads = st.file_uploader(t("conv.upload_registers", lang), accept_multiple_files=True,
                               type=list(ui.convergence.REGISTER_TYPES), key="conv_registers")
    catalogue = st.file_uploader(t("conv.upload_catalogue", lang), key="conv_catalogue",
                                 type=list(ui.convergence.CATALOGUE_TYPES))
    st.caption(t("conv.upload_note", lang))
if uploads or catalogue is not None:
    ui.auth.require("upload", lang)
try:
    measures, source = ui.convergence.convergence_for(analysis, result, uploads, catalogue,
                                                      ui.state.current_config())
except GeoInputError as exc:
    ui.state.show_input_error(exc, lang)
    st.stop()
if measures is None:
    st.info(t("conv.need_registers", lang))
    st.stop()
if source == "demo":
    st.caption(t("conv.demo_registers", lang))

figures = headline(measures)
c1, c2, c3, c4 = st.columns(4)
c1.metric(t("conv.m_eligible", lang), number(figures["eligible"], lang))
c2.metric(t("conv.m_reached", lang), number(figures["reached"], lang))
c3.metric(t("conv.m_untouched", lang), number(figures["untouched"], lang))
c4.metric(t("conv.m_unlinked", lang), number(figures["unlinked_rows"], lang))
rows = measures.registers.accounting
st.caption(t("conv.rows_line", lang, rows=rows.rows_in, linked=rows.outcomes["linked"],
             unlinked=rows.outcomes["unlinked"], invalid=rows.outcomes["invalid"],
             village=rows.outcomes["village_level"]))

villages = result.villages
shapes = ui.state.display_layer(analysis.token, analysis.result.villages).shapes
st.subheader(t("conv.map_heading", lang))
map_col, legend_col = st.columns([4, 1])
tiles = st.session_state["tiles"]
map_key = ui.state.content_token("convergence", analysis.token, source, lang, tiles, small,
                                 tuple(measures.villages["untouched"]),
                                 tuple(measures.villages["village_code"]))
drawn = untouched_map(shapes, measures, villages, lang, tiles=tiles, min_households=small)
with map_col:
    ui.map_widget.show_map(lambda: drawn[0], map_key, key="convergence_map", height=480,
                           detail=ui.state.map_detail(analysis))
with legend_col:
    ui.map_widget.draw_legend(drawn[1], t("conv.m_untouched", lang), lang)
stated = measures.quadrant
st.caption(t("conv.quadrant_rule", lang,
             need=percent(stated.need_threshold or 0, lang),
             coverage=percent(stated.coverage_threshold or 0, lang)))

st.subheader(t("conv.programmes_heading", lang))
st.dataframe(programme_table(measures, lang), hide_index=True, width="stretch",
             key="conv_programmes")

st.subheader(t("conv.go_next_heading", lang))
left, right = st.columns([3, 2])
with left:
    go_next = need_effort_table(measures, villages, lang, min_households=small)
    st.dataframe(go_next, hide_index=True, width="stretch", key="conv_go_next")
with right:
    st.dataframe(quadrant_counts(measures, lang), hide_index=True, width="stretch",
                 key="conv_quadrants")

st.subheader(t("conv.matrix_heading", lang))
st.caption(t("conv.matrix_note", lang))
st.dataframe(coverage_matrix(measures, villages, lang, min_households=small), hide_index=True,
             width="stretch", key="conv_matrix")

st.subheader(t("conv.work_heading", lang))
names = agencies(measures)
agency = ui.state.kept_choice(st.selectbox, "conv_agency", t("conv.agency", lang), names,
                              default=names[0] if names else None)
if agency:
    st.dataframe(agency_work_list(measures, villages, agency, lang, min_households=small),
                 hide_index=True, width="stretch", key="conv_work_list")

# --- bagi tugas ------------------------------------------------------------------------------
st.subheader(t("conv.assign_heading", lang))
st.caption(t("conv.assign_rule", lang))
proposal = propose_assignment(measures, villages.drop(columns="geometry"))
if proposal.empty:
    st.info(t("conv.assign_none", lang))
else:
    screen = assignment_screen(proposal, lang)[list(ASSIGNMENT_HEADERS)]
    headers = assignment_headers(lang)
    config = {c: st.column_config.TextColumn(h, disabled=True) for c, h in headers.items()}
    config["agency"] = st.column_config.SelectboxColumn(headers["agency"], options=names,
                                                        required=True)
    edited = st.data_editor(screen, hide_index=True, width="stretch", key="conv_assignment",
                            column_config=config, disabled=[c for c in headers if c != "agency"])
    assignment = proposal.copy()
    assignment["agency"] = list(edited["agency"])
    load = agency_load(assignment)
    st.caption(t("conv.assign_load", lang) + " " + "; ".join(
        f"{a}: {number(n, lang)}" for a, n in load.items()))
    if ui.auth.allowed("save_decision"):
        with st.form("assignment_form"):
            title = st.text_input(t("decision_title", lang), max_chars=200, key="assign_title",
                                  value=t("conv.assign_default_title", lang))
            by = st.text_input(t("decided_by", lang), max_chars=100, key="assign_by")
            save = st.form_submit_button(t("conv.assign_save", lang))
        if save:
            ui.auth.require("save_decision", lang)
            try:
                saved = save_assignment(ui.state.workspace_dir(), assignment, title=title,
                                        by=by, actor=ui.auth.actor())
                st.success(t("conv.assign_saved", lang, id=saved))
            except GeoInputError as exc:
                ui.state.show_input_error(exc, lang)

# --- downloads -------------------------------------------------------------------------------
if ui.auth.allowed("download"):
    st.subheader(t("conv.downloads", lang))
    # built only when clicked (Streamlit runs a callable on download): a province's workbook
    # and layer take seconds, and every rerun of the page would otherwise pay for them
    chosen = None if proposal.empty else assignment
    files = {
        "convergence.xlsx": (lambda: workbook_bytes(measures, villages, chosen, lang,
                                                    min_households=small),
                             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        "convergence_villages.geojson": (lambda: layer_bytes(convergence_layer(
            measures, analysis.result.villages, min_households=small), "GeoJSON"),
            "application/geo+json"),
        "convergence.json": (lambda: json.dumps(measures.to_dict(), indent=2, ensure_ascii=False)
                             .encode("utf-8"), "application/json"),
        "convergence_villages.csv": (lambda: village_table(measures, small).to_csv(index=False)
                                     .encode("utf-8-sig"), "text/csv"),
    }
    if not proposal.empty:
        files["assignment.csv"] = (lambda: neutralise_frame(assignment).to_csv(index=False)
                                   .encode("utf-8-sig"), "text/csv")
    columns = st.columns(len(files))
    for column, (name, (data, mime)) in zip(columns, files.items()):
        column.download_button(name, data, file_name=name, mime=mime, key=f"conv_dl_{name}",
                               on_click=ui.auth.on_download, args=(name,))
