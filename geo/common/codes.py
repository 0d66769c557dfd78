"""Kemendagri administrative codes: ``PP.KK.CC.VVVV`` (province.regency.district.village).

Codes are strings, never numbers: leading zeros matter and spreadsheets love to turn
``3573011001`` into ``3.57301E+09``. Everything here is vectorised over pandas Series.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from geo.common.privacy import describe_values

_DIGITS = re.compile(r"\D")
VILLAGE_TYPES = {"1": "kelurahan", "2": "desa", "3": "desa adat"}
#: The reason :func:`village_code_problems` gives for a code a spreadsheet cut short.
LOST_DIGITS = ("lost digits in a spreadsheet (scientific notation): format the column as text "
               "and export again")
LOST_DIGITS_CODE = "code.lost_digits"  # the same, as a message code (geo.common.messages)


def _undo_spreadsheet_float(text: pd.Series) -> pd.Series:
    """``'3573011001.0'`` and ``'3.573011001E+09'`` back to ``'3573011001'`` where exact."""
    floaty = text.str.fullmatch(r"\d+\.\d*(?:[eE]\+?\d+)?|\d[eE]\+?\d+").fillna(False).astype(bool)
    if not floaty.any():
        return text
    # by position, not label: a table put together from several files may repeat index labels
    rows = np.flatnonzero(floaty.to_numpy())
    candidates = text.iloc[rows]
    as_number = pd.to_numeric(candidates, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    whole = ~np.isnan(as_number) & (as_number == np.floor(as_number)) & (as_number < 1e12)
    whole &= ~candidates.map(_lost_digits).to_numpy(dtype=bool)
    fixed = text.copy()
    fixed.iloc[rows[whole]] = as_number[whole].astype("int64").astype(str)
    return fixed


def _lost_digits(text: str) -> bool:
    """True for scientific notation whose mantissa is shorter than the number it stands for."""
    match = re.fullmatch(r"(\d)\.?(\d*)[eE]\+?(\d+)", text)
    return bool(match) and len(match.group(2)) < int(match.group(3))


def looks_like_mangled_number(values) -> pd.Series:
    """True where a spreadsheet showed a code in scientific notation and dropped digits."""
    text = pd.Series(values, copy=False).astype("string").str.strip()
    return text.fillna("").map(_lost_digits).astype(bool)


def normalise_village_code(values) -> pd.Series:
    """Return dotted 10-digit village codes ``PP.KK.CC.VVVV``; ``<NA>`` where not a village code.

    Accepts dotted or undotted strings, integers, and the float forms a spreadsheet produces
    (``3573011001.0``; ``3.57301E+09`` only when no digit was lost, otherwise ``<NA>``).
    """
    series = pd.Series(values, copy=False)
    text = series.astype("string").str.strip()
    text = _undo_spreadsheet_float(text)
    digits = text.str.replace(_DIGITS, "", regex=True)
    ok = digits.str.fullmatch(r"\d{6}(?!0000)\d{4}").fillna(False).astype(bool)
    dotted = (
        digits.str.slice(0, 2) + "." + digits.str.slice(2, 4) + "." + digits.str.slice(4, 6)
        + "." + digits.str.slice(6, 10)
    )
    return dotted.where(ok, pd.NA).astype("string")


def normalise_bps_code(values) -> pd.Series:
    """BPS village codes as 10-digit strings ``PPKKCCCVVV``; ``<NA>`` where not 10 digits.

    A BPS code is never turned into a Kemendagri code by string manipulation (the numbering
    differs): it goes through a bridge table (:mod:`geo.reference.crosswalk`). Dots, spaces and
    a spreadsheet's ``3578120005.0`` are accepted.
    """
    text = pd.Series(values, copy=False).astype("string").str.strip()
    digits = _undo_spreadsheet_float(text).str.replace(_DIGITS, "", regex=True)
    ok = digits.str.fullmatch(r"\d{10}").fillna(False).astype(bool)
    return digits.where(ok, pd.NA).astype("string")


def parent_codes(village_code: pd.Series) -> pd.DataFrame:
    """Derive ``district_code`` (PP.KK.CC), ``regency_code`` (PP.KK), ``province_code`` (PP)."""
    code = pd.Series(village_code, copy=False).astype("string")
    return pd.DataFrame(
        {
            "district_code": code.str.slice(0, 8),
            "regency_code": code.str.slice(0, 5),
            "province_code": code.str.slice(0, 2),
        },
        index=code.index,
    )


def village_type(village_code: pd.Series) -> pd.Series:
    """``kelurahan`` / ``desa`` / ``desa adat`` from the first digit of the village part."""
    code = pd.Series(village_code, copy=False).astype("string")
    return code.str.slice(9, 10).map(VILLAGE_TYPES).astype("string")


def village_code_problems(values, *, coded: bool = False) -> pd.Series:
    """Why each value is not a usable Kemendagri village code; ``<NA>`` where it is, or is empty.

    One place for the reasons that households and boundary files share. The texts follow the
    words "village code" and never quote the value (a mistyped column may hold a NIK): it is
    described instead (:func:`geo.common.privacy.describe_values`). Work is done per distinct value.
    ``coded=True`` gives message codes (``code.malformed{...}``, ``code.not_village``,
    :data:`LOST_DIGITS_CODE`) to render in the reader's language.

    Examples
    --------
    >>> village_code_problems(["35.73.01.1001", None, "3573014107800002"]).tolist()  # fake NIK
    [<NA>, <NA>, 'is not a Kemendagri code PP.KK.CC.VVVV (a 16-digit number, like a NIK or No. KK)']
    """
    series = pd.Series(values, copy=False)
    codes, uniques = pd.factorize(series.astype("string").str.strip(), use_na_sentinel=True)
    text = pd.Series(uniques, dtype="string")
    given = text.notna() & (text != "").fillna(False).astype(bool)
    code = normalise_village_code(text)
    mangled = given & looks_like_mangled_number(text)
    not_village = code.notna() & ~code.str.slice(9, 10).isin(list(VILLAGE_TYPES)).fillna(False)
    reason = pd.Series(pd.NA, index=text.index, dtype="string")
    malformed = given & code.isna() & ~mangled
    if coded:  # message codes (geo.common.messages), rendered in the reader's language
        from geo.common.messages import Nested, encode_rows

        if malformed.any():
            reason[malformed] = encode_rows(
                "code.malformed", described=Nested(describe_values(text[malformed], coded=True)))
        reason[not_village.astype(bool)] = "code.not_village"
        reason[mangled] = LOST_DIGITS_CODE
    else:
        reason[malformed] = ("is not a Kemendagri code PP.KK.CC.VVVV ("
                             + describe_values(text[malformed]) + ")")
        reason[not_village.astype(bool)] = (
            "is not a Kemendagri village code: the village part must start with 1 kelurahan, "
            "2 desa or 3 desa adat (a BPS code? it needs a bridge table)")
        reason[mangled] = LOST_DIGITS
    spread = reason.reindex(codes)
    spread.index = series.index
    return spread.astype("string")
