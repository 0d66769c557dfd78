"""Printable maps (PNG, PDF): focus list, pockets, a chosen indicator, one district, the pilot area.

For the decree annex and meeting slides: A4 (A3 above :data:`A3_VILLAGES` villages), landscape
or portrait by the shape of the area, title, legend, north arrow, scale bar, date and
data-source line; no basemap tiles, so it works offline. Maps are drawn in the UTM zone of the
villages (metres), so the scale bar is true and north is up. The choropleth uses
:func:`geo.presentation.display.classify`, the classes the screen shows.

At province scale a village is a speck: focus villages (and pilot villages) are then also
drawn as a point marker at their representative point, with a thick outline, so each one can
be found on paper (:data:`MARK_VILLAGES`).
"""

from __future__ import annotations

import os
import tempfile
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import geo
from geo.common.crs import metric_crs
from geo.i18n import date_text, number, t
from geo.i18n.labels import value_label
from geo.presentation.region import region_title
from geo.presentation.styles import (FOCUS_COLOUR, FOCUS_OUTLINE, OTHER_COLOUR, OTHER_OUTLINE,
                                     POCKET_CLASSES, print_style)

if TYPE_CHECKING:  # matplotlib itself is imported when a map is drawn (see _patch)
    from matplotlib.figure import Figure

A4_LANDSCAPE = (11.69, 8.27)  # inches
A3_LANDSCAPE = (16.54, 11.69)
A3_VILLAGES = 2000  # more villages than this (a province) print on A3
MARK_VILLAGES = 1000  # above this many villages, focus/pilot villages get a point marker too
MAX_SOURCES = 3  # footer lists this many file names, then "(+N)"
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


def _patch(**style):
    """A legend swatch (matplotlib is imported when a map is printed, not with this module:
    every page imports it for its print buttons, and matplotlib took 0.4 s of a first visit)."""
    from matplotlib.patches import Patch

    return Patch(**style)


def _scale_bar(ax) -> None:
    from matplotlib.patches import Rectangle

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


def paper(villages: gpd.GeoDataFrame) -> tuple[float, float]:
    """Paper size in inches: A4, or A3 for a province; portrait when the area is taller than wide."""
    size = A3_LANDSCAPE if len(villages) > A3_VILLAGES else A4_LANDSCAPE
    if len(villages):
        x0, y0, x1, y1 = villages.total_bounds
        if (y1 - y0) > 1.2 * (x1 - x0):
            return size[1], size[0]
    return size


def _source_line(sources) -> str:
    """The data files, at most :data:`MAX_SOURCES` named (38 dumps of a province overran the page)."""
    sources = [str(s) for s in sources]
    if not sources:
        return "-"
    line = "; ".join(sources[:MAX_SOURCES])
    return line + (f" (+{len(sources) - MAX_SOURCES})" if len(sources) > MAX_SOURCES else "")


def _page(villages: gpd.GeoDataFrame, title: str, lang: str, date: str, sources,
          subtitle: str = "") -> tuple:
    """A figure with the map axes (UTM) and a panel for legend and list, inside the page.

    Landscape: the panel is right of the map; portrait: below it. Title and footer sit in
    fixed bands of the page, so nothing is cut off whatever the paper size.
    """
    from matplotlib.figure import Figure

    metric = _for_print(villages)
    width, height = paper(metric)
    fig = Figure(figsize=(width, height))
    top, foot = 1 - 0.9 / height, 0.75 / height  # title band 0.9 in, footer band 0.75 in
    if width >= height:
        ax = fig.add_axes((0.03, foot, 0.66, top - foot - 0.01))
        side = fig.add_axes((0.71, foot, 0.27, top - foot - 0.01))
    else:
        ax = fig.add_axes((0.04, foot + 0.24, 0.92, top - foot - 0.25))
        side = fig.add_axes((0.04, foot, 0.92, 0.22))
    side.set_axis_off()
    ax.set_axis_off()
    ax.set_aspect("equal")
    region = region_title(villages, lang) if "regency_code" in villages else ""
    fig.text(0.03, 1 - 0.35 / height, title, fontsize=16, fontweight="bold", va="center",
             parse_math=False, gid="title")
    below = " · ".join(p for p in (subtitle, region) if p)
    if below:
        fig.text(0.03, 1 - 0.68 / height, below, fontsize=11, va="center", parse_math=False)
    fig.text(0.03, 0.42 / height,
             f"{print_text('date', lang)}: {_date(date, lang)}    {print_text('source', lang)}: "
             f"{_source_line(sources)}", fontsize=8, parse_math=False, gid="footer")
    fig.text(0.03, 0.18 / height, f"{print_text('projection', lang)}: {metric.crs.name if metric.crs else '-'}    "
             f"{print_text('made', lang)} {geo.__version__}", fontsize=7, color="#555555",
             parse_math=False, gid="footer")
    return fig, ax, side, metric


