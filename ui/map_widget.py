"""The map widget: a village map drawn by our own small Streamlit component (local Leaflet),
and the legend drawn beside it.

The component (``ui/components/village_map/main.js`` and a page made from the asset URLs, laid
out in ``./static/components`` at start-up: plain JavaScript, no build step) gets
only a URL, the selected village, where to look (a focus) and its height. The map's data is
made once per server and cache key and written into ``./static/maps`` (:func:`geo.presentation.offline.publish_map_data`);
the browser fetches it once per map. A click or another selection reruns the script and sends
the same few bytes again, never the village layer. Colours may come on their own
(``styles``: :class:`geo.presentation.webmap.LayerStyles`, a small file of its own), so a
weight change or another classification recolours the drawn villages: the shapes are neither
built, sent nor drawn again.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from geo.common.cores import yield_cores
from geo.i18n import number
from geo.presentation.detail import DetailPlan, detail_tiles
from geo.presentation.offline import (DETAIL_BASE_URL, DETAIL_COMPLETE, DETAIL_SUBDIR,
                                      KEEP_STYLES, STATIC_DIR, STYLES_SUBDIR, component_page,
                                      publish_detail, publish_map_data)
from geo.presentation.webmap import LayerStyles, MapFocus, map_styles_json

log = logging.getLogger(__name__)

#: the component's script (plain JavaScript, no build step)
COMPONENT_SOURCE = Path(__file__).resolve().parent / "components" / "village_map" / "main.js"
#: where the component is served from: its page (made from the asset URLs) and its script
COMPONENT_DIR = STATIC_DIR / "components" / "village_map"


def _write_component(folder: Path = COMPONENT_DIR) -> Path:
    """Lay out the component's folder (``index.html`` and ``main.js``) unless already current;
    each file is replaced whole, so a reader never sees half of one."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("index.html", component_page()),
                       ("main.js", COMPONENT_SOURCE.read_text(encoding="utf-8"))):
        target = folder / name
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            partial = folder / f".{name}.{os.getpid()}"
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, target)
    return folder


#: the component's name in the page (its iframe's title): ``ui.map_widget.village_map``
_village_map_component = components.declare_component("village_map",
                                                      path=str(_write_component()))
COMPONENT_NAME = _village_map_component.name


@st.cache_resource(show_spinner=False, max_entries=12)
def map_data(cache_key: str, _build: Callable) -> str:
    """The map's JSON, built once per server and cache key by ``_build()``
    (a :class:`geo.presentation.webmap.VillageMap`); shared by every session."""
    return _build().to_json()


@dataclass(frozen=True)
class MapDetail:
    """Finer shapes for a map's close zoom: the plan the browser reads and the full village
    shapes its tiles are made from (shared read-only; :func:`ui.state.map_detail`)."""

    plan: DetailPlan
    villages: object


_writing: set[str] = set()  # detail folders being written by this server
_writing_lock = threading.Lock()


def publish_detail_later(detail: MapDetail, static_dir: Path = STATIC_DIR) -> threading.Thread | None:
    """Write the detail tiles on a thread of their own unless they are there or under way:
    after the map is sent, so the first polygons never wait for them (the map asks again
    for a tile it did not find). Returns the thread started, if any."""
    name = detail.plan.name
    if (Path(static_dir) / DETAIL_SUBDIR / name / DETAIL_COMPLETE).exists():
        return None
    with _writing_lock:
        if name in _writing:
            return None
        _writing.add(name)

    def write() -> None:
        yield_cores()  # other sessions' maps come first; the map asks again for a late tile
        try:
            publish_detail(name, detail_tiles(detail.villages, detail.plan), static_dir)
        except Exception as exc:  # noqa: BLE001 - the map keeps its drawn shapes
            log.warning("map detail not written (%s: %s)", type(exc).__name__, exc)
        finally:
            with _writing_lock:
                _writing.discard(name)

    thread = threading.Thread(target=write, daemon=True, name="ppm-map-detail")
    thread.start()
    return thread


