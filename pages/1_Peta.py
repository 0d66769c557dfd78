"""Map: a choropleth of any village indicator; click a village to see its profile."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import pandas as pd
import streamlit as st

import ui.area_filter
import ui.map_widget
import ui.print_downloads
import ui.auth
import ui.state
from geo.presentation import printmap
from geo.presentation.display import PALETTES, SCHEMES
from geo.presentation.pocket_text import pocket_sentence
from geo.presentation.profile_notes import tie_notes
from geo.i18n import has_text, number, t
from geo.i18n.labels import indicator_label, value_label
from geo.presentation.views import (ALL_DISTRICTS, district_column, markdown_text, number_text,
                                    numeric_indicators, place_columns, profile_rows,
                                    village_choices, with_values)
from geo.presentation.webmap import choropleth_map, choropleth_styles, focus_on

lang = ui.state.page_setup("map")
ui.auth.require("page.map", lang)
st.title(t("map", lang))
# a first visit while the server still analyses the files: the village outlines meanwhile
analysis = ui.state.current_analysis(on_outline=lambda job: ui.map_widget.show_outline(job, lang))
result = ui.state.current_result()
villages = result.villages
display = ui.state.display_layer(analysis.token, analysis.result.villages)
shapes = display.shapes
st.caption(ui.state.data_source_caption(lang))
map_slot = st.container()  # the map first (phones: the first screen), its controls below it

# --- controls (drawn below the map, read before it is drawn) -----------------------------
indicators = numeric_indicators(pd.DataFrame(villages, copy=False))  # dtypes only: no geo copies
preferred = [c for c in ("desil1_share", "score", "mpi_m0") if c in indicators]
c1, c2, c3, c4 = st.columns([3, 2, 1, 2])
indicator = ui.state.kept_choice(c1.selectbox, "map_indicator", t("indicator", lang), indicators,
                                 default=(preferred or indicators or [None])[0],
                                 format_func=lambda c: indicator_label(c, lang))
scheme = ui.state.kept_choice(c2.selectbox, "map_scheme", t("classification", lang),
                              list(SCHEMES), default=next(iter(SCHEMES)),
                              format_func=lambda s: t(s, lang))
k = ui.state.kept_value(c3.number_input, "map_k", t("classes", lang), default=5, min_value=2,
                        max_value=9)
palette = ui.state.kept_choice(c4.selectbox, "map_palette", t("palette", lang), list(PALETTES),
                               default=next(iter(PALETTES)))
district_col = district_column(villages)
result_key = ui.state.result_token()
shown, area = ui.area_filter.area_filter(villages, "map", lang, token=result_key)
places = {t("district", lang): district_col}  # tooltip rows naming where a village lies
if "regency_name" in place_columns(villages):  # several regencies: name the regency too
    places[t("regency", lang)] = "regency_name"
tiles = st.session_state["tiles"]


def map_view():
    """The villages drawn, their classes, tooltips and colours, and the map's token: the
    same for every session with the same result and choices, so made once per server."""
    drawn = with_values(shapes, shown, [indicator, *places.values()])
    classes = ui.state.classification(drawn[indicator], scheme, int(k), palette, indicator, lang)
    drawn["value_text"] = [number_text(indicator, v, lang) for v in drawn[indicator]]  # per locale
    tooltip = {t("village", lang): "village_name", **places,
               indicator_label(indicator, lang): "value_text"}
    # the shapes and tooltips built once per server for the same villages, values and
    # labels; the class colours go beside them (another classification only recolours)
    map_key = ui.state.content_token(
        "choropleth", analysis.token,
        drawn[list(dict.fromkeys(["village_code", *tooltip.values()]))], tuple(tooltip), tiles)
    known = frozenset(drawn["village_code"].astype("string").dropna())
    return drawn, classes, tooltip, map_key, known, [choropleth_styles(drawn, classes.colours)]


# --- classification and map --------------------------------------------------------------
drawn, classes, tooltip, map_key, known, styles = ui.state.shared(
    "map_view", (result_key, indicator, scheme, int(k), palette, lang, *area, tiles), map_view)
selected = st.session_state.get("selected_village")

with map_slot:
    map_col, legend_col = st.columns([4, 1])  # a phone stacks them: the legend right under the map
    with map_col:
        def choose(code: str) -> None:  # a click: outline it and show its profile in this run
            if code in known:
                st.session_state["selected_village"] = code
                ui.state.remember("profile_village", code)
                # the view stays where the user clicked (no zoom to an older choice later)
                st.session_state["map_focus"] = (None,
                                                 st.session_state.get("map_focus", (None, 0))[1])

        # a village chosen in the list below: the map zooms to it (a click on the map does not)
        focus_code, focus_count = st.session_state.get("map_focus", (None, 0))
        focus = focus_on(drawn, [focus_code], key=str(focus_count)) if focus_code in known else None
        ui.map_widget.show_map(
            lambda: choropleth_map(drawn, classes.colours, tooltip, tiles=tiles),
            map_key, key="village_map", height=560, selected=selected, on_click=choose,
            focus=focus, styles=styles, detail=ui.state.map_detail(analysis))
    with legend_col:
        ui.map_widget.draw_legend(classes.legend, indicator_label(indicator, lang), lang)
        if classes.note:  # fewer classes than asked: say why, under the legend
            st.caption(classes.note)
    method = display.method  # under map and legend, so a phone shows the legend first
    st.caption(t("click_hint", lang) + " " + t(
        "simplified_note", lang,
        method=t(f"simplify.{method}", lang) if has_text(f"simplify.{method}") else method))

# --- village profile ---------------------------------------------------------------------
st.subheader(t("profile", lang))
# labels from codes and names only: one set per analysis and area, whatever the weights
choices = ui.state.shared("village_choices", (analysis.token, *area), lambda: village_choices(shown))
code = ui.state.kept_choice(st.selectbox, "profile_village", t("village", lang), list(choices),
                            format_func=choices.get,
                            placeholder=t("placeholder.choose_village", lang))
if code and code != selected:
    st.session_state["selected_village"] = code
    st.session_state["map_focus"] = (code, st.session_state.get("map_focus", (None, 0))[1] + 1)
    st.rerun()  # outline the chosen village on the map above and zoom to it
if code:
    row = villages.loc[villages["village_code"] == code].iloc[0]
    st.markdown(f"#### {markdown_text(row['village_name'])} ({markdown_text(code)})")
    p1, p2, p3, p4 = st.columns(4)
    p1.metric(t("rank", lang), "–" if pd.isna(row.get("rank")) else number(int(row["rank"]), lang))
    p2.metric(t("score", lang), number_text("score", row.get("score"), lang))
    p3.metric(t("households", lang), number_text("households", row.get("households"), lang))
    p4.metric(t("in_focus", lang), t("flag.yes" if bool(row.get("in_focus_list")) else "flag.no", lang))
    for column in ("focus_reason", "quadrant", "pocket"):
        if isinstance(row.get(column), str) and row.get(column):
            st.caption(f"{indicator_label(column, lang)}: "
                       f"{markdown_text(value_label(column, row[column], lang))}")
    pocket_settings = (result.pockets.settings.to_dict() if result.pockets is not None
                       else result.method.pocket_settings)
    st.caption(markdown_text(pocket_sentence(row, lang, settings=pocket_settings)))

    def table(columns, value_name="value", fmt=number_text):
        return pd.DataFrame({t("indicator", lang): [indicator_label(c, lang) for c in columns],
                             t(value_name, lang): [fmt(c, row[c], lang) for c in columns]})

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
                           lambda c, v, lang: number_text("score", v, lang)),
                     hide_index=True, width="stretch")
        for note in tie_notes(ui.state.current_result().villages, code,
                              ui.state.current_config().indicators, lang):
            st.text(note)  # plain text: the label and numbers are ours, shown as they are

# --- print map of what is on screen (the same classes), or of the chosen district ---------
st.subheader(t("print_map", lang))
district = st.session_state.get("map_district", ALL_DISTRICTS)
printed = st.session_state.get("map_regency"), district, indicator, scheme, int(k), palette
print_options = dict(scheme=scheme, k=int(k), palette=palette, lang=lang,
                     date=result.method.created_at[:10],
                     sources=[source.file for source in result.method.sources])
ui.print_downloads.print_downloads(
    "map", ui.state.content_token("print", analysis.token, *map(str, printed), lang),
    lambda: (printmap.indicator_map(shown, indicator, **print_options)
             if district == ALL_DISTRICTS else
             printmap.district_map(shown, district, indicator, **print_options)),
    title=indicator_label(indicator, lang), file_stem=f"map_{indicator}", lang=lang)
