"""Text safety (issue 18): Markdown-escaped names, neutralised CSV cells in every CSV writer,
no server paths, personal-looking headers and file names never quoted."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from geo.common.safe_text import (looks_personal, markdown_text, neutralise_cell, neutralise_frame,
                                  safe_file_name, safe_headers, without_paths)
from geo.export import DEFAULT_FORMATS, export_result
from geo.export.tables import csv_bytes
from geo.pipeline.analysis import run_rank

from synthetic_result import analysis_result  # noqa: E402

HOSTILE = ["![x](http://127.0.0.1:9/x.png)", "[a](javascript:alert(1))", "<img src=x>",
           "# heading", ":red[alarm]", "$x^2$", "**bold**", "`code`"]


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_text_escapes_every_active_character(text):
    """Every character that opens a link, image, tag, heading, code, emphasis, maths or a
    ``:colour[]`` directive is backslashed (the browser test checks what Streamlit draws)."""
    escaped = markdown_text(text)
    unescaped = escaped.replace("\\\\", "")
    for i, c in enumerate(unescaped):
        if c in "[]<>#`*$_":
            assert i > 0 and unescaped[i - 1] == "\\", (text, escaped)
    # shown as typed: only backslashes and invisible word joiners (no autolink) were added
    assert escaped.replace("\\", "").replace("\u2060", "") == text.replace("\\", "")


def test_bare_addresses_are_no_autolinks():
    """GFM links a bare ``http://``, ``www.`` or e-mail address: each is broken by one escape
    (shown the same), while ordinary colons and dots stay as written."""
    from ui.state import error_text

    for escape in (markdown_text, lambda text: error_text(text, "en")):
        shown = escape("see http://127.0.0.2:9/x www.evil.example a@b.example; row 1: ok.")
        assert "http://" not in shown and "www." not in shown and "a@b" not in shown
        assert shown.replace("\u2060", "").count("http://127.0.0.2:9/x") == 1
        assert "row 1: ok." in shown


def test_neutralise_keeps_numbers_numeric_and_quotes_formula_text():
    assert neutralise_cell("=SUM(A1)") == "'=SUM(A1)"
    assert [neutralise_cell(v) for v in ("+1", "-x", "@x", "\tx", "\rx")] == [
        "'+1", "'-x", "'@x", "'\tx", "'\rx"]
    assert neutralise_cell(-3.5) == -3.5 and neutralise_cell("Kauman") == "Kauman"
    frame = neutralise_frame(pd.DataFrame({"n": [-1, 2], "name": ["-a", "b"]}))
    assert frame["n"].tolist() == [-1, 2] and frame["name"].tolist() == ["'-a", "b"]



def test_neutralise_frame_cell_by_cell_for_every_kind_of_text_column():
    """Text, Arrow text, object, categorical and repeated headers: each text cell as
    neutralise_cell gives it, NA kept, numbers untouched, the input unchanged."""
    cells = ["=1+1", "ok", None, "-0.5 to 0", "@x", "\tz"]
    frame = pd.DataFrame({"text": pd.array(cells, dtype="string"),
                          "arrow": pd.array(cells, dtype="str"),
                          "object": pd.Series(cells, dtype=object),
                          "class": pd.Categorical(cells),
                          "n": [-1.5, 2, 3, 4, 5, 6]})
    frame.insert(5, "text", pd.array(["+a"] * 6, dtype="string"), allow_duplicates=True)
    before = frame.copy()
    out = neutralise_frame(frame)
    expected = [None if v is None else neutralise_cell(v) for v in cells]
    for position in range(4):
        got = out.iloc[:, position].astype(object).where(out.iloc[:, position].notna(), None)
        assert got.tolist() == expected, frame.columns[position]
    assert out.iloc[:, 5].tolist() == ["'+a"] * 6 and out["n"].tolist() == before["n"].tolist()
    pd.testing.assert_frame_equal(frame, before)


def test_without_paths_keeps_only_the_file_name():
    text = without_paths("/tmp/upload-a1b2/boundaries/desa.gpkg: no layer; C:\\Users\\x\\hh.csv")
    assert "/tmp" not in text and "upload-a1b2" not in text and "Users" not in text
    assert "desa.gpkg" in text and "hh.csv" in text


@pytest.mark.parametrize("value", ["3573010101010001", "0812-3456-7890", "+62 812 3456 789",
                                   "budi.santoso@example.id", "Budi 3573010101010001"])
def test_personal_looking_values_are_recognised(value):
    assert looks_personal(value)


@pytest.mark.parametrize("value", ["desil", "kode_desa", "hh_20240101.csv", "35.73.01.1001",
                                   "3573011001", "Jumlah ART"])
def test_labels_dates_and_village_codes_are_not_personal(value):
    assert not looks_personal(value)


def test_headers_of_a_data_row_are_positions_and_file_names_are_described():
    assert safe_headers(["desil", "ART"]) is None
    assert safe_headers(["Budi", "3573010101010001", "desil"], known=["desil"]) == [
        "#1", "#2", "desil"]
    described = safe_file_name("hh_3573010101010001.csv", "ab" * 32, role="households")
    assert "3573010101010001" not in described and ".csv" in described and "abab" in described


# --------------------------------------------------------------------------- every CSV writer

FORMULAS = ("=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(1)", "\t=1")


def _hostile_result():
    result = analysis_result()
    villages = result.villages.copy()
    names = list(villages["village_name"].astype(object))
    for i, formula in enumerate(FORMULAS):
        names[i] = formula
    villages["village_name"] = pd.array(names, dtype="string")
    villages["district_name"] = pd.array(["=1+1"] * len(villages), dtype="string")
    sources = tuple(replace(s, file="=evil.csv") for s in result.method.sources)
    return replace(result, villages=villages, method=replace(result.method, sources=sources))


def _csv_cells(data: bytes):
    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text)):
        yield from row


def _all_csv(folder: Path):
    for path in sorted(folder.iterdir()):
        if path.suffix == ".csv":
            yield path.name, path.read_bytes()
        elif path.suffix == ".zip":
            with zipfile.ZipFile(path) as archive:
                for name in archive.namelist():
                    if name.endswith(".csv"):
                        yield f"{path.name}/{name}", archive.read(name)


def _is_number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_every_csv_written_has_no_formula_cell(tmp_path):
    """export (all formats), rank's files and the app's download: a text cell never starts
    with a formula character; numbers (-0.5) stay numbers."""
    result = _hostile_result()
    export_result(result, tmp_path / "export", formats=[f for f in DEFAULT_FORMATS
                                                         if f not in ("png", "pdf")], lang="en")
    run_rank(result, tmp_path / "rank")
    blobs = [*_all_csv(tmp_path / "export"), *_all_csv(tmp_path / "rank"),
             ("download", csv_bytes(result.villages.drop(columns="geometry"), "id"))]
    names = {name for name, _ in blobs}
    assert {"ranked_villages.csv", "focus_list.csv", "poverty_map_shp.zip/method.csv",
            "poverty_map_shp.zip/field_names.csv", "download"} <= names
    seen = set()
    for name, data in blobs:
        for cell in _csv_cells(data):
            if cell.startswith(("=", "+", "-", "@", "\t", "\r")):
                assert _is_number(cell), f"{name}: formula-like cell {cell!r}"
            seen.add(cell)
    assert {"'=HYPERLINK(\"http://x\")", "'-2+3", "'=evil.csv"} <= seen  # neutralised, kept
