"""The tables and choices the app's pages show, built from the analysed villages.

Which villages a district filter keeps, which columns the ranked table has and in what order,
which villages are in a pocket, how the robustness figures line up with the ranking: these are
decisions about the data, so they live here (tested without a browser) and the pages only draw
what these functions return. Stored values stay as they are; translating them for the screen
is :func:`geo.i18n.labels.translate_values`'s job, and :func:`screen_table` writes a whole
table as the reader reads it.

Why tables are shown as text: ``st.column_config`` number formats are printf patterns (dot
decimals, no grouping) or follow the *browser's* locale, never the language chosen in the app;
so :func:`screen_table` formats every cell with Babel (``4.449``, ``12,6 %`` in Indonesian).
The tables come sorted the meaningful way (by rank, by value); the price is that clicking a
header sorts the texts, not the numbers. (A number column would also show an empty cell as
"None".)
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from geo.common import safe_text
from geo.common.messages import MESSAGE_COLUMNS, render_cell
from geo.households.schema import DEPRIVATIONS, PROGRAMMES
from geo.i18n import DEFAULT_LANGUAGE, has_text, t
from geo.i18n.labels import indicator_label, value_label
from geo.presentation.display import format_value

ALL_DISTRICTS = "*"
RANKED_COLUMNS = ("rank", "village_code", "village_name", "district_name", "regency_name", "score",
                  "in_focus_list", "focus_reason", "quadrant", "pocket")
PROFILE_GROUPS: dict[str, tuple[str, ...]] = {
    "indicators": ("people", "desil1_households", "desil1_share", "desil14_households",
                   "desil14_share", "mpi_h", "mpi_a", "mpi_m0", "poor_unreached"),
    "mpi_breakdown": tuple(f"contrib_{d}" for d in DEPRIVATIONS) + ("mpi_missing_households",),
    "coverage": tuple(f"cov_{p.removeprefix('recv_')}" for p in PROGRAMMES)
    + ("exclusion_rate", "inclusion_error"),
}
_NOT_MAPPABLE = {"geometry", "source_row", "neighbours", "index"}
MISSING = "–"  # what an empty cell shows, in both languages
NUMERIC_ON_SCREEN: tuple[str, ...] = ()  # columns left as numbers (a missing one shows "None")


def _missing(value) -> bool:
    try:
        return value is None or bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or array
        return False




markdown_text = safe_text.markdown_text  # one rule for every page (geo.common.safe_text)


def number_text(column: str, value, lang: str = DEFAULT_LANGUAGE) -> str:
    """A number of ``column`` as the reader reads it: ``12,6 %``, ``4.449``, ``87,3``."""
    if _missing(value):
        return MISSING
    return format_value(column, value, lang=lang)  # the column registry's formats


def cell_text(column: str, value, lang: str = DEFAULT_LANGUAGE) -> str:
    """One table cell as text in ``lang``: numbers per locale, flags as yes/no, stored codes
    as their readable text, missing values as ``–`` (never "None", "nan" or "<NA>")."""
    if _missing(value):
        return MISSING
    if isinstance(value, (bool, np.bool_)):  # a flag column's values come as numpy bools
        return t("flag.yes" if value else "flag.no", lang)
    if isinstance(value, numbers.Number):
        return number_text(column, value, lang)
    if isinstance(value, str):
        if column in MESSAGE_COLUMNS:  # reasons and problems: message codes
            return render_cell(value, lang) or MISSING
        return value_label(column, value, lang) if value else MISSING
    if hasattr(value, "render"):  # a geo.i18n.Message
        return value.render(lang)
    if isinstance(value, (list, tuple)):
        return ", ".join(cell_text(column, v, lang) for v in value) or MISSING
    return str(value)


def screen_table(frame: pd.DataFrame, lang: str = DEFAULT_LANGUAGE,
                 numeric=NUMERIC_ON_SCREEN) -> pd.DataFrame:
    """A copy of ``frame`` with every cell as the reader reads it (:func:`cell_text`).

    Columns in ``numeric`` stay numbers (missing as empty), so they sort as numbers; the
    column names stay the field names (give the headers with :func:`screen_headers`).
    """
    out = pd.DataFrame(frame).copy()
    for column in out.columns:
        if column in numeric and pd.api.types.is_numeric_dtype(out[column]):
            out[column] = pd.to_numeric(out[column], errors="coerce").astype("Int64")
        else:
            out[column] = _column_text(out[column], column, lang)
    return out


def _column_text(values: pd.Series, column: str, lang: str) -> pd.Series:
    """:func:`cell_text` of every value, each distinct value written once (a province's
    table has 8,494 rows but few distinct names, flags and rounded numbers per column).

    Only columns whose values are alike are grouped (numbers, flags, texts): in a mixed object
    column ``True`` and ``1`` are equal keys but read differently, so each cell is written.
    """
    alike = values.dtype != object or pd.api.types.infer_dtype(values, skipna=True) in (
        "string", "empty")
    if alike and values.dtype.kind == "f":  # factorize takes -0.0 for 0.0 (it reads "-0")
        numbers_ = values.to_numpy(dtype=float, na_value=np.nan)
        alike = not (np.signbit(numbers_) & (numbers_ == 0)).any()
    if alike:
        try:
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
        except TypeError:  # unhashable cells (lists)
            alike = False
    if not alike:
        return values.map(lambda v: cell_text(column, v, lang)).astype(object)
    memo = _text_memo(column, lang, values.dtype.kind)
    texts = []
    for value in uniques:
        text = memo.get(value)
        if text is None:
            text = memo[value] = cell_text(column, value, lang)
        texts.append(text)
    texts.append(MISSING)
    return pd.Series(np.asarray(texts, dtype=object)[codes], index=values.index, dtype=object)


_TEXT_MEMOS: dict[tuple, dict] = {}
_MEMO_LIMIT = 100_000  # texts kept per column and language (a province's values, a few times)


def _text_memo(column: str, lang: str, kind: str) -> dict:
    """The texts already written for this column, language and kind of values. A weight change
    reorders the table and changes a few columns (score, rank): the others are looked up, not
    formatted again (each Babel number costs ~0.1 ms; a table of Jawa Timur has 100,000 cells).
    Values are texts, numbers and flags (never personal data: screens show aggregates)."""
    memo = _TEXT_MEMOS.setdefault((column, lang, kind), {})
    if len(memo) > _MEMO_LIMIT:
        memo.clear()
    return memo


def column_header(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The readable name of a table column: its label, else a screen text, else the name."""
    label = indicator_label(column, lang)
    if label == column and has_text(f"screen.column.{column}"):
        return t(f"screen.column.{column}", lang)
    return label


