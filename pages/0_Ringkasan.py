"""Overview: the region's poverty figures against the RPJMD target, data quality, next steps."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import streamlit as st

import ui.auth
import ui.state
import ui.trends
from geo.i18n import number, t
from geo.presentation.overview import (mpi_sample_note, outcome_table, overview_figures,
                                       population_note, quality_notes, region_label, target_gap,
                                       unused_rows)
from geo.presentation.region import region_population
from geo.targets.store import region_of_villages
from geo.presentation.views import markdown_text, number_text, screen_headers, screen_table

lang = ui.state.page_setup("overview")
ui.auth.require("page.summary", lang)
st.title(t("app_title", lang))
result = ui.state.current_result()
villages = result.villages
st.caption(ui.state.data_source_caption(lang))
if "environment_error" in st.session_state:
    st.warning(t("environment_failed", lang,
                 message=ui.state.error_text(st.session_state["environment_error"], lang)))

# --- region and headline counts ----------------------------------------------------------
region = region_label(villages, lang)
st.subheader(f"{t('region', lang)}: {markdown_text(region) or t('region_unknown', lang)}",
             anchor=False)
official = region_population(villages)
left, right = st.columns(2)
population = ui.state.kept_value(left.number_input, "population", t("population", lang),
                                 default=official.total or 0, min_value=0, step=1000,
                                 help=t("population_help", lang))
left.caption(markdown_text(population_note(official, region, ui.state.current_analysis().is_demo,
                                           lang)))
target = ui.trends.target_field(right.number_input, region_of_villages(villages),
                                t("target", lang), lang)  # the region's stored RPJMD target
measures = {"desil1_people": t("extreme_poor", lang), "desil14_people": t("poor", lang),
            "mpi_poor_people": t("mpi_poor", lang)}
measure = ui.state.kept_choice(st.radio, "target_measure", t("target_measure", lang),
                               list(measures), format_func=measures.get, horizontal=True)
figures = overview_figures(villages, population=population or None, poor_column=measure)

cols = st.columns(5)
cols[0].metric(t("villages", lang), number(figures["villages"], lang))
cols[1].metric(t("households", lang), number_text("households", figures["households"], lang))
cols[2].metric(t("people", lang), number_text("people", figures["people"], lang))
cols[3].metric(t("extreme_poor", lang), number_text("people", figures["desil1_people"], lang),
               number_text("desil1_share", figures["desil1_rate"], lang), delta_color="off",
               delta_arrow="off")
cols[4].metric(t("poor", lang), number_text("people", figures["desil14_people"], lang),
               number_text("desil14_share", figures["desil14_rate"], lang), delta_color="off",
               delta_arrow="off")

gap = target_gap(figures["poverty_rate"], target, figures["denominator"])
basis = "rate_of_population" if figures["denominator_is_population"] else "rate_of_register"
if gap["met"] is None:
    st.info(t("no_rate_yet", lang))
else:
    sign = "+" if gap["gap_pp"] > 0 else ("-" if gap["gap_pp"] < 0 else "")
    st.metric(f"{t('poverty_rate', lang)} — {measures[measure]} ({t(basis, lang)})",
              f"{number(gap['rate_pct'], lang, 2)} %",
              t("target_delta", lang, gap=sign + number(abs(gap["gap_pp"]), lang, 2),
                target=number(target, lang, 2)),
              delta_color="inverse")
if gap["met"]:
    st.success(t("target_met", lang))
elif gap["met"] is False:
    st.warning(t("target_not_met", lang, gap=number(gap["gap_pp"], lang, 2),
                 people=number(gap["people_to_lift"], lang, 0)))

# --- data quality and reconciliation -----------------------------------------------------
st.subheader(t("data_quality", lang))
outcomes = outcome_table(result.reconciliation)
if len(outcomes):
    q1, q2 = st.columns([1, 2])
    q1.metric(t("rows_in", lang), number(result.reconciliation.rows_in if result.reconciliation else 0, lang))
    q2.dataframe(screen_table(outcomes, lang), hide_index=True, width="stretch",
                 column_config=screen_headers(outcomes.columns, lang,
                                              {"outcome": t("outcome", lang), "count": t("count", lang)}),
                 key="overview_outcomes")
    if unused := unused_rows(result.reconciliation):
        st.info(t("unmatched_warning", lang, n=unused))
notes = quality_notes(result, lang)
for key in ("mpi_notes", "boundary_warnings"):
    if notes[key]:
        st.warning(f"**{t(key, lang)}**\n\n" + "\n".join(f"- {markdown_text(note)}" for note in notes[key]))
if sample_note := mpi_sample_note(result, lang):
    st.info(f"**{t('mpi_missing', lang)}**\n\n{markdown_text(sample_note)}")

st.subheader(t("next_steps", lang))
st.markdown(t("next_steps_text", lang))
