"""Text safety for everything built from what users wrote (issue 18): one place for each rule.

- :func:`markdown_text`: a name, title or message safe inside Streamlit Markdown (shown as typed:
  no link, image, heading, HTML, maths or ``:colour[...]``).
- :func:`neutralise_cell` / :func:`neutralise_frame`: a CSV text cell a spreadsheet would run as a
  formula (``=``, ``+``, ``-``, ``@``, tab, carriage return) gets a leading ``'``; numbers stay
  numbers (``-3`` as a number is a number, not a formula).
- :func:`without_paths`: absolute server paths in a message reduced to the file's own name.
- :func:`looks_personal`: a text that looks like a personal value (a NIK / No. KK / phone digit
  run, an e-mail address); :func:`safe_headers` reports such headers by position and
  :func:`safe_file_name` describes such a file name instead of copying it.
- :func:`without_control_characters`: NUL and other control characters out of a file name.
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

_MARKDOWN_SPECIAL = "\\`*_{}[]<>#|~$"
# GFM turns a bare "http://host", "www.host" or "a@b.c" into a link after parsing (a backslash
# escape does not stop it): a word joiner (U+2060, invisible) inside each breaks the pattern
_AUTOLINK = re.compile(r"(?i)(?<=https)(?=:)|(?<=http)(?=:)|(?<=\bwww)(?=\.)|(?<=\w@)(?=\w)")
WORD_JOINER = "\u2060"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# eleven or more digits in a row or with spaces, dots or dashes between (NIK and No. KK have
# 16, phone numbers 11-14 with their 0 or 62; a date has 8, a village code 10)
_DIGIT_RUN = re.compile(r"(?:\d[\s.\-]?){10,}\d")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")
_PHONE = re.compile(r"(?:\+62|\b62|\b0)8\d{2}[\s.\-]?\d{3,4}[\s.\-]?\d{3,5}")
# an absolute path of at least two parts (POSIX or Windows); its last part is kept
_PATH = re.compile(r"(?:[A-Za-z]:\\|/)(?:[^\s/\\:'\"]+[/\\])+([^\s/\\:'\"]+)")


def markdown_text(text) -> str:
    """``text`` (a name from a file, a note) safe inside Streamlit Markdown: every character
    Markdown or Streamlit would interpret (emphasis, links, images, headings, ``:colour[...]``,
    ``$maths$``, and the bare ``http://``, ``www.`` and ``a@b.c`` that GFM turns into links) is
    backslash-escaped, so it shows as typed."""
    escaped = "".join("\\" + c if c in _MARKDOWN_SPECIAL else c for c in str(text))
    return without_autolinks(escaped)


def without_autolinks(text: str) -> str:
    """``text`` with an invisible word joiner inside every bare ``http://``, ``https://``,
    ``www.`` and e-mail address: shown the same, but GFM no longer makes them links (a click
    would leave the offline app for an outside address, and a link invites it)."""
    return _AUTOLINK.sub(WORD_JOINER, text)


def neutralise_cell(value):
    """A text cell that a spreadsheet would run as a formula, with a leading ``'``; any other
    value (numbers, NA, ordinary text) as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` with every text cell neutralised (:func:`neutralise_cell`), and text
    column headers too; numeric columns are left alone (a negative number stays a number)."""
    out = pd.DataFrame(frame).copy()
    for position in range(out.shape[1]):
        values = out.iloc[:, position]
        if isinstance(values.dtype, pd.StringDtype):  # text or NA only: one vectorised test
            formula = values.str.startswith(FORMULA_START).fillna(False).to_numpy(dtype=bool)
            if formula.any():
                out.isetitem(position, values.mask(formula, "'" + values))
        elif values.dtype == object or pd.api.types.is_string_dtype(values):
            out.isetitem(position, values.map(neutralise_cell))  # a categorical gets new labels
    out.columns = [neutralise_cell(c) for c in out.columns]
    return out


def without_paths(text) -> str:
    """``text`` with every absolute path (``/tmp/upload-x1/hh.csv``) reduced to its last part
    (``hh.csv``): no server folder on screen."""
    return _PATH.sub(lambda m: m.group(1), str(text))


def looks_personal(text) -> bool:
    """Whether ``text`` looks like a personal value rather than a label: a run of digits as long
    as a NIK, No. KK or phone number, an e-mail address or an Indonesian mobile number."""
    text = str(text)
    return bool(_DIGIT_RUN.search(text) or _EMAIL.search(text) or _PHONE.search(text))


def position_label(i: int) -> str:
    """The neutral name of the ``i``-th column (1-based): ``#3``."""
    return f"#{i}"


def safe_headers(columns, known=()) -> list[str] | None:
    """Headers to use instead of ``columns`` when the header row looks like data, else ``None``.

    When any header looks personal (:func:`looks_personal`) the row is most likely the first
    record of a file without a header: every header but the ``known`` ones (recognised column
    names) is replaced by its position (``#3``), so no message, report or table quotes it.
    """
    columns = [str(c) for c in columns]
    if not any(looks_personal(c) for c in columns):
        return None
    known = set(known)
    return [c if c in known and not looks_personal(c) else position_label(i)
            for i, c in enumerate(columns, start=1)]


def without_control_characters(text) -> str:
    """``text`` without NUL and the other control and format characters (``\\x00``, ``\\x1b``,
    a right-to-left override), which no file name needs: a NUL cuts a path short in C libraries,
    an escape sequence recolours a terminal, an override shows ``gpj.exe`` as ``exe.jpg``."""
    return "".join(c for c in str(text) if unicodedata.category(c) not in ("Cc", "Cf")
                   or c == "\u200d")


def safe_file_name(name: str, sha256: str | None = None, role: str = "input") -> str:
    """``name`` as it may be written into method tables, workbooks and PDFs: the name itself
    without control characters, or, when it looks personal,
    ``<role> file (.csv, sha256 1a2b3c4d5e6f)``."""
    name = without_control_characters(name)
    if not looks_personal(name):
        return name
    suffix = "".join(re.findall(r"\.[A-Za-z0-9]{1,8}$", name))
    digest = f", sha256 {sha256[:12]}" if sha256 else ""
    return f"{role} file ({suffix or 'no extension'}{digest})"
