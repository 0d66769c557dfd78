"""What the Konvergensi page shows, as readable tables (no Streamlit here).

Every table holds counts of households per programme, village or agency, never a household;
``min_households`` withholds every figure of a village with fewer households (shown ``–``), as
the viewer's map does. Numbers and shares are written for the reader's language.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.convergence.measures import GO_NEXT, QUADRANTS, Convergence
from geo.i18n import DEFAULT_LANGUAGE, number, percent, t
from geo.i18n.labels import indicator_label
from geo.presentation.display import classify
from geo.presentation.views import MISSING
from geo.presentation.webmap import CANVAS_FROM, VillageMap, _village_map, village_layer


def _count(value, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else number(int(value), lang)


def _share(value, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else percent(float(value), lang)


def _money(value, lang: str) -> str:
    return MISSING if value is None or pd.isna(value) else "Rp " + number(round(float(value)), lang)


def headline(result: Convergence) -> dict[str, int]:
    """The four numbers a meeting starts from."""
    rows = result.registers.accounting
    return {"eligible": result.eligible_any,
            "reached": result.eligible_any - result.untouched,  # eligible = reached + untouched
            "untouched": result.untouched,
            "unlinked_rows": result.unlinked_rows,
            "invalid_rows": rows.outcomes.get("invalid", 0)}


def programme_table(result: Convergence, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """One row per programme: agency, rule, eligible, reached, exclusion, inclusion, coverage,
    budget and budget per eligible household."""
    rows = []
    for p in result.programmes:
        rows.append({
            t("conv.programme", lang): p.name, t("conv.agency", lang): p.agency or MISSING,
            t("conv.rule", lang): p.eligible_rule,
            t("conv.eligible", lang): _count(p.eligible, lang),
            t("conv.reached", lang): _count(p.reached, lang),
            t("conv.exclusion", lang): _count(p.exclusion, lang),
            t("conv.inclusion", lang): _count(p.inclusion, lang),
            t("conv.coverage", lang): _share(p.coverage, lang),
            t("conv.budget", lang): _money(p.budget, lang),
            t("conv.budget_per_eligible", lang): _money(p.budget_per_eligible, lang)})
    return pd.DataFrame(rows)


def _named(result: Convergence, villages: pd.DataFrame) -> pd.DataFrame:
    table = result.villages.copy()
    names = villages[["village_code", "village_name"]].drop_duplicates("village_code")
    table = table.merge(names, on="village_code", how="left")
    table["village_name"] = table["village_name"].fillna(table["village_code"])
    return table


def _small(table: pd.DataFrame, min_households: int) -> pd.Series:
    return table["households"] < int(min_households or 0)


def coverage_matrix(result: Convergence, villages: pd.DataFrame, lang: str = DEFAULT_LANGUAGE,
                    *, min_households: int = 0) -> pd.DataFrame:
    """Programme × village: the coverage of each programme's eligible households, most
    untouched villages first; ``–`` where no one is eligible or the village is withheld."""
    table = _named(result, villages).sort_values(["untouched", "village_code"],
                                                 ascending=[False, True], kind="stable")
    small = _small(table, min_households)
    out = pd.DataFrame({t("village", lang): table["village_name"].astype(str),
                        t("conv.untouched", lang): [MISSING if s else _count(v, lang)
                                                    for v, s in zip(table["untouched"], small)]})
    for p in result.programmes:
        eligible = table[f"{p.name}_eligible"]
        covered = eligible - table[f"{p.name}_exclusion"]
        counts = table[f"{p.name}_village_level_recipients"]
        cells = []
        for e, c, n, s in zip(eligible, covered, counts, small):
            text = MISSING if s or e == 0 else percent(c / e, lang)
            if n > 0 and not s:  # counts only: recipients the register does not name
                text += " " + t("conv.village_level_cell", lang, n=int(n))
            cells.append(text)
        out[p.name] = cells
    return out.reset_index(drop=True)


def need_effort_table(result: Convergence, villages: pd.DataFrame, lang: str = DEFAULT_LANGUAGE,
                      *, min_households: int = 0, only_go_next: bool = True) -> pd.DataFrame:
    """The villages to go to next (high need, low coverage), most untouched first."""
    table = _named(result, villages)
    if only_go_next:
        table = table[table["need_effort"] == GO_NEXT]
    table = table.sort_values(["untouched", "village_code"], ascending=[False, True])
    small = _small(table, min_households)
    out = pd.DataFrame({
        t("village", lang): table["village_name"].astype(str),
        t("conv.need", lang): [MISSING if s else _share(v, lang) for v, s in zip(table["need"], small)],
        t("conv.coverage_any", lang): [MISSING if s else _share(v, lang)
                                       for v, s in zip(table["coverage"], small)],
        t("conv.untouched", lang): [MISSING if s else _count(v, lang)
                                    for v, s in zip(table["untouched"], small)],
        t("conv.quadrant", lang): [t(f"conv.q.{q}", lang) for q in table["need_effort"]],
    }).reset_index(drop=True)
    return out.drop(columns=t("conv.quadrant", lang)) if only_go_next else out


def quadrant_counts(result: Convergence, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    stated = result.quadrant
    return pd.DataFrame({t("conv.quadrant", lang): [t(f"conv.q.{q}", lang) for q in QUADRANTS],
                         t("conv.villages", lang): [number(stated.counts.get(q, 0), lang)
                                                    for q in QUADRANTS]})


def agencies(result: Convergence) -> list[str]:
    return sorted({p.agency or "-" for p in result.programmes})


def agency_work_list(result: Convergence, villages: pd.DataFrame, agency: str,
                     lang: str = DEFAULT_LANGUAGE, *, min_households: int = 0) -> pd.DataFrame:
    """An agency's villages and programmes with eligible households not reached, most first.

    One row per (village, programme): eligible, reached among them, not reached (exclusion),
    coverage; villages below ``min_households`` are left out (their counts are withheld)."""
    table = _named(result, villages)
    table = table[~_small(table, min_households)]
    rows = []
    for p in result.programmes:
        if (p.agency or "-") != agency:
            continue
        for _, v in table.iterrows():
            eligible, excluded = int(v[f"{p.name}_eligible"]), int(v[f"{p.name}_exclusion"])
            if excluded <= 0:
                continue
            rows.append((str(v["village_name"]), p.name, eligible, eligible - excluded, excluded))
    rows.sort(key=lambda r: (-r[4], r[0], r[1]))
    return pd.DataFrame({
        t("village", lang): [r[0] for r in rows],
        t("conv.programme", lang): [r[1] for r in rows],
        t("conv.eligible", lang): [number(r[2], lang) for r in rows],
        t("conv.reached_eligible", lang): [number(r[3], lang) for r in rows],
        t("conv.exclusion", lang): [number(r[4], lang) for r in rows],
        t("conv.coverage", lang): [percent(r[3] / r[2], lang) if r[2] else MISSING for r in rows]})


def assignment_screen(assignment: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The proposal as the planner edits it: texts for the reason and the main dimension."""
    out = assignment.copy()
    out["rank"] = [MISSING if pd.isna(r) else number(int(r), lang) for r in out["rank"]]
    out["main_dimension"] = [indicator_label(f"rate_{d}", lang) if d else MISSING
                             for d in out["main_dimension"]]
    out["reason"] = [t(f"conv.reason.{r}", lang) for r in out["reason"]]
    for column in ("untouched", "exclusion"):
        out[column] = [number(int(v), lang) for v in out[column]]
    for column in ("programmes", "runner_up", "proposed_agency", "agency", "village_name"):
        out[column] = out[column].fillna("").astype(str).replace("", MISSING)
    return out


