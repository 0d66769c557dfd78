"""Trends (issue 15): the region against its RPJMD target, registry waves, change map, focus list."""

import ui.preparation

ui.preparation.begin_environment()  # before the imports below, which take seconds on a first visit

import pandas as pd
import streamlit as st

import ui.auth
import ui.map_widget
import ui.state
import ui.trends
from geo.common.errors import GeoInputError
from geo.decisions.store import DecisionStore
from geo.i18n import number, t
from geo.spatial.pilot import default_pilot
from geo.presentation.views import markdown_text, screen_headers, screen_table, with_values
from geo.presentation.webmap import choropleth_map
from geo.targets.store import region_of_villages
from geo.targets.trajectory import trajectory
from geo.waves.change import diverging_classes, village_change, village_trend
from geo.waves.focus import focus_against_decision, focus_vs_similar, latest_decision

lang = ui.state.page_setup("page_trends")
ui.auth.require("page.trends", lang)
st.title(t("page_trends", lang))
analysis = ui.state.current_analysis()
result = ui.state.current_result()
villages = result.villages
st.caption(ui.state.data_source_caption(lang))
region = region_of_villages(villages)
store = ui.trends.store()
may_save = ui.auth.allowed(ui.trends.SAVE)


def pct(value, decimals=2):
    return "–" if value is None else f"{number(value, lang, decimals)} %"


def points(value, decimals=2):
    """A change in percentage points; a dash when there is none (None or NaN)."""
    if value is None or pd.isna(value):
        return "–"
    return t("trend.points", lang, value=number(value, lang, decimals))


def comparison_metrics(comparison, first_label: str) -> None:
    """The three figures of a chosen-against-similar comparison: their change, the similar
    villages' change, and the difference."""
    cols = st.columns(3)
    cols[0].metric(first_label, points(comparison.focus_change_pp))
    cols[1].metric(t("trend.similar_change", lang), points(comparison.similar_change_pp))
    cols[2].metric(t("trend.difference", lang), points(comparison.difference_pp))


# --- the RPJMD target and the official series ---------------------------------------------
st.subheader(t("trend.target_title", lang))
if region is None:
    st.info(t("trend.no_region", lang))
else:
    st.caption(t("trend.region_code", lang, code=region))
    saved = store.target(region)
    cols = st.columns(4)
    value = ui.trends.target_field(cols[0].number_input, region, t("target", lang), lang)
    saved = store.target(region)  # as the field may just have saved it
    keep = saved.to_dict() if saved is not None else {}
    fields = {}
    for col, (key, kind) in zip(cols[1:], (("target_year", int), ("baseline_pct", float),
                                           ("baseline_year", int))):
        stored = keep.get(key)
        fields[key] = col.number_input(
            t(f"trend.{key}", lang), value=stored if stored is not None else None,
            min_value=1990 if kind is int else 0.0, max_value=2100 if kind is int else 100.0,
            step=1 if kind is int else 0.01, format=None if kind is int else "%.2f",
            placeholder=t("trend.empty", lang), disabled=not may_save,
            key=f"trend_{key}_{region}_{stored}")
    if any(fields[k] != keep.get(k) for k in fields):
        ui.auth.require(ui.trends.SAVE, lang)
        try:
            saved = store.set_target(region, value, fields["target_year"], fields["baseline_pct"],
                                     fields["baseline_year"], by=ui.auth.actor())
        except GeoInputError as exc:
            ui.state.show_input_error(exc, lang)
        else:
            ui.auth.audit("target_saved", saved.to_dict())
            st.rerun()

    rates = store.rates(region)
    series = pd.DataFrame({"year": pd.array([r.year for r in rates], dtype="Int64"),
                           "value_pct": [r.value_pct for r in rates]})
    st.markdown(f"**{t('trend.series_title', lang)}**")
    edited = st.data_editor(
        series, num_rows="dynamic" if may_save else "fixed", disabled=not may_save,
        hide_index=True, key="trend_series_" + ui.state.content_token("series", series),
        column_config={"year": st.column_config.NumberColumn(t("trend.year", lang), min_value=1990,
                                                             max_value=2100, step=1, format="%d"),
                       "value_pct": st.column_config.NumberColumn(t("trend.official_pct", lang),
                                                                  min_value=0.0, max_value=100.0,
                                                                  step=0.01, format="%.2f")})
    before = {int(y): float(v) for y, v in zip(series["year"], series["value_pct"])}
    after = {int(y): (None if pd.isna(v) else float(v))
             for y, v in zip(edited["year"], edited["value_pct"]) if not pd.isna(y)}
    changes = {y: v for y, v in after.items() if before.get(y) != v}
    changes.update({y: None for y in before if y not in after})
    if changes and may_save:
        ui.auth.require(ui.trends.SAVE, lang)
        try:
            store.set_rates(region, changes, by=ui.auth.actor())
        except GeoInputError as exc:
            ui.state.show_input_error(exc, lang)
        else:
            ui.auth.audit("official_rate_saved", {"region_code": region,
                                                  "rates": {str(k): v for k, v in changes.items()}})
            st.rerun()

    if saved is not None:
        path = trajectory(saved, store.rates(region))
        m = st.columns(4)
        m[0].metric(t("trend.latest", lang, year=str(path.latest_year or "–")), pct(path.latest_pct))
        m[1].metric(t("trend.path_at_latest", lang), pct(path.path_at_latest),
                    None if path.gap_pp is None else points(path.gap_pp), delta_color="inverse")
        m[2].metric(t("trend.planned", lang), points(path.planned_per_year))
        m[3].metric(t("trend.needed", lang), points(path.needed_per_year))
        if path.met:
            st.success(t("target_met", lang))
        elif path.needed_per_year is None and path.target_year is not None and path.latest_pct is not None:
            st.warning(t("trend.deadline_passed", lang))
        if path.baseline_from_series:
            st.caption(t("trend.baseline_from_series", lang, year=str(path.baseline_year)))
        if path.has_path:
            chart = path.frame().rename(columns={"official_pct": t("trend.official_pct", lang),
                                                 "path_pct": t("trend.path", lang)})
            chart.index = chart.index.astype(str)
            st.line_chart(chart, x_label=t("trend.year", lang), y_label="%")
        else:
            st.info(t("trend.no_path", lang))

