"""The regency and district filter of the map pages: names shown, codes kept.

A layer of several regencies (all of Jawa Timur, or Kota Malang with Kota Batu) first offers
the regency, then the districts of that regency; a one-regency layer offers the districts
only. Options are codes (district names repeat across regencies), labelled with names through
``format_func`` (:func:`geo.presentation.views.regency_choices` /
:func:`~geo.presentation.views.district_choices`), and kept across pages by
:func:`ui.state.kept_choice` under ``<prefix>_regency`` and ``<prefix>_district``.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

import ui.state
from geo.i18n import t
from geo.presentation.views import (ALL_DISTRICTS, ALL_REGENCIES, district_choices, in_area,
                                    regency_choices)


def area_filter(villages: pd.DataFrame, prefix: str, lang: str, *,
                token: str | None = None) -> tuple[pd.DataFrame, tuple[str, str]]:
    """Draw the filter(s); return the villages of the chosen area and the area's
    ``(regency, district)`` codes (``"*"``: all). With the analysis ``token`` the choices and the
    chosen villages are made once per server (:func:`ui.state.shared`; read-only)."""
    def once(name, *key, build):
        return build() if token is None else ui.state.shared(f"area.{name}", (token, *key), build)

    regencies = once("regencies", build=lambda: regency_choices(villages))
    regency = ALL_REGENCIES
    if len(regencies) > 1:
        regency_col, district_col = st.columns(2)
        regency = ui.state.kept_choice(
            regency_col.selectbox, f"{prefix}_regency", t("regency", lang),
            [ALL_REGENCIES, *regencies], default=ALL_REGENCIES,
            format_func=lambda c: t("all_regencies", lang) if c == ALL_REGENCIES else regencies[c])
    else:
        district_col = st
    districts = once("districts", regency, build=lambda: district_choices(villages, regency))
    district = ui.state.kept_choice(
        district_col.selectbox, f"{prefix}_district", t("district", lang),
        [ALL_DISTRICTS, *districts], default=ALL_DISTRICTS,
        format_func=lambda c: t("all_districts", lang) if c == ALL_DISTRICTS else districts[c])
    if regency == ALL_REGENCIES and district == ALL_DISTRICTS:
        return villages, (regency, district)  # the whole layer: nothing to make or to keep
    shown = once("villages", regency, district,
                 build=lambda: in_area(villages, regency, district))
    return shown, (regency, district)
