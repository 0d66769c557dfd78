"""The ranked list as CSV (for machines) and XLSX (for the decree annex and for Excel users).

CSV: UTF-8 with a byte-order mark, comma-separated, dot decimals, stable field names as the
header. The BOM makes Excel read names like "Kauman Ngadirejo — Ñ" correctly; but Excel in an
Indonesian locale expects ``;`` between fields, so people should open the XLSX, which keeps
codes as text cells and states the method on its own sheet.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from geo.common.errors import GeoInputError
from geo.common.messages import render_columns
from geo.export.fields import DECISION_COLUMNS, KEY_INDICATORS, describe, label
from geo.export.layers import ExportLayers

RANKED_CSV_NAME = "ranked_villages.csv"
FOCUS_CSV_NAME = "focus_list.csv"
XLSX_NAME = "focus_list.xlsx"
SHEETS = {
    "id": {"focus": "Daftar Lokus", "ranking": "Peringkat Desa", "method": "Metode"},
    "en": {"focus": "Focus list", "ranking": "Village ranking", "method": "Method"},
}
_TEXT_COLUMNS = {"village_code", "district_code", "regency_code", "province_code"}


def _number_format(field: str) -> str | None:
    """How Excel shows a column; the stored value keeps full precision."""
    if field in _TEXT_COLUMNS:
        return "@"
    if field == "score":
        return "0.00"
    if field == "mpi_m0":
        return "0.000"
    if field.endswith(("_share", "_rate")) or field.startswith(("rate_", "cov_")) or field in ("mpi_h", "mpi_a"):
        return "0.0%"
    return None


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


def write_ranked_table(layers: ExportLayers, out_dir, *, formats=("csv", "xlsx"), lang="id") -> list[Path]:
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
        ``"id"`` or ``"en"``: sheet names and column headers of the XLSX.

    Returns
    -------
    list of Path
    """
    if lang not in SHEETS:
        raise GeoInputError("err.unknown_language", source="lang", given=repr(lang),
                            languages=", ".join(sorted(SHEETS)))
    out_dir = Path(out_dir)
    columns = ranked_columns(layers)
    ranked = render_columns(pd.DataFrame(layers.villages[columns]), lang)  # reasons in lang
    focus = render_columns(pd.DataFrame(layers.focus_list[columns]), lang)
    written = []
    if "csv" in formats:
        for name, frame in ((RANKED_CSV_NAME, ranked), (FOCUS_CSV_NAME, focus)):
            path = out_dir / name
            frame.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")
            written.append(path)
    if "xlsx" in formats:
        names = SHEETS[lang]
        headers = [label(c, lang) for c in columns]
        book = Workbook()
        _write_sheet(book.active, focus, headers)
        book.active.title = names["focus"]
        _write_sheet(book.create_sheet(names["ranking"]), ranked, headers)
        _write_method_sheet(book.create_sheet(names["method"]), layers, columns, lang)
        book.properties.title = names["focus"]
        book.properties.creator = "geo (poverty-pocket map)"
        path = out_dir / XLSX_NAME
        book.save(path)
        written.append(path)
    return written


def _write_method_sheet(sheet, layers: ExportLayers, columns: list[str], lang: str) -> None:
    heading = ("Kunci", "Nilai") if lang == "id" else ("Key", "Value")
    sheet.append(list(heading))
    for key, value in layers.method.itertuples(index=False, name=None):
        sheet.append([key, value])
    sheet.append([])
    dictionary = ("Kolom", "Nama field", "Keterangan") if lang == "id" else ("Column", "Field", "Description")
    sheet.append(list(dictionary))
    header_rows = (1, len(layers.method) + 3)
    for column in columns:
        sheet.append([label(column, lang), column, describe(column)])
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
