"""The quarterly report (issue 15): content by hand, PDF and XLSX in both languages."""

from __future__ import annotations

import io

import geopandas as gpd
import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from shapely import box

from geo.export.quarterly import build_quarterly, pdf_bytes, write_quarterly, xlsx_bytes
from geo.targets.store import OfficialRate, Target
from geo.waves.focus import PersistedPockets
from geo.waves.movement import movement
from geo.waves.read import read_waves

V1, V2, V3 = "35.73.01.1001", "35.73.01.1002", "35.73.01.1003"


def _write(path, rows):
    lines = ["household_id,village_code,members,desil"] + [f"{h},{v},3,{d}" for h, v, d in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


@pytest.fixture
def report_parts(tmp_path):
    villages = gpd.GeoDataFrame(
        {"village_code": [V1, V2, V3], "village_name": ["=HYPERLINK(\"x\")", "Dua", "Tiga"]},
        geometry=[box(112.0, -8.0, 112.1, -7.9), box(112.1, -8.0, 112.2, -7.9),
                  box(112.2, -8.0, 112.3, -7.9)], crs=4326)
    a = _write(tmp_path / "a.csv", [("h1", V1, 1), ("h2", V1, 1), ("h3", V2, 2), ("h4", V2, 1),
                                    ("h5", V3, 3), ("h6", V3, 1)])
    b = _write(tmp_path / "b.csv", [("h1", V1, 1), ("h2", V1, 4), ("h3", V2, 1), ("h4", V2, 1),
                                    ("h5", V3, 3), ("h6", V3, 2)])
    waves = movement(read_waves([("2024", a), ("2025", b)], villages), villages["village_code"])
    return waves, villages


def _quarterly(report_parts, lang):
    waves, villages = report_parts
    return build_quarterly(waves, villages, lang=lang, region="Kota Uji", region_code="35.73",
                           target=Target("35.73", 3.75, 2026, 4.62, 2022),
                           rates=[OfficialRate(2024, 4.35), OfficialRate(2023, 4.44)],
                           focus_codes=[V1], focus_title="Lokus 2025 (v1)",
                           pockets=PersistedPockets("2024", "2025", (V2,), (), (V3,)))


def test_content_by_hand(report_parts):
    q = _quarterly(report_parts, "id")
    # V1: 2/2 desil 1 -> 1/2: -50 points; stuck h1, left h2
    row = q.focus.iloc[0]
    assert row.change_pp == pytest.approx(-50.0)
    assert (row.stuck_desil1, row.left_desil1, row.entered_desil1) == (1, 1, 0)
    # similar = the 3 nearest not chosen by first-wave share (1.0): V2 (0.5), V3 (0.5)
    # V2 0.5 -> 1.0 (+50), V3 0.5 -> 0 (-50): similar mean 0, difference -50
    assert q.comparison.similar_change_pp == pytest.approx(0.0)
    assert q.comparison.difference_pp == pytest.approx(-50.0)
    assert q.path.needed_per_year == pytest.approx(0.30)  # (4.35 - 3.75) / (2026 - 2024)
    assert [r.year for r in q.rates] == [2023, 2024]
    assert (q.waves.stuck_desil1, q.waves.left_desil1, q.waves.entered_desil1) == (2, 2, 1)


@pytest.mark.parametrize("lang, words", [
    ("id", ["Laporan triwulanan", "Tetap desil 1", "Keluar dari desil 1", "Daftar lokus",
            "bertahan", "+0,30 poin"]),
    ("en", ["Quarterly poverty-reduction report", "Stayed in desil 1", "Left desil 1",
            "Focus list", "persisted", "+0.30 points"]),
])
def test_pdf_in_both_languages(report_parts, lang, words):
    data = pdf_bytes(_quarterly(report_parts, lang))
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(data)).pages)
    for word in words:
        assert word in text, word
    assert "h1" not in text.split() and "household_id" not in text


def test_xlsx_sheets_numbers_and_neutralised_names(report_parts):
    book = load_workbook(io.BytesIO(xlsx_bytes(_quarterly(report_parts, "en"))))
    assert book.sheetnames == ["Summary", "Trend and target", "Movement by village",
                               "Desil matrix", "Focus list", "Pockets"]
    focus = list(book["Focus list"].iter_rows(values_only=True))
    assert focus[1][0] == V1 and focus[1][2] == 1.0 and focus[1][3] == 0.5
    assert focus[1][4] == pytest.approx(-50.0) and focus[1][5:] == (1, 1, 0)
    assert str(focus[1][1]).startswith("'=")  # a formula-like name is not a formula
    matrix = list(book["Desil matrix"].iter_rows(values_only=True))
    # 1->1 h1 and h4, 1->4 h2, 1->2 h6, 2->1 h3
    assert (matrix[1][1], matrix[1][4], matrix[1][2], matrix[2][1]) == (2, 1, 1, 1)
    pockets = list(book["Pockets"].iter_rows(values_only=True))[1:]
    assert [(r[0], r[2]) for r in pockets] == [(V2, "persisted"), (V3, "gone")]
    series = list(book["Trend and target"].iter_rows(values_only=True))[1:]
    assert [r[0] for r in series] == [2022, 2023, 2024, 2026]


def test_write_both_formats_atomically(report_parts, tmp_path):
    paths = write_quarterly(_quarterly(report_parts, "id"), tmp_path / "out")
    assert sorted(p.name for p in paths.values()) == ["quarterly_id.pdf", "quarterly_id.xlsx"]
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]


def test_without_target_or_focus_the_report_says_so(report_parts):
    waves, villages = report_parts
    q = build_quarterly(waves, villages, lang="en", region="Kota Uji")
    text = "\n".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf_bytes(q))).pages)
    assert "No RPJMD target stored" in text and "No focus list saved" in text
