"""Convergence exports: the workbook for the TKPK meeting and a GIS layer of the village fields.

The workbook (:func:`workbook_bytes`, openpyxl as the other XLSX exports) has a summary sheet
of the programmes, one sheet per agency (its programmes in each village: eligible, reached
among them, not reached, coverage), the division of labour when there is one, and a method
sheet stating every rule, in the reader's language. The layer (:func:`convergence_layer`) is
the village polygons with the columns of ``convergence_villages.csv``; :func:`write_layer`
writes it as GeoJSON (RFC 7946) or GeoPackage through pyogrio, whole or not at all.
Only counts per village and programme: nothing about a household.
"""

from __future__ import annotations

import io
import os
import re
import tempfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from geo.convergence.measures import Convergence
from geo.i18n import DEFAULT_LANGUAGE, number, percent, t

WORKBOOK_NAME = "convergence.xlsx"
LAYER_NAME = "convergence_villages"
FORMATS = ("xlsx", "geojson", "gpkg")
_COUNT, _SHARE, _MONEY = "#,##0", "0.0%", "#,##0"


def _sheet_name(name: str, taken: set[str]) -> str:
    base = re.sub(r"[\[\]:*?/\\']", " ", str(name)).strip()[:31] or "-"
    out, i = base, 2
    while out.lower() in taken:
        suffix = f" ({i})"
        out, i = base[:31 - len(suffix)] + suffix, i + 1
    taken.add(out.lower())
    return out


def _cell(value):
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return None
    return value.item() if hasattr(value, "item") else value


def _write(sheet, headers: list[str], rows: list[list], formats: dict[int, str] | None = None):
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    for row_cells in sheet.iter_rows(min_row=2):
        for cell in row_cells:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, even for a name starting with "="
        for i, fmt in (formats or {}).items():
            row_cells[i].number_format = fmt
    sheet.freeze_panes = "A2"
    for i, header in enumerate(headers, start=1):
        width = max([len(str(header))] + [len(str(r[i - 1])) for r in rows[:200]])
        sheet.column_dimensions[get_column_letter(i)].width = min(max(width + 2, 8), 60)


def _names(villages: pd.DataFrame | None) -> dict[str, str]:
    if villages is None or "village_name" not in villages.columns:
        return {}
    return dict(zip(villages["village_code"].astype(str), villages["village_name"].astype(str)))


def workbook_bytes(result: Convergence, villages: pd.DataFrame | None = None,
                   assignment: pd.DataFrame | None = None, lang: str = DEFAULT_LANGUAGE, *,
                   min_households: int = 0) -> bytes:
    """The convergence workbook as XLSX bytes (sheets: module docstring)."""
    book = Workbook()
    taken: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(t("conv.x.summary", lang), taken)
    _write(summary, [t(k, lang) for k in ("conv.programme", "conv.agency", "conv.rule",
                                          "conv.eligible", "conv.reached", "conv.exclusion",
                                          "conv.inclusion", "conv.coverage", "conv.budget",
                                          "conv.budget_per_eligible")],
           [[p.name, p.agency, p.eligible_rule, p.eligible, p.reached, p.exclusion, p.inclusion,
             p.coverage, p.budget, p.budget_per_eligible] for p in result.programmes],
           {3: _COUNT, 4: _COUNT, 5: _COUNT, 6: _COUNT, 7: _SHARE, 8: _MONEY, 9: _MONEY})
    names = _names(villages)
    table = result.villages
    shown = table[table["households"] >= int(min_households or 0)]
    by_agency: dict[str, list] = {}
    for p in result.programmes:
        by_agency.setdefault(p.agency or "-", []).append(p)
    for agency in sorted(by_agency):
        sheet = book.create_sheet(_sheet_name(agency, taken))
        headers = [t("conv.col.village_code", lang), t("conv.col.village_name", lang),
                   t("conv.programme", lang), t("conv.eligible", lang),
                   t("conv.reached_eligible", lang), t("conv.exclusion", lang),
                   t("conv.coverage", lang), t("conv.untouched", lang)]
        rows = []
        for p in by_agency[agency]:
            for _, v in shown.iterrows():
                eligible, excluded = int(v[f"{p.name}_eligible"]), int(v[f"{p.name}_exclusion"])
                if eligible == 0 and int(v[f"{p.name}_reached"]) == 0:
                    continue
                rows.append([str(v["village_code"]), names.get(str(v["village_code"]), ""), p.name,
                             eligible, eligible - excluded, excluded,
                             (eligible - excluded) / eligible if eligible else None,
                             int(v["untouched"])])
        rows.sort(key=lambda r: (-r[5], r[0], r[2]))
        _write(sheet, headers, rows, {3: _COUNT, 4: _COUNT, 5: _COUNT, 6: _SHARE, 7: _COUNT})
    if assignment is not None and len(assignment):
        sheet = book.create_sheet(_sheet_name(t("conv.x.assignment", lang), taken))
        columns = ["village_code", "village_name", "rank", "main_dimension", "untouched",
                   "agency", "programmes", "exclusion", "reason", "runner_up"]
        rows = [[r[c] if c != "reason" else t(f"conv.reason.{r[c]}", lang) for c in columns]
                for r in assignment.to_dict("records")]
        _write(sheet, [t(f"conv.col.{c}", lang) for c in columns], rows)
    _write(book.create_sheet(_sheet_name(t("conv.x.method", lang), taken)),
           [t("conv.x.item", lang), t("conv.x.value", lang)], method_rows(result, lang, min_households))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def method_rows(result: Convergence, lang: str = DEFAULT_LANGUAGE,
                min_households: int = 0) -> list[list[str]]:
    """The rules behind every figure, as (item, text) rows."""
    rows = [[t("conv.x.measures", lang), t("conv.x.measures_text", lang)],
            [t("conv.x.untouched", lang), t("conv.x.untouched_text", lang)],
            [t("conv.x.budget", lang), t("conv.x.budget_text", lang)]]
    stated = result.quadrant
    if stated is not None:
        rows.append([t("conv.quadrant", lang), t(
            "conv.x.quadrant_text", lang,
            need=percent(stated.need_threshold or 0, lang),
            coverage=percent(stated.coverage_threshold or 0, lang))])
    rows.append([t("conv.x.assignment", lang), t("conv.assign_rule", lang)])
    for p in result.programmes:
        rows.append([f"{p.name} ({p.agency})", p.eligible_rule])
    accounting = result.registers.accounting
    rows.append([t("conv.x.rows", lang), ", ".join(
        f"{t(f'conv.outcome.{k}', lang)} {number(v, lang)}" for k, v in accounting.outcomes.items())])
    rows.append([t("conv.x.reasons", lang), ", ".join(
        f"{t(f'conv.why.{k}', lang)} {number(v, lang)}" for k, v in accounting.reasons.items()) or "-"])
    rows.append([t("conv.x.files", lang), ", ".join(f["file"] for f in accounting.files)])
    rows.append([t("conv.x.privacy", lang), t("conv.x.privacy_text", lang,
                                             n=number(int(min_households or 0), lang))])
    return rows