def show_map(build: Callable, cache_key: str, *, key: str, height: int,
             selected: str | None = None,
             on_click: Callable[[str], None] | None = None,
             focus: MapFocus | None = None,
             styles: list[LayerStyles | None] | None = None,
             detail: MapDetail | None = None) -> str | None:
    """Draw the map ``build()`` returns (built only when no session has drawn it yet).

    Parameters
    ----------
    build
        Returns a :class:`geo.presentation.webmap.VillageMap`.
    cache_key
        Identifies everything the map is drawn from (see :func:`ui.state.content_token`),
        except the selection.
    key
        The widget's key (one per map on a page).
    selected
        The village outlined (changing it sends no village data again).
    on_click
        Called with the clicked feature's id (a village code as the browser sent it: check
        it before use) before the script reruns; None: the map takes no clicks.
    focus
        Where the view is fitted (:func:`geo.presentation.webmap.focus_on`): a few numbers
        beside the cached data, refitted only when they change.
    styles
        Colours per layer of the built map (``None`` for a layer: its own), e.g.
        :func:`geo.presentation.webmap.choropleth_styles`; leave the colours out of
        ``cache_key`` then: the same shapes serve every colouring.
    detail
        Finer shapes the map fetches once zoomed in (:func:`ui.state.map_detail`), or None.

    Returns
    -------
    str or None
        The id of the last clicked feature of this session's map, or None.
    """
    if detail is not None:
        spec = detail.plan.to_dict(DETAIL_BASE_URL)
        drawn = build
        build, cache_key = (lambda: replace(drawn(), detail=spec)), f"{cache_key}|{detail.plan.name}"
    url = publish_map_data(map_data(cache_key, build))
    extra = {} if styles is None else {"style_url": publish_map_data(
        map_styles_json(styles), subdir=STYLES_SUBDIR, keep=KEEP_STYLES)}

    def clicked():
        value = st.session_state.get(key)
        if on_click is not None and isinstance(value, dict) and value.get("code"):
            on_click(str(value["code"]))

    value = _village_map_component(data_url=url, selected=selected, height=int(height),
                                   focus=None if focus is None else focus.to_dict(),
                                   clickable=on_click is not None, key=key, default=None,
                                   on_change=clicked, **extra)
    if detail is not None:
        publish_detail_later(detail)
    if isinstance(value, dict) and value.get("code"):
        return str(value["code"])
    return None


def draw_legend(entries: list[dict], title: str, lang: str) -> None:
    """The map legend beside the map: colour swatch, class label, count (labels escaped)."""
    import html

    rows = []
    for entry in entries:
        label = entry.get("label", "")
        outline = entry.get("outline", "#555555")
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="display:inline-block;width:18px;height:14px;background:{entry["colour"]};'
            f'border:1px solid {outline}"></span>'
            f'<span>{html.escape(str(label))} ({number(entry.get("count", 0), lang)})</span></div>'
        )
    st.markdown(f"**{html.escape(title)}**\n\n" + "".join(rows), unsafe_allow_html=True)


def show_outline(job, lang: str, *, key: str = "village_map", height: int = 560) -> None:
    """The village outlines (grey, names as tooltips) while the analysis is still running
    (:mod:`ui.preparation`): the polygons within seconds of a first visit, before the
    households are joined and scored. Built once per server and language."""
    import pandas as pd

    from geo.i18n import t
    from geo.presentation.styles import NO_DATA_COLOUR
    from geo.presentation.webmap import choropleth_map

    shapes = job.outline_layer.shapes
    tooltip = {t("village", lang): "village_name"}
    if "district_name" in shapes:
        tooltip[t("district", lang)] = "district_name"

    def build():
        return choropleth_map(shapes, pd.Series(NO_DATA_COLOUR, index=shapes.index), tooltip)

    st.caption(t("prepare.outline_note", lang))
    show_map(build, f"outline-{job.fingerprint}-{lang}", key=key, height=height)
