"""Poverty pockets (kantong kemiskinan): the LISA cluster map and the pocket table."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import streamlit as st

import ui.area_filter
import ui.map_widget
import ui.print_downloads
import ui.auth
import ui.state
from geo.presentation.display import POCKET_ORDER, pocket_legend
from geo.common.messages import render_cell
from geo.presentation import printmap
from geo.i18n import t
from geo.i18n.labels import indicator_label, pocket_method_text, value_label
from geo.presentation.pocket_text import pocket_sentence
from geo.presentation.views import (district_column, markdown_text,
                       pocket_counts, number_text, pocket_table, screen_headers, screen_table,
                       village_choices, with_values)
from geo.presentation.webmap import pocket_map

lang = ui.state.page_setup("pockets")
ui.auth.require("page.pockets", lang)
st.title(t("pockets", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
villages = result.villages
display = ui.state.display_layer(analysis.token, analysis.result.villages)
shapes = display.shapes
st.caption(ui.state.data_source_caption(lang))
settings = (result.pockets.settings.to_dict() if result.pockets is not None
            else result.method.pocket_settings)  # as used: the smoothing applied, its base
variable = settings.get("variable", "desil1_share")
st.caption(f"{t('pocket_variable', lang)}: {indicator_label(variable, lang)} — "
           f"{pocket_method_text(settings, lang)}")
for note in (result.pockets.notes if result.pockets is not None else ()):
    st.warning(render_cell(note, lang))
map_slot = st.container()  # the map first (phones: the first screen), the area filter below it

district_col = district_column(villages)
shown, _ = ui.area_filter.area_filter(villages, "pocket", lang, token=ui.state.result_token())

drawn = with_values(shapes, shown, ["pocket", "hotspot", variable, district_col])
drawn["pocket_label"] = drawn["pocket"].astype("string").fillna("no_data").map(
    lambda p: value_label("pocket", p, lang))
drawn["value_text"] = [number_text(variable, v, lang)  # per locale
                       for v in (drawn[variable] if variable in drawn else [None] * len(drawn))]
tooltip = {t("village", lang): "village_name",
           t("district", lang): district_col if district_col in drawn else "village_code",
           t("pockets", lang): "pocket_label",
           indicator_label(variable, lang): "value_text"}

with map_slot:
    map_col, legend_col = st.columns([4, 1])  # a phone stacks them: legend under map
    with map_col:
        tiles = st.session_state["tiles"]
        map_key = ui.state.content_token(
            "pockets", analysis.token, drawn[list(dict.fromkeys(["village_code", "pocket",
                                                                  *tooltip.values()]))],
            tuple(tooltip), tiles)
        ui.map_widget.show_map(lambda: pocket_map(drawn, tooltip, tiles=tiles), map_key,
                               key="pocket_map", height=520,
                               detail=ui.state.map_detail(analysis))
    with legend_col:
        entries = [{**entry, "label": value_label("pocket", entry["pocket"], lang)}
                   for entry in pocket_legend(drawn["pocket"])]
        ui.map_widget.draw_legend(entries, t("legend", lang), lang)

st.subheader(t("pocket_table", lang))
pockets = pocket_table(shown, variable)
st.dataframe(screen_table(pockets, lang), hide_index=True, width="stretch", key="pocket_table",
             column_config=screen_headers(pockets.columns, lang))
counts = pocket_counts(shown, POCKET_ORDER)
st.dataframe(screen_table(counts, lang), hide_index=True, key="pocket_counts",
             column_config={"pocket": t("pockets", lang), "count": t("count", lang)})
ui.print_downloads.print_downloads(
    "pockets", ui.state.content_token("print_pockets", analysis.token, shown["village_code"], lang),
    lambda: printmap.pocket_map(shown, lang=lang, date=result.method.created_at[:10],
                                sources=[source.file for source in result.method.sources]),
    title=printmap.print_text("pocket_title", lang), file_stem="map_pockets", lang=lang)

st.subheader(t("pocket_why", lang))
choices = village_choices(shown)
code = ui.state.kept_choice(st.selectbox, "pocket_village", t("village", lang), list(choices),
                            format_func=choices.get,
                            placeholder=t("placeholder.choose_village", lang))
if code:
    row = villages.loc[villages["village_code"] == code].iloc[0]
    st.markdown(markdown_text(pocket_sentence(row, lang, settings=settings)))
