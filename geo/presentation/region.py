"""Which region a village layer covers: its title and its 2025 population.

A planner reads "Kota Bontang" or "Jawa Timur" above the figures, not ``64.74``. The rule:

- one regency/city: its name ("Kota Bontang");
- every regency of a province (per the Kemendagri 2025 table): the province's name
  ("Jawa Timur" for all 38 files);
- otherwise the regencies' names when there are at most :data:`MAX_LISTED` of them
  ("Kota Malang, Kota Batu"), else "<n> kabupaten/kota di <province>" (one province) or
  "<n> kabupaten/kota di <m> provinsi".

Names come from the layer (its source, else the table, :mod:`geo.boundaries.names`); a code
without a name stands for itself.

The population (the Overview's denominator) is the Kemendagri 2025 total of the region: the
province's total when the whole province is shown, else the sum of its regencies' totals. A
regency counts as shown in whole when the layer holds at least :data:`WHOLE_SHARE` of its 2025
villages; a layer with only part of a regency, or with codes the table does not know (the
synthetic demo, province 99), gets no population: a partial figure would be wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from geo.i18n import DEFAULT_LANGUAGE, t
from geo.reference.table import LATEST, current_names, population_2025

MAX_LISTED = 3
WHOLE_SHARE = 0.95
POPULATION_YEAR = LATEST


@dataclass(frozen=True)
class RegionPopulation:
    """The region's population and why it is (or is not) known.

    ``total`` is None unless ``reason == "reference"``; ``reason`` is ``"reference"`` (from
    the Kemendagri table), ``"unknown_codes"`` (a regency not in the 2025 table), ``"partial"``
    (the layer holds only part of a regency) or ``"empty"`` (no village).
    """

    total: int | None
    reason: str
    year: int = POPULATION_YEAR
    partial: tuple[str, ...] = ()  # names of the regencies shown only in part


@lru_cache(maxsize=1)
def _reference_counts() -> tuple[pd.Series, pd.Series]:
    """(regencies per province, villages per regency) in the 2025 table."""
    codes = pd.Series(current_names().index, dtype="string")
    size = codes.str.len()
    regencies = codes[size == 5].str.slice(0, 2).value_counts()
    villages = codes[size == 13].str.slice(0, 5).value_counts()
    return regencies, villages


def _units(villages: pd.DataFrame) -> pd.DataFrame:
    """One row per regency of the layer: codes, names (code when unnamed), villages shown."""
    regency = villages["regency_code"].astype("string")
    frame = pd.DataFrame({
        "regency_code": regency,
        "province_code": (villages["province_code"].astype("string") if "province_code" in villages
                          else regency.str.slice(0, 2)),
        "regency_name": _column(villages, "regency_name"),
        "province_name": _column(villages, "province_name"),
    }).dropna(subset=["regency_code"])
    counts = frame["regency_code"].value_counts()
    units = frame.drop_duplicates("regency_code").sort_values("regency_code").reset_index(drop=True)
    units["regency_name"] = units["regency_name"].fillna(units["regency_code"])
    units["province_name"] = units["province_name"].fillna(units["province_code"])
    units["shown"] = units["regency_code"].map(counts).astype("int64")
    regencies, villages_2025 = _reference_counts()
    units["villages_2025"] = units["regency_code"].map(villages_2025).fillna(0).astype("int64")
    units["regencies_2025"] = units["province_code"].map(regencies).fillna(0).astype("int64")
    return units


def _column(villages: pd.DataFrame, name: str) -> pd.Series:
    if name in villages:
        return villages[name].astype("string")
    return pd.Series(pd.NA, index=villages.index, dtype="string")


def _whole_provinces(units: pd.DataFrame) -> set[str]:
    per_province = units.groupby("province_code")["regency_code"].nunique()
    expected = units.drop_duplicates("province_code").set_index("province_code")["regencies_2025"]
    return {code for code, n in per_province.items() if n and n == expected.get(code, 0)}


def region_title(villages: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """The region's name for titles (see the module notes for the rule); "" without villages."""
    if "regency_code" not in villages or not len(villages):
        return ""
    units = _units(villages)
    if not len(units):
        return ""
    whole = _whole_provinces(units)
    parts: list[str] = []
    for code, group in units.groupby("province_code", sort=True):
        if code in whole:
            parts.append(str(group["province_name"].iloc[0]))
        else:
            parts.extend(str(name) for name in group["regency_name"])
    if len(parts) <= MAX_LISTED:
        return ", ".join(parts)
    provinces = units["province_code"].nunique()
    if provinces == 1:
        return t("region.regencies_in", lang, n=len(units), province=str(units["province_name"].iloc[0]))
    return t("region.regencies_in_provinces", lang, n=len(units), m=provinces)


def region_population(villages: pd.DataFrame) -> RegionPopulation:
    """The Kemendagri 2025 population of the region the layer covers (see the module notes)."""
    if "regency_code" not in villages or not len(villages):
        return RegionPopulation(None, "empty")
    units = _units(villages)
    if not len(units):
        return RegionPopulation(None, "empty")
    totals = population_2025()
    known = units["regency_code"].isin(totals.index) & (units["villages_2025"] > 0)
    if not known.all():
        return RegionPopulation(None, "unknown_codes")
    partial = units["shown"] < WHOLE_SHARE * units["villages_2025"]
    if partial.any():
        return RegionPopulation(None, "partial",
                                partial=tuple(units.loc[partial, "regency_name"].astype(str)))
    whole = _whole_provinces(units)
    in_whole = units["province_code"].isin(whole)
    total = int(totals.reindex(sorted(whole)).sum()) if whole else 0
    total += int(totals.reindex(units.loc[~in_whole, "regency_code"].to_numpy()).sum())
    return RegionPopulation(total, "reference")
