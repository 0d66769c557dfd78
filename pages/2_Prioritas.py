"""Priority (lokus): weights and rules as controls, the ranked table, pins, robustness, decision."""

import streamlit as st

import ui.state
from geo.common.messages import render_columns
from geo.config import Pin
from geo.common.errors import GeoInputError
from geo.i18n import t
from geo.i18n.labels import indicator_label, translate_values
from geo.presentation.views import (focus_table, pin_table, ranked_table, robustness_table, stability_counts,
                       village_choices)

lang = ui.state.page_setup("priority")
st.title(t("priority", lang))
st.caption(ui.state.data_source_caption(lang))
analysis = ui.state.current_analysis()
config = ui.state.current_config()

# --- weights and rules -------------------------------------------------------------------
weights_col, rules_col = st.columns(2)
with weights_col:
    st.subheader(t("weights", lang))
    current = config.weights
    weights = {spec.column: st.slider(indicator_label(spec.column, lang), 0.0, 1.0,
                                      float(round(current[spec.column], 2)), 0.05,
                                      key=f"weight_{spec.column}")
               for spec in config.indicators}
with rules_col:
    st.subheader(t("rules", lang))
    focus = config.focus
    top_n = st.number_input(t("top_n", lang), 0, 500, int(focus.top_n or 0), key="rule_top_n")
    threshold = st.number_input(t("score_threshold", lang), 0.0, 100.0,
                                float(focus.score_threshold or 0.0), 5.0, key="rule_threshold")
    cover = st.number_input(t("cover_extreme_poor", lang), 0, 100,
                            int(round((focus.cover_extreme_poor or 0) * 100)), 5, key="rule_cover")
    per_district = st.checkbox(t("min_per_district", lang), focus.min_per_district,
                               key="rule_per_district")

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
                                index=None, key="pin_village")
        action = st.radio(t("pin", lang), ["in", "out"], format_func=lambda a: t(f"pin_{a}", lang),
                          horizontal=True, key="pin_action")
        reason = st.text_input(t("reason", lang), key="pin_reason", max_chars=300)
        by = st.text_input(t("decided_by", lang), key="pin_by", max_chars=100)
        submitted = st.form_submit_button(t("add_pin", lang))
    if submitted:
        if not (pin_code and reason.strip() and by.strip()):
            st.warning(t("pin_needs_reason", lang))
        else:
            pins = tuple(p for p in config.focus.pins if p.village_code != pin_code)
            pins += (Pin(village_code=pin_code, action=action, reason=reason.strip(), by=by.strip()),)
            ui.state.set_config(config.with_focus(pins=pins))
            st.rerun()
    if config.focus.pins:
        pins = pin_table(config.focus.pins)
        st.dataframe(translate_values(pins, lang), hide_index=True, width="stretch",
                     column_config=ui.state.column_config(list(pins.columns), lang))
        if st.button(t("clear_pins", lang), key="clear_pins"):
            ui.state.set_config(config.with_focus(pins=()))
            st.rerun()

# --- ranked table ------------------------------------------------------------------------
table = ranked_table(villages, [spec.column for spec in config.indicators])
chosen = focus_table(table)
st.subheader(f"{t('ranked_table', lang)} — {t('focus_count', lang)}: {len(chosen)}")
st.dataframe(translate_values(table, lang), hide_index=True, width="stretch", height=420,
             column_config=ui.state.column_config(list(table.columns), lang), key="ranked_table")
st.download_button(t("download_list", lang),
                   render_columns(chosen, lang).to_csv(index=False).encode("utf-8"),
                   file_name="focus_list.csv", mime="text/csv", key="download_focus")

# --- robustness --------------------------------------------------------------------------
st.subheader(t("robustness", lang))
stability = ui.state.focus_stability(analysis.token, config.to_json(), villages)
if stability is not None:
    counts = stability_counts(stability)
    settings = stability.attrs.get("robustness", {})
    r1, r2, r3, r4 = st.columns(4)
    r1.metric(t("solid_in", lang), counts["solid in"])
    r2.metric(t("depends_on_weights", lang), counts["depends on weights"])
    r3.metric(t("solid_out", lang), counts["solid out"])
    r4.metric(t("draws", lang), settings.get("draws", ""))
    st.caption(t("robustness_help", lang, spread=round(100 * settings.get("spread", 0)),
                 draws=settings.get("draws", "")))
    shown = robustness_table(villages, stability)
    st.dataframe(translate_values(shown, lang), hide_index=True, width="stretch",
                 key="robustness_table", column_config=ui.state.column_config(list(shown.columns), lang))

# --- save the decision -------------------------------------------------------------------
st.subheader(t("save_decision", lang))
with st.form("decision_form"):
    title = st.text_input(t("decision_title", lang), max_chars=200, key="decision_title")
    decided_by = st.text_input(t("decided_by", lang), max_chars=100, key="decision_by")
    save = st.form_submit_button(t("save_decision", lang))
if save:
    try:
        where = ui.state.save_decision(result, config, title=title, decided_by=decided_by)
        st.success(t("decision_saved", lang, where=where))
    except GeoInputError as exc:
        ui.state.show_input_error(exc)
