"""Change between two waves per village, its diverging classes and colours, a village's trend.

``change_<measure>`` is the last wave's value minus the first's, in percentage points for the
desil-1 share (``desil1_share`` 0.25 -> 0.30 is +5 points) and in M0 units for M0. A village
without households in either wave has no change (NaN).

**Diverging classes** (stated, symmetric around no change): with ``m`` the largest absolute
change over the villages, the seven classes are cut at ±m/7, ±3m/7 and ±5m/7 (equal widths
of 2m/7, the middle class ``|change| <= m/7`` is "about unchanged"), classified with
:class:`mapclassify.UserDefined`. Colours run from blue (largest fall: better) through white
to red (largest rise: worse), ColorBrewer RdBu. When nothing changed every village is in the
middle class.
"""

from __future__ import annotations

from dataclasses import dataclass

import mapclassify
import numpy as np
import pandas as pd

from geo.i18n import DEFAULT_LANGUAGE, number, t
from geo.presentation.styles import NO_DATA_COLOUR

__all__ = ["DIVERGING", "ChangeClasses", "diverging_classes", "village_change", "village_trend"]

#: seven classes, largest fall (blue, better) to largest rise (red, worse): ColorBrewer RdBu
DIVERGING = ("#2166ac", "#67a9cf", "#d1e5f0", "#f7f7f7", "#fddbc7", "#ef8a62", "#b2182b")
MEASURES = ("desil1_share", "m0")


@dataclass(frozen=True)
class ChangeClasses:
    """``class_of`` (0..6, -1 without a change), ``colours`` per row, the ``bins`` (upper edges)
    and ``legend`` entries (``colour``, ``label``, ``lower``, ``upper``, ``count``)."""

    class_of: pd.Series
    colours: pd.Series
    bins: tuple[float, ...]
    legend: list[dict]


def village_change(table: pd.DataFrame, first: str, last: str) -> pd.DataFrame:
    """Per village: the desil-1 share and M0 of waves ``first`` and ``last`` and their change.

    ``table`` is :attr:`geo.waves.movement.Waves.villages` (or ``waves_villages.csv``).
    Columns: ``village_code``, ``desil1_share_first``, ``desil1_share_last``,
    ``change_desil1_share`` (points), ``m0_first``, ``m0_last``, ``change_m0``.
    """
    out = pd.DataFrame({"village_code": table["village_code"].astype("string").to_numpy()})
    for measure in MEASURES:
        a = _column(table, f"{measure}_{first}")
        b = _column(table, f"{measure}_{last}")
        scale = 100.0 if measure == "desil1_share" else 1.0
        out[f"{measure}_first"], out[f"{measure}_last"] = a, b
        out[f"change_{measure}"] = (b - a) * scale
    return out


def _column(table: pd.DataFrame, name: str) -> np.ndarray:
    if name not in table.columns:
        return np.full(len(table), np.nan)
    return pd.to_numeric(table[name], errors="coerce").to_numpy(dtype=float)


def diverging_classes(values, *, decimals: int = 1, unit: str = "",
                      lang: str = DEFAULT_LANGUAGE) -> ChangeClasses:
    """The stated symmetric classes of the module notes, with colours and legend labels."""
    y = pd.Series(values, copy=False).astype(float)
    index = y.index
    known = y.notna().to_numpy()
    m = float(np.nanmax(np.abs(y.to_numpy()))) if known.any() else 0.0
    cuts = (-5, -3, -1, 1, 3, 5, 7)
    bins = tuple(c * m / 7 for c in cuts)
    class_of = np.full(len(y), -1, dtype=int)
    if known.any():
        if m > 0:
            class_of[known] = mapclassify.UserDefined(y.to_numpy()[known], list(bins)).yb
        else:
            class_of[known] = 3
    colours = pd.Series([DIVERGING[c] if c >= 0 else NO_DATA_COLOUR for c in class_of],
                        index=index)
    counts = np.bincount(class_of[class_of >= 0], minlength=7)
    legend = []
    lowers = (-m, *bins[:-1])
    for i in range(7):
        if m == 0 and i != 3:
            continue
        low, high = lowers[i], bins[i]
        if i == 3:
            label = t("trend.class_unchanged", lang, within=number(high, lang, decimals) + unit)
        else:
            label = t("trend.class_range", lang, low=_signed(low, lang, decimals) + unit,
                      high=_signed(high, lang, decimals) + unit)
        legend.append({"colour": DIVERGING[i], "label": label, "lower": low, "upper": high,
                       "count": int(counts[i])})
    missing = int((class_of < 0).sum())
    if missing:
        legend.append({"colour": NO_DATA_COLOUR, "label": t("trend.class_no_data", lang),
                       "lower": None, "upper": None, "count": missing})
    return ChangeClasses(pd.Series(class_of, index=index), colours, bins, legend)


def _signed(value: float, lang: str, decimals: int) -> str:
    text = number(abs(value), lang, decimals)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def village_trend(table: pd.DataFrame, code: str, labels) -> pd.DataFrame:
    """One village's desil-1 share (0–1) and M0 in every wave, oldest first (for its profile):
    columns ``wave``, ``desil1_share``, ``m0``; empty when the code is not in ``table``."""
    rows = table[table["village_code"].astype("string") == str(code)]
    if rows.empty:
        return pd.DataFrame(columns=["wave", "desil1_share", "m0"])
    row = rows.iloc[0]
    return pd.DataFrame({
        "wave": list(labels),
        "desil1_share": [float(row.get(f"desil1_share_{w}", np.nan)) for w in labels],
        "m0": [float(row.get(f"m0_{w}", np.nan)) for w in labels],
    })
