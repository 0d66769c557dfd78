"""The quality map of the Data page: overlaps, gaps and repaired villages over the villages.

Shapes come from :func:`geo.boundaries.quality_layer.quality_features`; this module only gives
them colours, a legend and a worst-first table, in the reader's language.
"""

from __future__ import annotations

import geopandas as gpd
import pandas as pd

from geo.boundaries.quality_layer import KINDS
from geo.i18n import DEFAULT_LANGUAGE, number, t
from geo.presentation.webmap import CANVAS_FROM, TILES, VillageMap, village_layer

#: fill, outline and line weight per kind: overlaps red, gaps blue, repaired outlines orange
KIND_STYLES = {
    "overlap": {"fillColor": "#e31a1c", "fillOpacity": 0.8, "color": "#99000d", "weight": 2},
    "gap": {"fillColor": "#2171b5", "fillOpacity": 0.8, "color": "#08306b", "weight": 2},
    "repaired": {"fillColor": "#fd8d3c", "fillOpacity": 0.0, "color": "#d94801", "weight": 3},
}
VILLAGE_STYLE = {"fillColor": "#f0f0f0", "fillOpacity": 0.4, "color": "#969696", "weight": 0.5}


def kind_label(kind: str, lang: str = DEFAULT_LANGUAGE) -> str:
    return t(f"quality_kind_{kind}", lang)


def quality_rows(features: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """One row per drawn feature, worst first within each kind, as text for tooltips."""
    rows = pd.DataFrame(features.drop(columns="geometry")).copy()
    kinds = rows["kind"].astype(str)
    rows["kind_text"] = [kind_label(k, lang) for k in kinds]
    rows["place"] = [label or t("quality_gap_n", lang, n=int(rank))
                     for label, rank in zip(rows["label"].astype(str), rows["rank"])]
    rows["area_text"] = [f"{number(round(float(a), 1), lang)} m²" for a in rows["area_m2"]]
    return rows


def quality_table(features: gpd.GeoDataFrame, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The worst-first table: kind, rank, place (village names and codes), area in m²."""
    rows = quality_rows(features, lang)
    return pd.DataFrame({"kind": rows["kind_text"], "rank": rows["rank"].astype(int),
                         "place": rows["place"],
                         "area_m2": rows["area_m2"].astype(float).round(1)})


def quality_legend(features: gpd.GeoDataFrame, totals: dict[str, int],
                   lang: str = DEFAULT_LANGUAGE) -> list[dict]:
    """Legend entries for the kinds the report counts (counts are the report's, all of them)."""
    return [{"colour": KIND_STYLES[k]["fillColor"] if k != "repaired" else "#ffffff",
             "outline": KIND_STYLES[k]["color"], "label": kind_label(k, lang),
             "count": int(totals.get(k, 0))}
            for k in KINDS if totals.get(k, 0)]


def quality_map(shapes: gpd.GeoDataFrame, features: gpd.GeoDataFrame,
                lang: str = DEFAULT_LANGUAGE, *, tiles: str = "none") -> VillageMap:
    """Villages in light grey under the quality features, fitted to the features."""
    rows = quality_rows(features, lang)
    drawn = gpd.GeoDataFrame(rows.assign(geometry=features.geometry.to_numpy()),
                             geometry="geometry", crs=features.crs)
    tooltip = {t("quality_kind", lang): "kind_text", t("village", lang): "place",
               t("area_m2", lang): "area_text"}
    styles = {fid: KIND_STYLES[kind] for fid, kind in zip(drawn["feature_id"], drawn["kind"])}
    base = village_layer(shapes, styles={c: VILLAGE_STYLE for c in shapes["village_code"]},
                         tooltip={t("village", lang): "village_name"}, name="villages",
                         label_column=None)
    layer = village_layer(drawn, styles=styles, tooltip=tooltip, name="quality",
                          id_column="feature_id", label_column=None)
    if tiles not in TILES:
        raise ValueError(f"unknown tiles {tiles!r}; choose one of {', '.join(TILES)}")
    bounds = tuple(float(b) for b in drawn.total_bounds) if len(drawn) else None
    return VillageMap(layers=tuple(x for x in (base, layer) if x is not None), bounds=bounds,
                      tiles=tiles, prefer_canvas=len(shapes) > CANVAS_FROM)