ASSIGNMENT_HEADERS = ("village_code", "village_name", "rank", "main_dimension", "untouched",
                      "agency", "programmes", "exclusion", "reason", "runner_up")


def assignment_headers(lang: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    return {c: t(f"conv.col.{c}", lang) for c in ASSIGNMENT_HEADERS}


def untouched_map(shapes: gpd.GeoDataFrame, result: Convergence, villages: pd.DataFrame,
                  lang: str = DEFAULT_LANGUAGE, *, tiles: str = "none",
                  min_households: int = 0) -> tuple[VillageMap, list[dict]]:
    """Villages coloured by their untouched households (eligible, reached by no programme),
    the go-next villages outlined; returns the map and its legend."""
    table = _named(result, villages)[["village_code", "untouched", "households", "need_effort"]]
    drawn = shapes.merge(table, on="village_code", how="left")
    withheld = drawn["households"].fillna(0) < int(min_households or 0)
    values = drawn["untouched"].where(~withheld)
    classes = classify(values, "quantiles", 5, "YlOrRd", indicator="poor_unreached", lang=lang)
    drawn["untouched_text"] = [MISSING if pd.isna(v) else number(int(v), lang) for v in values]
    drawn["quadrant_text"] = [t(f"conv.q.{q}", lang) if isinstance(q, str) else MISSING
                              for q in drawn["need_effort"]]
    codes = drawn["village_code"].astype(str)
    colours = pd.Series(classes.colours, index=drawn.index).fillna("#d9d9d9")
    styles = {c: {"fillColor": col, "fillOpacity": 0.75,
                  "color": "#000000" if q == GO_NEXT else "#636363",
                  "weight": 3 if q == GO_NEXT else 0.6}
              for c, col, q in zip(codes, colours, drawn["need_effort"])}
    tooltip = {t("village", lang): "village_name", t("conv.untouched", lang): "untouched_text",
               t("conv.quadrant", lang): "quadrant_text"}
    layer = village_layer(drawn, styles=styles, tooltip=tooltip)
    legend = list(classes.legend) + [{"colour": "#ffffff", "outline": "#000000",
                                      "label": t(f"conv.q.{GO_NEXT}", lang),
                                      "count": int((drawn["need_effort"] == GO_NEXT).sum())}]
    return (_village_map([layer], drawn.total_bounds, tiles=tiles,
                         prefer_canvas=len(drawn) > CANVAS_FROM), legend)
