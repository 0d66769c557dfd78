"""Map: a choropleth of any village indicator; click a village to see its profile."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui_state
from geo.display import PALETTES, SCHEMES, classify, format_value
from geo.household_schema import DEPRIVATIONS, PROGRAMMES
from geo.i18n import indicator_label, t
from geo.webmap import choropleth_map, village_at

lang = ui_state.page_setup("map")
st.title(t("map", lang))
analysis = ui_state.current_analysis()
result = ui_state.current_result()
villages = result.villages
shapes = ui_state.display_layer(analysis.token, analysis.result.villages)

# --- controls ----------------------------------------------------------------------------
indicators = ui_state.numeric_indicators(villages)
preferred = [c for c in ("desil1_share", "score", "mpi_m0") if c in indicators]
c1, c2, c3, c4 = st.columns([3, 2, 1, 2])
indicator = c1.selectbox(t("indicator", lang), indicators,
                         index=indicators.index(preferred[0]) if preferred else 0,
                         format_func=lambda c: indicator_label(c, lang), key="map_indicator")
scheme = c2.selectbox(t("classification", lang), list(SCHEMES), format_func=lambda s: t(s, lang),
                      key="map_scheme")
k = c3.number_input(t("classes", lang), min_value=2, max_value=9, value=5, key="map_k")
palette = c4.selectbox(t("palette", lang), list(PALETTES), key="map_palette")
district_col = ui_state.district_column(villages)
districts = sorted(villages[district_col].dropna().astype(str).unique())
district = st.selectbox(t("district", lang), ["*"] + districts,
                        format_func=lambda d: t("all_districts", lang) if d == "*" else d,
                        key="map_district")

# --- classification and map --------------------------------------------------------------
shown = villages if district == "*" else villages[villages[district_col].astype(str) == district]
values = shown.set_index("village_code")[indicator]
drawn = shapes[shapes["village_code"].isin(values.index)].copy()
drawn[indicator] = drawn["village_code"].map(values)
classes = classify(drawn[indicator], scheme, int(k), palette, indicator=indicator)
tooltip = {t("village", lang): "village_name",
           t("district", lang): district_col,
           indicator_label(indicator, lang): indicator}
selected = st.session_state.get("selected_village")

map_col, legend_col = st.columns([4, 1])
with map_col:
    m = choropleth_map(drawn, classes.colours, tooltip, tiles=st.session_state["tiles"],
                       selected=selected)
    clicked = st_folium(m, key="village_map", height=560, use_container_width=True,
                        returned_objects=["last_object_clicked"])
    st.caption(t("click_hint", lang) + " " + t(
        "simplified_note", lang, method=shapes.attrs.get("display", {}).get("method", "")))
with legend_col:
    ui_state.draw_legend(classes.legend, indicator_label(indicator, lang), lang)

point = (clicked or {}).get("last_object_clicked")
if point and point != st.session_state.get("_last_map_click"):
    st.session_state["_last_map_click"] = point
    code = village_at(drawn, point.get("lng"), point.get("lat"))
    if code:
        st.session_state["selected_village"] = code
        st.session_state["profile_village"] = code

# --- village profile ---------------------------------------------------------------------
st.subheader(t("profile", lang))
choices = ui_state.village_choices(shown)
if st.session_state.get("profile_village") not in choices:
    st.session_state.pop("profile_village", None)
code = st.selectbox(t("village", lang), list(choices), format_func=choices.get,
                    index=None, key="profile_village")
if code:
    st.session_state["selected_village"] = code
    row = villages.loc[villages["village_code"] == code].iloc[0]
    st.markdown(f"#### {row['village_name']} ({code})", help=None)
    p1, p2, p3, p4 = st.columns(4)
    p1.metric(t("rank", lang), "–" if pd.isna(row.get("rank")) else f"{int(row['rank'])}")
    p2.metric(t("score", lang), format_value("score", row.get("score")))
    p3.metric(t("households", lang), format_value("households", row.get("households")))
    p4.metric(t("in_focus", lang), t("yes" if bool(row.get("in_focus_list")) else "no", lang))
    if isinstance(row.get("focus_reason"), str) and row.get("focus_reason"):
        st.caption(f"{t('in_focus', lang)}: {row['focus_reason']}")

    def table(columns):
        present = [c for c in columns if c in row.index]
        return pd.DataFrame({t("indicator", lang): [indicator_label(c, lang) for c in present],
                             t("value", lang): [format_value(c, row[c]) for c in present]})

    left, mid, right = st.columns(3)
    with left:
        st.markdown(f"**{t('indicator', lang)}**")
        st.dataframe(table(["people", "desil1_households", "desil1_share", "desil14_households",
                            "desil14_share", "mpi_h", "mpi_a", "mpi_m0", "poor_unreached"]),
                     hide_index=True, width="stretch")
    with mid:
        st.markdown(f"**{t('mpi_breakdown', lang)}**")
        st.dataframe(table([f"contrib_{d}" for d in DEPRIVATIONS]), hide_index=True,
                     width="stretch")
        st.markdown(f"**{t('coverage', lang)}**")
        st.dataframe(table([f"cov_{p.removeprefix('recv_')}" for p in PROGRAMMES]
                           + ["exclusion_rate", "inclusion_error"]),
                     hide_index=True, width="stretch")
    with right:
        st.markdown(f"**{t('why', lang)}**")
        why = [c for c in row.index if c.startswith("why_")]
        st.dataframe(pd.DataFrame({
            t("indicator", lang): [indicator_label(c.removeprefix("why_"), lang) for c in why],
            t("score", lang): [format_value("score", row[c]) for c in why]}),
            hide_index=True, width="stretch")
