"""Read a household registry extract into the canonical household table.

Registries (DTSEN, DTKS, P3KE) and agencies deliver CSV (UTF-8 or Windows-1252, comma or
semicolon separated, Indonesian decimal comma), XLSX or Parquet with their own column names.
:func:`read_households` turns any of them into one table (``HOUSEHOLD_COLUMNS``):

1. read every column as text, so codes keep their leading zeros;
2. drop personal columns (NIK, No. KK, names, addresses, phones) *before anything else*,
   keeping only a salted hash of No. KK/NIK as household id when the file has no id;
3. map columns by alias or by an explicit ``column_map``;
4. parse and check values; a row with a problem stays in the table with the reason in
   ``problem`` (the join step counts it as ``invalid``), so every input row is accounted for;
5. derive missing ``dep_*`` flags from raw registry fields (:mod:`geo.deprivation_rules`).

Problems with the whole file (not a table, wrong delimiter, missing column...) raise
:class:`~geo.errors.GeoInputError` naming the file and column.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from geo.codes import looks_like_mangled_number, normalise_village_code
from geo.deprivation_rules import derive_deprivations, per_unique
from geo.errors import GeoInputError
from geo.household_aliases import match_columns, require_columns
from geo.household_schema import DEPRIVATIONS, HOUSEHOLD_COLUMNS, PROGRAMMES
from geo.privacy import hash_key_column, personal_columns, resolve_salt, salted_hash

__all__ = ["DEPRIVATIONS", "PROGRAMMES", "HOUSEHOLD_COLUMNS", "read_households"]

TRUE_WORDS = frozenset({"1", "ya", "iya", "y", "yes", "true", "benar", "ada", "penerima"})
FALSE_WORDS = frozenset({"0", "tidak", "tdk", "n", "no", "false", "bukan", "tidak ada",
                         "bukan penerima", "belum"})
MISSING_WORDS = frozenset({"", "na", "n/a", "nan", "null", "#n/a", "-"})
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")
_MAGIC = {
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive",
    b"SQLite format 3": "a SQLite/GeoPackage database",
    b"\xd0\xcf\x11\xe0": "an old Excel .xls (or other legacy Office) file",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}


# --------------------------------------------------------------------------- reading


def _sniff(path: Path, head: bytes) -> str:
    """``csv``, ``xlsx`` or ``parquet`` from the bytes; anything else is not a table."""
    if head.startswith(b"PAR1"):
        return "parquet"
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        try:
            with zipfile.ZipFile(path) as archive:
                names = archive.namelist()
        except zipfile.BadZipFile:
            names = []
        if "xl/workbook.xml" in names:
            return "xlsx"
        kind = "a Word document" if any(n.startswith("word/") for n in names) else "a ZIP archive"
        raise GeoInputError(
            f"this is {kind}, not a household table: export the data as CSV, XLSX or Parquet",
            source=str(path))
    for magic, kind in _MAGIC.items():
        if head.startswith(magic):
            hint = " (save it as .xlsx or CSV)" if "xls" in kind else ""
            raise GeoInputError(
                f"this is {kind}, not a household table{hint}: give a CSV, XLSX or Parquet file",
                source=str(path))
    if b"\x00" in head:
        raise GeoInputError(
            "this is a binary file, not a text table: give a CSV, XLSX or Parquet file",
            source=str(path))
    return "csv"


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _header_fields(line: str, delimiter: str) -> int:
    return len(next(csv.reader([line], delimiter=delimiter), []))


def _first_line(text: str) -> str:
    return next((line for line in text[:65536].splitlines() if line.strip()), "")


def _detect_delimiter(path: Path, text: str) -> str:
    """Comma or semicolon, whichever splits the header into more columns."""
    header = _first_line(text)
    counts = {d: _header_fields(header, d) for d in (",", ";", "\t", "|")}
    best = max((",", ";"), key=lambda d: counts[d])
    if counts[best] > 1:
        return best
    other = max(("\t", "|"), key=lambda d: counts[d])
    if counts[other] > 1:
        name = {"\t": "tab", "|": "pipe"}[other]
        raise GeoInputError(
            f"the header is one column ({header[:60]!r}...); the file seems to be {name}-separated: "
            f"save it as CSV with comma or semicolon separators", source=str(path))
    if len(header.split()) > 2:
        raise GeoInputError(
            f"the header is one column ({header[:60]!r}); columns seem separated by spaces: save "
            f"it as CSV with comma or semicolon separators", source=str(path))
    return best


def _parse_csv_slowly(text: str, delimiter: str) -> tuple[pd.DataFrame, pd.Series]:
    """Row by row, for files whose rows have the wrong number of fields: each such row is kept
    (padded or cut) with a problem, instead of failing the whole file."""
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]
    header, body = rows[0], rows[1:]
    width = len(header)
    problem = pd.Series(pd.NA, index=range(len(body)), dtype="string")
    for i, row in enumerate(body):
        if len(row) != width:
            problem.iloc[i] = (f"row has {len(row)} fields, the header has {width} "
                               f"(check the delimiter and quotes)")
    fitted = [(row + [""] * width)[:width] for row in body]
    return pd.DataFrame(fitted, columns=header, dtype="string"), problem


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
    text, encoding = _decode(path, data)
    start = text.lstrip()[:1]
    if start in ("{", "["):
        raise GeoInputError("this looks like JSON/GeoJSON, not a household table: give CSV, XLSX "
                            "or Parquet", source=str(path))
    if start == "<":
        raise GeoInputError("this looks like HTML/XML, not a household table: give CSV, XLSX or "
                            "Parquet", source=str(path))
    delimiter = _detect_delimiter(path, text)
    row_problem = None
    try:
        frame = _parse_csv_quickly(text, delimiter)
    except ValueError:  # pyarrow.ArrowInvalid (ragged rows) is a ValueError
        try:
            frame = pd.read_csv(io.StringIO(text), sep=delimiter, dtype=str, keep_default_na=False,
                                skip_blank_lines=True, engine="c")
        except pd.errors.ParserError:
            frame, row_problem = _parse_csv_slowly(text, delimiter)
    info = {"format": "csv", "encoding": encoding, "delimiter": delimiter}
    return frame, info, row_problem


def _read_xlsx(path: Path, sheet) -> tuple[pd.DataFrame, dict]:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as exc:  # openpyxl raises many types for a damaged workbook
        raise GeoInputError(f"cannot open this XLSX workbook ({exc}): save it again from Excel",
                            source=str(path)) from exc
    with book:
        names = book.sheet_names
        if sheet is not None and sheet not in names:
            raise GeoInputError(f"the workbook has no sheet '{sheet}'; sheets: {', '.join(names)}",
                                source=str(path))
        chosen = sheet if sheet is not None else names[0]
        frame = pd.read_excel(book, sheet_name=chosen, dtype=str, keep_default_na=False)
    return frame, {"format": "xlsx", "sheet": chosen, "encoding": None, "delimiter": None}


def _read_parquet(path: Path) -> tuple[pd.DataFrame, dict]:
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # pyarrow's errors for a damaged file
        raise GeoInputError(f"cannot read this Parquet file ({exc})", source=str(path)) from exc
    return frame, {"format": "parquet", "encoding": None, "delimiter": None}


def read_table(path, *, sheet=None) -> tuple[pd.DataFrame, dict, pd.Series | None]:
    """Read CSV / XLSX / Parquet with every column as text (codes keep their leading zeros).

    Returns the frame (string columns, missing as ``<NA>``), ``{format, encoding, delimiter,
    sheet}`` and, for a CSV with ragged rows, a per-row problem Series (else ``None``).
    """
    path = Path(path)
    if not path.exists():
        raise GeoInputError("file not found", source=str(path))
    if path.is_dir():
        raise GeoInputError("this is a folder, not a household table file", source=str(path))
    data = path.read_bytes()
    if not data.strip():
        raise GeoInputError("the file is empty: it has no header and no rows", source=str(path))
    kind = _sniff(path, data[:8192])
    row_problem = None
    if kind == "xlsx":
        frame, info = _read_xlsx(path, sheet)
    elif kind == "parquet":
        frame, info = _read_parquet(path)
    else:
        frame, info, row_problem = _read_csv(path, data)
    frame.columns = [str(col).strip() for col in frame.columns]
    if frame.shape[1] == 0:
        raise GeoInputError("the file is empty: it has no columns", source=str(path))
    if len(frame) == 0:
        raise GeoInputError("the file has a header but no data rows", source=str(path))
    frame = frame.reset_index(drop=True).astype("string")
    for col in frame.columns:
        frame[col] = per_unique(frame[col], _blank_to_na)
    return frame, info, row_problem


def _blank_to_na(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text.mask(text.str.lower().isin(MISSING_WORDS).fillna(True)).astype("string")


# --------------------------------------------------------------------------- parsing


def _note(problem: pd.Series, mask, message) -> pd.Series:
    """Append ``message`` to ``problem`` where ``mask`` holds.

    ``message`` is a str or a callable ``f(index) -> Series`` so that messages are built only
    for the rows that have the problem.
    """
    mask = pd.Series(mask, index=problem.index).fillna(False).astype(bool)
    if not mask.any():
        return problem
    idx = mask.index[mask.to_numpy()]
    text = message(idx) if callable(message) else pd.Series(message, index=idx)
    problem = problem.copy()
    problem.loc[idx] = (problem.loc[idx].fillna("") + "; " + text.astype("string")).str.removeprefix("; ")
    return problem


def _shown(values: pd.Series, width: int = 30) -> pd.Series:
    return values.astype("string").str.slice(0, width)


def _fmt(numbers: pd.Series) -> pd.Series:
    return numbers.map(lambda v: f"{v:g}", na_action="ignore").astype("string")


def to_number(values) -> pd.Series:
    """Text to float; Indonesian decimal comma accepted (``"1,5"``, ``"1.234,5"``)."""
    text = pd.Series(values, copy=False).astype("string").str.strip()
    comma = text.str.contains(",", regex=False).fillna(False).astype(bool)
    fixed = text.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return pd.to_numeric(text.where(~comma, fixed), errors="coerce").astype("float64")


def _parse_whole(raw: pd.Series, name: str, low: int, high: int | None, problem: pd.Series):
    """Whole numbers in [low, high]; invalid ones become NA with a problem."""
    number = per_unique(raw, to_number).astype("float64")
    given = raw.notna()
    problem = _note(problem, given & number.isna(),
                    lambda i: f"{name} '" + _shown(raw[i]) + "' is not a number")
    problem = _note(problem, ~given, f"{name} missing")
    fraction = number.notna() & (number != np.floor(number))
    problem = _note(problem, fraction, lambda i: f"{name} " + _fmt(number[i]) + " is not a whole number")
    rng = f" not in {low}–{high}" if high is not None else f" must be ≥ {low}"
    too_high = (number > high) if high is not None else pd.Series(False, index=number.index)
    out_of_range = number.notna() & ~fraction & ((number < low) | too_high)
    problem = _note(problem, out_of_range, lambda i: f"{name} " + _fmt(number[i]) + rng)
    ok = number.notna() & ~fraction & ~out_of_range
    return number.where(ok).round().astype("Int64"), problem


def _flag_values(values: pd.Series) -> pd.Series:
    answer = values.astype("string").str.lower().str.replace(r"\s+", " ", regex=True)
    answer = answer.str.replace(r"^([01])\.0*$", r"\1", regex=True)
    flag = pd.Series(pd.NA, index=values.index, dtype="Int8")
    flag[answer.isin(TRUE_WORDS).fillna(False).astype(bool)] = 1
    flag[answer.isin(FALSE_WORDS).fillna(False).astype(bool)] = 0
    return flag


def _parse_flag(raw: pd.Series, name: str, problem: pd.Series):
    flag = per_unique(raw, _flag_values).astype("Int8")
    problem = _note(problem, raw.notna() & flag.isna(), lambda i: f"{name} value '" + _shown(raw[i])
                    + "' is not 0/1 (use 1/0 or ya/tidak)")
    return flag, problem


def _code_parts(values: pd.Series) -> pd.DataFrame:
    """Per distinct raw code: has digits, normalised code, mangled by a spreadsheet."""
    given = values.str.contains(r"\d", regex=True).fillna(False).astype(bool)
    return pd.DataFrame({
        "given": given,
        "code": normalise_village_code(values.where(given)),
        "mangled": given & looks_like_mangled_number(values.fillna("")),
    })


def _parse_codes(raw: pd.Series, problem: pd.Series, source: str, column: str):
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    parts = _code_parts(pd.Series(uniques, dtype="string")).reindex(codes)
    parts.index = raw.index
    given = parts["given"].fillna(False).astype(bool)
    mangled = parts["mangled"].fillna(False).astype(bool)
    code = parts["code"].astype("string")
    if given.sum() and mangled.sum() > 0.5 * given.sum():
        example = raw[mangled].iloc[0]
        raise GeoInputError(
            f"column '{column}': {int(mangled.sum())} of {int(given.sum())} village codes lost "
            f"digits in a spreadsheet (e.g. {example}): format the column as text and export again",
            source=source)
    problem = _note(problem, mangled, lambda i: "village code " + _shown(raw[i]) + " lost digits "
                    "in a spreadsheet: format the column as text and export again")
    not_village = code.notna() & ~code.str.slice(9, 10).isin(["1", "2", "3"]).fillna(False).astype(bool)
    problem = _note(problem, not_village, lambda i: "village code " + _shown(raw[i]) + " is not a "
                    "Kemendagri village code (village part must start with 1, 2 or 3; a BPS code "
                    "needs a bridge table)")
    code = code.where(~not_village)
    malformed = given & ~mangled & code.isna() & ~not_village
    problem = _note(problem, malformed, lambda i: "village code '" + _shown(raw[i]) + "' is not a "
                    "Kemendagri code PP.KK.CC.VVVV")
    return code.astype("string"), problem


def _parse_coordinates(lon_raw, lat_raw, problem, source: str, columns: tuple[str, str]):
    lon, lat = to_number(lon_raw), to_number(lat_raw)
    for raw, number, name in ((lon_raw, lon, "longitude"), (lat_raw, lat, "latitude")):
        problem = _note(problem, raw.notna() & number.isna(),
                        lambda i, raw=raw, name=name: f"{name} '" + _shown(raw[i]) + "' is not a number")
    both = lon.notna() & lat.notna() & ~((lon == 0) & (lat == 0))
    outside = both & ((lon.abs() > 180) | (lat.abs() > 90))
    swapped = outside & (lat.abs() <= 180) & (lon.abs() <= 90)
    n_both = int(both.sum())
    if outside.sum() >= 3 and outside.sum() > 0.5 * n_both:  # a pattern, not a typo
        example = f"{lon[outside].iloc[0]:g}, {lat[outside].iloc[0]:g}"
        if swapped.sum() > 0.5 * n_both:
            what = ("longitude and latitude look swapped: map them explicitly, e.g. "
                    f"--map longitude={columns[1]} --map latitude={columns[0]}")
        else:
            what = ("coordinates are not longitude/latitude in degrees: convert them to WGS 84 "
                    "(EPSG:4326)")
        raise GeoInputError(f"columns '{columns[0]}', '{columns[1]}': {int(outside.sum())} of "
                            f"{n_both} points out of range (e.g. {example}); {what}", source=source)
    def text(i):
        return "coordinates (" + _fmt(lon[i]) + ", " + _fmt(lat[i]) + ") out of range"

    problem = _note(problem, outside & ~swapped, text)
    problem = _note(problem, swapped, lambda i: text(i) + ": are longitude and latitude swapped?")
    keep = both & ~outside
    return lon.where(keep), lat.where(keep), problem


def _problem_counts(problem: pd.Series) -> dict[str, int]:
    kinds = {
        "desil": r"(?:^|; )desil ", "members": r"(?:^|; )members ",
        "village_code": r"(?:^|; )village code ",
        "coordinates": r"(?:^|; )(?:coordinates \(|longitude '|latitude ')", "flags": r"is not 0/1",
        "no_location": r"no village code and no coordinates", "ragged_row": r"fields, the header",
    }
    text = problem.dropna()
    return {kind: int(text.str.contains(pattern, regex=True).sum()) for kind, pattern in kinds.items()
            if text.str.contains(pattern, regex=True).any()}


# --------------------------------------------------------------------------- public


def read_households(path, *, column_map: dict[str, str] | None = None, rules=None,
                    salt: str | None = None, sheet: str | None = None) -> tuple[pd.DataFrame, dict]:
    """Read a household table into the canonical schema, without personal data.

    Parameters
    ----------
    path
        CSV (UTF-8, UTF-8 with BOM or Windows-1252; comma or semicolon separated), XLSX or
        Parquet. The format is recognised from the bytes, not the file name.
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
    (DataFrame, dict)
        The table with exactly ``HOUSEHOLD_COLUMNS``, one row per data row of the file, and
        the ingest report: ``file, format, encoding, delimiter, rows_read, columns_mapped,
        personal_columns_dropped, household_id_from, derived_flags, missing_flags,
        unknown_columns, rows_with_problem, problems``. Names only, never values.

    Raises
    ------
    GeoInputError
        When the file as a whole cannot be used (not a table, wrong delimiter, empty, a
        required column missing, desil without numbers, codes mangled by a spreadsheet).

    Examples
    --------
    >>> households, report = read_households("data/boundaries/demo_households.csv")
    >>> report["rows_read"] == len(households)
    True
    """
    path = Path(path)
    source = str(path)
    raw, info, row_problem = read_table(path, sheet=sheet)

    # Personal data goes first: only a salted hash of the family key may survive.
    personal = personal_columns(raw.columns)
    key_column = hash_key_column(personal)
    hashed = None
    salt_used, salt_source = resolve_salt(salt)
    if key_column is not None:
        hashed = salted_hash(raw[key_column], salt_used)
    raw = raw.drop(columns=personal)

    mapping = match_columns(raw.columns, column_map, source=source, dropped=personal)
    require_columns(mapping, raw.columns, source=source)

    n = len(raw)
    table = pd.DataFrame(index=raw.index)
    problem = (row_problem.astype("string") if row_problem is not None
               else pd.Series(pd.NA, index=raw.index, dtype="string"))
    source_row = pd.Series(np.arange(1, n + 1), index=raw.index, dtype="int64")
    row_id = "row-" + source_row.astype("string")

    if "household_id" in mapping:
        table["household_id"] = raw[mapping["household_id"]].fillna(row_id)
        id_from = f"column '{mapping['household_id']}'"
    elif hashed is not None:
        table["household_id"] = hashed.fillna(row_id)
        id_from = f"salted SHA-256 of '{key_column}' (salt: {salt_source})"
    else:
        table["household_id"] = row_id
        id_from = "row number"
    table["household_id"] = table["household_id"].astype("string")
    table["source_row"] = source_row

    if "village_code" in mapping:
        table["village_code"], problem = _parse_codes(raw[mapping["village_code"]], problem,
                                                      source, mapping["village_code"])
    else:
        table["village_code"] = pd.Series(pd.NA, index=raw.index, dtype="string")

    if "longitude" in mapping and "latitude" in mapping:
        table["longitude"], table["latitude"], problem = _parse_coordinates(
            raw[mapping["longitude"]], raw[mapping["latitude"]], problem, source,
            (mapping["longitude"], mapping["latitude"]))
    else:
        table["longitude"] = np.nan
        table["latitude"] = np.nan
    located = table["village_code"].notna() | (table["longitude"].notna() & table["latitude"].notna())
    problem = _note(problem, ~located & ~problem.fillna("").str.contains("village code|coordinates|itude"),
                    "no village code and no coordinates")

    desil_raw = raw[mapping["desil"]].str.replace(r"(?i)^desil\s*", "", regex=True)
    if desil_raw.notna().any() and to_number(desil_raw).isna().all():
        examples = ", ".join(repr(v) for v in desil_raw.dropna().unique()[:3])
        raise GeoInputError(
            f"column '{mapping['desil']}' (desil) has no numbers (e.g. {examples}): desil must be "
            f"the welfare decile 1–10; map the right column with --map desil=COLUMN", source=source)
    if desil_raw.isna().all():
        raise GeoInputError(f"column '{mapping['desil']}' (desil) is empty in every row",
                            source=source)
    table["members"], problem = _parse_whole(raw[mapping["members"]], "members", 1, None, problem)
    table["desil"], problem = _parse_whole(desil_raw, "desil", 1, 10, problem)

    for flag in (*DEPRIVATIONS, *PROGRAMMES):
        if flag in mapping:
            table[flag], problem = _parse_flag(raw[mapping[flag]], flag, problem)
    wanted = [flag for flag in DEPRIVATIONS if flag not in mapping]
    derived, derived_from = derive_deprivations(raw, rules, members=table["members"], flags=wanted)
    for flag in (*DEPRIVATIONS, *PROGRAMMES):
        if flag in derived:
            table[flag] = derived[flag]
        elif flag not in table:
            table[flag] = pd.Series(pd.NA, index=raw.index, dtype="Int8")
    table["problem"] = problem.astype("string")
    table = table[list(HOUSEHOLD_COLUMNS)].reset_index(drop=True)

    used = set(mapping.values()) | {col for cols in derived_from.values() for col in cols}
    report = {
        "file": path.name,
        **{key: info.get(key) for key in ("format", "sheet", "encoding", "delimiter") if key in info},
        "rows_read": n,
        "columns_mapped": dict(mapping),
        "personal_columns_dropped": [str(col) for col in personal],
        "household_id_from": id_from,
        "derived_flags": derived_from,
        "flags_in_file": [flag for flag in (*DEPRIVATIONS, *PROGRAMMES) if flag in mapping],
        "missing_flags": [flag for flag in (*DEPRIVATIONS, *PROGRAMMES)
                          if flag not in mapping and flag not in derived_from],
        "unknown_columns": [str(col) for col in raw.columns if col not in used],
        "rows_with_problem": int(table["problem"].notna().sum()),
        "problems": _problem_counts(table["problem"]),
    }
    return table, report
