"""One registry of every column the library produces: what it is, how it is shown, what it is called.

A column's facts used to be repeated wherever it was shown (screen formatting, map legends,
XLSX number formats, export descriptions, the Shapefile field map, config validation) and the
copies disagreed: ``inclusion_error``, a household *count*, was shown as "2700.0 %". Here each
column is described once, as a :class:`ColumnInfo`, and every other part reads it:

- ``kind`` says what the values are (``code``, ``name``, ``count``, ``share``, ``rate``,
  ``index``, ``score``, ``rank``, ``statistic``, ``probability``, ``measure``, ``money``,
  ``category``, ``flag``, ``text``);
- ``unit`` says what a number counts or how it is stored: ``fraction`` values are stored 0–1 and
  shown as percentages; ``households``, ``people``, ``villages``, ``points``, ``km2``, ``m``;
- ``decimals`` is how many decimals people see (of the percentage, for fractions);
- ``label`` and ``description`` are :class:`geo.i18n.Message` codes of the catalogue
  (``geo/i18n/catalogue/columns.toml``: ``["column.mpi_m0"]`` and ``["column.mpi_m0.help"]``),
  rendered in the reader's language;
- ``shapefile`` is the column's 10-character dBASE field name.

Patterned families are built by rule from :data:`geo.households.schema.DEPRIVATIONS` and
:data:`~geo.households.schema.PROGRAMMES`: ``rate_<dep>``, ``cens_<dep>``, ``contrib_<dep>``,
``cov_<programme>`` and ``why_<indicator>`` (score points from each scorable indicator), so a new
deprivation appears everywhere by adding it to the schema.

Examples
--------
>>> column("inclusion_error").kind
'count'
>>> column("mpi_m0").is_percent
True
>>> column("rate_dep_water").label.render("en")
'Deprived in drinking water'
"""

from __future__ import annotations

import difflib
import math
import numbers
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from geo.households.schema import DEPRIVATIONS, PROGRAMMES
from geo.i18n import DEFAULT_LANGUAGE, Message, number, percent

Kind = Literal["code", "name", "count", "share", "rate", "index", "score", "rank", "statistic",
               "probability", "measure", "money", "category", "flag", "text"]
KINDS: tuple[str, ...] = Kind.__args__  # type: ignore[attr-defined]
#: kinds whose values are numbers (the others are text, codes, categories or true/false)
NUMERIC_KINDS = frozenset({"count", "share", "rate", "index", "score", "rank", "statistic",
                           "probability", "measure", "money"})
_DEFAULT_DECIMALS = {"count": 0, "share": 1, "rate": 1, "index": 1, "score": 2, "rank": 0,
                     "statistic": 2, "probability": 3, "measure": 2, "money": 0}

#: Families of columns named ``<prefix><subject>``; the subject is a deprivation, a programme
#: or (for ``why_``) another column.
FAMILIES: tuple[str, ...] = ("rate_", "cens_", "contrib_", "cov_", "why_")


class UnknownColumnError(LookupError):
    """A column name that the registry does not describe."""