def screen_headers(columns, lang: str = DEFAULT_LANGUAGE, extra: dict | None = None) -> dict:
    """``{column: header}`` for ``st.dataframe(column_config=...)``: the readable labels."""
    extra = extra or {}
    return {c: extra.get(c) or column_header(c, lang) for c in columns}


def numeric_indicators(villages: pd.DataFrame) -> list[str]:
    """Indicator columns a planner may map: numeric, not identifiers or test statistics."""
    return [c for c in villages.columns
            if c not in _NOT_MAPPABLE and not str(c).startswith(("lisa_", "gi_"))
            and pd.api.types.is_numeric_dtype(villages[c])
            and not pd.api.types.is_bool_dtype(villages[c])]


def district_column(villages: pd.DataFrame) -> str:
    """``district_name`` when the boundary file had names, else ``district_code``."""
    if "district_name" in villages and villages["district_name"].notna().any():
        return "district_name"
    return "district_code"


def districts(villages: pd.DataFrame) -> list[str]:
    """The districts' names (else codes), sorted. The pages filter by code instead
    (:func:`district_choices`, :func:`in_area`): names repeat across regencies."""
    return sorted(villages[district_column(villages)].dropna().astype(str).unique())


def in_district(villages: pd.DataFrame, district: str = ALL_DISTRICTS) -> pd.DataFrame:
    """The villages of one district (``"*"``: all)."""
    if district == ALL_DISTRICTS:
        return villages
    column = district_column(villages)
    return villages[villages[column].astype("string").fillna("") == district]


