"""The poverty-pocket map: entry point and sidebar navigation.

Run with ``python -m streamlit run app.py``. The pages are the scripts in ``app_pages/``; this
file only gives each its translated title and address, so the sidebar reads "Ringkasan, Peta,
..." (or "Overview, Map, ..." after the language switch) instead of file names. The folder is
deliberately not called ``pages/``: Streamlit would then also serve each file on its own (the
first visitor of a deep link such as ``/Peta`` got a sidebar of file names, "app" first).
"""

import streamlit as st

import ui_state
from geo.i18n import t

#: (script, title key, address) in sidebar order; the first page is the start page.
PAGES = (
    ("app_pages/0_Ringkasan.py", "page_overview", None),
    ("app_pages/1_Peta.py", "page_map", "Peta"),
    ("app_pages/2_Prioritas.py", "page_priority", "Prioritas"),
    ("app_pages/3_Kantong_Kemiskinan.py", "page_pockets", "Kantong_Kemiskinan"),
    ("app_pages/4_Area_Percontohan.py", "page_pilot", "Area_Percontohan"),
    ("app_pages/5_Data.py", "page_data", "Data"),
    ("app_pages/6_Ekspor.py", "page_export", "Ekspor"),
)

lang = ui_state.language()
navigation = st.navigation([
    st.Page(script, title=t(title, lang), default=address is None,
            **({"url_path": address} if address else {}))
    for script, title, address in PAGES
])
navigation.run()
