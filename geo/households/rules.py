"""Derive ``dep_*`` flags from the raw fields a registry delivers (floor type, water source...).

Registries rarely carry deprivation flags; they carry the survey answers behind them
(DTSEN/Regsosek: *jenis lantai*, *sumber air minum*, *sumber penerangan*, *bahan bakar
memasak*, *fasilitas BAB*, *pendidikan kepala rumah tangga*...). A rule says which columns
to look at and which answers mean "deprived"; it follows BPS's 14 criteria of a poor
household and the global MPI indicators (see ``../shared/DOMAIN.md``).

A rule set is a plain dict (so it can live in TOML, YAML or JSON)::

    {"dep_water": [
        {"columns": ["sumber_air_minum", "air_minum"],
         "values": ["sumur tak terlindung", "sungai", "air hujan"]}],
     "dep_housing": [
        {"columns": ["jenis_lantai"], "values": ["tanah", "bambu"]},
        {"columns": ["luas_lantai"], "per_member_below": 8}]}

Each flag has a list of conditions; a household is deprived (1) when any condition holds,
not deprived (0) when at least one condition could be checked and none holds, and ``<NA>``
when none could be checked. A condition uses the first of its ``columns`` present in the file
and one test: ``values`` (answers that mean deprived; compared lower case with spaces
collapsed), ``below`` / ``at_most`` / ``at_least`` (numeric thresholds), or
``per_member_below`` (the value divided by ``members``, e.g. floor area per person < 8 m²).
A condition whose columns are all absent is simply not applied. The defaults are documented
in ``docs/households.md``.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.errors import GeoInputError
from geo.i18n import Message
from geo.households.schema import DEPRIVATIONS
from geo.common.privacy import normalise_header
from geo.common.safe_yaml import read_limited, safe_load_limited

YES = ("ya", "iya", "y", "yes", "ada", "1", "true", "benar")

DEFAULT_RULES: dict[str, list[dict]] = {
    "dep_nutrition": [
        {"columns": ["balita_gizi_kurang", "gizi_buruk", "ada_balita_gizi_buruk", "stunting",
                     "ada_balita_stunting", "gizi_kurang"], "values": list(YES)},
        {"columns": ["frekuensi_makan", "makan_per_hari", "jumlah_makan_sehari"], "at_most": 2},
        {"columns": ["konsumsi_daging_susu", "konsumsi_protein"],
         "values": ["tidak pernah", "tidak", "sekali seminggu", "1 kali seminggu",
                    "satu kali seminggu"]},
    ],
    "dep_child_mortality": [
        {"columns": ["kematian_anak", "ada_kematian_anak", "ada_kematian_balita",
                     "kematian_balita", "child_death"], "values": list(YES)},
    ],
    "dep_schooling": [
        {"columns": ["pendidikan_krt", "pendidikan_kepala", "pendidikan_kepala_keluarga",
                     "pendidikan_tertinggi_krt", "ijazah_krt", "pendidikan", "head_education"],
         # fewer than 6 years of schooling: no school or primary school (SD/MI) not completed;
         # a completed SD/MI/Paket A is 6 years, so it is NOT deprived (global MPI)
         "values": ["tidak sekolah", "tidak belum sekolah", "belum sekolah", "tidak pernah sekolah",
                    "tidak punya ijazah", "tidak punya ijazah sd", "tidak tamat sd",
                    "belum tamat sd", "tidak tamat sd mi", "belum tamat sd mi", "no schooling",
                    "none", "incomplete primary"]},
        {"columns": ["lama_sekolah_krt", "lama_sekolah", "tahun_sekolah", "years_schooling",
                     "max_years_schooling"], "below": 6},
    ],
    "dep_attendance": [
        {"columns": ["anak_tidak_sekolah", "ada_anak_tidak_sekolah", "ada_anak_putus_sekolah",
                     "anak_putus_sekolah", "child_not_in_school"], "values": list(YES)},
        {"columns": ["jumlah_anak_tidak_sekolah", "jml_anak_tidak_sekolah"], "at_least": 1},
    ],
    "dep_cooking_fuel": [
        {"columns": ["bahan_bakar_memasak", "bahan_bakar_masak", "bb_masak", "bahan_bakar",
                     "cooking_fuel"],
         "values": ["kayu bakar", "kayu", "arang", "minyak tanah", "briket", "batu bara",
                    "batubara", "kotoran hewan", "wood", "charcoal", "kerosene", "coal", "dung"]},
    ],
    "dep_sanitation": [
        {"columns": ["fasilitas_bab", "fasilitas_buang_air_besar", "kepemilikan_jamban",
                     "jamban", "toilet", "penggunaan_fasilitas_bab", "sanitation"],
         "values": ["tidak ada", "bersama", "umum", "milik bersama", "jamban bersama",
                    "jamban umum", "mck umum", "mck komunal", "tidak punya", "bersama umum",
                    "none", "shared", "public"]},
    ],
    "dep_water": [
        {"columns": ["sumber_air_minum", "air_minum", "sumber_air", "drinking_water",
                     "water_source"],
         "values": ["sumur tak terlindung", "sumur tidak terlindung", "mata air tak terlindung",
                    "mata air tidak terlindung", "sungai", "air sungai", "sungai danau kolam",
                    "air permukaan", "air hujan", "hujan", "unprotected well",
                    "unprotected spring", "river", "rain"]},
    ],
    "dep_electricity": [
        {"columns": ["sumber_penerangan", "penerangan", "sumber_penerangan_utama", "lighting"],
         "values": ["bukan listrik", "non listrik", "tidak ada listrik", "pelita", "sentir",
                    "obor", "lampu minyak", "lampu minyak tanah", "petromak", "minyak tanah",
                    "tidak ada", "none"]},
    ],
    "dep_housing": [
        {"columns": ["jenis_lantai", "lantai", "lantai_terluas", "floor_type"],
         "values": ["tanah", "bambu", "kayu kualitas rendah", "papan kualitas rendah",
                    "kayu papan kualitas rendah", "earth", "bamboo"]},
        {"columns": ["jenis_dinding", "dinding", "dinding_terluas", "wall_type"],
         "values": ["bambu", "anyaman bambu", "rumbia", "kayu kualitas rendah",
                    "papan kualitas rendah", "kayu papan kualitas rendah", "tembok tanpa plester",
                    "tembok tidak diplester", "bamboo", "thatch"]},
        {"columns": ["jenis_atap", "atap", "atap_terluas", "roof_type"],
         "values": ["ijuk", "rumbia", "ijuk rumbia", "daun", "jerami", "bambu", "thatch"]},
        {"columns": ["luas_lantai_per_kapita", "luas_lantai_perkapita"], "below": 8},
        {"columns": ["luas_lantai", "luas_bangunan", "floor_area"], "per_member_below": 8},
    ],
    "dep_assets": [
        {"columns": ["kepemilikan_aset", "aset", "punya_aset", "memiliki_aset", "assets"],
         "values": ["tidak ada", "tidak", "tidak punya", "tidak memiliki", "none", "no"]},
        {"columns": ["jumlah_aset", "jml_aset"], "below": 1},
        {"columns": ["tabungan", "punya_tabungan", "aset_500rb"],
         "values": ["tidak ada", "tidak", "tidak punya"]},
    ],
}

_TESTS = ("values", "below", "at_most", "at_least", "per_member_below")


def load_rules(path) -> dict[str, list[dict]]:
    """Read a rule set from TOML, YAML or JSON (same structure as :data:`DEFAULT_RULES`)."""
    path = Path(path)
    try:
        text = read_limited(path)  # a regular file of at most 1 MiB
        if path.suffix.lower() == ".toml":
            data = tomllib.loads(text)
        elif path.suffix.lower() in (".yaml", ".yml"):
            data = safe_load_limited(text)  # an alias bomb is refused before it is expanded
        else:
            data = json.loads(text)
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise GeoInputError("err.rules_unreadable", source=str(path), detail=str(exc)) from exc
    except Exception as exc:  # yaml.YAMLError without importing yaml at module level
        raise GeoInputError("err.rules_unreadable", source=str(path), detail=str(exc)) from exc
    return check_rules(data, source=str(path))


def check_rules(rules, *, source: str | None = None) -> dict[str, list[dict]]:
    """Validate a rule set and return it; a wrong shape is a :class:`GeoInputError`.

    Checked: flags are known ``dep_*`` names; each condition is a mapping with ``columns`` (a
    list of column names) and exactly one test; ``values`` is a list of answers; thresholds
    are numbers. Messages name the flag, the condition (1-based) and the key.
    """
    if not isinstance(rules, dict):
        raise GeoInputError("err.rules_not_mapping", source=source,
                            shape="{dep_flag: [conditions]}")
    for flag, conditions in rules.items():
        if flag not in DEPRIVATIONS:
            raise GeoInputError("err.rules_unknown_flag", source=source, flag=flag,
                                flags=", ".join(DEPRIVATIONS))
        if conditions is None:
            continue
        if isinstance(conditions, dict):
            conditions = [conditions]
        if not isinstance(conditions, list):
            raise GeoInputError("err.rules_not_list", source=source, flag=flag,
                                kind=_kind(conditions))
        for number, cond in enumerate(conditions, start=1):
            _check_condition(cond, Message("err.rules_where", {"flag": flag, "number": number}),
                             source)
    return rules


_KEYS = ("columns", *_TESTS)


def _kind(value):
    """What a config value is, as a message (``kind.text``, ``kind.list``, ...)."""
    known = {str: "text", bool: "bool", int: "number", float: "number", list: "list",
             dict: "mapping"}.get(type(value))
    return Message(f"kind.{known}") if known else type(value).__name__


def _check_condition(cond, where, source) -> None:
    all_tests = ", ".join(_TESTS)
    if not isinstance(cond, dict):
        raise GeoInputError("err.rules_condition_kind", source=source, where=where, tests=all_tests,
                            kind=_kind(cond))
    unknown = [str(key) for key in cond if key not in _KEYS]
    if unknown:
        raise GeoInputError("err.rules_unknown_key", source=source, where=where,
                            keys=", ".join(repr(k) for k in unknown), allowed=", ".join(_KEYS))
    tests = [key for key in _TESTS if key in cond]
    if "columns" not in cond or len(tests) != 1:
        raise GeoInputError("err.rules_one_test", source=source, where=where, tests=all_tests,
                            keys=", ".join(map(str, cond)) or Message("err.none"))
    columns = cond["columns"]
    if (not isinstance(columns, list) or not columns
            or not all(isinstance(c, str) and c.strip() for c in columns)):
        raise GeoInputError("err.rules_columns", source=source, where=where, kind=_kind(columns))
    test = tests[0]
    value = cond[test]
    if test == "values":
        if (not isinstance(value, list) or not value
                or not all(isinstance(v, (str, int, float)) and not isinstance(v, bool)
                           for v in value)):
            raise GeoInputError("err.rules_values", source=source, where=where,
                                kind=_kind(value))
    elif isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise GeoInputError("err.rules_number", source=source, where=where, test=test,
                            kind=_kind(value))


def merge_rules(rules=None) -> dict[str, list[dict]]:
    """Defaults overlaid with ``rules`` (a flag set to ``None`` or ``[]`` is not derived)."""
    merged = {flag: list(conds) for flag, conds in DEFAULT_RULES.items()}
    for flag, conditions in (check_rules(rules) if rules else {}).items():
        if isinstance(conditions, dict):
            conditions = [conditions]
        merged[flag] = list(conditions or [])
    return merged


_PROBE = 4096  # values sampled by per_unique to spot a column of distinct values


def per_unique(values: pd.Series, func) -> pd.Series:
    """``func(values)`` computed on the distinct values only, then spread back to every row.

    Registries repeat the same codes and answers across millions of rows; string work on the
    few thousand distinct values is what keeps ingest fast. ``func`` must be vectorised and
    return one value per input value; missing inputs give missing outputs. A column whose
    values are nearly all distinct (ids, coordinates), judged on an evenly spaced sample, goes
    straight to ``func``: factorising it would only cost time.
    """
    values = pd.Series(values, copy=False)
    n = len(values)
    if n > 4 * _PROBE:
        probe = values.iloc[np.linspace(0, n - 1, _PROBE).astype(np.int64)]
        distinct = probe.nunique(dropna=True)
        if distinct > _PROBE // 2 and distinct > 0.9 * probe.notna().sum():
            return func(values)
    codes, uniques = factorize_values(values)
    if len(uniques) == 0 or len(uniques) > len(values) // 2:
        return func(values)
    out = pd.Series(func(pd.Series(uniques, dtype=values.dtype))).reset_index(drop=True)
    return spread_back(out, codes, values.index)


def factorize_values(values: pd.Series) -> tuple[np.ndarray, object]:
    """``pd.factorize`` (missing values get code -1), except that ``-0.0`` and ``0.0`` stay
    apart: they are one number but two texts (``-0.0`` is not a ``0`` flag)."""
    values = pd.Series(values, copy=False)
    if holds_numbers(values) and pd.api.types.is_float_dtype(values.dtype):
        number = values.to_numpy(dtype="float64", na_value=np.nan)
        if np.signbit(number[number == 0]).any():
            given = ~np.isnan(number)
            codes = np.full(len(number), -1, dtype=np.intp)
            codes[given], bits = pd.factorize(number[given].view(np.int64))
            return codes, np.asarray(bits).view(np.float64)
    return pd.factorize(values, use_na_sentinel=True)


def spread_back(per_value: pd.Series, codes: np.ndarray, index) -> pd.Series:
    """``per_value`` (one row per distinct value) taken back to every row by ``pd.factorize``
    codes; code -1 (a missing value) gives a missing result, as ``reindex`` would."""
    array = (per_value.array if isinstance(per_value.dtype, pd.api.extensions.ExtensionDtype)
             else per_value.to_numpy())
    taken = pd.api.extensions.take(array, codes, allow_fill=True)
    return pd.Series(taken, index=index, name=per_value.name)


def normalise_answer(values: pd.Series) -> pd.Series:
    """``' Sumur  Tak-Terlindung '`` -> ``'sumur tak terlindung'``; ``'3.0'`` -> ``'3'``."""
    text = pd.Series(values, copy=False).astype("string").str.lower()
    text = text.str.replace(r"[^0-9a-z]+", " ", regex=True).str.strip()
    text = text.str.replace(r"^(\d+) 0+$", r"\1", regex=True)
    return text.replace("", pd.NA)


def holds_numbers(values) -> bool:
    """True for an integer or float64 column (Parquet/XLSX numbers that ingest keeps typed).

    Such a column is parsed from its numbers, never through per-row text: its text form
    (``astype("string")``: ``4``, ``-7.95``, ``3573011001.0``) would give the very same
    numbers back. Booleans and float32 are not included (their text reads differently).
    """
    dtype = getattr(values, "dtype", None)
    if dtype is None or pd.api.types.is_bool_dtype(dtype):
        return False
    return pd.api.types.is_integer_dtype(dtype) or (
        pd.api.types.is_float_dtype(dtype) and np.dtype(getattr(dtype, "numpy_dtype", dtype))
        == np.float64)


def to_number(values) -> pd.Series:
    """Text to float; Indonesian decimal comma accepted (``"1,5"``, ``"1.234,5"``).

    The one number parser of ingest: household sizes, desil, coordinates and rule thresholds.
    Anything else becomes NaN. A column that already holds numbers (:func:`holds_numbers`) is
    cast directly, with the same result as parsing its text.
    """
    values = pd.Series(values, copy=False)
    if holds_numbers(values):
        return pd.Series(values.to_numpy(dtype="float64", na_value=np.nan), index=values.index,
                         name=values.name)
    text = values.astype("string").str.strip()
    comma = text.str.contains(",", regex=False).fillna(False).astype(bool)
    fixed = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(~comma, fixed), errors="coerce").astype("float64")


def _evaluate(cond: dict, column: pd.Series, members: pd.Series | None) -> pd.Series | None:
    """Boolean Series with NA where the answer is missing; None when the test cannot run."""
    if "values" in cond:
        wanted = set(normalise_answer(pd.Series([str(v) for v in cond["values"]])).dropna())
        answer = per_unique(column, normalise_answer)
        return answer.isin(wanted).astype("boolean").where(answer.notna())
    number = per_unique(column, to_number)
    if "per_member_below" in cond:
        if members is None:
            return None
        number = number / pd.to_numeric(members, errors="coerce").astype("float64")
        number = number.where(np.isfinite(number))
        hit = number < float(cond["per_member_below"])
    elif "below" in cond:
        hit = number < float(cond["below"])
    elif "at_most" in cond:
        hit = number <= float(cond["at_most"])
    else:
        hit = number >= float(cond["at_least"])
    return pd.Series(hit, index=column.index).astype("boolean").where(number.notna())


def derive_deprivations(frame: pd.DataFrame, rules=None, *, members: pd.Series | None = None,
                        flags=DEPRIVATIONS) -> tuple[pd.DataFrame, dict[str, list[str]]]:
    """Derive the requested ``dep_*`` flags from raw fields.

    Parameters
    ----------
    frame
        The source table (raw registry columns, any header spelling).
    rules
        Overrides for :data:`DEFAULT_RULES` (``None`` = the defaults).
    members
        Household size, for ``per_member_below`` conditions.
    flags
        Which flags to try (those the file does not carry already).

    Returns
    -------
    (DataFrame, dict)
        Int8 0/1/<NA> columns for the flags that could be derived, and
        ``{flag: [source columns used]}``. Flags with no usable column are absent from both.
    """
    rules = merge_rules(rules)
    by_norm: dict[str, str] = {}
    for col in frame.columns:
        by_norm.setdefault(normalise_header(col), col)
    derived = pd.DataFrame(index=frame.index)
    used: dict[str, list[str]] = {}
    for flag in flags:
        results, sources = [], []
        for cond in rules.get(flag, []):
            col = next((by_norm[normalise_header(c)] for c in cond["columns"]
                        if normalise_header(c) in by_norm), None)
            if col is None:
                continue
            hit = _evaluate(cond, frame[col], members)
            if hit is None:
                continue
            results.append(hit)
            sources.append(str(col))
        if not results:
            continue
        stacked = pd.concat(results, axis=1)
        any_true = stacked.fillna(False).astype(bool).any(axis=1)
        any_known = stacked.notna().any(axis=1)
        flag_values = pd.Series(pd.NA, index=frame.index, dtype="Int8")
        flag_values[any_known] = 0
        flag_values[any_true] = 1
        derived[flag] = flag_values
        used[flag] = sources
    return derived, used

