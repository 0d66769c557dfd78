"""Language: one catalogue of every user-facing text, and numbers and dates per locale.

Why one table and not gettext: the app has two languages written by the same people, side by
side; a message id (``rank_top``) stays stable when a sentence is reworded, where a gettext
msgid *is* the English sentence and a reworded sentence silently loses its translation; and
``.mo`` files are generated artefacts that would need a build step on a fresh machine. The
catalogue is TOML files in ``geo/i18n/catalogue/`` (one per domain: ``ui``, ``columns``,
``messages``, ...), merged into one table at import; a test checks that every entry has both
languages with the same placeholders. Babel formats numbers, percentages and dates.

``geo`` never builds a user sentence by concatenation: it emits a :class:`Message` (a code and
its parameters), and whoever shows it (the app, the CLI, an export) renders it with
:func:`t` in the reader's language.
"""

from __future__ import annotations

import math
import numbers
import tomllib
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any, Mapping

from babel.dates import format_date as _babel_date
from babel.dates import format_datetime as _babel_datetime
from babel.numbers import format_decimal as _babel_decimal

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"
#: Babel locale of each interface language
LOCALES = {"id": "id_ID", "en": "en_GB"}
CATALOGUE_DIR = Path(__file__).resolve().parent / "catalogue"


@cache
def catalogue() -> dict[str, dict[str, str]]:
    """Every message id with its text per language, from all catalogue files (read once)."""
    table: dict[str, dict[str, str]] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.toml")):
        with path.open("rb") as handle:
            for key, entry in tomllib.load(handle).items():
                if key in table:
                    raise ValueError(f"{path.name}: message id {key!r} is defined twice")
                table[key] = entry
    return table


def has_text(key: str) -> bool:
    """Whether ``key`` is a message id of the catalogue."""
    return key in catalogue()


def t(key: str, lang: str = DEFAULT_LANGUAGE, /, **params) -> str:
    """The text of message ``key`` in ``lang``, with ``{name}`` fields filled in.

    Numbers among ``params`` are formatted for the language (``4.449`` / ``4,449``); a
    :class:`Message` among them is rendered in the same language. A missing translation falls
    back to the default language, then to the key itself, so a forgotten text never breaks a
    page (a test keeps the catalogue complete).
    """
    entry = catalogue().get(key)
    if entry is None:
        text = key
    else:
        text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or next(iter(entry.values()))
    if not params:
        return text
    try:
        return text.format(**{name: _param(value, lang) for name, value in params.items()})
    except (KeyError, IndexError, ValueError):  # a cell stored with other parameters: keep it readable
        return text


def _param(value, lang: str):
    if isinstance(value, Message):
        return value.render(lang)
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, numbers.Number):
        return number(value, lang)
    return value


@dataclass(frozen=True)
class Message:
    """A user-facing text as data: a catalogue id and its parameters, rendered late.

    Parameters are plain values (numbers, codes, file names); numbers are formatted for the
    reader's language when rendered. ``str()`` gives the English text (logs, tests).
    """

    code: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return t(self.code, lang, **dict(self.params))

    def __str__(self) -> str:
        return self.render("en")

    def to_dict(self) -> dict:
        return {"code": self.code, "params": dict(self.params)}


def render(text, lang: str = DEFAULT_LANGUAGE) -> str:
    """A :class:`Message` (or anything with ``render``) in ``lang``; a plain string unchanged."""
    if hasattr(text, "render"):
        return text.render(lang)
    return "" if text is None else str(text)


# ----------------------------------------------------------------------------- numbers, dates

def _locale(lang: str) -> str:
    return LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE])


def _missing(value) -> bool:
    try:
        return value is None or bool(value != value) or (isinstance(value, float) and math.isinf(value))
    except (TypeError, ValueError):  # pd.NA compares to NA
        return True


def number(value, lang: str = DEFAULT_LANGUAGE, decimals: int | None = None, *,
           missing: str = "–") -> str:
    """``value`` with the language's grouping and decimal signs: ``4.449`` / ``4,449``.

    ``decimals`` fixes the number of decimals; by default integers get none and other numbers
    up to three (trailing zeros dropped). Missing values give ``missing``.
    """
    if _missing(value):
        return missing
    if decimals is None:
        integral = isinstance(value, numbers.Integral) or float(value).is_integer()
        pattern = "#,##0" if integral else "#,##0.###"
    else:
        pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    return _decimal_text(value, pattern, _locale(lang))


def _decimal_text(value, pattern: str, locale: str) -> str:
    """Babel's ``format_decimal`` of ``value``, each distinct displayed number formatted once.

    Babel turns a float into ``Decimal(str(value))`` and rounds it half-even to the pattern's
    decimals; we do the same rounding first (exactly the same result), so a province's 8,494
    shares shown to one decimal need a few hundred Babel calls, not 8,494 (each ~0.1 ms: a
    table of Jawa Timur took seconds to format on every rerun).
    """
    decimals = len(pattern.partition(".")[2])
    try:
        rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals))
    except (InvalidOperation, ValueError, TypeError):  # beyond Decimal's precision: Babel itself
        return _babel_decimal(value, format=pattern, locale=locale)
    return _rounded_text(rounded, rounded.is_signed(), pattern, locale)


@lru_cache(maxsize=65536)
def _rounded_text(rounded: Decimal, signed: bool, pattern: str, locale: str) -> str:
    # ``signed`` in the key: Decimal("-0.0") == Decimal("0.0"), yet Babel writes "-0,0"
    return _babel_decimal(rounded, format=pattern, locale=locale)


def percent(fraction, lang: str = DEFAULT_LANGUAGE, decimals: int = 1, *,
            missing: str = "–") -> str:
    """A share given as a fraction, as a percentage: ``0.1263`` -> ``12,6 %`` / ``12.6 %``."""
    if _missing(fraction):
        return missing
    return number(float(fraction) * 100, lang, decimals) + " %"


def date_text(value: date | datetime | str, lang: str = DEFAULT_LANGUAGE, *,
              with_time: bool = False) -> str:
    """A date (or an ISO 8601 string) written for the language: ``14 Mar 2025`` / ``14 Mar 2025``."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if with_time and isinstance(value, datetime):
        return _babel_datetime(value, format="medium", locale=_locale(lang))
    if isinstance(value, datetime):
        value = value.date()
    return _babel_date(value, format="medium", locale=_locale(lang))
