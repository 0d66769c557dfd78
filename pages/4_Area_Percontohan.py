"""Pilot area: the pilot villages, their neighbours, a household grid and next year's candidates."""

import streamlit as st

import ui.map_widget
import ui.state
from geo.common.errors import GeoInputError
from geo.i18n import t
from geo.i18n.labels import indicator_label, translate_values
from geo.spatial.pilot import default_pilot, expansion_candidates, household_grid, neighbours
from geo.presentation.views import district_column, neighbour_table, village_choices
from geo.presentation.webmap import pilot_map

lang = ui.state.page_setup("pilot")
st.title(t("pilot", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
villages = result.villages
shapes = ui.state.display_layer(analysis.token, analysis.result.villages)
st.caption(ui.state.data_source_caption(lang))

choices = village_choices(villages)
codes = st.multiselect(t("pilot_villages", lang), list(choices),
                       default=default_pilot(villages, ui.state.planted_pilot()),
                       format_func=choices.get, key="pilot_villages")
c1, c2, c3 = st.columns(3)
cell_m = c1.select_slider(t("cell_size", lang), [100, 250, 500, 1000], value=250, key="pilot_cell")
min_households = c2.number_input(t("min_households", lang), 3, 50, 5, key="pilot_min")
n_similar = c3.number_input(t("similar_count", lang), 0, 20, 5, key="pilot_similar")

if not codes:
    st.info(t("choose_pilot", lang))
    st.stop()

config = ui.state.current_config()
similarity = [spec.column for spec in config.indicators]
try:
    near = neighbours(villages, codes)
    candidates = expansion_candidates(villages, codes, similarity, n_similar=int(n_similar))
    grid = household_grid(result.households, villages, codes, cell_m=float(cell_m),
                          min_households=int(min_households))
except GeoInputError as exc:
    ui.state.show_input_error(exc)
    st.stop()

tooltip = {t("village", lang): "village_name", t("district", lang): district_column(shapes)}
similar_only = candidates.loc[~candidates["neighbour"], "village_code"]
grid_tooltip = {t("households", lang): "households",
                indicator_label("poor_households", lang): "poor_households"}
pilot_key = ui.state.content_token(
    "pilot", analysis.token, tuple(codes), tuple(near["village_code"]), tuple(similar_only),
    float(cell_m), int(min_households), tuple(tooltip.items()), tuple(grid_tooltip.items()),
    st.session_state["tiles"])  # the grid follows from the households, codes and cell settings
ui.map_widget.show_map(
    lambda: pilot_map(shapes[shapes["village_code"].isin(codes)],
                      shapes[shapes["village_code"].isin(near["village_code"])],
                      shapes[shapes["village_code"].isin(similar_only)], grid, tooltip,
                      tiles=st.session_state["tiles"], grid_tooltip=grid_tooltip),
    pilot_key, key="pilot_map", height=520)

info = grid.attrs.get("grid", {})
if info.get("placed", 0) == 0:
    st.info(t("no_coordinates", lang))
else:
    st.caption(t("grid_note", lang, cell=int(info["cell_m"]), placed=f"{info['placed']:,}",
                 shown=f"{info['shown_poor']:,}", hidden=f"{info['hidden_poor']:,}"))

left, right = st.columns(2)
with left:
    st.subheader(t("neighbours", lang))
    near_table = neighbour_table(near)
    st.dataframe(near_table, hide_index=True, width="stretch", key="pilot_neighbours",
                 column_config=ui.state.column_config(list(near_table.columns), lang))
with right:
    st.subheader(t("candidates", lang))
    st.dataframe(translate_values(candidates, lang), hide_index=True, width="stretch",
                 key="pilot_candidates",
                 column_config=ui.state.column_config(list(candidates.columns), lang))
