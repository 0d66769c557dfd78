"""The shipped Kemendagri table (``data/reference/``): names of every level and code history.

Built from the public ``cahyadsn/wilayah`` dumps by :func:`geo.reference.kemendagri.build_reference`
(``python -m geo reference --from DIR``); read once per process and shared read-only. Boundary
dumps carry village names only; the names of districts, regencies and provinces, the codes of
earlier editions and the 2025 population come from here.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from geo.reference.kemendagri import YEARS

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"
CODES_FILE = REFERENCE_DIR / "kemendagri_codes.csv.gz"
POPULATION_FILE = REFERENCE_DIR / "population_2025.csv"
LATEST = YEARS[-1]


@lru_cache(maxsize=1)
def code_history() -> pd.DataFrame:
    """One row per (code, name) in any edition: ``code``, ``name``, ``level`` (1 province ..
    4 village) and ``in_2022``/``in_2023``/``in_2025`` flags. Read-only; do not modify."""
    table = pd.read_csv(CODES_FILE, dtype={"code": "string", "name": "string", "level": "int8",
                                           **{f"in_{y}": "bool" for y in YEARS}},
                        keep_default_na=False)
    return table


@lru_cache(maxsize=1)
def current_names() -> pd.Series:
    """Code -> name in the latest edition (2025), every level."""
    table = code_history()
    latest = table[table[f"in_{LATEST}"]]
    return pd.Series(latest["name"].to_numpy(), index=pd.Index(latest["code"].to_numpy(),
                                                                name="code"), name="name")


@lru_cache(maxsize=1)
def population_2025() -> pd.Series:
    """Code -> total population in 2025, for provinces and regencies/cities."""
    table = pd.read_csv(POPULATION_FILE, dtype={"code": "string"})
    return pd.Series(table["total"].to_numpy(dtype="int64"),
                     index=pd.Index(table["code"].to_numpy(), name="code"), name="population")


def names_of(codes) -> pd.Series:
    """Latest names of dotted codes of any level (NA where the code is not in the 2025 table)."""
    codes = pd.Series(codes, dtype="string")
    return pd.Series(current_names().reindex(codes.to_numpy()).to_numpy(), index=codes.index,
                     dtype="string")
