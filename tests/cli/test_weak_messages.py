"""Messages that were weak (issue 18): each case gets its own words, one line, exit 2 (or a
warning saying what was done): an empty layer vs a Shapefile without .dbf, a cover sheet, a
truncated workbook, a boolean members column, a few cp1252 lines in UTF-8, rank --out a file,
and top_n = 0 said aloud."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from geo.__main__ import main
from geo.households.read import read_households

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "boundaries" / "demo_villages.geojson"
DEMO_HH = ROOT / "data" / "boundaries" / "demo_households.csv"
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")


def _error(capsys, *args) -> str:
    assert main(["--lang", "en", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def test_an_empty_layer_and_a_shapefile_without_dbf_have_their_own_messages(tmp_path, capsys):
    empty = tmp_path / "empty.geojson"
    empty.write_text(json.dumps({"type": "FeatureCollection", "features": []}))
    shp = tmp_path / "shp" / "v.shp"
    shp.parent.mkdir()
    gpd.read_file(DEMO).to_file(shp)
    zipped = tmp_path / "nodbf.zip"
    with zipfile.ZipFile(zipped, "w") as archive:
        for ext in ("shp", "shx", "prj"):
            archive.write(shp.with_suffix(f".{ext}"), f"v.{ext}")
    first = _error(capsys, "boundaries", str(empty), "--out", str(tmp_path / "a.gpkg"))
    second = _error(capsys, "boundaries", str(zipped), "--out", str(tmp_path / "b.gpkg"))
    assert "no feature" in first and ".dbf" in second
    assert "village code column" not in first + second


def test_a_cover_sheet_hints_at_sheet_and_a_truncated_workbook_is_not_a_zip(tmp_path, capsys):
    households = pd.read_csv(DEMO_HH, dtype=str)
    book = tmp_path / "dtks.xlsx"
    with pd.ExcelWriter(book) as writer:
        pd.DataFrame({"Laporan DTKS": ["Kabupaten Contoh", "2025"]}).to_excel(
            writer, sheet_name="Sampul", index=False)
        households.to_excel(writer, sheet_name="Data", index=False)
    err = _error(capsys, "households", str(book))
    assert "--sheet" in err and "Data" in err and "Sampul" in err
    assert main(["households", str(book), "--sheet", "Data"]) == 0
    capsys.readouterr()

    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    err = _error(capsys, "households", str(cut))
    assert "truncated" in err and "ZIP" not in err


def test_a_boolean_members_column_is_refused_by_name(tmp_path, capsys):
    households = pd.read_csv(DEMO_HH, dtype=str)
    households["jumlah_art"] = households["jumlah_art"].astype(int) > 3
    path = tmp_path / "bool.parquet"
    households.to_parquet(path)
    err = _error(capsys, "households", str(path))
    assert "jumlah_art" in err and "true/false" in err


def test_a_few_cp1252_lines_in_a_utf8_file_are_reported(tmp_path):
    lines = DEMO_HH.read_text(encoding="utf-8").splitlines()
    data = [line.encode("utf-8") for line in lines]
    data[2] = data[2].replace(b",tidak,", ",tidák,".encode("utf-8"), 1)  # UTF-8 elsewhere
    data[5] = data[5].replace(b",tidak,", ",tidák,".encode("cp1252"), 1)  # one cp1252 byte
    assert data[5].decode("cp1252") != lines[5]
    path = tmp_path / "mixed.csv"
    path.write_bytes(b"\n".join(data) + b"\n")
    table, report = read_households(path)
    assert report.encoding == "utf-8" and len(table) == len(lines) - 1
    warnings = [w for w in report.warnings if "cp1252" in w]
    assert warnings and '"lines": 1' in warnings[0] and '"first": 6' in warnings[0]


def test_rank_out_an_existing_file_fails_before_the_analysis(tmp_path, capsys, monkeypatch):
    import geo.cli.rank as rank

    monkeypatch.setattr(rank, "analyse", lambda *a, **k: pytest.fail("the analysis ran"))
    taken = tmp_path / "out.txt"
    taken.write_text("x")
    err = _error(capsys, "rank", "--boundaries", str(DEMO), "--households", str(DEMO_HH),
                 "--out", str(taken))
    assert "out.txt" in err


def test_top_n_zero_is_the_rule_off_and_said(tmp_path, capsys):
    config = tmp_path / "off.toml"
    config.write_text("[focus]\ntop_n = 0\n", encoding="utf-8")
    assert main(["--lang", "en", "rank", "--boundaries", str(DEMO), "--households", str(DEMO_HH),
                 "--config", str(config), "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "top-N rule is switched off" in out
    docs = (ROOT / "docs" / "ranking.md").read_text(encoding="utf-8")
    assert "`top_n = 0` means \"no top-N rule\"" in docs


def test_full_width_and_arabic_digits_are_read_as_their_digits(tmp_path):
    wide = str.maketrans("0123456789.", "０１２３４５６７８９．")
    arabic = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
    households = pd.read_csv(DEMO_HH, dtype=str)
    typed = households.copy()
    typed.loc[::2, "kode_desa"] = typed.loc[::2, "kode_desa"].str.translate(wide)
    typed.loc[1::2, "kode_desa"] = typed.loc[1::2, "kode_desa"].str.translate(arabic)
    typed["jumlah_art"] = typed["jumlah_art"].str.translate(arabic)
    path = tmp_path / "digits.csv"
    typed.to_csv(path, index=False)
    got, report = read_households(path)
    expected, _ = read_households(DEMO_HH)
    assert got["village_code"].tolist() == expected["village_code"].tolist()
    assert got["members"].tolist() == expected["members"].tolist()
    assert report.rows_with_problem == _.rows_with_problem