@dataclass(frozen=True, eq=False)
class ColumnInfo:
    """What one column is and how people see it.

    Attributes
    ----------
    name
        The column name in tables and exported layers (``mpi_m0``).
    kind
        One of :data:`KINDS`.
    unit
        ``fraction`` (stored 0–1, shown as a percentage), ``households``, ``people``,
        ``villages``, ``points``, ``km2``, ``m`` or ``""``.
    decimals
        Decimals shown (of the percentage for fractions); None for non-numeric columns.
    label, description
        Catalogue messages; ``label.render("id")`` is the Indonesian column header.
    shapefile
        dBASE field name, at most 10 characters.
    scorable
        Whether the ranking config may weight it (``[[indicator]] column = ...``).
    family, subject
        For patterned columns: the prefix (``rate_``) and what follows it (``dep_water``).
    """

    name: str
    kind: str
    unit: str = ""
    decimals: int | None = None
    label: Message = field(default=None)  # type: ignore[assignment]
    description: Message = field(default=None)  # type: ignore[assignment]
    shapefile: str = ""
    scorable: bool = False
    family: str | None = None
    subject: str | None = None

    @property
    def is_percent(self) -> bool:
        """Stored as a fraction 0–1 and shown as a percentage."""
        return self.unit == "fraction"

    @property
    def is_numeric(self) -> bool:
        return self.kind in NUMERIC_KINDS

    def label_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The column's name for people, in ``lang``."""
        return self.label.render(lang)

    def description_text(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """One line saying what the column holds, in ``lang``."""
        return self.description.render(lang)

    def format(self, value, lang: str = DEFAULT_LANGUAGE) -> str:
        """``value`` as people read it in ``lang``: ``12,6 %``, ``4.449``, ``71,26``; ``–`` if missing."""
        return format_number(value, lang, percent_=self.is_percent, decimals=self.decimals,
                             numeric=self.is_numeric)

    @property
    def excel_format(self) -> str | None:
        """The XLSX number format: ``@`` for codes, ``0.0%`` for fractions, ``#,##0`` for counts."""
        if self.kind == "code":
            return "@"
        if not self.is_numeric:
            return None
        decimals = self.decimals or 0
        if self.is_percent:
            return "0" + ("." + "0" * decimals if decimals else "") + "%"
        if self.kind in ("count", "rank", "money") and decimals == 0:
            return "#,##0"
        return "0" + ("." + "0" * decimals if decimals else "")


def format_number(value, lang: str = DEFAULT_LANGUAGE, *, percent_: bool = False,
                  decimals: int | None = None, numeric: bool = True) -> str:
    """Shared rule of :meth:`ColumnInfo.format` and of columns the registry does not know.

    Missing values give ``–``; text is returned as it is; fractions become percentages; other
    numbers get ``decimals`` decimals (None: integers none, others two).
    """
    if value is None or isinstance(value, bool) or not isinstance(value, numbers.Number):
        if value is None or _is_missing(value):
            return "–"
        return str(value)
    if _is_missing(value):
        return "–"
    if not numeric:
        return str(value)
    if percent_:
        return percent(float(value), lang, 1 if decimals is None else decimals)
    if decimals is None:
        decimals = 0 if float(value).is_integer() else 2
    return number(float(value), lang, decimals)


def _is_missing(value) -> bool:
    try:
        return bool(value != value) or (isinstance(value, float) and math.isinf(value))
    except (TypeError, ValueError):  # pd.NA
        return True


# ------------------------------------------------------------------------ Shapefile field names

# Abbreviations used to fit names into the 10 characters of a dBASE field name.
ABBREVIATIONS = {
    "village": "VIL", "district": "DIST", "regency": "REG", "province": "PROV",
    "households": "HH", "household": "HH", "people": "PPL", "share": "SHARE", "rate": "R",
    "cens": "CEN", "contrib": "CON", "why": "W", "focus": "FOC", "list": "LST", "reason": "RSN",
    "quadrant": "QUAD", "suppressed": "SUPPR", "vulnerable": "VULN", "severe": "SEV",
    "unreached": "UNRCH", "exclusion": "EXCL", "inclusion": "INCL", "error": "ERR",
    "nutrition": "NUTR", "child": "CH", "mortality": "MORT", "schooling": "SCHL",
    "attendance": "ATT", "cooking": "COOK", "sanitation": "SAN", "water": "WATR",
    "electricity": "ELEC", "housing": "HOUS", "assets": "ASST", "villages": "VILS",
    "codes": "CODES", "names": "NAMES", "best": "BEST", "missing": "MIS",
    "dep": "",  # rate_dep_water and rate_water both become R_WATR
}


def short_name(name: str) -> str:
    """A dBASE field name (≤ 10 characters) for ``name``, by rule, before clashes are resolved.

    Each ``_``-separated token is abbreviated (:data:`ABBREVIATIONS`, ``desil1`` -> ``D1``),
    the tokens are joined with ``_``, without separators if still too long, then cut at 10.
    """
    tokens = [t for t in re.split(r"[^0-9A-Za-z]+", name) if t]
    parts = []
    for token in tokens:
        lower = token.lower()
        match = re.fullmatch(r"desil(\d+)", lower)
        part = f"D{match.group(1)}" if match else ABBREVIATIONS.get(lower, token.upper())
        if part:
            parts.append(part)
    short = "_".join(parts) or "FIELD"
    if len(short) > 10:
        short = "".join(parts)
    return short[:10]


# ------------------------------------------------------------------------------- the registry

def _subject(name: str) -> str:
    """``dep_water`` / ``recv_pkh`` -> the catalogue subject id ``water`` / ``pkh``."""
    return name.removeprefix("dep_").removeprefix("recv_")


def _plain(name: str, kind: str, unit: str = "", decimals: int | None = None, *,
           scorable: bool = False) -> ColumnInfo:
    if decimals is None:
        decimals = _DEFAULT_DECIMALS.get(kind)
    return ColumnInfo(name=name, kind=kind, unit=unit, decimals=decimals,
                      label=Message(f"column.{name}"), description=Message(f"column.{name}.help"),
                      shapefile=short_name(name), scorable=scorable)


def _family(prefix: str, subject: str, subject_label: Message, kind: str, unit: str,
            *, scorable: bool, **help_params) -> ColumnInfo:
    name = prefix + subject
    family_id = f"column.family.{prefix.rstrip('_')}"
    return ColumnInfo(name=name, kind=kind, unit=unit, decimals=_DEFAULT_DECIMALS[kind],
                      label=Message(family_id, {"subject": subject_label}),
                      description=Message(family_id + ".help",
                                          {"subject": subject_label, **help_params}),
                      shapefile=short_name(name), scorable=scorable, family=prefix,
                      subject=subject)


def _build() -> dict[str, ColumnInfo]:
    entries: list[ColumnInfo] = []
    add = entries.append
    # identity of the village (canonical layer)
    for name in ("village_code", "district_code", "regency_code", "province_code"):
        add(_plain(name, "code"))
    for name in ("village_name", "district_name", "regency_name", "province_name"):
        add(_plain(name, "name"))
    add(_plain("village_type", "category"))
    # village indicators (geo.indicators.village_indicators), in the order of that table
    fraction = "fraction"
    for name, kind, unit in (
        ("households", "count", "households"), ("people", "count", "people"),
        ("desil1_households", "count", "households"), ("desil1_people", "count", "people"),
        ("desil1_share", "share", fraction),
        ("desil14_households", "count", "households"), ("desil14_people", "count", "people"),
        ("desil14_share", "share", fraction),
    ):
        add(_plain(name, kind, unit, scorable=True))
    for dep in DEPRIVATIONS:
        add(_family("rate_", dep, Message(f"column.subject.{_subject(dep)}"), "rate", fraction,
                    scorable=True))
    for name, kind, unit in (
        ("mpi_people", "count", "people"), ("mpi_h", "share", fraction),
        ("mpi_a", "index", fraction), ("mpi_m0", "index", fraction),
        ("mpi_vulnerable", "share", fraction), ("mpi_severe", "share", fraction),
        ("mpi_poor_people", "count", "people"), ("mpi_households", "count", "households"),
        ("mpi_missing_households", "count", "households"),
    ):
        add(_plain(name, kind, unit, scorable=True))
    for prefix in ("cens_", "contrib_"):
        for dep in DEPRIVATIONS:
            add(_family(prefix, dep, Message(f"column.subject.{_subject(dep)}"), "share", fraction,
                        scorable=True))
    for programme in PROGRAMMES:
        add(_family("cov_", _subject(programme), Message(f"column.subject.{_subject(programme)}"),
                    "share", fraction, scorable=True))
    for name, kind, unit in (
        ("poor_unreached", "count", "households"), ("exclusion_rate", "share", fraction),
        ("inclusion_error", "count", "households"), ("inclusion_error_rate", "share", fraction),
    ):
        add(_plain(name, kind, unit, scorable=True))
    # ranking (geo.ranking): score, rank, focus list, robustness
    add(_plain("score", "score", "points"))
    add(_plain("rank", "rank"))
    scorable = [c for c in entries if c.scorable]
    for indicator in scorable:
        add(_family("why_", indicator.name, indicator.label, "score", "points", scorable=False,
                    column=indicator.name))
    add(_plain("in_focus_list", "flag"))
    add(_plain("focus_reason", "text"))
    add(_plain("quadrant", "category"))
    add(_plain("vs_previous", "category"))
    add(_plain("in_focus_share", "share", fraction, 0))
    for name in ("rank_p5", "rank_median", "rank_p95"):
        add(_plain(name, "rank"))
    add(_plain("stability", "category"))
    # poverty pockets (geo.spatial.pockets)
    add(_plain("pocket", "category"))
    add(_plain("lisa_i", "statistic", decimals=3))
    add(_plain("lisa_p", "probability"))
    add(_plain("lisa_p_adj", "probability"))
    add(_plain("lisa_q", "category"))
    add(_plain("gi_z", "statistic"))
    add(_plain("gi_p", "probability"))
    add(_plain("hotspot", "category"))
    add(_plain("neighbours", "count", "villages"))
    add(_plain("neighbour_mean", "statistic", decimals=3))
    # exports (geo.export): suppression and pocket areas
    add(_plain("suppressed", "flag"))
    add(_plain("pocket_id", "code"))
    add(_plain("n_villages", "count", "villages"))
    add(_plain("village_codes", "text"))
    add(_plain("village_names", "text"))
    add(_plain("best_rank", "rank"))
    add(_plain("area_km2", "measure", "km2"))
    # pilot area (geo.spatial.pilot)
    add(_plain("neighbour", "flag"))
    add(_plain("similar", "flag"))
    add(_plain("distance", "statistic"))
    add(_plain("poor_households", "count", "households"))
    add(_plain("cell_id", "code"))
    add(_plain("cell_m", "measure", "m", 0))
    # household rows and decisions shown in the app (reconciliation, pins)
    add(_plain("source_row", "rank"))
    add(_plain("outcome", "category"))
    add(_plain("reason", "text"))
    add(_plain("action", "category"))
    add(_plain("by", "text"))
    registry: dict[str, ColumnInfo] = {}
    for info in entries:
        if info.name in registry:
            raise ValueError(f"column {info.name!r} is registered twice")
        registry[info.name] = info
    return registry


@cache
def registry() -> dict[str, ColumnInfo]:
    """Every registered column by name, in a stable order (identity, indicators, ranking, ...)."""
    return _build()


def columns() -> tuple[ColumnInfo, ...]:
    """Every registered column, in registry order."""
    return tuple(registry().values())


def find_column(name: str) -> ColumnInfo | None:
    """The :class:`ColumnInfo` of ``name``, or None when the registry does not know it."""
    return registry().get(str(name))


def column(name: str) -> ColumnInfo:
    """The :class:`ColumnInfo` of ``name``.

    Raises
    ------
    UnknownColumnError
        When the column is not registered; the message suggests the closest registered name.
        Use :func:`find_column` for an explicit None instead.
    """
    info = find_column(name)
    if info is None:
        close = difflib.get_close_matches(str(name), list(registry()), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise UnknownColumnError(f"unknown column {name!r}{hint} (every column is described in "
                                 f"geo/common/columns.py)")
    return info


def is_registered(name: str) -> bool:
    return str(name) in registry()


def scorable_columns() -> tuple[str, ...]:
    """Indicator columns a ranking config may weight (the village indicator table's numbers)."""
    return tuple(c.name for c in columns() if c.scorable)


def percent_columns() -> tuple[str, ...]:
    """Registered columns stored as fractions 0–1 and shown as percentages."""
    return tuple(c.name for c in columns() if c.is_percent)


def label(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """The header of column ``name`` in ``lang``; an unknown column keeps its name."""
    info = find_column(name)
    return info.label_text(lang) if info else str(name)


def description(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """What column ``name`` holds, in ``lang``; ``""`` for an unknown column."""
    info = find_column(name)
    return info.description_text(lang) if info else ""


def format_value(name: str, value, lang: str = DEFAULT_LANGUAGE) -> str:
    """``value`` of column ``name`` for people; unknown columns get the generic number rule."""
    info = find_column(name)
    if info is None:
        return format_number(value, lang)
    return info.format(value, lang)
