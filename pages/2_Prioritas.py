"""Priority (lokus): weights and rules as controls, the ranked table, pins, robustness, decision."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import streamlit as st

import ui.map_widget
import ui.print_downloads
import ui.auth
import ui.state
from geo.config import Pin
from geo.common.errors import GeoInputError
from geo.decisions.history import compare, list_decisions
from geo.decisions.rerun import focus_of, rerun_on_result
from geo.export.tables import csv_bytes
from geo.presentation import printmap
from geo.presentation.decision_table import decision_table, focus_colours, focus_legend
from geo.presentation.webmap import choropleth_map, choropleth_styles, focus_on
from geo.i18n import number, t
from geo.i18n.labels import indicator_label
from geo.presentation.views import (ALL_DISTRICTS, ALL_REGENCIES, district_column, focus_table,
                                    markdown_text, pin_table, ranked_table,
                                    screen_headers, screen_table, stability_counts,
                                    village_choices)

lang = ui.state.page_setup("priority")
ui.auth.require("page.priority", lang)
st.title(t("priority", lang))
st.caption(ui.state.data_source_caption(lang))
analysis = ui.state.current_analysis()
config = ui.state.current_config()

# --- weights and rules -------------------------------------------------------------------
weights_col, rules_col = st.columns(2)
with weights_col:
    st.subheader(t("weights", lang))
    current = config.weights
    locked = not ui.auth.allowed("change_weights")
    weights = {spec.column: ui.state.kept_value(
        st.slider, f"weight_{spec.column}", indicator_label(spec.column, lang),
        default=float(round(current[spec.column], 2)), min_value=0.0, max_value=1.0, step=0.05, disabled=locked)
        for spec in config.indicators}
with rules_col:
    st.subheader(t("rules", lang))
    focus = config.focus
    top_n = ui.state.kept_value(st.number_input, "rule_top_n", t("top_n", lang),
                                default=int(focus.top_n or 0), min_value=0, max_value=500, disabled=locked)
    threshold = ui.state.kept_value(st.number_input, "rule_threshold", t("score_threshold", lang),
                                    default=float(focus.score_threshold or 0.0), min_value=0.0,
                                    max_value=100.0, step=5.0, disabled=locked)
    cover = ui.state.kept_value(st.number_input, "rule_cover", t("cover_extreme_poor", lang),
                                default=round((focus.cover_extreme_poor or 0) * 100),
                                min_value=0, max_value=100, step=5, disabled=locked)
    per_district = ui.state.kept_value(st.checkbox, "rule_per_district",
                                       t("min_per_district", lang),
                                       default=bool(focus.min_per_district), disabled=locked)
if ui.auth.setting_changed("ranking", {"weights": weights, "top_n": int(top_n), "threshold": float(threshold),
                                       "cover": int(cover), "per_district": bool(per_district)}):
    ui.auth.require("change_weights", lang)  # a changed value from a role that may not: stop

try:
    config = config.with_weights(weights).with_focus(
        top_n=int(top_n) or None, score_threshold=float(threshold) or None,
        cover_extreme_poor=(cover / 100) or None, min_per_district=bool(per_district))
    ui.state.set_config(config)
except GeoInputError as exc:
    ui.state.show_input_error(exc)
result = ui.state.current_result()
villages = result.villages

# --- pins --------------------------------------------------------------------------------
with st.expander(t("pin", lang)):
    choices = ui.state.shared("village_choices", (analysis.token, ALL_REGENCIES, ALL_DISTRICTS),
                              lambda: village_choices(villages))
    with st.form("pin_form", clear_on_submit=True):
        pin_code = st.selectbox(t("village", lang), list(choices), format_func=choices.get,
                                index=None, key="pin_village",
                                placeholder=t("placeholder.choose_village", lang))
        action = ui.state.kept_choice(st.radio, "pin_action", t("pin", lang), ["in", "out"],
                                      format_func=lambda a: t(f"pin_{a}", lang), horizontal=True,
                                      in_form=True)
        reason = st.text_input(t("reason", lang), key="pin_reason", max_chars=300)
        by = st.text_input(t("decided_by", lang), key="pin_by", max_chars=100)
        submitted = st.form_submit_button(t("add_pin", lang))
    if submitted:
        ui.auth.require("pin", lang)
        if not (pin_code and reason.strip() and by.strip()):
            st.warning(t("pin_needs_reason", lang))
        else:
            pins = tuple(p for p in config.focus.pins if p.village_code != pin_code)
            pins += (Pin(village_code=pin_code, action=action, reason=reason.strip(), by=by.strip()),)
            ui.state.set_config(config.with_focus(pins=pins))
            st.rerun()
    if config.focus.pins:
        pins = pin_table(config.focus.pins)
        st.dataframe(screen_table(pins, lang), hide_index=True, width="stretch",
                     column_config=screen_headers(pins.columns, lang))
        if st.button(t("clear_pins", lang), key="clear_pins"):
            ui.auth.require("pin", lang)
            ui.state.set_config(config.with_focus(pins=()))
            st.rerun()

# --- the decision: one table of the proposed villages, a map beside it -----------------
indicators = [spec.column for spec in config.indicators]
table = ranked_table(villages, indicators)
chosen = focus_table(table)
store = ui.state.decision_store()
history = list_decisions(store)
last = store.load(history[-1].id) if history else None
st.subheader(f"{t('ranked_table', lang)} — {t('focus_count', lang)}: {number(len(chosen), lang)}")
st.caption(t("decision.table_help", lang))
table_col, map_col = st.columns([3, 2])


def _draw_proposal(slot, proposal, key=None) -> None:
    if len(proposal):
        slot.dataframe(screen_table(proposal, lang), hide_index=True, width="stretch", height=480,
                       column_config=screen_headers(proposal.columns, lang), key=key)


with table_col:
    # the reordered list at once; its robustness column (500 weight draws, a second for a
    # province) fills in when computed, below
    proposal_slot = st.empty()
    proposal = decision_table(villages, indicators, None, last)
    _draw_proposal(proposal_slot, proposal)
with map_col:
    shapes = ui.state.display_layer(analysis.token, analysis.result.villages).shapes
    codes = list(proposal["village_code"])
    tooltip = {t("village", lang): "village_name", t("district", lang): district_column(shapes)}
    # the shapes once per server; a weight change only recolours them (the focus villages)
    ui.map_widget.show_map(
        lambda: choropleth_map(shapes, focus_colours(shapes, codes), tooltip,
                               tiles=st.session_state["tiles"]),
        ui.state.content_token("decision_map", analysis.token,
                               tuple(tooltip.items()), st.session_state["tiles"]),
        key="decision_map", height=440,
        focus=focus_on(shapes, codes, key=str(len(codes))) if codes else None,
        styles=[choropleth_styles(shapes, focus_colours(shapes, codes))],
        detail=ui.state.map_detail(analysis))
    ui.map_widget.draw_legend(focus_legend(shapes, codes, lang), t("legend", lang), lang)
stability = ui.state.focus_stability(analysis.token, config.to_json(), villages)
proposal = decision_table(villages, indicators, stability, last)
_draw_proposal(proposal_slot, proposal, key="decision_table")
if ui.auth.allowed("download"):
    st.download_button(t("download_list", lang), csv_bytes(chosen, lang), file_name="focus_list.csv",
                       mime="text/csv", key="download_focus", on_click=ui.auth.on_download,
                       args=("focus_list.csv",))
ui.print_downloads.print_downloads(
    "focus", ui.state.content_token("print_focus", analysis.token, config.to_json(), lang),
    lambda: printmap.focus_map(villages, lang=lang, date=result.method.created_at[:10],
                               sources=[source.file for source in result.method.sources]),
    title=printmap.print_text("focus_title", lang), file_stem="map_focus_list", lang=lang)
if stability is not None:
    counts = stability_counts(stability)
    settings = config.robustness  # focus_stability uses the config's [robustness] settings
    r1, r2, r3, r4 = st.columns(4)
    r1.metric(t("solid_in", lang), number(counts["solid in"], lang))
    r2.metric(t("depends_on_weights", lang), number(counts["depends on weights"], lang))
    r3.metric(t("solid_out", lang), number(counts["solid out"], lang))
    r4.metric(t("draws", lang), number(settings.draws, lang))
    st.caption(t("robustness_help", lang, spread=round(100 * settings.spread),
                 draws=settings.draws))
with st.expander(t("decision.all_villages", lang)):
    st.dataframe(screen_table(table, lang), hide_index=True, width="stretch", height=420,
                 column_config=screen_headers(table.columns, lang), key="ranked_table")

# --- save the decision -------------------------------------------------------------------
st.subheader(t("save_decision", lang))
if not ui.auth.allowed("save_decision"):
    st.stop()  # the rest of the page is the save form
with st.form("decision_form"):
    title = st.text_input(t("decision_title", lang), max_chars=200, key="decision_title")
    decided_by = st.text_input(t("decided_by", lang), max_chars=100, key="decision_by")
    save = st.form_submit_button(t("save_decision", lang))
if save:
    ui.auth.require("save_decision", lang)
    try:
        where = ui.state.save_decision(result, config, title=title, decided_by=decided_by)
        ui.auth.audit("decision_saved", {"title": title.strip()[:200], "decided_by": decided_by.strip()[:100],
                                         "focus_villages": int(len(chosen)),
                                         "sources": result.method.sha256_of()})
        st.session_state["decision_saved"] = where  # said after the rerun that lists it
        st.rerun()
    except GeoInputError as exc:
        ui.state.show_input_error(exc)
if "decision_saved" in st.session_state:
    st.success(t("decision_saved", lang, where=st.session_state.pop("decision_saved")))

# --- the decision record (issue 16): changes, history, compare, lampiran -----------------
proposed = chosen[["village_code", "village_name", "rank"]]
names = dict(zip(table["village_code"].astype(str), table["village_name"].astype(str)))


def _show_changes(change, key: str) -> None:
    """Villages in, out and moved, as one plain-text table (names typed by no user here)."""
    if change.unchanged:
        st.caption(t("decision.unchanged", lang))
        return
    rows = ([(t("decision.entered", lang), c, names.get(c, ""), "") for c in change.entered]
            + [(t("decision.left", lang), c, names.get(c, ""), "") for c in change.left]
            + [(t("decision.moved", lang), m.village_code, names.get(m.village_code, ""),
                f"{m.rank_before} → {m.rank_after}") for m in change.moved])
    import pandas as pd

    st.dataframe(pd.DataFrame(rows, columns=[t(f"decision.col_{c}", lang) for c in
                                             ("change", "code", "village", "rank")]),
                 hide_index=True, width="stretch", key=key)


if last is not None:
    st.subheader(t("decision.changes_heading", lang, title=markdown_text(last.title),
                   version=last.version))  # the title is typed by a user: shown as typed
    _show_changes(compare(last, proposed), "changes_table")

st.subheader(t("decision.history", lang))
if not history:
    st.caption(t("decision.none_saved", lang))
else:
    import pandas as pd

    listing = pd.DataFrame([{
        t("decision.col_id", lang): d.id, t("decision.col_date", lang): d.decided_at[:16].replace("T", " "),
        t("decision.col_title", lang): d.title, t("decision.col_version", lang): d.version,
        t("decision.col_by", lang): d.decided_by, t("decision.col_villages", lang): d.villages,
        t("decision.col_sources", lang): "; ".join(f"{f} {s[:12]}" for f, s in d.sources),
    } for d in history])
    st.dataframe(listing, hide_index=True, width="stretch", key="history_table")
    ids = [d.id for d in history]
    label = {d.id: f"{d.id} · {d.title} v{d.version}" for d in history}
    opened = st.selectbox(t("decision.open", lang), ids, index=len(ids) - 1,
                          format_func=label.get, key="decision_open")
    shown_decision = store.load(opened)
    st.dataframe(screen_table(shown_decision.focus_list, lang), hide_index=True, width="stretch",
                 column_config=screen_headers(shown_decision.focus_list.columns, lang),
                 key="opened_table")
    pair = st.multiselect(t("decision.compare", lang), ids, max_selections=2,
                          format_func=label.get, key="decision_compare")
    if len(pair) == 2:
        _show_changes(compare(store.load(min(pair)), store.load(max(pair))), "compare_table")
    if st.button(t("decision.rerun", lang), key="decision_rerun"):
        try:
            _, again = rerun_on_result(store, opened, analysis.result)
            change = compare(shown_decision, focus_of(again))
            ui.auth.audit("decision_rerun", {"decision_id": int(opened), "unchanged": change.unchanged,
                                             "sources": analysis.result.method.sha256_of()})
            st.caption(t("decision.rerun_same" if change.unchanged else "decision.rerun_changed",
                         lang))
            _show_changes(change, "rerun_table")
        except GeoInputError as exc:
            ui.state.show_input_error(exc)
    st.caption(t("decision.rerun_help", lang))

st.subheader(t("decision.lampiran", lang))
if ui.auth.allowed("download") and st.button(t("decision.make_lampiran", lang), key="make_lampiran"):
    from geo.export.lampiran import build_lampiran, docx_bytes, map_png, pdf_bytes

    content = build_lampiran(result, lang=lang, title=title or None)
    picture = map_png(result, lang)
    st.session_state["lampiran_files"] = (docx_bytes(content, picture), pdf_bytes(content, picture))
if "lampiran_files" in st.session_state and ui.auth.allowed("download"):
    docx_file, pdf_file = st.session_state["lampiran_files"]
    d1, d2 = st.columns(2)
    d1.download_button("DOCX", docx_file, file_name="lampiran.docx", key="lampiran_docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    d2.download_button("PDF", pdf_file, file_name="lampiran.pdf", mime="application/pdf",
                       key="lampiran_pdf")