def _mark(ax, chosen: gpd.GeoDataFrame, total: int, colour: str, edge: str) -> None:
    """Point markers at the representative points when villages are too small to see."""
    if total > MARK_VILLAGES and len(chosen):
        points = chosen.geometry.representative_point()
        ax.scatter(points.x, points.y, s=28, facecolor=colour, edgecolor=edge, linewidth=0.9,
                   zorder=7)


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
    from matplotlib import patheffects

    fig, ax, side, metric = _page(villages, title or print_text("focus_title", lang), lang, date,
                                  sources)
    focus = metric["in_focus_list"].fillna(False).astype(bool).to_numpy() if len(metric) else []
    if len(metric):
        metric[~focus].plot(ax=ax, color=OTHER_COLOUR, edgecolor="white", linewidth=0.2)
        if focus.any():
            metric[focus].plot(ax=ax, color=FOCUS_COLOUR, edgecolor=FOCUS_OUTLINE,
                               linewidth=1.2 if len(metric) > MARK_VILLAGES else 0.5, zorder=4)
    _finish_map(ax, side, metric, lang)
    if len(metric):
        _mark(ax, metric[focus], len(metric), FOCUS_COLOUR, FOCUS_OUTLINE)
    chosen = metric[focus].sort_values("rank") if len(metric) else metric
    if 0 < len(chosen) <= 150 and len(metric) <= MARK_VILLAGES:
        points = chosen.geometry.representative_point()
        for rank, point in zip(chosen["rank"], points):
            ax.text(point.x, point.y, str(rank), fontsize=6 if len(chosen) > 40 else 7, gid="rank",
                    ha="center", va="center", zorder=6, parse_math=False,
                    path_effects=[patheffects.withStroke(linewidth=2, foreground="white")])
    handles = [
        _patch(facecolor=FOCUS_COLOUR, edgecolor=FOCUS_OUTLINE,
              label=f"{print_text('focus', lang)} ({number(len(chosen), lang)})"),
        _patch(facecolor=OTHER_COLOUR, edgecolor=OTHER_OUTLINE,
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
        handles.append(_patch(facecolor=fill, edgecolor="#555555" if fill == "#ffffff" else edge,
                             hatch=hatch, label=f"{value_label('pocket', name, lang)} ({number(len(subset), lang)})"))
    _finish_map(ax, side, metric, lang)
    side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9,
                title=f"{number(len(metric), lang)} {print_text('villages', lang)}", title_fontsize=9)
    return fig


def save_map(fig: Figure, path, *, dpi: int = PNG_DPI, title: str = "") -> Path:
    """Save a map as PNG (``dpi``) or PDF (vector), by the file suffix; whole or not at all.

    The file is written beside the target and moved into place (``os.replace``), so a
    failed or interrupted save never leaves half a PDF under the final name.
    """
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    metadata = {"Title": title, "Creator": f"geo {geo.__version__} (poverty-pocket map)"}
    if kind == "png":
        metadata = {"Title": title, "Software": f"geo {geo.__version__}"}
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".{kind}.part",
                                    dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            fig.savefig(out, format=kind, dpi=dpi, metadata=metadata, facecolor="white")
        os.chmod(temp, _file_mode())  # mkstemp's 0600 would hide the map from colleagues
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file: 0666 less the process umask."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def map_bytes(fig: Figure, kind: str, *, dpi: int = PNG_DPI, title: str = "") -> bytes:
    """The map as PNG or PDF bytes (for a download button)."""
    import io

    metadata = ({"Title": title, "Software": f"geo {geo.__version__}"} if kind == "png" else
                {"Title": title, "Creator": f"geo {geo.__version__} (poverty-pocket map)"})
    buffer = io.BytesIO()
    fig.savefig(buffer, format=kind, dpi=dpi, metadata=metadata, facecolor="white")
    return buffer.getvalue()


def indicator_map(villages: gpd.GeoDataFrame, indicator: str, *, scheme: str = "quantiles",
                  k: int = 5, palette: str = "YlOrRd", lang: str = "id", title: str | None = None,
                  subtitle: str = "", date: str = "", sources=()) -> Figure:
    """Choropleth of one indicator with the classes of the screen (:func:`display.classify`)."""
    from geo.i18n.labels import indicator_label
    from geo.presentation.display import classify

    label = indicator_label(indicator, lang)
    fig, ax, side, metric = _page(villages, title or label, lang, date, sources, subtitle)
    if len(metric):
        values = metric[indicator] if indicator in metric else pd.Series(np.nan, index=metric.index)
        classes = classify(values.to_numpy(), scheme, k, palette, indicator=indicator, lang=lang)
        metric.plot(ax=ax, color=classes.colours.to_numpy(), edgecolor="white",
                    linewidth=0.2 if len(metric) > MARK_VILLAGES else 0.4)
        handles = [_patch(facecolor=e["colour"], edgecolor="#555555",
                         label=f"{e['label']} ({number(e['count'], lang)})") for e in classes.legend]
        side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9, title=label,
                    title_fontsize=9)
        if classes.note:  # fewer classes than asked: why, as under the screen legend
            side.text(0.0, 0.45, textwrap.fill(classes.note, 48), transform=side.transAxes,
                      fontsize=8, va="top")
    _finish_map(ax, side, metric, lang)
    return fig


