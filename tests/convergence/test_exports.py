"""Convergence exports (issue 14): the workbook and the village layer, on the hand-made registry."""

from __future__ import annotations

import io
import json
import zipfile

import geopandas as gpd
import pyogrio
import pytest
from openpyxl import load_workbook
from shapely.geometry import box

from geo.config.load import config_from_text
from geo.convergence import converge, read_registers
from geo.convergence.exports import workbook_bytes, write_exports

from tests.convergence.test_measures import (CATALOGUE, NAMES, NIK_UNKNOWN, NO_KK_H2, SALT,
                                             registry, write_registers)


@pytest.fixture()
def result(tmp_path):
    households = registry()
    registers = read_registers(write_registers(tmp_path), households["household_id"], salt=SALT)
    return converge(households, registers, config_from_text(CATALOGUE).programmes)


def villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"village_code": ["A", "B"], "village_name": ["Desa A", "Desa B"]},
                            geometry=[box(117.0, 0.0, 117.1, 0.1), box(117.1, 0.0, 117.2, 0.1)],
                            crs=4326)


def rows(sheet) -> list[list]:
    return [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]


def test_workbook_has_a_sheet_per_agency_and_a_method_sheet(result):
    book = load_workbook(io.BytesIO(workbook_bytes(result, villages(), lang="id")))
    assert book.sheetnames == ["Ringkasan program", "Dinas Perumahan", "Dinas Sosial", "Metode"]
    # RTLH: A eligible h1 h3, both reached; B eligible h6, not reached -> B first
    assert rows(book["Dinas Perumahan"]) == [["B", "Desa B", "RTLH", 1, 0, 1, 0.0, 1],
                                             ["A", "Desa A", "RTLH", 2, 2, 0, 1.0, 0]]
    # Dinas Sosial: PKH B (h5 h6 eligible, none reached) 2 excluded; PKH A (h1 h2) 1; BPNT A
    # (h1 h2) 1; BPNT B no eligible but h5 reached -> listed with 0 eligible
    social = rows(book["Dinas Sosial"])
    assert social[0] == ["B", "Desa B", "PKH", 2, 0, 2, 0.0, 1]
    assert sorted(r[:6] for r in social[1:]) == [["A", "Desa A", "BPNT", 2, 1, 1],
                                                 ["A", "Desa A", "PKH", 2, 1, 1],
                                                 ["B", "Desa B", "BPNT", 0, 0, 0]]
    summary = rows(book["Ringkasan program"])
    assert [r[0] for r in summary] == ["PKH", "RTLH", "BPNT"]
    assert summary[1][3:7] == [3, 4, 1, 2]  # RTLH eligible, reached, exclusion, inclusion
    method = {r[0]: r[1] for r in rows(book["Metode"])}
    assert method["RTLH (Dinas Perumahan)"] == "dep_housing == 1"
    english = load_workbook(io.BytesIO(workbook_bytes(result, villages(), lang="en")))
    assert english.sheetnames[0] == "Programmes" and english.sheetnames[-1] == "Method"
    # register rows and their reasons in the reader's language, not as codes
    accounting = result.registers.accounting
    outcomes = ", ".join(f"{k} {v}" for k, v in accounting.outcomes.items())
    line = next(v for k, v in method.items() if k.startswith("Baris register"))
    assert line.startswith(f"tertaut {accounting.outcomes['linked']}, tak tertaut ") and line != outcomes
    english_method = {r[0]: r[1] for r in rows(english["Method"])}
    assert "village level" in " ".join(str(v) for v in english_method.values())
    assert "village_level" not in " ".join(str(v) for v in english_method.values())


def test_small_villages_are_left_out_of_the_agency_sheets(result):
    # A has 4 households, B 3: with at least 4, only A stays
    book = load_workbook(io.BytesIO(workbook_bytes(result, villages(), min_households=4)))
    assert {r[0] for r in rows(book["Dinas Perumahan"])} == {"A"}


def test_layers_carry_the_convergence_fields_and_nothing_personal(result, tmp_path):
    written = write_exports(result, villages(), tmp_path / "out", ("xlsx", "geojson", "gpkg"),
                            min_households=4)
    assert set(written) == {"convergence.xlsx", "convergence_villages.geojson",
                            "convergence_villages.gpkg"}
    data = json.loads(written["convergence_villages.geojson"].read_text(encoding="utf-8"))
    props = {f["properties"]["village_code"]: f["properties"] for f in data["features"]}
    assert props["A"]["untouched"] == 0 and props["A"]["RTLH_reached"] == 3
    assert props["A"]["need_effort"] == "high_need_high_coverage"
    assert props["B"]["untouched"] is None  # 3 households < 4: withheld
    layer = pyogrio.read_dataframe(written["convergence_villages.gpkg"])
    assert {"village_code", "untouched", "PKH_exclusion", "BPNT_budget"} <= set(layer.columns)
    texts = [written["convergence_villages.geojson"].read_text(encoding="utf-8")]
    with zipfile.ZipFile(written["convergence.xlsx"]) as archive:
        texts += [archive.read(n).decode("utf-8", "replace") for n in archive.namelist()]
    texts.append(written["convergence_villages.gpkg"].read_bytes().decode("latin-1"))
    for text in texts:
        for planted in (NO_KK_H2, NIK_UNKNOWN, *NAMES):
            assert planted not in text
    assert not list((tmp_path / "out").glob(".*"))
