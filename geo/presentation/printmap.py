"""Printable maps (PNG, PDF) of the focus list and of the poverty pockets, with matplotlib.

For the decree annex and meeting slides: A4 landscape, title, legend, north arrow, scale bar,
date and data-source line; no basemap tiles, so it works offline. Maps are drawn in the UTM
zone of the villages (metres), so the scale bar is true and north is up.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from matplotlib import patheffects
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

import geo
from geo.common.crs import metric_crs
from geo.i18n import date_text, number, t
from geo.i18n.labels import value_label
from geo.presentation.region import region_title
from geo.presentation.styles import (FOCUS_COLOUR, FOCUS_OUTLINE, OTHER_COLOUR, OTHER_OUTLINE,
                                     POCKET_CLASSES, print_style)

A4_LANDSCAPE = (11.69, 8.27)  # inches
PNG_DPI = 200
#: class: (fill, edge, hatch), from the table the web map uses too (geo.presentation.styles)
POCKET_STYLE = {name: print_style(style) for name, style in POCKET_CLASSES.items()}


def print_text(key: str, lang: str, **params) -> str:
    """A text of the printed maps in ``lang`` (catalogue ids ``print.<key>``)."""
    return t(f"print.{key}", lang, **params)


def _nice_length(span_m: float) -> float:
    """A round scale-bar length (1, 2 or 5 x 10^k metres) near a fifth of the map width."""
    target = max(span_m / 5, 1.0)
    power = 10 ** np.floor(np.log10(target))
    return float(max(m * power for m in (1, 2, 5) if m * power <= target))


def _distance(metres: float) -> str:
    return f"{metres / 1000:g} km" if metres >= 1000 else f"{metres:g} m"


def _scale_bar(ax) -> None:
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    length = _nice_length(x1 - x0)
    height = (y1 - y0) * 0.012
    left, bottom = x0 + (x1 - x0) * 0.02, y0 + (y1 - y0) * 0.015
    for i, colour in enumerate(("black", "white")):
        ax.add_patch(Rectangle((left + i * length / 2, bottom), length / 2, height,
                               facecolor=colour, edgecolor="black", linewidth=0.8, zorder=5))
    for fraction, text in ((0, "0"), (0.5, _distance(length / 2)), (1, _distance(length))):
        ax.text(left + fraction * length, bottom + height * 1.6, text, ha="center", va="bottom",
                fontsize=7, zorder=5)


def _north_arrow(side, letter: str) -> None:
    """North arrow in the side panel, where it never hides a village (UTM: grid north is up)."""
    side.annotate(letter, xy=(0.08, 0.14), xytext=(0.08, 0.03), xycoords="axes fraction",
                ha="center", va="center", fontsize=13, fontweight="bold",
                arrowprops={"facecolor": "black", "width": 4, "headwidth": 12, "headlength": 10})


def _for_print(villages: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Villages in metres (UTM), simplified to what A4 can show.

    The tolerance is 1/3000 of the map's extent, about 0.2 pt on the printed page: invisible,
    yet it cuts a province's 800,000 vertices enough to draw and write the PDF quickly.
    """
    if not len(villages):
        return villages
    metric = villages.to_crs(metric_crs(villages))
    x0, y0, x1, y1 = metric.total_bounds
    tolerance = max(x1 - x0, y1 - y0) / 3000
    metric.geometry = shapely.simplify(metric.geometry.values, tolerance, preserve_topology=True)
    return metric


def _date(value: str, lang: str) -> str:
    """The analysis date written for the language (``14 Mar 2025``); ``-`` when unknown."""
    try:
        return date_text(value, lang) if value else "-"
    except ValueError:  # not an ISO date: shown as given
        return str(value)


def _page(villages: gpd.GeoDataFrame, title: str, lang: str, date: str, sources) -> tuple:
    """An A4 landscape figure with the map axes (UTM) and a side panel for legend and list."""
    fig = Figure(figsize=A4_LANDSCAPE)
    ax = fig.add_axes((0.03, 0.09, 0.66, 0.80))
    side = fig.add_axes((0.71, 0.09, 0.27, 0.80))
    side.set_axis_off()
    ax.set_axis_off()
    ax.set_aspect("equal")
    region = region_title(villages, lang) if "regency_code" in villages else ""
    fig.text(0.03, 0.955, title, fontsize=16, fontweight="bold", va="center", parse_math=False)
    if region:
        fig.text(0.03, 0.915, region, fontsize=11, va="center", parse_math=False)
    metric = _for_print(villages)
    source_line = "; ".join(sources) if sources else "-"
    fig.text(0.03, 0.045,
             f"{print_text('date', lang)}: {_date(date, lang)}    {print_text('source', lang)}: {source_line}", fontsize=8,
             parse_math=False)
    fig.text(0.03, 0.02, f"{print_text('projection', lang)}: {metric.crs.name if metric.crs else '-'}    "
             f"{print_text('made', lang)} {geo.__version__}", fontsize=7, color="#555555", parse_math=False)
    return fig, ax, side, metric


