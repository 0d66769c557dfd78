"""The poverty-pocket map: entry point.

Run with ``python -m streamlit run app.py``. The pages are the scripts in ``pages/``
(:data:`ui.state.PAGES`); this file registers them with their translated titles and
addresses. The sidebar links are drawn by ``ui.state.page_setup`` on every page (Streamlit's
own page list is hidden in ``.streamlit/config.toml``): Streamlit serves a ``pages/`` script
directly to the first visitor of a deep link such as ``/Peta``, before this file has run, and
its automatic list would then read "app", "0 Ringkasan", ...
"""

import streamlit as st

import ui.preparation

ui.preparation.begin_environment()  # before the imports below (see the pages)

import ui.state  # noqa: E402
from geo.i18n import t  # noqa: E402

lang = ui.state.language()
navigation = st.navigation([
    st.Page(script, title=t(title, lang), default=address is None,
            **({"url_path": address} if address else {}))
    for script, title, address in ui.state.PAGES
], position="hidden")
ui.state.run_page(navigation)  # an unexpected error: a short message, its place in the log
