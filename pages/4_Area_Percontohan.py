"""Pilot area: the pilot villages, their neighbours, a household grid and next year's candidates."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import streamlit as st

import ui.map_widget
import ui.auth
import ui.state
from geo.common.errors import GeoInputError
from geo.i18n import number, t
from geo.i18n.labels import indicator_label
from geo.spatial.pilot import (NEAR_KM, default_pilot, expansion_candidates, household_grid,
                               neighbours, suggest_cell_size)
from geo.presentation.pilotprint import pilot_print
from geo.presentation.pilotview import pilot_legend, pilot_profile
from geo.presentation.printmap import map_bytes, print_text
from geo.presentation.views import (district_column, neighbour_table, screen_headers, screen_table,
                                    village_choices)
from geo.presentation.webmap import pilot_map

lang = ui.state.page_setup("pilot")
ui.auth.require("page.pilot", lang)
st.title(t("pilot", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
villages = result.villages
display = ui.state.display_layer(analysis.token, analysis.result.villages)
shapes = display.shapes
st.caption(ui.state.data_source_caption(lang))
map_slot = st.container()  # the map first (phones), the controls below it

choices = village_choices(villages)
codes = ui.state.kept_choices(st.multiselect, "pilot_villages", t("pilot_villages", lang),
                              list(choices),
                              default=default_pilot(villages, ui.state.planted_pilot()),
                              format_func=choices.get,
                              placeholder=t("placeholder.choose_villages", lang))
c1, c2, c3 = st.columns(3)
min_households = ui.state.kept_value(c2.number_input, "pilot_min", t("min_households", lang),
                                     default=5, min_value=5, max_value=50)
try:  # the default cell: the finest that shows something on these data
    suggested = int(suggest_cell_size(result.households, villages, codes,
                                      min_households=int(min_households))) if codes else 250
except GeoInputError:
    suggested = 250
cell_m = ui.state.kept_value(c1.select_slider, "pilot_cell", t("cell_size", lang),
                             default=suggested, options=[100, 250, 500, 1000],
                             format_func=lambda m: number(m, lang))
n_similar = ui.state.kept_value(c3.number_input, "pilot_similar", t("similar_count", lang),
                                default=5, min_value=0, max_value=20)

if not codes:
    st.info(t("choose_pilot", lang))
    st.stop()

config = ui.state.current_config()
similarity = [spec.column for spec in config.indicators]
try:
    near = neighbours(villages, codes, graph=result.neighbours)
    candidates = expansion_candidates(villages, codes, similarity, n_similar=int(n_similar),
                                      graph=result.neighbours)
    grid = household_grid(result.households, villages, codes, cell_m=float(cell_m),
                          min_households=int(min_households))
except GeoInputError as exc:
    ui.state.show_input_error(exc)
    st.stop()

tooltip = {t("village", lang): "village_name", t("district", lang): district_column(shapes)}
similar_only = candidates.loc[~candidates["neighbour"], "village_code"]
cells = grid.cells
if cells is not None:  # the tooltip shows the counts as the reader writes them (4.449 / 4,449)
    cells = cells.assign(households_text=[number(v, lang) for v in cells["households"]],
                         poor_text=[number(v, lang) for v in cells["poor_households"]])
grid_tooltip = {t("households", lang): "households_text",
                indicator_label("poor_households", lang): "poor_text"}
pilot_key = ui.state.content_token(
    "pilot", analysis.token, tuple(codes), tuple(near["village_code"]), tuple(similar_only),
    float(cell_m), int(min_households), tuple(tooltip.items()), tuple(grid_tooltip.items()),
    st.session_state["tiles"])  # the grid follows from the households, codes and cell settings
with map_slot:
    map_col, legend_col = st.columns([4, 1])
    with map_col:
        ui.map_widget.show_map(
            lambda: pilot_map(shapes[shapes["village_code"].isin(codes)],
                              shapes[shapes["village_code"].isin(near["village_code"])],
                              shapes[shapes["village_code"].isin(similar_only)], cells, tooltip,
                              tiles=st.session_state["tiles"], grid_tooltip=grid_tooltip),
            pilot_key, key="pilot_map", height=520, detail=ui.state.map_detail(analysis))
    with legend_col:
        ui.map_widget.draw_legend(pilot_legend(len(codes), len(near), len(similar_only),
                                               len(grid.cells), lang), t("legend", lang), lang)
    st.caption(print_text("pilot_rule", lang, n=int(n_similar), km=f"{NEAR_KM:g}",
                          min=int(min_households)))
    st.markdown(f"**{t('pilot_figures', lang)}**")
    st.dataframe(pilot_profile(villages, codes, lang), hide_index=True, width="stretch",
                 key="pilot_profile")

if grid.placed == 0:
    st.info(t("no_coordinates", lang))
else:
    st.caption(t("grid_note", lang, cell=int(grid.cell_m), placed=grid.placed,
                 shown=grid.shown_poor, hidden=grid.hidden_poor))
    st.caption(t("pilot_grid_default", lang, min=int(min_households)))
st.caption(t("pilot_before_after", lang))

figure = pilot_print(result, codes, lang=lang, n_similar=int(n_similar),
                     min_households=int(min_households), cell_m=float(cell_m),
                     sources=[source.file for source in result.method.sources])
if ui.auth.allowed("download"):
    d1, d2 = st.columns(2)
    for column, kind, mime in ((d1, "pdf", "application/pdf"), (d2, "png", "image/png")):
        column.download_button(t("download_pilot_map", lang, kind=kind.upper()),
                               map_bytes(figure, kind, title=print_text("pilot_title", lang)),
                               file_name=f"pilot_map.{kind}", mime=mime, key=f"pilot_download_{kind}",
                               on_click=ui.auth.on_download, args=(f"pilot_map.{kind}",))

left, right = st.columns(2)
with left:
    st.subheader(t("neighbours", lang))
    near_table = neighbour_table(near)
    st.dataframe(screen_table(near_table, lang), hide_index=True, width="stretch",
                 key="pilot_neighbours", column_config=screen_headers(near_table.columns, lang))
with right:
    st.subheader(t("candidates", lang))
    st.dataframe(screen_table(candidates, lang), hide_index=True, width="stretch",
                 key="pilot_candidates", column_config=screen_headers(candidates.columns, lang))
