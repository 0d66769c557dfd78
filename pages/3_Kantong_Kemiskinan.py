"""Poverty pockets (kantong kemiskinan): the LISA cluster map and the pocket table."""

import pandas as pd
import streamlit as st
from streamlit_folium import st_folium

import ui_state
from geo.display import POCKET_ORDER, pocket_legend
from geo.i18n import indicator_label, t
from geo.webmap import pocket_map

lang = ui_state.page_setup("pockets")
st.title(t("pockets", lang))
analysis = ui_state.current_analysis()
result = ui_state.current_result()
villages = result.villages
shapes = ui_state.display_layer(analysis.token, analysis.result.villages)
variable = (result.method.get("config", {}).get("pockets", {}) or {}).get("variable", "desil1_share")
st.caption(f"{t('pocket_variable', lang)}: {indicator_label(variable, lang)} — Local Moran's I "
           "(queen, 999 permutations, p < 0.05)")

pocket_names = {p: t(f"pocket_{p}", lang) for p in POCKET_ORDER}
district_col = ui_state.district_column(villages)
districts = sorted(villages[district_col].dropna().astype(str).unique())
district = st.selectbox(t("district", lang), ["*"] + districts,
                        format_func=lambda d: t("all_districts", lang) if d == "*" else d,
                        key="pocket_district")
shown = villages if district == "*" else villages[villages[district_col].astype(str) == district]

columns = ["village_code", "pocket", "hotspot", variable]
lookup = shown.set_index("village_code")[[c for c in columns[1:] if c in shown]]
drawn = shapes[shapes["village_code"].isin(lookup.index)].copy()
drawn = drawn.merge(lookup, left_on="village_code", right_index=True, how="left")
drawn["pocket_label"] = drawn["pocket"].astype("string").fillna("no_data").map(pocket_names)
tooltip = {t("village", lang): "village_name",
           t("district", lang): district_col if district_col in drawn else "village_code",
           t("pockets", lang): "pocket_label",
           indicator_label(variable, lang): variable}

map_col, legend_col = st.columns([4, 1])
with map_col:
    st_folium(pocket_map(drawn, tooltip, tiles=st.session_state["tiles"]), key="pocket_map",
              height=520, use_container_width=True, returned_objects=[])
with legend_col:
    entries = [{"colour": e["colour"], "outline": e["outline"], "count": e["count"],
                "label": pocket_names[e["pocket"]]} for e in pocket_legend(drawn["pocket"])]
    ui_state.draw_legend(entries, t("legend", lang), lang)

st.subheader(t("pocket_table", lang))
table_cols = [c for c in ("village_code", "village_name", district_col, "pocket", "hotspot",
                          variable, "lisa_p", "rank", "score", "in_focus_list") if c in shown]
pockets = shown.loc[shown["pocket"].astype("string").fillna("") == "HH", table_cols]
pockets = pd.DataFrame(pockets).sort_values(variable, ascending=False)
st.dataframe(pockets, hide_index=True, width="stretch", key="pocket_table",
             column_config=ui_state.column_config(table_cols, lang))
counts = shown["pocket"].astype("string").fillna("no_data").value_counts()
st.dataframe(pd.DataFrame({t("pockets", lang): [pocket_names[p] for p in POCKET_ORDER if p in counts],
                           t("count", lang): [int(counts[p]) for p in POCKET_ORDER if p in counts]}),
             hide_index=True)
