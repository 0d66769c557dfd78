"""The ranked list as CSV and XLSX (for the decree annex, for Excel users and for other tools).

Both are written for people in their language (``lang``): column headers are the readable
labels (:func:`geo.i18n.labels.indicator_label`) and stored codes (``high-high``, ``HH``,
``solid in``...) their readable text (:func:`geo.i18n.labels.value_label`); the XLSX field
dictionary on the "Metode"/"Method" sheet maps every header back to its stable field name,
which the GIS layers keep.

CSV: UTF-8 with a byte-order mark, comma-separated, dot decimals (a number a program can read
in any locale), yes/no words for flags. The BOM makes Excel read names like "Kauman Ngadirejo
— Ñ" correctly; but Excel in an Indonesian locale expects ``;`` between fields, so people should
open the XLSX, which keeps codes as text cells and states the method on its own sheet. A text
cell starting with ``=``, ``+``, ``-``, ``@`` (or a tab / carriage return) gets a leading ``'``
so that no spreadsheet runs it as a formula.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from geo.common.columns import find_column
from geo.common.errors import GeoInputError
from geo.common.safe_text import neutralise_cell, neutralise_frame
from geo.common.messages import render_columns
from geo.export.fields import DECISION_COLUMNS, KEY_INDICATORS, describe
from geo.export.layers import ExportLayers
from geo.export.method import method_rows
from geo.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from geo.i18n.labels import translate_values
from geo.presentation.views import column_header

RANKED_CSV_NAME = "ranked_villages.csv"
FOCUS_CSV_NAME = "focus_list.csv"
XLSX_NAME = "focus_list.xlsx"
SHEETS = ("focus", "ranking", "method")  # catalogue ids sheet.<name>
_TEXT_COLUMNS = {"village_code", "district_code", "regency_code", "province_code"}


def _number_format(field: str) -> str | None:
    """How Excel shows a column (column registry); the stored value keeps full precision.

    Codes as text (``@``), shares, rates and MPI indices as ``0.0%``, counts as ``#,##0``,
    scores as ``0.00``; columns the registry does not know keep Excel's default.
    """
    info = find_column(field)
    return info.excel_format if info is not None else None


def ranked_columns(layers: ExportLayers) -> list[str]:
    """Columns of the ranked list: rank, identity, score, key and weighted indicators, decision."""
    villages = layers.villages
    weighted = [spec.get("column") for spec in layers.config.get("indicator", ()) if isinstance(spec, dict)]
    wanted = [
        "rank", "village_code", "village_name", "village_type", "district_name", "regency_name",
        "score", *KEY_INDICATORS, *weighted, *[c for c in DECISION_COLUMNS if c not in ("rank", "score")],
    ]
    seen: list[str] = []
    for column in wanted:
        if isinstance(column, str) and column in villages.columns and column not in seen:
            seen.append(column)
    return seen


def headers(columns, lang: str) -> list[str]:
    """Column headers in ``lang``; a label shared by two columns gets the field name added."""
    labels = [column_header(c, lang) for c in columns]
    return [f"{text} ({c})" if labels.count(text) > 1 else text for c, text in zip(columns, labels)]


neutralise = neutralise_cell  # one rule for every CSV writer (geo.common.safe_text)


def csv_table(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """``frame`` as people read it in ``lang``: headers, codes as text, flags as yes/no words,
    formula-like texts neutralised. Numbers stay numbers (dot decimals)."""
    out = _people_values(frame, lang)
    for column in out.columns:
        values = out[column]
        if values.dtype == object or pd.api.types.is_string_dtype(values):
            out[column] = values.map(neutralise)
    out.columns = headers(list(frame.columns), lang)
    return out


def _people_values(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Codes as readable text and flags as yes/no words in ``lang`` (CSV and XLSX alike)."""
    out = translate_values(pd.DataFrame(frame), lang)
    yes, no = t("flag.yes", lang), t("flag.no", lang)
    for column in out.columns:
        if pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: v if pd.isna(v) else (yes if v else no)).astype(object)
    return out


def csv_bytes(frame: pd.DataFrame, lang: str) -> bytes:
    """A table as CSV for a download button: UTF-8 with BOM, headers and codes in ``lang``."""
    return csv_table(frame, lang).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _machine_csv(frame: pd.DataFrame) -> bytes:
    """The table with field names and stored codes, for software (formula-like texts neutralised)."""
    return neutralise_frame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def _cell(value):
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and np.isnan(value):
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


