"""Planted personal values (issue 18): no message, report, method table or workbook quotes them.

Every path that builds user-facing text from a household file is fed a file whose header row
or file name holds a NIK, a phone number, an e-mail and a name; the text must not contain any.
"""

from __future__ import annotations

import json
import shutil
import zipfile

import pytest

from geo.__main__ import main as cli_main
from geo.common.errors import GeoInputError
from geo.export import build_layers, export_result
from geo.households.read import read_households
from geo.pipeline.analysis import analyse, demo_sources

NIK, PHONE, EMAIL, NAME = "3573010101010001", "081234567890", "siti.aminah@contoh.id", "Siti Aminah"
PLANTED = (NIK, PHONE, EMAIL, NAME, "Aminah")


def _clean(text: str) -> None:
    for value in PLANTED:
        assert value not in text, f"{value!r} quoted in {text[:300]!r}"


def _messages(exc: GeoInputError) -> str:
    return exc.render("id") + "\n" + exc.render("en")


def test_a_file_without_header_row_is_described_by_position(tmp_path):
    path = tmp_path / "hh.csv"
    path.write_text(f"{NAME},{PHONE},{EMAIL},{NIK},35.73.01.1001,4,2\n"
                    "Budi,081200000000,b@contoh.id,3573010101010002,35.73.01.1002,3,1\n",
                    encoding="utf-8")
    with pytest.raises(GeoInputError) as caught:
        read_households(path)
    _clean(_messages(caught.value))
    assert "#1" in caught.value.render("en")  # the columns are named by position


def test_the_command_line_quotes_no_planted_value(tmp_path, capsys):
    path = tmp_path / "hh.csv"
    path.write_text(f"{NAME};{PHONE};{EMAIL};{NIK};35.73.01.1001;4;2\n", encoding="utf-8")
    assert cli_main(["--lang", "en", "households", str(path)]) == 2
    out = capsys.readouterr()
    _clean(out.out + out.err)


@pytest.mark.parametrize("separator", ["\t", "|"])
def test_a_one_column_first_line_is_not_quoted_when_it_looks_like_data(tmp_path, separator):
    path = tmp_path / "hh.csv"
    path.write_text(separator.join([NAME, PHONE, EMAIL, NIK, "4", "2"]) + "\n", encoding="utf-8")
    with pytest.raises(GeoInputError) as caught:
        read_households(path)
    _clean(_messages(caught.value))


def test_a_header_cell_holding_a_nik_is_not_in_the_report(tmp_path):
    path = tmp_path / "hh.csv"
    path.write_text(f"kode_desa,desil,jumlah_art,{NAME} {NIK}\n35.73.01.1001,2,4,x\n"
                    "35.73.01.1002,3,5,y\n", encoding="utf-8")
    households, report = read_households(path)
    text = json.dumps(report.to_dict(), ensure_ascii=False, default=str)
    _clean(text + " ".join(map(str, households.columns)))
    assert len(households) == 2


def test_a_personal_file_name_is_not_copied_into_method_or_workbook(tmp_path):
    boundaries, households = demo_sources()
    planted = tmp_path / f"rt_{NIK}_{PHONE}.csv"
    shutil.copyfile(households, planted)
    result = analyse(boundaries, planted)
    _clean(json.dumps(result.method.to_dict(), default=str))
    layers = build_layers(result)
    _clean(json.dumps([str(s) for s in layers.sources], default=str))  # printed on the PDF maps
    out = tmp_path / "out"
    export_result(result, out, formats=("xlsx", "shp", "csv"), lang="en")
    with zipfile.ZipFile(out / "focus_list.xlsx") as book:  # every sheet's text, shared strings
        _clean(" ".join(book.read(n).decode("utf-8", "replace") for n in book.namelist()
                        if n.endswith(".xml")))
    with zipfile.ZipFile(out / "poverty_map_shp.zip") as archive:
        _clean(archive.read("method.csv").decode("utf-8"))
    assert any(s.file.startswith("input file (.csv, sha256 ") for s in result.method.sources)
