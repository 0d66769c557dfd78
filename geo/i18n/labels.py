"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

from geo.common.columns import FAMILIES, find_column
from geo.i18n import DEFAULT_LANGUAGE, Message, has_text, t


def indicator_label(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a column (``rate_dep_water`` -> ``Deprivasi air minum``).

    Names come from the column registry (:mod:`geo.common.columns`, texts in
    ``geo/i18n/catalogue/columns.toml``). A family column the registry does not list
    (``rate_water``, ``why_<column>``) is named by its family's rule; anything else keeps its name.
    """
    info = find_column(column)
    if info is not None:
        return info.label_text(lang)
    for prefix in FAMILIES:
        if column.startswith(prefix):
            rest = column.removeprefix(prefix)
            subject_id = "column.subject." + rest.removeprefix("dep_").removeprefix("recv_")
            if prefix == "why_" and find_column(rest) is not None:
                subject = find_column(rest).label
            elif has_text(subject_id):
                subject = Message(subject_id)
            else:
                subject = rest
            return t(f"column.family.{prefix.rstrip('_')}", lang, subject=subject)
    return column


# --- stored values shown to people ------------------------------------------------------------
# The library stores short English codes (``matched_code``, ``HH``, ``solid in``...); screens and
# downloads show them through the catalogue (``geo/i18n/catalogue/values.toml``, ids
# ``value.<column>.<code>``) at display time only, so stored results never change.

#: The stored codes of each column that has translated values (column: codes).
VALUE_CODES: dict[str, tuple[str, ...]] = {
    "outcome": ("matched_code", "matched_location", "matched_successor_code",
                "matched_code_location_disagree",
                "unknown_code", "outside_villages", "no_code_no_location", "invalid",
                "duplicate_household"),
    "stability": ("solid in", "depends on weights", "solid out"),
    "quadrant": ("high-high", "high-low", "low-high", "low-low"),  # desil-1 count – share
    "pocket": ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data"),
    "hotspot": ("hot", "cold", "ns", "isolated", "no_data"),
    "vs_previous": ("stayed", "entered", "left"),
    "village_type": ("kelurahan", "desa", "desa adat"),
    "action": ("in", "out"),
}
VALUE_LABELS = VALUE_CODES  # the former name (codes only; texts are in the catalogue)

#: Keys of the boundary quality report (:func:`geo.boundaries.read.read_villages`); texts are
#: the catalogue's ``report.<key>`` entries.
REPORT_KEYS: tuple[str, ...] = (
    "sources", "features_in", "features_out", "rejected", "empty", "repaired", "islands_fixed",
    "duplicates", "merged_duplicates", "kelurahan", "desa", "desa_adat", "metric_crs", "overlaps",
    "overlaps_total", "gaps", "quality_checked", "warnings", "per_source",
)


def value_id(column: str, code: str) -> str:
    """The catalogue id of a stored value: ``value.stability.solid_in``."""
    return f"value.{column}.{code.replace(' ', '_')}"


def value_label(column: str, value, lang: str = DEFAULT_LANGUAGE):
    """The readable text of a stored value (``outcome`` ``matched_code`` -> ``Cocok lewat kode``).

    ``focus_reason`` (message codes) is rendered with :func:`focus_reason_text`; values
    without a translation (and missing values) come back unchanged.
    """
    if not isinstance(value, str):
        return value
    if column == "focus_reason":
        return focus_reason_text(value, lang)
    key = value_id(column, value)
    return t(key, lang) if column in VALUE_CODES and has_text(key) else value


def focus_reason_text(reason, lang: str = DEFAULT_LANGUAGE):
    """A ``focus_reason`` from :mod:`geo.ranking.focus` in ``lang``.

    The reasons are stored as message codes with parameters (``focus.top_n{"n": 10};
    focus.best_in_district{"district": "Klojen"}``, see :mod:`geo.common.messages`); pin
    reasons and names typed by people are parameters, kept as they were written. Parts that
    are not codes (a list saved by an older version) are shown unchanged.
    """
    from geo.common.messages import render_cell

    return render_cell(reason, lang)


def translate_values(frame, lang: str = DEFAULT_LANGUAGE):
    """A copy of ``frame`` with the stored codes of known columns as readable text (display only)."""
    from geo.common.messages import MESSAGE_COLUMNS, render_column

    out = frame.copy()
    for column in out.columns:
        if column in MESSAGE_COLUMNS:  # reasons and problems stored as message codes
            out[column] = render_column(out[column], lang)
        elif column in VALUE_CODES:
            out[column] = out[column].map(lambda v, c=column: value_label(c, v, lang))
    return out


def report_label(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a boundary-report key (``features_in`` -> ``Fitur masuk``)."""
    return t(f"report.{key}", lang) if has_text(f"report.{key}") else key


def pocket_method_text(settings: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """How the pockets were found, from the config's ``[pockets]`` settings: permutations
    (independent per village, ties counted), seed, the rule ``p <= alpha``, the correction for
    multiple testing and the smoothing with its base. Older settings (``fdr``, no smoothing)
    read as they were meant: ``fdr = true`` is the FDR correction, a missing smoothing raw."""
    correction = settings.get("correction") or ("fdr" if settings.get("fdr") else "none")
    smoothing = settings.get("smoothing") or "raw"
    base = settings.get("base")
    if smoothing == "eb" and base:
        smoothed = t("pocket_method.smoothing.eb", lang, base=indicator_label(str(base), lang))
    else:
        smoothed = t("pocket_method.smoothing.raw", lang)
    return t("pocket_method", lang, permutations=settings.get("permutations", 9999),
             seed=str(settings.get("seed", 12345)), alpha=float(settings.get("alpha", 0.05)),
             correction=t(f"pocket_method.correction.{correction}", lang), smoothing=smoothed)
