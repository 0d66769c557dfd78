"""Read a household registry extract into the canonical household table.

Registries (DTSEN, DTKS, P3KE) and agencies deliver CSV (UTF-8, Windows-1252 or UTF-16; comma or
semicolon separated, Indonesian decimal comma), XLSX or Parquet with their own column names.
:func:`read_households` turns any of them into one table (``HOUSEHOLD_COLUMNS``,
see :data:`OUTPUT_COLUMNS`):

1. read text as text, so codes keep their leading zeros; numbers stored as numbers (Parquet
   integer/float columns, XLSX numeric cells) stay numbers and are parsed from their values,
   with exactly the results their text would give (codes still become dotted strings);
2. drop personal columns (NIK, No. KK, names, addresses, phones) *before anything else*,
   keeping only a salted hash of No. KK/NIK as household id when the file has no id;
3. map columns by alias or by an explicit ``column_map``;
4. drop any other column whose values are mostly 16-digit numbers (a NIK/No. KK/card number
   column under an innocent name), except the village code;
5. parse and check values; a row with a problem stays in the table with the reason in
   ``problem`` (the join step counts it as ``invalid``), so every input row is accounted for.
   An unusable village code alone is not a problem when the row has coordinates: the code is
   set to ``<NA>``, the reason goes to ``code_note`` and the join places the row by location.
   An unreadable yes/no flag becomes ``<NA>`` and is counted in the report, not a problem;
6. derive missing ``dep_*`` flags from raw registry fields (:mod:`geo.deprivation_rules`).

Problem texts and error messages never quote a cell (a mistyped column may hold a NIK or a
name): they describe it (:func:`geo.common.privacy.describe_values`), and any long digit run left is
masked (:func:`geo.common.privacy.mask_id_numbers`).

Problems with the whole file (not a table, wrong delimiter, missing column...) raise
:class:`~geo.common.errors.GeoInputError` naming the file and column.
"""

from __future__ import annotations

import csv
import io
import logging
import unicodedata
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.codes import (LOST_DIGITS_CODE, normalise_bps_code, normalise_village_code,
                              village_code_problems)
from geo.households.rules import (
    derive_deprivations,
    factorize_values,
    holds_numbers,
    per_unique,
    spread_back,
    to_number,
)
from geo.common.input_files import check_input_file
from geo.common.reading import reading
from geo.common.errors import GeoInputError
from geo.common.safe_text import looks_personal, safe_file_name, safe_headers
from geo.common.messages import SEPARATOR, Nested, decode, encode, encode_rows
from geo.i18n import Message
from geo.households.aliases import match_columns, require_columns
from geo.households.report import IngestReport
from geo.households.schema import DEPRIVATIONS, HOUSEHOLD_COLUMNS, PROGRAMMES
from geo.common.privacy import (
    is_personal,
    normalise_header,
    describe_values,
    hash_key_column,
    looks_like_id_numbers,
    mask_id_numbers,
    personal_columns,
    resolve_salt,
    salted_hash,
)

__all__ = ["DEPRIVATIONS", "HOUSEHOLD_COLUMNS", "OUTPUT_COLUMNS", "PROGRAMMES", "read_households"]

#: What :func:`read_households` returns: the canonical columns plus ``code_note`` (why the
#: row's village code could not be used, or ``<NA>``), which the join reads.
OUTPUT_COLUMNS: tuple[str, ...] = HOUSEHOLD_COLUMNS
ROW_NUMBER_ID = "note.id_from_row"  # household_id_from when ids are row numbers (a message code)
MEMBERS_MAX = 99  # a larger "household size" is an id or an amount in the wrong column
REPEATED_ID_SHARE = 0.03  # one household_id in more rows than this: probably not an id

TRUE_WORDS = frozenset({"1", "ya", "iya", "y", "yes", "true", "benar", "ada", "penerima"})
FALSE_WORDS = frozenset({"0", "tidak", "tdk", "n", "no", "false", "bukan", "tidak ada",
                         "bukan penerima", "belum"})
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "#n/a", "-"})
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_MAGIC = {  # first bytes: message id of what the file is (``kind.<id>``)
    b"\x89PNG": "png",
    b"GIF8": "gif",
    b"\xff\xd8\xff": "jpeg",
    b"%PDF": "pdf",
    b"\x1f\x8b": "gzip",
    b"SQLite format 3": "sqlite",
    b"\xd0\xcf\x11\xe0": "xls",
    b"Rar!": "rar",
    b"7z\xbc\xaf": "7z",
}

log = logging.getLogger(__name__)  # counts and file names only, never a cell's value


