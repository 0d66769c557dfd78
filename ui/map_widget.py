"""The map widget: a folium map rendered once per server and shown with streamlit-folium,
and the legend drawn beside it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import streamlit as st

from geo.i18n import t


@dataclass(frozen=True)
class RenderedMap:
    """What ``st_folium`` sends to its frontend for one map, rendered once (immutable strings).

    Shared by every session through :func:`_rendered_map`: nothing per session is in here
    (the selected village is part of the cache key, the clicks live in each session's state).
    """

    script: str
    header: str
    html: str
    map_id: str
    hash_key: str
    bounds: dict
    zoom: object
    css_links: tuple[str, ...]
    js_links: tuple[str, ...]


#: st_folium's initial return value, before the user touches the map
_MAP_DEFAULTS = ("last_clicked", "last_object_clicked", "last_object_clicked_count",
                 "last_object_clicked_tooltip", "last_object_clicked_popup", "all_drawings",
                 "last_active_drawing", "bounds", "zoom", "last_circle_radius",
                 "last_circle_polygon", "selected_layers", "selected_tags",
                 "last_geocoder_result")


@st.cache_resource(show_spinner=False, max_entries=12)
def _rendered_map(cache_key: str, widget_key: str, _build: Callable) -> RenderedMap:
    """Render a folium map exactly as ``st_folium`` does, once per server and cache key.

    ``st_folium`` renders the whole map three times and runs regular expressions over the
    megabytes of script on every call; for all of Jawa Timur that is most of the page's time.
    Here it happens on a fresh map built by ``_build`` (never shared, so no session sees
    another's half-rendered folium objects) and only the resulting strings are kept.
    """
    import folium.elements
    import streamlit_folium as sf

    m = _build()
    m.get_root().render()
    m.render()
    html = sf._get_html(m)
    header = sf._get_header(m)
    script = sf._get_map_string(m)
    map_id = sf.get_full_id(m)
    southwest, northeast = m.get_bounds()
    bounds = {"_southWest": {"lat": southwest[0], "lng": southwest[1]},
              "_northEast": {"lat": northeast[0], "lng": northeast[1]}}
    css_links: list[str] = []
    js_links: list[str] = []
    stack = [m]
    while stack:  # depth-first, children in order: st_folium's walk
        element = stack.pop()
        if isinstance(element, folium.elements.JSCSSMixin):
            css_links.extend(href for _, href in getattr(element, "default_css", []))
            js_links.extend(src for _, src in getattr(element, "default_js", []))
        stack.extend(reversed(list(getattr(element, "_children", {}).values())))
    return RenderedMap(script=script, header=header, html=html, map_id=map_id,
                       hash_key=sf.generate_js_hash(script, widget_key, False), bounds=bounds,
                       zoom=m.options.get("zoom"),
                       css_links=tuple(dict.fromkeys(css_links)),
                       js_links=tuple(dict.fromkeys(js_links)))


def folium_map(build: Callable, cache_key: str, *, key: str, height: int,
               returned_objects: Iterable[str] = ()):
    """``st_folium(build(), key=key, height=height, use_container_width=True, ...)``, cached.

    The map is built and rendered only when no session has drawn the same map yet;
    ``cache_key`` must identify everything it is drawn from (see :func:`content_token`).
    Returns what ``st_folium`` returns (the clicked object etc.).
    """
    import streamlit_folium as sf

    rendered = _rendered_map(cache_key, key, build)
    returned_objects = list(returned_objects)
    defaults = {name: None for name in _MAP_DEFAULTS if name in returned_objects}
    if "bounds" in defaults:  # a copy: the returned value belongs to this session
        defaults["bounds"] = {corner: dict(point) for corner, point in rendered.bounds.items()}
    if "zoom" in defaults:
        defaults["zoom"] = rendered.zoom
    hash_key = rendered.hash_key

    def on_change():
        st.session_state[key] = st.session_state.get(hash_key, {})

    return sf._component_func(
        script=rendered.script, header=rendered.header, html=rendered.html,
        id=rendered.map_id, key=hash_key, height=height, width=None,
        returned_objects=returned_objects, default=defaults, zoom=None, center=None,
        feature_group=None, return_on_hover=False, layer_control=None, pixelated=False,
        css_links=list(rendered.css_links), js_links=list(rendered.js_links),
        on_change=on_change, wrap_longitude=False)


def draw_legend(entries: list[dict], title: str, lang: str) -> None:
    """The map legend beside the map: colour swatch, class label, count (labels escaped)."""
    import html

    rows = []
    for entry in entries:
        label = entry.get("label", "")
        if label == "no data":
            label = t("no_data", lang)
        outline = entry.get("outline", "#555555")
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="display:inline-block;width:18px;height:14px;background:{entry["colour"]};'
            f'border:1px solid {outline}"></span>'
            f'<span>{html.escape(str(label))} ({entry.get("count", 0):,})</span></div>'
        )
    st.markdown(f"**{html.escape(title)}**\n\n" + "".join(rows), unsafe_allow_html=True)
