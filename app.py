"""Overview: the region's poverty figures against the RPJMD target, data quality, next steps.

Run with ``python -m streamlit run app.py``; the other pages are in ``pages/``.
"""

import pandas as pd
import streamlit as st

import ui_state
from geo.display import format_value, overview_figures
from geo.i18n import t

lang = ui_state.page_setup("overview")
st.title(t("app_title", lang))
analysis = ui_state.current_analysis()
result = ui_state.current_result()
villages = result.villages
st.caption(f"{t('data_source', lang)}: "
           f"{t('demo_data', lang) if analysis.label == 'demo' else analysis.label}")

# --- region and headline counts ----------------------------------------------------------
region_names = [str(name) for col in ("regency_name", "province_name") if col in villages
                for name in villages[col].dropna().unique()[:3]]
if not region_names and "regency_code" in villages:
    region_names = [str(code) for code in villages["regency_code"].dropna().unique()[:5]]
region = ", ".join(region_names)
st.subheader(f"{t('region', lang)}: {region}")

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

rate_pct = figures["poverty_rate"] * 100
gap = rate_pct - target
st.metric(f"{t('poverty_rate', lang)} — {measures[measure]} "
          f"({t('rate_of_population' if figures['denominator_is_population'] else 'rate_of_register', lang)})",
          f"{rate_pct:.2f} %", f"{gap:+.2f} pp vs {target:.2f} %", delta_color="inverse")
if gap <= 0:
    st.success(t("target_met", lang))
else:
    people_to_lift = gap / 100 * figures["denominator"]
    st.warning(t("target_not_met", lang, gap=f"{gap:.2f}", people=f"{people_to_lift:,.0f}"))

# --- data quality and reconciliation -----------------------------------------------------
st.subheader(t("data_quality", lang))
recon = result.reconciliation or {}
outcomes = recon.get("outcomes", {})
if outcomes:
    table = pd.DataFrame({t("outcome", lang): list(outcomes), t("count", lang): list(outcomes.values())})
    q1, q2 = st.columns([1, 2])
    q1.metric(t("rows_in", lang), f"{recon.get('rows_in', 0):,}")
    q2.dataframe(table, hide_index=True, width="stretch")
    unused = sum(v for k, v in outcomes.items() if not str(k).startswith("matched"))
    if unused:
        st.info(t("unmatched_warning", lang, n=f"{unused:,}"))
report = result.boundary_report or {}
flat = {k: v for k, v in report.items() if isinstance(v, (int, float, str))}
if flat:
    st.dataframe(pd.DataFrame({"": list(flat), t("value", lang): [str(v) for v in flat.values()]}),
                 hide_index=True, width="stretch")

st.subheader(t("next_steps", lang))
st.markdown(t("next_steps_text", lang))