# --- registry waves -----------------------------------------------------------------------
st.subheader(t("trend.waves_title", lang))
config = ui.state.current_config()
uploads = st.file_uploader(t("trend.upload", lang), accept_multiple_files=True,
                           type=["csv", "xlsx", "parquet", "zip", "gz"], key="trend_waves_upload")
waves = None
try:
    if uploads and len(uploads) >= 2:
        ui.auth.require("upload", lang)
        waves = ui.trends.uploaded_waves(analysis, config, uploads)
    elif uploads:
        st.info(t("trend.upload_two", lang))
    if waves is None and analysis.is_demo:
        waves = ui.trends.demo_waves(analysis, config)
        st.caption(t("trend.demo_waves", lang))
except GeoInputError as exc:
    ui.state.show_input_error(exc, lang)
if waves is None:
    st.info(t("trend.no_waves", lang))
    st.stop()

first, last = waves.labels[0], waves.labels[-1]
st.caption(t("trend.waves_rule", lang, first=first, last=last))
m = st.columns(6)
for col, (key, value) in zip(m, (("matched", waves.matched), ("only_first", waves.only_first),
                                  ("only_last", waves.only_last), ("stuck", waves.stuck_desil1),
                                  ("left", waves.left_desil1), ("entered", waves.entered_desil1))):
    col.metric(t(f"trend.m_{key}", lang), number(value, lang))
mpi = st.columns(4)
for col, (key, value) in zip(mpi, (("mpi_matched", waves.mpi_matched),
                                   ("stuck_mpi", waves.stuck_mpi_poor),
                                   ("left_mpi", waves.left_mpi_poor),
                                   ("entered_mpi", waves.entered_mpi_poor))):
    col.metric(t(f"trend.m_{key}", lang), number(value, lang))
accounting = pd.DataFrame([{"wave": w["label"], "rows_in": w["rows_in"], "placed": w["placed"],
                            "linkable": w["linkable"], "duplicate_rows": w["duplicate_rows"],
                            "row_number_ids": w["row_number_ids"]} for w in waves.waves])
st.dataframe(screen_table(accounting, lang), hide_index=True, key="trend_accounting",
             column_config=screen_headers(accounting.columns, lang,
                                          {c: t(f"trend.col_{c}", lang) for c in accounting.columns}))