def village_choices(villages: pd.DataFrame) -> dict[str, str]:
    """``{village_code: label}`` for select boxes, ordered by code.

    The label tells villages of the same name apart: ``"Dinoyo — Lowokwaru (35.73.05.1003)"``,
    with the regency when the layer has several (``"Dinoyo — Lowokwaru, Kota Malang (…)"``);
    the code stays in the label so typing a code finds the village too.
    """
    frame = villages.sort_values("village_code")
    district = _named(frame, "district_code", "district_name")
    place = district
    if _several_regencies(frame):
        place = district.str.cat(_named(frame, "regency_code", "regency_name"), sep=", ",
                                 na_rep="")
    return {
        str(code): f"{name} — {where} ({code})" if not pd.isna(where) else f"{name} ({code})"
        for code, name, where in zip(frame["village_code"], frame["village_name"], place)
    }


# --- regency and district filters (values are codes, labels are names) ---------------------

ALL_REGENCIES = "*"


def _codes(villages: pd.DataFrame, column: str) -> pd.Series:
    """A parent-code column of the layer, derived from the village code when absent."""
    if column in villages:
        return villages[column].astype("string")
    from geo.common.codes import parent_codes

    return parent_codes(villages["village_code"].astype("string"))[column].astype("string")


def _named(villages: pd.DataFrame, code_column: str, name_column: str) -> pd.Series:
    """Per row, the unit's name, else its code (a unit without a name stands for itself)."""
    codes = _codes(villages, code_column)
    if name_column not in villages:
        return codes
    return villages[name_column].astype("string").fillna(codes)


def _several_regencies(villages: pd.DataFrame) -> bool:
    return len(villages) > 0 and _codes(villages, "regency_code").nunique() > 1


def _choices(codes: pd.Series, labels: pd.Series) -> dict[str, str]:
    table = pd.DataFrame({"code": codes.to_numpy(), "label": labels.to_numpy()}).dropna(
        subset=["code"]).drop_duplicates("code")
    table["label"] = table["label"].fillna(table["code"])
    table = table.sort_values(["label", "code"], kind="stable")
    return dict(zip(table["code"].astype(str), table["label"].astype(str)))


def regency_choices(villages: pd.DataFrame) -> dict[str, str]:
    """``{regency_code: name}`` sorted by name (the regency filter shows when there are two or
    more)."""
    return _choices(_codes(villages, "regency_code"), _named(villages, "regency_code", "regency_name"))


def district_choices(villages: pd.DataFrame, regency: str = ALL_REGENCIES) -> dict[str, str]:
    """``{district_code: name}`` of the chosen regency (``"*"``: all), sorted by name.

    When the choices span several regencies, each name carries its regency
    (``"Kepanjen — Kabupaten Malang"``): district names repeat across regencies.
    """
    scope = in_area(villages, regency)
    labels = _named(scope, "district_code", "district_name")
    if _several_regencies(scope):
        labels = labels.str.cat(_named(scope, "regency_code", "regency_name"), sep=" — ")
    return _choices(_codes(scope, "district_code"), labels)


def in_area(villages: pd.DataFrame, regency: str = ALL_REGENCIES,
            district: str = ALL_DISTRICTS) -> pd.DataFrame:
    """The villages of a regency and/or district, by code (``"*"``: all)."""
    keep = pd.Series(True, index=villages.index)
    if regency != ALL_REGENCIES:
        keep &= (_codes(villages, "regency_code") == regency).fillna(False)
    if district != ALL_DISTRICTS:
        keep &= (_codes(villages, "district_code") == district).fillna(False)
    return villages if bool(keep.all()) else villages[keep.to_numpy()]


def place_columns(villages: pd.DataFrame) -> tuple[str, ...]:
    """The name columns a table of these villages shows: the district, and the regency when
    the layer has several."""
    return ("district_name", "regency_name") if _several_regencies(villages) else ("district_name",)


def with_values(shapes: pd.DataFrame, villages: pd.DataFrame, columns) -> pd.DataFrame:
    """Display shapes of the given villages with some of their columns joined on.

    ``shapes`` is the simplified layer (:func:`geo.presentation.display.simplify_for_display`), which
    does not change when the ranking does; ``villages`` the current analysed table (possibly
    filtered). Only shapes of villages in ``villages`` are kept, in the shapes' order.
    """
    columns = [c for c in dict.fromkeys(columns) if c in villages and c != "village_code"]
    lookup = pd.DataFrame(villages[["village_code", *columns]]).drop_duplicates("village_code")
    drawn = shapes[shapes["village_code"].isin(lookup["village_code"])]
    drawn = drawn.drop(columns=[c for c in columns if c in drawn])
    merged = drawn.merge(lookup, on="village_code", how="left")
    return merged.set_axis(drawn.index) if len(merged) == len(drawn) else merged


