"""Overview: the region's poverty figures against the RPJMD target, data quality, next steps."""

import streamlit as st

import ui.state
from geo.presentation.display import format_value
from geo.i18n import t
from geo.i18n.labels import translate_values
from geo.presentation.overview import (outcome_table, overview_figures, quality_notes, region_label,
                          target_gap, unused_rows)

lang = ui.state.page_setup("overview")
st.title(t("app_title", lang))
result = ui.state.current_result()
villages = result.villages
st.caption(ui.state.data_source_caption(lang))
if "environment_error" in st.session_state:
    st.warning(t("environment_failed", lang,
                 message=ui.state.error_text(st.session_state["environment_error"], lang)))

# --- region and headline counts ----------------------------------------------------------
st.subheader(f"{t('region', lang)}: {region_label(villages)}")
left, right = st.columns(2)
population = left.number_input(t("population", lang), min_value=0, value=0, step=1000,
                               help=t("population_help", lang), key="population")
target = right.number_input(t("target", lang), min_value=0.0, max_value=100.0, value=3.77,
                            step=0.01, format="%.2f", key="target")
measures = {"desil1_people": t("extreme_poor", lang), "desil14_people": t("poor", lang),
            "mpi_poor_people": t("mpi_poor", lang)}
measure = st.radio(t("target_measure", lang), list(measures), format_func=measures.get,
                   horizontal=True, key="target_measure")
figures = overview_figures(villages, population=population or None, poor_column=measure)

cols = st.columns(5)
cols[0].metric(t("villages", lang), f"{figures['villages']:,}")
cols[1].metric(t("households", lang), format_value("households", figures["households"]))
cols[2].metric(t("people", lang), format_value("people", figures["people"]))
cols[3].metric(t("extreme_poor", lang), format_value("people", figures["desil1_people"]),
               format_value("desil1_share", figures["desil1_rate"]), delta_color="off",
               delta_arrow="off")
cols[4].metric(t("poor", lang), format_value("people", figures["desil14_people"]),
               format_value("desil14_share", figures["desil14_rate"]), delta_color="off",
               delta_arrow="off")

gap = target_gap(figures["poverty_rate"], target, figures["denominator"])
basis = "rate_of_population" if figures["denominator_is_population"] else "rate_of_register"
if gap["met"] is None:
    st.info(t("no_rate_yet", lang))
else:
    st.metric(f"{t('poverty_rate', lang)} — {measures[measure]} ({t(basis, lang)})",
              f"{gap['rate_pct']:.2f} %", f"{gap['gap_pp']:+.2f} pp vs {target:.2f} %",
              delta_color="inverse")
if gap["met"]:
    st.success(t("target_met", lang))
elif gap["met"] is False:
    st.warning(t("target_not_met", lang, gap=f"{gap['gap_pp']:.2f}",
                 people=f"{gap['people_to_lift']:,.0f}"))

# --- data quality and reconciliation -----------------------------------------------------
st.subheader(t("data_quality", lang))
outcomes = outcome_table(result.reconciliation)
if len(outcomes):
    q1, q2 = st.columns([1, 2])
    q1.metric(t("rows_in", lang), f"{(result.reconciliation or {}).get('rows_in', 0):,}")
    q2.dataframe(translate_values(outcomes, lang), hide_index=True, width="stretch",
                 column_config={"outcome": t("outcome", lang), "count": t("count", lang)},
                 key="overview_outcomes")
    if unused := unused_rows(result.reconciliation):
        st.info(t("unmatched_warning", lang, n=f"{unused:,}"))
notes = quality_notes(result, lang)
for key in ("mpi_notes", "boundary_warnings"):
    if notes[key]:
        st.warning(f"**{t(key, lang)}**\n\n" + "\n".join(f"- {note}" for note in notes[key]))

st.subheader(t("next_steps", lang))
st.markdown(t("next_steps_text", lang))