st.markdown(f"**{t('trend.transition', lang, first=first, last=last)}**")
matrix = pd.DataFrame(waves.transition).T
matrix.index = [f"{t('trend.desil', lang)} {i}" for i in matrix.index]
matrix.columns = [str(c) for c in matrix.columns]
st.dataframe(matrix, key="trend_transition")
st.caption(t("trend.transition_help", lang))

# --- change map and a village's trend -----------------------------------------------------
st.subheader(t("trend.change_title", lang, first=first, last=last))
change = village_change(waves.villages, first, last)
measures = {"desil1_share": t("trend.measure_share", lang), "m0": t("trend.measure_m0", lang)}
measure = ui.state.kept_choice(st.radio, "trend_measure", t("trend.measure", lang),
                               list(measures), format_func=measures.get, horizontal=True)
unit = " " + t("trend.pp", lang) if measure == "desil1_share" else ""
decimals = 1 if measure == "desil1_share" else 3
classes = diverging_classes(change[f"change_{measure}"], decimals=decimals, unit=unit, lang=lang)
change["change_text"] = [("–" if pd.isna(v) else ("+" if v > 0 else "") + number(v, lang, decimals) + unit)
                         for v in change[f"change_{measure}"]]
display = ui.state.display_layer(analysis.token, analysis.result.villages)
names = villages[["village_code", "village_name"]] if "village_name" in villages else None
shown = change.merge(names, on="village_code", how="left") if names is not None else change
drawn = with_values(display.shapes, shown, ["village_name", "change_text"])
colours = pd.Series(classes.colours.to_numpy(), index=change["village_code"].to_numpy())
drawn_colours = pd.Series(colours.reindex(drawn["village_code"].astype(str).to_numpy()).to_numpy(),
                          index=drawn.index)
tooltip = {t("village", lang): "village_name", measures[measure]: "change_text"}
map_col, legend_col = st.columns([4, 1])
with map_col:
    tiles = st.session_state["tiles"]
    key = ui.state.content_token("trend_change", analysis.token, drawn[["village_code", "change_text"]],
                                 tuple(drawn_colours), tiles, lang)
    ui.map_widget.show_map(lambda: choropleth_map(drawn, drawn_colours, tooltip, tiles=tiles), key,
                           key="trend_map", height=480,
                           detail=ui.state.map_detail(analysis))
with legend_col:
    ui.map_widget.draw_legend(classes.legend, measures[measure], lang)
    st.caption(t("trend.classes_rule", lang))

codes = list(villages["village_code"].astype(str))
labels = dict(zip(codes, villages["village_name"].astype(str))) if "village_name" in villages else {}
in_focus = [c for c, f in zip(codes, villages.get("in_focus_list", pd.Series(False, index=villages.index))
                              .fillna(False).astype(bool)) if f]
village = ui.state.kept_choice(st.selectbox, "trend_village", t("trend.village_trend", lang), codes,
                               default=(in_focus or codes)[0],
                               format_func=lambda c: f"{labels.get(c, c)} ({c})")
trend = village_trend(waves.villages, village, waves.labels)
if len(trend):
    chart = pd.DataFrame({t("trend.measure_share", lang): trend["desil1_share"] * 100},
                         index=trend["wave"].astype(str))
    st.line_chart(chart, x_label=t("trend.wave", lang), y_label="%")

# --- focus list: last decision, and against similar villages not chosen -------------------
st.subheader(t("trend.focus_title", lang))
current = villages[villages["in_focus_list"].fillna(False).astype(bool)] if "in_focus_list" in villages \
    else villages.iloc[0:0]
current = pd.DataFrame(current[["village_code", "rank"]]).astype({"village_code": str})
previous = latest_decision(DecisionStore(ui.state.workspace_dir()))
against = focus_against_decision(previous, current)
if against is None:
    st.info(t("trend.no_decision", lang))
else:
    st.markdown(t("trend.against_decision", lang, title=markdown_text(previous.title),
                  version=str(previous.version), entered=len(against.entered),
                  left=len(against.left), kept=len(against.kept) + len(against.moved)))
basis = previous.village_codes if previous is not None else list(current["village_code"])
comparison = focus_vs_similar(change, basis)
st.markdown(t("trend.focus_basis_saved" if previous is not None else "trend.focus_basis_current", lang))
comparison_metrics(comparison, t("trend.focus_change", lang))
st.caption(t("trend.focus_rule", lang, nearest=comparison.nearest, compared=comparison.compared,
             unmatched=comparison.unmatched, gap=points(comparison.baseline_gap_pp, 1)))