def _finish_map(ax, side, metric: gpd.GeoDataFrame, lang: str) -> None:
    # district outlines for a city or regency; regency outlines for a province
    level = "district_code" if len(metric) <= 2000 else "regency_code"
    if level in metric and 1 < metric[level].nunique() < len(metric):
        outlines = metric[[level, "geometry"]].dissolve(level)
        outlines.boundary.plot(ax=ax, color="#333333", linewidth=0.7, zorder=3)
    if len(metric):
        x0, y0, x1, y1 = metric.total_bounds
        pad = max(x1 - x0, y1 - y0) * 0.03
        ax.set_xlim(x0 - pad, x1 + pad)
        ax.set_ylim(y0 - pad - (y1 - y0) * 0.08, y1 + pad)  # room for the scale bar
        _scale_bar(ax)
    _north_arrow(side, print_text("north", lang))


def focus_map(villages: gpd.GeoDataFrame, *, lang: str = "id", title: str | None = None,
              date: str = "", sources=(), max_labels: int = 30) -> Figure:
    """Map of the focus list: focus villages highlighted and numbered by rank, others grey.

    Parameters
    ----------
    villages
        Exported village layer (EPSG:4326) with ``in_focus_list`` and ``rank``.
    lang
        ``"id"`` or ``"en"``.
    title, date, sources
        Title (default by language), analysis date and data file names for the footer.
    max_labels
        Focus villages listed by name beside the map; more are numbered on the map only
        (the full list is in the XLSX). Above 150 focus villages no numbers are drawn.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax, side, metric = _page(villages, title or print_text("focus_title", lang), lang, date,
                                  sources)
    focus = metric["in_focus_list"].fillna(False).astype(bool).to_numpy() if len(metric) else []
    if len(metric):
        metric[~focus].plot(ax=ax, color=OTHER_COLOUR, edgecolor="white", linewidth=0.2)
        if focus.any():
            metric[focus].plot(ax=ax, color=FOCUS_COLOUR, edgecolor=FOCUS_OUTLINE, linewidth=0.5)
    _finish_map(ax, side, metric, lang)
    chosen = metric[focus].sort_values("rank") if len(metric) else metric
    if 0 < len(chosen) <= 150:
        points = chosen.geometry.representative_point()
        for rank, point in zip(chosen["rank"], points):
            ax.text(point.x, point.y, str(rank), fontsize=6 if len(chosen) > 40 else 7, gid="rank",
                    ha="center", va="center", zorder=6, parse_math=False,
                    path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
    handles = [
        Patch(facecolor=FOCUS_COLOUR, edgecolor=FOCUS_OUTLINE,
              label=f"{print_text('focus', lang)} ({number(len(chosen), lang)})"),
        Patch(facecolor=OTHER_COLOUR, edgecolor=OTHER_OUTLINE,
              label=f"{print_text('other', lang)} ({number(len(metric) - len(chosen), lang)})"),
    ]
    side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9)
    if len(chosen):
        names = chosen["village_name"] if "village_name" in chosen else chosen["village_code"]
        districts = (chosen["district_name"] if "district_name" in chosen
                     else pd.Series(pd.NA, index=chosen.index)).astype(object)
        lines = [
            f"{r}. {n}" + ("" if pd.isna(d) else f" ({d})")
            for r, n, d in zip(chosen["rank"], names, districts)
        ][:max_labels]
        if len(chosen) > max_labels:
            lines.append(print_text("more", lang, n=len(chosen) - max_labels))
        side.text(0, 0.84, print_text("list", lang), fontsize=9, fontweight="bold", va="top",
                  transform=side.transAxes)
        side.text(0, 0.80, "\n".join(lines), fontsize=6.5 if len(lines) > 25 else 8, va="top",
                  transform=side.transAxes, parse_math=False, linespacing=1.3)
    return fig


def pocket_map(villages: gpd.GeoDataFrame, *, lang: str = "id", title: str | None = None,
               date: str = "", sources=()) -> Figure:
    """Map of the poverty pockets: villages coloured by their Local Moran's I class.

    HH dark red, LL blue, HL pink, LH light blue, not significant light grey, isolated
    (no neighbour) hatched, no data white; the legend counts the villages in each class.
    """
    fig, ax, side, metric = _page(villages, title or print_text("pocket_title", lang), lang, date,
                                  sources)
    classes = (
        metric["pocket"].astype("string").fillna("no_data") if "pocket" in metric
        else pd.Series("no_data", index=metric.index)
    )
    classes = classes.where(classes.isin(list(POCKET_STYLE)), "no_data")
    handles = []
    for name, (fill, edge, hatch) in POCKET_STYLE.items():
        subset = metric[(classes == name).to_numpy()]
        if len(subset):
            subset.plot(ax=ax, facecolor=fill, edgecolor=edge, linewidth=0.3, hatch=hatch)
        handles.append(Patch(facecolor=fill, edgecolor="#555555" if fill == "#ffffff" else edge,
                             hatch=hatch, label=f"{value_label('pocket', name, lang)} ({number(len(subset), lang)})"))
    _finish_map(ax, side, metric, lang)
    side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9,
                title=f"{number(len(metric), lang)} {print_text('villages', lang)}", title_fontsize=9)
    return fig


def save_map(fig: Figure, path, *, dpi: int = PNG_DPI, title: str = "") -> Path:
    """Save a map as PNG (``dpi``) or PDF (A4 landscape, vector), by the file suffix."""
    path = Path(path)
    metadata = {"Title": title, "Creator": f"geo {geo.__version__} (poverty-pocket map)"}
    if path.suffix.lower() == ".png":
        metadata = {"Title": title, "Software": f"geo {geo.__version__}"}
    fig.savefig(path, dpi=dpi, metadata=metadata, facecolor="white")
    return path