def convergence_layer(result: Convergence, villages: gpd.GeoDataFrame, *,
                      min_households: int = 0) -> gpd.GeoDataFrame:
    """Village polygons (code, name, district) with the convergence columns; every figure of a
    village below ``min_households`` households left empty."""
    from geo.convergence.write import village_table

    keep = [c for c in ("village_code", "village_name", "district_name", "regency_name")
            if c in villages.columns]
    table = village_table(result, min_households)
    out = villages[keep + ["geometry"]].merge(table, on="village_code", how="left")
    return gpd.GeoDataFrame(out, geometry="geometry", crs=villages.crs).to_crs(4326)


def write_layer(layer: gpd.GeoDataFrame, path, driver: str) -> Path:
    """Write ``layer`` as ``GeoJSON`` (RFC 7946, 6 decimals) or ``GPKG``: a temporary file
    beside ``path``, renamed over it when complete."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(handle)
    Path(temp).unlink()
    try:
        if driver == "GeoJSON":
            pyogrio.write_dataframe(layer, temp, layer=LAYER_NAME, driver="GeoJSON",
                                    layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6"})
        else:
            pyogrio.write_dataframe(layer, temp, layer=LAYER_NAME, driver="GPKG",
                                    promote_to_multi=True, geometry_type="MultiPolygon")
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def layer_bytes(layer: gpd.GeoDataFrame, driver: str) -> bytes:
    """The layer as file bytes (for a download)."""
    suffix = ".geojson" if driver == "GeoJSON" else ".gpkg"
    with tempfile.TemporaryDirectory(prefix="convergence-layer-") as folder:
        return write_layer(layer, Path(folder) / f"{LAYER_NAME}{suffix}", driver).read_bytes()


def write_exports(result: Convergence, villages: gpd.GeoDataFrame, out_dir, formats,
                  assignment: pd.DataFrame | None = None, lang: str = DEFAULT_LANGUAGE,
                  min_households: int = 0) -> dict[str, Path]:
    """The chosen ``formats`` (of :data:`FORMATS`) in ``out_dir``; returns name -> path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    if "xlsx" in formats:
        data = workbook_bytes(result, villages, assignment, lang, min_households=min_households)
        path = out / WORKBOOK_NAME
        handle, temp = tempfile.mkstemp(prefix=".convergence.", suffix=".xlsx", dir=out)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        written[WORKBOOK_NAME] = path
    layer = None
    for fmt, driver, suffix in (("geojson", "GeoJSON", ".geojson"), ("gpkg", "GPKG", ".gpkg")):
        if fmt in formats:
            layer = layer if layer is not None else convergence_layer(
                result, villages, min_households=min_households)
            name = f"{LAYER_NAME}{suffix}"
            written[name] = write_layer(layer, out / name, driver)
    return written
