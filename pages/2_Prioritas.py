"""Priority (lokus): weights and rules as controls, the ranked table, pins, robustness, decision."""

import streamlit as st

import ui.print_downloads
import ui.auth
import ui.state
from geo.config import Pin
from geo.common.errors import GeoInputError
from geo.export.tables import csv_bytes
from geo.presentation import printmap
from geo.i18n import number, t
from geo.i18n.labels import indicator_label
from geo.presentation.views import (focus_table, pin_table, ranked_table, robustness_table,
                       screen_headers, screen_table, stability_counts, village_choices)

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
    choices = village_choices(villages)
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

# --- ranked table ------------------------------------------------------------------------
table = ranked_table(villages, [spec.column for spec in config.indicators])
chosen = focus_table(table)
st.subheader(f"{t('ranked_table', lang)} — {t('focus_count', lang)}: {number(len(chosen), lang)}")
st.dataframe(screen_table(table, lang), hide_index=True, width="stretch", height=420,
             column_config=screen_headers(table.columns, lang), key="ranked_table")
if ui.auth.allowed("download"):
    st.download_button(t("download_list", lang), csv_bytes(chosen, lang), file_name="focus_list.csv",
                       mime="text/csv", key="download_focus", on_click=ui.auth.on_download,
                       args=("focus_list.csv",))
ui.print_downloads.print_downloads(
    "focus", ui.state.content_token("print_focus", analysis.token, config.to_json(), lang),
    lambda: printmap.focus_map(villages, lang=lang, date=result.method.created_at[:10],
                               sources=[source.file for source in result.method.sources]),
    title=printmap.print_text("focus_title", lang), file_stem="map_focus_list", lang=lang)

# --- robustness --------------------------------------------------------------------------
st.subheader(t("robustness", lang))
stability = ui.state.focus_stability(analysis.token, config.to_json(), villages)
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
    shown = robustness_table(villages, stability)
    if len(shown):
        st.dataframe(screen_table(shown, lang), hide_index=True, width="stretch",
                     key="robustness_table", column_config=screen_headers(shown.columns, lang))
    else:  # an empty table would read "empty" (Streamlit's own word) on any screen
        st.caption(t("robustness_none", lang))

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
        st.success(t("decision_saved", lang, where=where))
    except GeoInputError as exc:
        ui.state.show_input_error(exc)
