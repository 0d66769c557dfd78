"""Names of a village's district, regency and province, filled from the shipped Kemendagri table.

The ``wilayah_boundaries`` dumps (and many geoportal extracts) carry village names only, so a
planner would see ``64.74`` where "Kota Bontang" belongs and GIS staff would get empty name
fields. The names of every level are in the Kemendagri code table shipped in
``data/reference/`` (:mod:`geo.reference.table`, the 2025 edition). Here the canonical layer
gets ``district_name``, ``regency_name`` and ``province_name`` from the parent codes wherever
its source left them empty.

A name the source gives is kept, even when the table spells it otherwise (``KOTA BONTANG``,
``Bontang``): the file is what the user's office works with, and a name that differs is not
wrong. Codes not in the 2025 table (an older edition, an invented demo region) keep an empty
name; the report counts, per level, how many names came from the table and how many are
still unknown.
"""

from __future__ import annotations

import pandas as pd

from geo.reference.table import names_of

#: name column -> the code column it names (both in the canonical layer)
PARENT_LEVELS: dict[str, str] = {"district_name": "district_code",
                                 "regency_name": "regency_code",
                                 "province_name": "province_code"}


def fill_parent_names(villages: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int], dict[str, int]]:
    """Fill empty parent names from the 2025 names of the parent codes.

    Parameters
    ----------
    villages
        Canonical rows with the code columns of :data:`PARENT_LEVELS` and their name columns
        (string or NA); changed in place and returned.

    Returns
    -------
    villages, filled, unknown
        ``filled``: per name column, how many names came from the table; ``unknown``: how many
        are still empty (the code is not in the 2025 table and the source had no name).
    """
    filled: dict[str, int] = {}
    unknown: dict[str, int] = {}
    for name_column, code_column in PARENT_LEVELS.items():
        names = villages[name_column].astype("string")
        empty = names.isna().to_numpy()
        if empty.any():
            reference = names_of(villages.loc[empty, code_column])
            names = names.copy()
            names[empty] = reference.to_numpy()
        villages[name_column] = names
        still = int(names.isna().sum())
        filled[name_column] = int(empty.sum()) - still
        unknown[name_column] = still
    return villages, filled, unknown