matches = comparison.villages.copy()
for column in ("baseline_share", "similar_baseline_share"):
    matches[column] = [number(v * 100, lang, 1) + " %" for v in matches[column]]
for column in ("change_pp", "similar_change_pp", "difference_pp"):
    matches[column] = [number(v, lang, 1) for v in matches[column]]
st.dataframe(matches, hide_index=True, key="trend_focus_matches",
             column_config={c: t(f"trend.col_{c}", lang) for c in matches.columns})

# --- the pilot area before and after ---------------------------------------------------------
pilot_codes = list(ui.state.remembered("pilot_villages", None)
                   or default_pilot(villages, ui.state.planted_pilot()))
if pilot_codes:
    st.subheader(t("trend.pilot_title", lang))
    pilot = focus_vs_similar(change, pilot_codes)
    comparison_metrics(pilot, t("trend.pilot_change", lang))
    before_after = pd.DataFrame({
        "village_code": pilot.villages["village_code"],
        "village_name": [labels.get(c, "") for c in pilot.villages["village_code"]],
        "before": [number(v * 100, lang, 1) + " %" for v in pilot.villages["baseline_share"]],
        "after": [number((b * 100 + c), lang, 1) + " %" for b, c in
                  zip(pilot.villages["baseline_share"], pilot.villages["change_pp"])]})
    st.dataframe(before_after, hide_index=True, key="trend_pilot",
                 column_config={"village_code": t("trend.col_village_code", lang),
                                "village_name": t("village", lang),
                                "before": t("quarterly.col_share", lang, wave=first),
                                "after": t("quarterly.col_share", lang, wave=last)})
    st.caption(t("trend.pilot_rule", lang, nearest=pilot.nearest))

# --- persisted pockets --------------------------------------------------------------------
st.subheader(t("trend.pockets_title", lang))
pockets = ui.trends.persisted(ui.state.content_token("persisted", analysis.token, first, last,
                                                     waves.villages),
                              analysis.result.villages, waves.villages, first, last)
st.markdown(t("trend.pockets_counts", lang, persisted=len(pockets.persisted), new=len(pockets.new),
              gone=len(pockets.gone), first=first, last=last))
if pockets.persisted:
    persisted_table = pd.DataFrame({"village_code": list(pockets.persisted)}).merge(
        villages[["village_code", "village_name"]], on="village_code", how="left") \
        if "village_name" in villages else pd.DataFrame({"village_code": list(pockets.persisted)})
    st.dataframe(screen_table(persisted_table, lang), hide_index=True, key="trend_pockets",
                 column_config=screen_headers(persisted_table.columns, lang))

# --- the quarterly report ---------------------------------------------------------------
st.subheader(t("quarterly.download", lang))
if ui.auth.allowed("download"):
    from geo.export.quarterly import build_quarterly, pdf_bytes, xlsx_bytes
    from geo.presentation.region import region_title

    report_key = ui.state.content_token("quarterly", analysis.token, first, last, lang, region or "",
                                        str(store.target(region) if region else None),
                                        str(store.rates(region) if region else None), tuple(basis))
    held = st.session_state.get("trend_report")
    if held is None or held[0] != report_key:
        held = None
        if st.button(t("trend.report_prepare", lang), key="trend_report_prepare"):
            with st.spinner(t("print_preparing", lang)):
                report = build_quarterly(
                    waves, villages, lang=lang, region=region_title(villages, lang),
                    region_code=region, target=store.target(region) if region else None,
                    rates=store.rates(region) if region else (), focus_codes=basis,
                    focus_title=(f"{previous.title} (v{previous.version})" if previous is not None
                                 else t("trend.current_focus", lang)), pockets=pockets)
                held = (report_key, {"pdf": pdf_bytes(report), "xlsx": xlsx_bytes(report)})
            st.session_state["trend_report"] = held
    if held is not None:
        left, right = st.columns(2)
        for column, kind, mime in ((left, "pdf", "application/pdf"),
                                   (right, "xlsx", "application/vnd.openxmlformats-officedocument."
                                                   "spreadsheetml.sheet")):
            name = f"quarterly_{lang}.{kind}"
            column.download_button(t("trend.report_download", lang, kind=kind.upper()), held[1][kind],
                                   file_name=name, mime=mime, key=f"trend_report_{kind}",
                                   on_click=ui.auth.on_download, args=(name,))