def _write_sheet(sheet, frame: pd.DataFrame, headers: list[str]) -> None:
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    formats = {i: f for i, c in enumerate(frame.columns) if (f := _number_format(c))}
    for row in frame.itertuples(index=False, name=None):
        sheet.append([_cell(v) for v in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even for a name starting with "="
        for i, number_format in formats.items():
            row_cells[i].number_format = number_format
    sheet.freeze_panes = "A2"
    if frame.shape[1]:
        sheet.auto_filter.ref = f"A1:{get_column_letter(frame.shape[1])}{max(len(frame) + 1, 1)}"
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(v)) for v in frame.iloc[:200, i - 1].tolist()])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def write_ranked_table(layers: ExportLayers, out_dir, *, formats=("csv", "xlsx"),
                       lang: str | None = None) -> list[Path]:
    """Write the ranked list of villages as CSV and/or XLSX.

    Parameters
    ----------
    layers
        From :func:`~geo.export.layers.build_layers`.
    out_dir
        Existing folder.
    formats
        ``"csv"`` writes ``ranked_villages.csv`` (every village by rank) and
        ``focus_list.csv`` (focus villages only); ``"xlsx"`` writes ``focus_list.xlsx`` with
        the sheets "Daftar Lokus"/"Focus list", "Peringkat Desa"/"Village ranking" and
        "Metode"/"Method" (method rows, then a field dictionary).
    lang
        ``"id"`` or ``"en"``: headers and stored codes of the CSV and XLSX, sheet names and
        the method sheet of the XLSX (what :func:`geo.export.export_result` and the app
        write). None (the default here, used by ``python -m geo rank``): a CSV for software,
        with the stable field names and stored codes as the header and cells (formula-like
        texts still neutralised), and an Indonesian XLSX.

    Returns
    -------
    list of Path
    """
    if lang is not None and lang not in LANGUAGES:
        raise GeoInputError("err.unknown_language", source="lang", given=repr(lang),
                            languages=", ".join(sorted(LANGUAGES)))
    out_dir = Path(out_dir)
    columns = ranked_columns(layers)
    # reasons and problems: rendered in ``lang`` with the other values (csv_table,
    # translate_values); the CSV for software gets the English text, like the GIS layers
    ranked = pd.DataFrame(layers.villages[columns])
    focus = pd.DataFrame(layers.focus_list[columns])
    if lang is None:
        ranked, focus = render_columns(ranked, "en"), render_columns(focus, "en")
    written = []
    if "csv" in formats:
        for name, frame in ((RANKED_CSV_NAME, ranked), (FOCUS_CSV_NAME, focus)):
            path = out_dir / name
            path.write_bytes(csv_bytes(frame, lang) if lang else _machine_csv(frame))
            written.append(path)
    if "xlsx" in formats:
        lang = lang or DEFAULT_LANGUAGE
        names = {sheet: t(f"sheet.{sheet}", lang) for sheet in SHEETS}
        header_row = headers(columns, lang)
        focus, ranked = _people_values(focus, lang), _people_values(ranked, lang)
        book = Workbook()
        _write_sheet(book.active, focus, header_row)
        book.active.title = names["focus"]
        _write_sheet(book.create_sheet(names["ranking"]), ranked, header_row)
        _write_method_sheet(book.create_sheet(names["method"]), layers, columns, lang)
        book.properties.title = names["focus"]
        book.properties.creator = "geo (poverty-pocket map)"
        path = out_dir / XLSX_NAME
        book.save(path)
        written.append(path)
    return written


def _write_method_sheet(sheet, layers: ExportLayers, columns: list[str], lang: str) -> None:
    sheet.append([t(f"method.heading.{h}", lang) for h in ("key", "value", "meaning")])
    for row in method_rows(layers.method, lang):
        sheet.append(list(row))
    sheet.append([])
    sheet.append([t(f"method.heading.{h}", lang) for h in ("column", "field", "description")])
    header_rows = (1, len(layers.method) + 3)
    for header, column in zip(headers(columns, lang), columns):
        sheet.append([header, column, describe(column, lang)])
    for row in header_rows:
        for cell in sheet[row]:
            cell.font = Font(bold=True)
            cell.fill = PatternFill("solid", fgColor="DDDDDD")
    for row_cells in sheet.iter_rows():
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 80
    sheet.column_dimensions["C"].width = 60