# --------------------------------------------------------------------------- reading


def _sniff(path: Path, head: bytes) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the bytes; anything else is not a table."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            if path.suffix.lower() in (".xlsx", ".xlsm"):  # a workbook is a ZIP: cut short
                raise GeoInputError("err.hh_xlsx_truncated", source=str(path)) from None
            names = []
        if "xl/workbook.xml" in names:
            return "xlsx"
        kind = "word" if any(n.startswith("word/") for n in names) else "zip"
        raise GeoInputError("err.hh_archive_not_table", source=str(path),
                            kind=Message(f"kind.{kind}"))
    if head.startswith(UTF16_BOMS):
        return "csv"  # Excel's "Unicode Text": UTF-16 with a byte-order mark
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            code = "err.hh_old_excel" if kind == "xls" else "err.hh_not_table"
            raise GeoInputError(code, source=str(path), kind=Message(f"kind.{kind}"))
    if b"\x00" in head:
        if head[1::2].count(0) > 0.4 * len(head[1::2]) or head[0::2].count(0) > 0.4 * len(head[0::2]):
            raise GeoInputError("err.hh_utf16_no_bom", source=str(path))
        raise GeoInputError("err.hh_binary", source=str(path))
    return "csv"


def _decode(path: Path, data: bytes) -> tuple[str, str, tuple[int, int] | None]:
    """The text, its encoding and, for a UTF-8 file with a few Windows-1252 lines, (how many,
    the first line number)."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError as exc:
            raise GeoInputError("err.hh_utf16_damaged", source=str(path)) from exc
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig", None
    try:
        return data.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    mixed = _mostly_utf8(data)
    if mixed is not None:
        return mixed[0], "utf-8", mixed[1]
    try:
        return data.decode("cp1252"), "cp1252", None
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1", None


def _mostly_utf8(data: bytes) -> tuple[str, tuple[int, int]] | None:
    """A UTF-8 file with a few lines in Windows-1252 (one ``é`` typed in an old program): those
    lines decoded as cp1252, the rest as UTF-8; ``None`` when no line (or hardly any) is non-ASCII
    UTF-8: a cp1252 file, read whole as such. The lines are counted for the ingest report."""
    lines = data.split(b"\n")
    utf8, other, first = 0, 0, None
    decoded = []
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            decoded.append(line.decode("cp1252", errors="replace"))
            other += 1
            first = first or number
    if utf8 == 0 or other > 10 * utf8:  # no (or hardly any) UTF-8 text: a Windows-1252 file
        return None
    return "\n".join(decoded), (other, first)


def _header_fields(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _first_line(text: str) -> str:
    return next((line for line in text[:65536].splitlines() if line.strip()), "")


def _detect_delimiter(path: Path, text: str, *, tab: bool = False) -> str:
    """Comma or semicolon, whichever splits the header into more columns (also tab when
    ``tab``: Excel's UTF-16 "Unicode Text" is tab-separated)."""
    header = _first_line(text)
    counts = {d: _header_fields(header, d) for d in (",", ";", "\t", "|")}
    best = max((",", ";", "\t") if tab else (",", ";"), key=lambda d: counts[d])
    if counts[best] > 1:
        return best
    other = max(("\t", "|"), key=lambda d: counts[d])
    if counts[other] > 1:
        name = {"\t": "tab", "|": "pipe"}[other]
        raise GeoInputError("err.hh_one_column_sep", source=str(path),
                            header=_shown_header(header), separator=Message(f"kind.sep_{name}"))
    if len(header.split()) > 2:
        raise GeoInputError("err.hh_one_column_spaces", source=str(path), header=_shown_header(header))
    return best


def _neutral_headers(raw: pd.DataFrame) -> pd.DataFrame:
    """``raw`` with its headers replaced by their positions (``#3``) when the header row looks
    like a household's values (a NIK, a phone number, an e-mail): a file without a header row.
    Recognised column names and personal column names stay (:func:`safe_headers`)."""
    from geo.households.aliases import ALIASES

    aliases = {alias for names in ALIASES.values() for alias in names}
    known = [c for c in raw.columns if normalise_header(c) in aliases or is_personal(c)]
    headers = safe_headers(raw.columns, known=known)
    if headers is None:
        return raw
    log.info("household header row looks like data: columns named by position")
    out = raw.copy()
    out.columns = headers
    return out


def _shown_header(header: str):
    """The first line of a file as a message may quote it: not when it looks like data."""
    return Message("msg.header_hidden") if looks_personal(header) else repr(header[:60])


def _parse_csv_slowly(text: str, delimiter: str,
                      source: str | None = None) -> tuple[pd.DataFrame, pd.Series]:
    """Row by row, for files whose rows have the wrong number of fields: each such row is kept
    (padded or cut) with a problem, instead of failing the whole file."""
    try:
        rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    except csv.Error as exc:  # "field larger than field limit": a quote opened, never closed
        line = _unclosed_quote_line(text)
        if line is None:
            raise
        raise GeoInputError("err.hh_csv_unclosed_quote", source=source, row=max(line - 1, 1),
                            line=line) from exc
    header, body = rows[0], rows[1:]
    width = len(header)
    problem = pd.Series(pd.NA, index=range(len(body)), dtype="string")
    for i, row in enumerate(body):
        if len(row) != width:
            problem.iloc[i] = encode("row.ragged", fields=len(row), width=width)
    fitted = [(row + [""] * width)[:width] for row in body]
    return pd.DataFrame(fitted, columns=header, dtype="string"), problem


def _unclosed_quote_line(text: str) -> int | None:
    """The 1-based text line where a quoted cell opens and is not closed on that line (an odd
    number of ``"``), the usual cause of csv's "field larger than field limit"."""
    for number, line in enumerate(text.splitlines(), start=1):
        if line.count('"') % 2:
            return number
    return None


def _parse_csv_quickly(text: str, delimiter: str) -> pd.DataFrame:
    """pyarrow's multi-threaded CSV reader, every column as text; raises on ragged rows."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    names = next(csv.reader([_first_line(text)], delimiter=delimiter))
    if len(set(names)) < len(names):
        raise ValueError("duplicate column names")  # let pandas number them (x, x.1)
    table = pacsv.read_csv(
        io.BytesIO(text.encode("utf-8")),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True),
        convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                             strings_can_be_null=False))
    return table.to_pandas(types_mapper={pa.string(): pd.StringDtype("pyarrow")}.get)


def _read_csv(path: Path, data: bytes) -> tuple[pd.DataFrame, dict, pd.Series | None]:
    text, encoding, fallback = _decode(path, data)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        raise GeoInputError("err.hh_json", source=str(path))
    if start == "<":
        raise GeoInputError("err.hh_html", source=str(path))
    delimiter = _detect_delimiter(path, text, tab=encoding == "utf-16")
    row_problem = None
    try:
        frame = _parse_csv_quickly(text, delimiter)
    except ValueError:  # pyarrow.ArrowInvalid (ragged rows) is a ValueError
        try:
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                skip_blank_lines=True, engine="c")
        except pd.errors.ParserError:
            frame, row_problem = _parse_csv_slowly(text, delimiter, str(path))
    info = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    if fallback is not None:
        info["fallback_lines"] = fallback
    return frame, info, row_problem


def _read_xlsx(path: Path, sheet) -> tuple[pd.DataFrame, dict]:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise GeoInputError("err.hh_xlsx_damaged", source=str(path),
                            detail=mask_text(str(exc))) from exc
    with book:
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise GeoInputError("err.hh_no_sheet", source=str(path), sheet=sheet,
                                sheets=", ".join(names))
        chosen = sheet if sheet is not None else names[0]
        frame = pd.read_excel(book, sheet_name=chosen, dtype=object, keep_default_na=False)
    for col in frame.columns:
        frame[col] = _xlsx_column(frame[col])
    return frame, {"format": "xlsx", "sheet": chosen, "encoding": None, "delimiter": None,
                   "sheets": list(names)}


def _xlsx_column(cells: pd.Series) -> pd.Series:
    """Numbers for a column of numeric cells only (blanks allowed), else the cells as text.

    openpyxl gives whole numbers as ``int`` and others as ``float``; a column of ``int`` becomes
    Int64 and a column of ``float`` float64, whose text (``astype("string")``) is the cells'
    text. A column mixing the two (``112`` and ``112.5``) or holding anything else stays text
    (``str`` of each cell, as ``read_excel(dtype=str)`` gives), so that ``112`` is never shown
    as ``112.0``.
    """
    values = cells.to_numpy(dtype=object)
    given = values[values != ""]
    kinds = set(map(type, given))
    if kinds == {int}:
        try:
            return pd.Series(pd.array(np.where(values == "", None, values), dtype="Int64"),
                             index=cells.index, name=cells.name)
        except (OverflowError, TypeError, ValueError):  # beyond int64: keep the digits as text
            pass
    elif kinds == {float}:
        return pd.Series(np.where(values == "", np.nan, values).astype("float64"),
                         index=cells.index, name=cells.name)
    return cells.astype(str)


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow's errors for a damaged file
        raise GeoInputError("err.hh_parquet_damaged", source=str(path),
                            detail=mask_text(str(exc))) from exc
    return frame, {"format": "parquet", "encoding": None, "delimiter": None}


def read_table(path, *, sheet=None) -> tuple[pd.DataFrame, dict, pd.Series | None]:
    """Read CSV / XLSX / Parquet: text as text (codes keep their leading zeros), numbers as numbers.

    Returns the frame, ``{format, encoding, delimiter, sheet}`` and, for a CSV with ragged rows,
    a per-row problem Series (else ``None``). Every column is either a string column (stripped,
    blanks and ``NA``-like words as ``<NA>``) or, for Parquet integer/float64 columns and XLSX
    columns of numeric cells only, a numeric column (:func:`geo.households.rules.holds_numbers`):
    turning a million numbers into text and back would cost more than the rest of ingest, and
    the parsers give a numeric column the same results as its text (``astype("string")``).
    """
    path = Path(path)
    if not path.exists():
        raise GeoInputError("err.file_not_found", source=str(path))
    if path.is_dir():
        raise GeoInputError("err.hh_folder", source=str(path))
    data = check_input_file(path).read_bytes()
    if not data.strip():
        raise GeoInputError("err.file_empty", source=str(path))
    kind = _sniff(path, data[:8192])
    try:
        with reading(path, what="household"):
            frame, info, row_problem = _read_kind(path, kind, data, sheet)
    except GeoInputError as exc:
        if kind == "csv" and path.suffix.lower() in EXCEL_SUFFIXES:
            raise GeoInputError("err.hh_excel_is_text", source=str(path), suffix=path.suffix,
                                reason=exc.message) from exc
        raise
    frame = frame.reset_index(drop=True)
    info["boolean_columns"] = [col for col in frame.columns
                               if pd.api.types.is_bool_dtype(frame[col].dtype)]
    for col in frame.columns:
        if not holds_numbers(frame[col]):
            frame[col] = per_unique(frame[col].astype("string"), _blank_to_na)
    return frame, info, row_problem


def _read_kind(path: Path, kind: str, data: bytes, sheet):
    row_problem = None
    if kind == "xlsx":
        frame, info = _read_xlsx(path, sheet)
    elif kind == "parquet":
        frame, info = _read_parquet(path)
    else:
        frame, info, row_problem = _read_csv(path, data)
    frame.columns = [str(col).strip() for col in frame.columns]
    if frame.shape[1] == 0:
        raise GeoInputError("err.file_no_columns", source=str(path))
    if len(frame) == 0:
        raise GeoInputError("err.file_no_rows", source=str(path))
    return frame, info, row_problem


def _as_text(values: pd.Series) -> pd.Series:
    """The text of a column as the parsers see it: a numeric column's ``astype("string")``
    (``4``, ``3573011001.0``); a text column as it is."""
    return values if values.dtype == "string" else values.astype("string")


def _blank_to_na(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    wide = ~text.str.isascii().fillna(True)
    if wide.any():  # full-width or Arabic-Indic digits: the ASCII digits they stand for
        text = text.mask(wide, text[wide].map(ascii_digits)).astype("string")
    return text.mask(text.str.lower().isin(MISSING_WORDS).fillna(True)).astype("string")


def ascii_digits(text: str) -> str:
    """``text`` with every Unicode decimal digit as its ASCII digit and full-width ASCII forms
    as ASCII (``３５７３`` and ``٣٥٧٣`` -> ``3573``, ``．`` -> ``.``), other characters unchanged:
    an IME or an Arabic-script keyboard types these for codes and numbers, and they mean the
    same digits (the Unicode decimal property; NFKC alone folds the full-width forms only)."""
    out = []
    for char in text:
        digit = unicodedata.decimal(char, None)
        if digit is not None:
            out.append(str(digit))
        elif "\uff01" <= char <= "\uff5e":
            out.append(chr(ord(char) - 0xFEE0))
        else:
            out.append(char)
    return "".join(out)


# --------------------------------------------------------------------------- parsing


class _Problems:
    """Per-row problem texts, and which rows have each kind of problem (for the report)."""

    def __init__(self, index, initial: pd.Series | None = None):
        self.text = (initial.astype("string") if initial is not None
                     else pd.Series(pd.NA, index=index, dtype="string"))
        self.rows: dict[str, pd.Series] = {}
        if initial is not None and initial.notna().any():
            self.rows["ragged_row"] = initial.notna()

    def add(self, kind: str, mask, message) -> None:
        """Append ``message`` where ``mask`` holds; ``message`` is a str or ``f(index) -> Series``
        so that texts are built only for the rows that have the problem."""
        mask = pd.Series(mask, index=self.text.index).fillna(False).astype(bool)
        if not mask.any():
            return
        idx = mask.index[mask.to_numpy()]
        text = message(idx) if callable(message) else pd.Series(message, index=idx)
        self.text.loc[idx] = (self.text.loc[idx].fillna("") + SEPARATOR
                              + text.astype("string")).str.removeprefix(SEPARATOR)
        self.rows[kind] = self.rows.get(kind, pd.Series(False, index=mask.index)) | mask

    def has(self, kind: str) -> pd.Series:
        return self.rows.get(kind, pd.Series(False, index=self.text.index))

    def counts(self) -> dict[str, int]:
        return {kind: int(rows.sum()) for kind, rows in self.rows.items()}


def _message(cell: str):
    """An encoded single message as a :class:`Message` (to nest it in another one)."""
    parts = decode(cell)
    return parts[0] if len(parts) == 1 else cell


def mask_text(text: str) -> str:
    """A library's error text without long digit runs (a cell may be quoted in it)."""
    return str(mask_id_numbers(pd.Series([text[:200]])).iloc[0])


def _shown(numbers: pd.Series) -> pd.Series:
    """Whole numbers of at most three digits as text (``0``, ``-2``, ``11``); ``<NA>`` for any
    other value, which is described instead of quoted."""
    small = numbers.notna() & (numbers == np.floor(numbers)) & (numbers.abs() < 1000)
    return numbers.where(small).map(lambda v: f"{v:.0f}", na_action="ignore").astype("string")


def _strip_desil_word(values: pd.Series) -> pd.Series:
    """``'Desil 3'`` -> ``'3'``: some registries write the decile with its name."""
    return values.str.replace(r"(?i)^desil\s*", "", regex=True)


def _parse_whole(raw: pd.Series, name: str, low: int, high: int, problems: _Problems):
    """Whole numbers in [low, high]; invalid ones become NA with a problem."""
    number = to_number(raw) if holds_numbers(raw) else per_unique(raw, to_number)
    number = number.astype("float64")
    given = raw.notna()
    problems.add(name, given & number.isna(),
                 lambda i: encode_rows("row.not_a_number", field=name,
                                        described=Nested(describe_values(raw[i], coded=True))))
    problems.add(name, ~given, encode("row.missing", field=name))
    fraction = number.notna() & (number != np.floor(number))
    problems.add(name, fraction, encode("row.not_whole", field=name))
    out_of_range = number.notna() & ~fraction & ((number < low) | (number > high))

    def text(i):
        shown = _shown(number[i])
        described = encode_rows("row.out_of_range_described", field=name, low=low, high=high,
                                 described=Nested(describe_values(raw[i], coded=True)))
        quoted = encode_rows("row.out_of_range", field=name, low=low, high=high, value=shown)
        return quoted.where(shown.notna(), described)

    problems.add(name, out_of_range, text)
    ok = number.notna() & ~fraction & ~out_of_range
    return number.where(ok).round().astype("Int64")


def _flag_values(values: pd.Series) -> pd.Series:
    answer = values.astype("string").str.lower().str.replace(r"\s+", " ", regex=True)
    answer = answer.str.replace(r"^([01])\.0*$", r"\1", regex=True)
    flag = pd.Series(pd.NA, index=values.index, dtype="Int8")
    flag[answer.isin(TRUE_WORDS).fillna(False).astype(bool)] = 1
    flag[answer.isin(FALSE_WORDS).fillna(False).astype(bool)] = 0
    return flag


def _parse_flag(raw: pd.Series) -> tuple[pd.Series, int]:
    """0/1/``<NA>`` and how many given answers were unreadable (they become ``<NA>``: a missing
    programme flag counts as not receiving, a missing deprivation is handled by the MPI step)."""
    flag = _number_flag(raw) if holds_numbers(raw) else per_unique(raw, _flag_values)
    flag = flag.astype("Int8")
    return flag, int((raw.notna() & flag.isna()).sum())


def _number_flag(values: pd.Series) -> pd.Series:
    """A numeric column's flags, as its text reads: ``1``/``1.0`` yes, ``0``/``0.0`` no, any
    other number (``2``, ``-0.0``) unreadable."""
    number = values.to_numpy(dtype="float64", na_value=np.nan)
    yes = number == 1
    no = (number == 0) & ~np.signbit(number)
    flag = pd.arrays.IntegerArray(yes.astype(np.int8), ~(yes | no))
    return pd.Series(flag, index=values.index)


def _parse_codes(raw: pd.Series, source: str, column: str) -> tuple[pd.Series, pd.Series]:
    """Normalised village codes and, where a code was given but cannot be used, why not.

    Numeric codes (``3573011001``, ``3573011001.0``) are read from the text of their distinct
    values, as a text column would be."""
    codes, uniques = factorize_values(raw)  # the work is done per distinct value
    text = _as_text(pd.Series(uniques, dtype=raw.dtype))
    unique_note = village_code_problems(text, coded=True)
    unique_code = normalise_village_code(text).astype("string").where(unique_note.isna())
    note = spread_back(unique_note.astype("string"), codes, raw.index)
    given = raw.notna()
    mangled = (note == LOST_DIGITS_CODE).fillna(False).astype(bool)
    if given.sum() and mangled.sum() > 0.5 * given.sum():
        raise GeoInputError(
            "err.hh_codes_lost_digits", source=source, column=column,
            lost=int(mangled.sum()), given=int(given.sum()))
    code = spread_back(unique_code.astype("string"), codes, raw.index)
    # the note's text per distinct code too, then spread to the rows
    unique_reason = encode_rows("row.village_code", detail=Nested(unique_note.astype("string")))
    return code.astype("string"), spread_back(unique_reason, codes, raw.index).astype("string")


def _parse_coordinates(lon_raw, lat_raw, problems: _Problems, source: str,
                       columns: tuple[str, str]):
    lon, lat = to_number(lon_raw), to_number(lat_raw)
    for raw, number, name in ((lon_raw, lon, "longitude"), (lat_raw, lat, "latitude")):
        problems.add("coordinates", raw.notna() & number.isna(),
                     lambda i, raw=raw, name=name: encode_rows(
                         "row.not_a_number", field=name,
                         described=Nested(describe_values(raw[i], coded=True))))
    both = lon.notna() & lat.notna() & ~((lon == 0) & (lat == 0))
    outside = both & ((lon.abs() > 180) | (lat.abs() > 90))
    swapped = outside & (lat.abs() <= 180) & (lon.abs() <= 90)
    n_both = int(both.sum())
    if outside.sum() >= 3 and outside.sum() > 0.5 * n_both:  # a pattern, not a typo
        code = ("err.hh_points_swapped" if swapped.sum() > 0.5 * n_both
                else "err.hh_points_not_degrees")
        raise GeoInputError(code, source=source, lon=columns[0], lat=columns[1],
                            outside=int(outside.sum()), points=n_both)
    problems.add("coordinates", outside & ~swapped, encode("row.coordinates_out_of_range"))
    problems.add("coordinates", swapped, encode("row.coordinates_swapped"))
    keep = both & ~outside
    return lon.where(keep), lat.where(keep)


def _drop_id_number_columns(raw: pd.DataFrame, mapping: dict[str, str], source: str):
    """Drop columns whose values are mostly 16-digit numbers (NIK, No. KK, KIS/KKS cards),
    whatever their name; the mapped village code is exempt, a mapped household id is kept
    only as a salted hash (returned as ``id_key``)."""
    by_column = {col: canonical for canonical, col in mapping.items()}
    dropped, id_key = [], None
    for col in raw.columns:
        canonical = by_column.get(col)
        if canonical == "village_code" or not looks_like_id_numbers(raw[col]):
            continue
        if canonical in ("members", "desil"):
            raise GeoInputError("err.hh_mapped_id_numbers", source=source, column=col,
                                field=canonical)
        if canonical == "household_id":
            id_key = raw[col]
        dropped.append(col)
        mapping.pop(canonical, None)
    return raw.drop(columns=dropped), mapping, dropped, id_key


def _repeated_id_warning(ids: pd.Series, id_from: str) -> list[str]:
    """A warning when one household_id value covers more than a few percent of the rows: the
    column is then probably a village, RT or batch number, and the join would call most rows
    duplicates."""
    n = len(ids)
    codes, _ = pd.factorize(ids, use_na_sentinel=True)  # value_counts' top count, faster
    codes = codes[codes >= 0]
    top = int(np.bincount(codes).max()) if len(codes) else 0
    if top <= max(2, REPEATED_ID_SHARE * n):
        return []
    return [encode("warn.hh_repeated_id", source=_message(id_from), top=top, rows=n,
                   share=round(100 * top / n))]


# --------------------------------------------------------------------------- public


def read_households(path, *, column_map: dict[str, str] | None = None, rules=None,
                    salt: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, IngestReport]:
    """Read a household table into the canonical schema, without personal data.

    Parameters
    ----------
    path
        CSV (UTF-8, UTF-8 with BOM, Windows-1252 or UTF-16 with BOM; comma or semicolon
        separated, tab too in UTF-16), XLSX or Parquet. The format is recognised from the
        bytes, not the file name.
    column_map
        ``{canonical: source column}``, e.g. ``{"desil": "DESIL_KESEJAHTERAAN"}``; overrides
        the aliases of :mod:`geo.household_aliases`.
    rules
        Overrides for the deprivation rules (:mod:`geo.deprivation_rules`); used only for
        ``dep_*`` flags the file does not carry.
    salt
        Salt for hashing No. KK/NIK into a household id when the file has no id column;
        default: env ``PPM_SALT``, else a random per-process salt.
    sheet
        XLSX sheet name (default: the first sheet).

    Returns
    -------
    (DataFrame, IngestReport)
        The table with :data:`OUTPUT_COLUMNS` (``HOUSEHOLD_COLUMNS``, ending in ``code_note``), one row
        per data row of the file, and the ingest report (:class:`geo.households.report.IngestReport`,
        ``.to_dict()`` for JSON): ``file, format, encoding, delimiter,
        rows_read, columns_mapped, personal_columns_dropped, id_number_columns_dropped,
        household_id_from, derived_flags, flags_in_file, missing_flags, unreadable_flags,
        unknown_columns, codes_unusable, rows_with_problem, problems, warnings``. Names and
        counts only, never values.

    Raises
    ------
    GeoInputError
        When the file as a whole cannot be used (not a table, wrong delimiter, empty, a
        required column missing, desil without numbers, codes mangled by a spreadsheet).

    Examples
    --------
    >>> households, report = read_households("data/boundaries/demo_households.csv")
    >>> report.rows_read == len(households)
    True
    """
    path = Path(path)
    log.info("reading households from %s", safe_file_name(path.name, role="households"))
    source = str(path)
    raw, info, row_problem = read_table(path, sheet=sheet)
    raw = _neutral_headers(raw)  # a header row that is data is named by position only

    # Personal data goes first: only a salted hash of the family key may survive.
    personal = personal_columns(raw.columns)
    key_column = hash_key_column(personal)
    salt_used, salt_source = resolve_salt(salt)
    hashed = salted_hash(raw[key_column], salt_used) if key_column is not None else None
    raw = raw.drop(columns=personal)

    mapping = match_columns(raw.columns, column_map, source=source, dropped=personal)
    id_column = mapping.get("household_id")
    raw, mapping, id_numbers, id_key = _drop_id_number_columns(raw, mapping, source)
    try:
        require_columns(mapping, raw.columns, source=source)
    except GeoInputError as exc:
        others = [name for name in info.get("sheets", ()) if name != info.get("sheet")]
        if not others:
            raise
        # a workbook whose first sheet is a cover page or notes: say where the data may be
        raise GeoInputError("err.with_hint", text=exc.message, source=exc.source,
                            hint=Message("err.hh_try_sheet", {"sheet": info.get("sheet"),
                                                             "sheets": ", ".join(others)})) from exc
    for field in ("members", "desil", "latitude", "longitude"):
        if mapping.get(field) in info.get("boolean_columns", ()):  # Parquet true/false
            raise GeoInputError("err.hh_boolean_column", source=source, column=mapping[field],
                                field=field)

    n = len(raw)
    table = pd.DataFrame(index=raw.index)
    problems = _Problems(raw.index, row_problem)
    source_row = pd.Series(np.arange(1, n + 1), index=raw.index, dtype="int64")
    row_id = "row-" + source_row.astype("string")

    if "household_id" in mapping:
        table["household_id"] = _as_text(raw[mapping["household_id"]]).fillna(row_id)
        id_from = encode("note.id_from_column", column=mapping["household_id"])
    elif id_key is not None:
        table["household_id"] = salted_hash(id_key, salt_used).fillna(row_id)
        id_from = encode("note.id_from_hashed_id", column=id_column, salt=salt_source)
    elif hashed is not None:
        table["household_id"] = hashed.fillna(row_id)
        id_from = encode("note.id_from_hash", column=key_column, salt=salt_source)
    else:
        table["household_id"] = row_id
        id_from = ROW_NUMBER_ID
    table["household_id"] = table["household_id"].astype("string")
    table["source_row"] = source_row
    warnings = ([] if id_from == ROW_NUMBER_ID
                else _repeated_id_warning(table["household_id"], id_from))
    if "fallback_lines" in info:  # a UTF-8 file with a few Windows-1252 lines: say which
        lines, first = info["fallback_lines"]
        warnings.append(encode("warn.hh_cp1252_lines", lines=lines, first=first))

    no_text = pd.Series(pd.NA, index=raw.index, dtype="string")
    code, code_note = no_text, no_text
    if "village_code" in mapping:
        code, code_note = _parse_codes(raw[mapping["village_code"]], source,
                                       mapping["village_code"])
    table["village_code"] = code
    bps = no_text
    if "village_code_bps" in mapping:
        bps_raw = _as_text(raw[mapping["village_code_bps"]])
        bps = normalise_bps_code(bps_raw)
        bad_bps = bps_raw.notna() & bps.isna()
    table["village_code_bps"] = bps
    if "longitude" in mapping and "latitude" in mapping:
        table["longitude"], table["latitude"] = _parse_coordinates(
            raw[mapping["longitude"]], raw[mapping["latitude"]], problems, source,
            (mapping["longitude"], mapping["latitude"]))
    else:
        table["longitude"] = np.nan
        table["latitude"] = np.nan
    has_point = table["longitude"].notna() & table["latitude"].notna()
    problems.add("village_code", code_note.notna() & ~has_point,
                 lambda i: code_note[i] + SEPARATOR + encode("row.no_coordinates_instead"))
    if "village_code_bps" in mapping:
        problems.add("village_code_bps", bad_bps & code.isna() & ~has_point,
                     encode("row.bps_code_unusable"))
    problems.add("no_location", code.isna() & code_note.isna() & bps.isna() & ~has_point
                 & ~problems.has("coordinates") & ~problems.has("village_code_bps"),
                 encode("row.no_location"))

    desil_column = mapping["desil"]
    desil_raw = raw[desil_column]
    if not holds_numbers(desil_raw):
        desil_raw = per_unique(desil_raw, _strip_desil_word)
    if desil_raw.isna().all():
        raise GeoInputError("err.hh_desil_empty", source=source, column=desil_column)
    if not holds_numbers(desil_raw) and per_unique(desil_raw, to_number).isna().all():
        raise GeoInputError("err.hh_desil_no_numbers", source=source, column=desil_column)
    table["members"] = _parse_whole(raw[mapping["members"]], "members", 1, MEMBERS_MAX, problems)
    table["desil"] = _parse_whole(desil_raw, "desil", 1, 10, problems)

    unreadable = {}
    for flag in (*DEPRIVATIONS, *PROGRAMMES):
        if flag in mapping:
            table[flag], count = _parse_flag(raw[mapping[flag]])
            if count:
                unreadable[flag] = count
    wanted = [flag for flag in DEPRIVATIONS if flag not in mapping]
    derived, derived_from = derive_deprivations(raw, rules, members=table["members"], flags=wanted)
    for flag in (*DEPRIVATIONS, *PROGRAMMES):
        if flag in derived:
            table[flag] = derived[flag]
        elif flag not in table:
            table[flag] = pd.Series(pd.NA, index=raw.index, dtype="Int8")
    table["problem"] = mask_id_numbers(problems.text)
    table["code_note"] = mask_id_numbers(code_note)
    table = table[list(OUTPUT_COLUMNS)].reset_index(drop=True)
    log.info("households: %d row(s) read, %d personal column(s) dropped, %d row(s) with a problem",
             n, len(personal), int(table["problem"].notna().sum()))

    used = set(mapping.values()) | {col for cols in derived_from.values() for col in cols}
    report = IngestReport.from_dict({
        "file": safe_file_name(path.name, role="households"),
        **{key: info.get(key) for key in ("format", "sheet", "encoding", "delimiter") if key in info},
        "rows_read": n,
        "columns_mapped": dict(mapping),
        "personal_columns_dropped": [str(col) for col in personal],
        "id_number_columns_dropped": [str(col) for col in id_numbers],
        "household_id_from": id_from,
        "derived_flags": derived_from,
        "flags_in_file": [flag for flag in (*DEPRIVATIONS, *PROGRAMMES) if flag in mapping],
        "missing_flags": [flag for flag in (*DEPRIVATIONS, *PROGRAMMES)
                          if flag not in mapping and flag not in derived_from],
        "unreadable_flags": unreadable,
        "unknown_columns": [str(col) for col in raw.columns if col not in used],
        "codes_unusable": int(code_note.notna().sum()),
        "rows_with_problem": int(table["problem"].notna().sum()),
        "problems": problems.counts(),
        "warnings": warnings,
    })
    return table, report