def district_map(villages: gpd.GeoDataFrame, district_code: str, indicator: str, *,
                 lang: str = "id", **options) -> Figure:
    """The indicator map of one district (kecamatan), its name under the title."""
    from geo.presentation.views import district_column

    inside = villages[villages["district_code"].astype("string") == str(district_code)]
    name_column = district_column(villages)
    name = (str(inside[name_column].iloc[0]) if len(inside) and name_column in inside
            and pd.notna(inside[name_column].iloc[0]) else str(district_code))
    return indicator_map(inside, indicator, lang=lang,
                         subtitle=print_text("district_of", lang, name=name), **options)


PILOT_STYLE = {  # role: (fill, edge, linewidth) — the web map's pilot colours (webmap.pilot_map)
    "pilot": ("#ffffff", "#000000", 2.2),
    "neighbour": ("#f0f0f0", "#636363", 0.8),
    "candidate": ("#fdd49e", "#b35806", 1.0),
    "other": ("#fafafa", "#d9d9d9", 0.3),
}
GRID_COLOUR = "#e31a1c"


def pilot_area_map(villages: gpd.GeoDataFrame, codes, neighbour_codes=(), candidate_codes=(), *,
                   grid: gpd.GeoDataFrame | None = None, lang: str = "id", title: str | None = None,
                   date: str = "", sources=(), rule: str = "") -> Figure:
    """The pilot area: pilot villages, neighbours, expansion candidates and the household grid.

    Only the pilot area is drawn (the pilot, its neighbours and candidates, and the villages
    in their bounding box for context), so a kelurahan of a province is readable on A4. The
    grid cells are aggregates of :func:`geo.spatial.pilot.household_grid` (small cells hidden).
    ``rule`` is the text of the candidate rule printed under the legend.
    """
    codes = [str(c) for c in codes]
    role = pd.Series("other", index=villages.index)
    code = villages["village_code"].astype("string")
    role[code.isin([str(c) for c in candidate_codes]).to_numpy()] = "candidate"
    role[code.isin([str(c) for c in neighbour_codes]).to_numpy()] = "neighbour"
    role[code.isin(codes).to_numpy()] = "pilot"
    area = villages[(role != "other").to_numpy()]
    if len(area):  # the context: villages touching the area's bounding box
        box = shapely.box(*area.total_bounds)
        area = villages[villages.intersects(box).to_numpy()]
    names = villages.loc[code.isin(codes).to_numpy(), "village_name"].astype(str).tolist() \
        if "village_name" in villages else codes
    fig, ax, side, metric = _page(area, title or print_text("pilot_title", lang), lang, date,
                                  sources, subtitle=", ".join(names[:4]))
    roles = role.loc[metric.index]
    handles = []
    for name in ("other", "candidate", "neighbour", "pilot"):
        fill, edge, width = PILOT_STYLE[name]
        subset = metric[(roles == name).to_numpy()]
        if len(subset):
            subset.plot(ax=ax, facecolor=fill if name != "pilot" else "none", edgecolor=edge,
                        linewidth=width, zorder=4 if name == "pilot" else 2,
                        linestyle="--" if name == "candidate" else "-")
        if name != "other":
            handles.append(_patch(facecolor=fill, edgecolor=edge, linewidth=width,
                                 label=f"{print_text('pilot_' + name, lang)} ({number(len(subset), lang)})"))
    if grid is not None and len(grid) and metric.crs is not None:
        cells = grid.to_crs(metric.crs)
        top = max(float(cells["poor_households"].max()), 1.0)
        alpha = 0.15 + 0.7 * cells["poor_households"].to_numpy(dtype=float) / top
        cells.plot(ax=ax, color=[(0.89, 0.10, 0.11, a) for a in alpha], edgecolor="#800026",
                   linewidth=0.3, zorder=3)
        handles.append(_patch(facecolor=GRID_COLOUR, edgecolor="#800026", alpha=0.6,
                             label=print_text("pilot_grid", lang, n=number(len(cells), lang))))
    _finish_map(ax, side, metric, lang)
    side.legend(handles=handles, loc="upper left", frameon=False, fontsize=9)
    if rule:
        side.text(0, 0.55, rule, fontsize=7.5, va="top", wrap=True, transform=side.transAxes,
                  parse_math=False, gid="rule")
    return fig
