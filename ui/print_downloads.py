"""Print-map downloads (PNG and PDF) under a page's map, made only when asked for.

A print figure of a province takes seconds to draw, so it is not redrawn on every rerun: a
button makes it once for what is on screen (the cache key of the map), and the two download
buttons offer the bytes until the map changes.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from geo.i18n import t


def print_downloads(key: str, cache_key: str, draw: Callable, *, title: str, file_stem: str,
                    lang: str) -> None:
    """A "prepare the print map" button, then PDF and PNG downloads of ``draw()``'s figure."""
    import ui.auth

    if not ui.auth.allowed("download"):
        return
    held = st.session_state.get(f"{key}_print")
    if held is None or held[0] != cache_key:
        if not st.button(t("print_prepare", lang), key=f"{key}_print_prepare"):
            return
        import matplotlib.pyplot as plt  # only now: 0.4 s of a first visit otherwise

        from geo.presentation.printmap import map_bytes

        with st.spinner(t("print_preparing", lang)):
            figure = draw()
            held = (cache_key, {kind: map_bytes(figure, kind, title=title) for kind in ("pdf", "png")})
            plt.close(figure)
        st.session_state[f"{key}_print"] = held
    left, right = st.columns(2)
    for column, kind, mime in ((left, "pdf", "application/pdf"), (right, "png", "image/png")):
        column.download_button(t("download_print_map", lang, kind=kind.upper()), held[1][kind],
                               file_name=f"{file_stem}.{kind}", mime=mime,
                               key=f"{key}_download_{kind}", on_click=ui.auth.on_download,
                               args=(f"{file_stem}.{kind}",))
