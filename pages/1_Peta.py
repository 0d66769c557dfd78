"""Map: a choropleth of any village indicator; click a village to see its profile."""

import pandas as pd
import streamlit as st

import ui.map_widget
import ui.state
from geo.presentation.display import PALETTES, SCHEMES, classify, format_value
from geo.i18n import t
from geo.i18n.labels import indicator_label, value_label
from geo.presentation.views import (ALL_DISTRICTS, district_column, districts, in_district,
                       numeric_indicators, profile_rows, village_choices, with_values)
from geo.presentation.webmap import choropleth_map

lang = ui.state.page_setup("map")
st.title(t("map", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
villages = result.villages
shapes = ui.state.display_layer(analysis.token, analysis.result.villages)
st.caption(ui.state.data_source_caption(lang))

# --- controls ----------------------------------------------------------------------------
indicators = numeric_indicators(pd.DataFrame(villages, copy=False))  # dtypes only: no geo copies
preferred = [c for c in ("desil1_share", "score", "mpi_m0") if c in indicators]
c1, c2, c3, c4 = st.columns([3, 2, 1, 2])
indicator = c1.selectbox(t("indicator", lang), indicators,
                         index=indicators.index(preferred[0]) if preferred else 0,
                         format_func=lambda c: indicator_label(c, lang), key="map_indicator")
scheme = c2.selectbox(t("classification", lang), list(SCHEMES), format_func=lambda s: t(s, lang),
                      key="map_scheme")
k = c3.number_input(t("classes", lang), min_value=2, max_value=9, value=5, key="map_k")
palette = c4.selectbox(t("palette", lang), list(PALETTES), key="map_palette")
district_col = district_column(villages)
district = st.selectbox(t("district", lang), [ALL_DISTRICTS] + districts(villages),
                        format_func=lambda d: t("all_districts", lang) if d == ALL_DISTRICTS else d,
                        key="map_district")

# --- classification and map --------------------------------------------------------------
shown = in_district(villages, district)
drawn = with_values(shapes, shown, [indicator, district_col])
classes = classify(drawn[indicator], scheme, int(k), palette, indicator=indicator)
tooltip = {t("village", lang): "village_name",
           t("district", lang): district_col,
           indicator_label(indicator, lang): indicator}
selected = st.session_state.get("selected_village")

map_col, legend_col = st.columns([4, 1])
with map_col:
    # rendered once per server for the same villages, values, colours, labels and selection
    tiles = st.session_state["tiles"]
    map_key = ui.state.content_token(
        "choropleth", analysis.token,
        drawn[list(dict.fromkeys(["village_code", *tooltip.values()]))],
        classes.colours, tuple(tooltip), tiles)
    known = set(drawn["village_code"].astype("string").dropna())

    def choose(code: str) -> None:  # a click: outline it and show its profile in this run
        if code in known:
            st.session_state["selected_village"] = code
            st.session_state["profile_village"] = code

    ui.map_widget.show_map(
        lambda: choropleth_map(drawn, classes.colours, tooltip, tiles=tiles),
        map_key, key="village_map", height=560, selected=selected, on_click=choose)
    st.caption(t("click_hint", lang) + " " + t(
        "simplified_note", lang, method=shapes.attrs.get("display", {}).get("method", "")))
with legend_col:
    ui.map_widget.draw_legend(classes.legend, indicator_label(indicator, lang), lang)

# --- village profile ---------------------------------------------------------------------
st.subheader(t("profile", lang))
choices = village_choices(shown)
if st.session_state.get("profile_village") not in choices:
    st.session_state.pop("profile_village", None)
code = st.selectbox(t("village", lang), list(choices), format_func=choices.get,
                    index=None, key="profile_village")
if code and code != selected:
    st.session_state["selected_village"] = code
    st.rerun()  # outline the chosen village on the map above
if code:
    row = villages.loc[villages["village_code"] == code].iloc[0]
    st.markdown(f"#### {row['village_name']} ({code})", help=None)
    p1, p2, p3, p4 = st.columns(4)
    p1.metric(t("rank", lang), "–" if pd.isna(row.get("rank")) else f"{int(row['rank'])}")
    p2.metric(t("score", lang), format_value("score", row.get("score")))
    p3.metric(t("households", lang), format_value("households", row.get("households")))
    p4.metric(t("in_focus", lang), t("yes" if bool(row.get("in_focus_list")) else "no", lang))
    for column in ("focus_reason", "quadrant", "pocket"):
        if isinstance(row.get(column), str) and row.get(column):
            st.caption(f"{indicator_label(column, lang)}: {value_label(column, row[column], lang)}")

    def table(columns, value_name="value", fmt=format_value):
        return pd.DataFrame({t("indicator", lang): [indicator_label(c, lang) for c in columns],
                             t(value_name, lang): [fmt(c, row[c]) for c in columns]})

    left, mid, right = st.columns(3)
    with left:
        st.markdown(f"**{t('indicator', lang)}**")
        st.dataframe(table(profile_rows(row, "indicators")), hide_index=True, width="stretch")
    with mid:
        st.markdown(f"**{t('mpi_breakdown', lang)}**")
        st.dataframe(table(profile_rows(row, "mpi_breakdown")), hide_index=True, width="stretch")
        st.markdown(f"**{t('coverage', lang)}**")
        st.dataframe(table(profile_rows(row, "coverage")), hide_index=True, width="stretch")
    with right:
        st.markdown(f"**{t('why', lang)}**")
        st.dataframe(table(profile_rows(row, "why"), "score",
                           lambda c, v: format_value("score", v)),
                     hide_index=True, width="stretch")