def profile_rows(row: pd.Series, group: str) -> list[str]:
    """The columns of one profile box (:data:`PROFILE_GROUPS`, or ``why`` = score parts)."""
    if group == "why":
        return [c for c in row.index if str(c).startswith("why_")]
    return [c for c in PROFILE_GROUPS[group] if c in row.index]


def ranked_table(villages: pd.DataFrame, indicators=()) -> pd.DataFrame:
    """The priority table: villages by rank (unranked last), the focus columns, then the
    config's indicators."""
    ranked = villages.sort_values(["rank", "village_code"], na_position="last")
    hidden = {"regency_name"} - set(place_columns(villages))  # one regency: said in the title
    columns = [c for c in dict.fromkeys((*RANKED_COLUMNS, *indicators))
               if c in ranked and c not in hidden]
    return pd.DataFrame(ranked[columns]).reset_index(drop=True)


def focus_table(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a ranked table that are in the focus list (what "download the list" gives)."""
    return table[table["in_focus_list"].fillna(False).astype(bool)]


def robustness_table(villages: pd.DataFrame, stability: pd.DataFrame, limit: int = 50) -> pd.DataFrame:
    """Villages that entered the focus list in at least one weight draw, most often first."""
    ranked = villages.sort_values(["rank", "village_code"], na_position="last")
    merged = pd.DataFrame(ranked[["village_code", "village_name"]]).merge(
        stability.drop(columns=["rank", "in_focus_list"], errors="ignore"), on="village_code")
    shown = merged[merged["in_focus_share"] > 0]
    return shown.sort_values("in_focus_share", ascending=False, kind="stable").head(limit) \
        .reset_index(drop=True)


def stability_counts(stability: pd.DataFrame) -> dict[str, int]:
    """How many villages are ``solid in``, ``depends on weights``, ``solid out``."""
    counts = stability["stability"].value_counts()
    return {label: int(counts.get(label, 0))
            for label in ("solid in", "depends on weights", "solid out")}


def pocket_table(villages: pd.DataFrame, variable: str) -> pd.DataFrame:
    """Villages in a poverty pocket (High-High), highest value of the pocket variable first."""
    columns = [c for c in ("village_code", "village_name", district_column(villages),
                           *place_columns(villages)[1:], "pocket", "hotspot", variable, "lisa_p",
                           "rank", "score", "in_focus_list")
               if c in villages]
    columns = list(dict.fromkeys(columns))
    pockets = villages.loc[villages["pocket"].astype("string").fillna("") == "HH", columns]
    return pd.DataFrame(pockets).sort_values(variable, ascending=False).reset_index(drop=True)


def pocket_counts(villages: pd.DataFrame, order) -> pd.DataFrame:
    """``pocket``, ``count`` in the conventional order (only labels that occur)."""
    counts = villages["pocket"].astype("string").fillna("no_data").value_counts()
    present = [p for p in order if p in counts]
    return pd.DataFrame({"pocket": present, "count": [int(counts[p]) for p in present]})


def neighbour_table(near: pd.DataFrame) -> pd.DataFrame:
    """The pilot's neighbours, best ranked first (or by code without a ranking)."""
    columns = [c for c in ("village_code", "village_name", "district_name", "rank", "score")
               if c in near]
    key = "rank" if "rank" in columns else "village_code"
    return pd.DataFrame(near[columns]).sort_values(key, na_position="last").reset_index(drop=True)


def pin_table(pins) -> pd.DataFrame:
    """The pins of a focus config as rows (village, in/out, reason, who)."""
    return pd.DataFrame([{"village_code": p.village_code, "action": p.action, "reason": p.reason,
                          "by": p.by} for p in pins])


def public_rejected(rejected: pd.DataFrame | None) -> pd.DataFrame | None:
    """Rejected rows safe to show and download: row number, outcome, reason — nothing personal."""
    if rejected is None:
        return None
    from geo.common.privacy import drop_personal

    keep = [c for c in ("source_row", "outcome", "reason") if c in rejected]
    public, _ = drop_personal(rejected[keep])
    return public.reset_index(drop=True)
