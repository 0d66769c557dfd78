"""read_households: formats, aliases, codes, row-level problems and clear file-level errors."""

from __future__ import annotations

import argparse
import json
import zipfile

import numpy as np
import pandas as pd
import pytest

from geo.cli import households as households_cli
from geo.common.errors import GeoInputError
from geo.households.schema import HOUSEHOLD_COLUMNS
from geo.households.read import read_households
from geo.common.messages import render_cell


def english(cells: pd.Series) -> pd.Series:
    """Row problems / code notes as the English reader sees them."""
    return cells.map(lambda cell: render_cell(cell, "en"), na_action="ignore").astype("string")

HEADER = "id_keluarga,kode_desa,jumlah_art,desil,lintang,bujur,pkh"
GOOD_ROWS = [
    "007,35.73.01.1001,4,1,-7.9,112.6,ya",
    "008,3573011002,3,5,,,tidak",
    "009,,2,10,-7.95,112.63,1",
]


def write(tmp_path, text: str, name: str = "hh.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def table_of(tmp_path, rows, header=HEADER, **kwargs):
    return read_households(write(tmp_path, "\n".join([header, *rows]) + "\n"), **kwargs)


def test_canonical_columns_types_and_accounting(tmp_path):
    table, report = table_of(tmp_path, GOOD_ROWS)
    assert tuple(table.columns) == HOUSEHOLD_COLUMNS and HOUSEHOLD_COLUMNS[-1] == "code_note"
    assert english(table["code_note"]).isna().all()
    assert report.rows_read == len(table) == 3
    assert table["source_row"].tolist() == [1, 2, 3]
    assert table["household_id"].tolist() == ["007", "008", "009"]  # leading zeros kept
    assert table["village_code"].tolist()[:2] == ["35.73.01.1001", "35.73.01.1002"]
    assert pd.isna(table["village_code"].iloc[2])
    assert str(table["members"].dtype) == "Int64" and str(table["desil"].dtype) == "Int64"
    assert str(table["recv_pkh"].dtype) == "Int8" and table["recv_pkh"].tolist() == [1, 0, 1]
    assert table["longitude"].iloc[0] == pytest.approx(112.6)
    assert np.isnan(table["latitude"].iloc[1])
    assert english(table["problem"]).isna().all()
    assert report.columns_mapped["members"] == "jumlah_art"
    assert report.format == "csv" and report.delimiter == "," and report.encoding == "utf-8"


def test_row_level_problems_keep_the_row_with_a_reason(tmp_path):
    rows = [
        "1,35.73.01.1001,4,0,,,ya",        # desil 0
        "2,35.73.01.1001,4,11,,,ya",       # desil 11
        "3,35.73.01.1001,0,3,,,ya",        # members 0
        "4,35.73.01.1001,-2,3,,,ya",       # members negative
        "5,35.73.01.1001,banyak,3,,,ya",   # members not a number
        "6,35.73.01.1001,3,3,,,kadang",    # flag not 0/1: left empty, the row stays valid
        "7,,3,3,,,ya",                     # nowhere
        "8,,3,3,95.1,200.5,ya",            # coordinates out of range
        "9,35.73.01.1001,2.5,3,,,ya",      # members not whole
        "10,35.73.01.1001,3,3,,,ya",       # valid
        "11,35.73.01.1001,3573014107800002,3,,,ya",  # a NIK in the members column
    ]
    table, report = table_of(tmp_path, rows)
    problem = english(table["problem"]).tolist()
    assert "desil 0 not in 1–10" in problem[0]
    assert "desil 11 not in 1–10" in problem[1]
    assert "members 0 not in 1–99" in problem[2]
    assert "members -2 not in 1–99" in problem[3]
    assert problem[4] == "members is not a number (text of 6 characters)"  # described, not quoted
    assert pd.isna(problem[5]) and pd.isna(table.loc[5, "recv_pkh"])
    assert problem[6] == "no village code and no coordinates"
    assert problem[7].startswith("coordinates out of range")
    assert "95.1" not in problem[7] and "200.5" not in problem[7]  # coordinates never printed
    assert "not a whole number" in problem[8]
    assert pd.isna(problem[9])
    assert problem[10] == "members is a 16-digit number, like a NIK or No. KK, not in 1–99"
    assert len(table) == report.rows_read == 11
    assert report.rows_with_problem == 9
    assert report.unreadable_flags == {"recv_pkh": 1}
    assert report.problems == {"coordinates": 1, "no_location": 1, "members": 5, "desil": 2}
    assert table.loc[0, "desil"] is pd.NA and table.loc[2, "members"] is pd.NA
    assert np.isnan(table.loc[7, "longitude"])


def test_row_problems_read_in_indonesian_without_quoting_the_cell(tmp_path):
    rows = ["1,35.73.01.1001,4,0,,,ya", "2,35.73.01.1001,3573014107800002,3,,,ya",
            "3,3573014107800002,2,3,,,ya", "4,35.73.01.1001,banyak,3,,,ya"]
    table, _ = table_of(tmp_path, rows)
    problem = table["problem"].map(lambda c: render_cell(c, "id"), na_action="ignore").tolist()
    assert problem[0] == "desil 0 tidak di antara 1–10"
    assert problem[1] == ("members berupa angka 16 digit, seperti NIK atau No. KK, "
                          "tidak di antara 1–99")
    assert problem[2] == ("kode desa bukan kode Kemendagri PP.KK.CC.VVVV (angka 16 digit, seperti "
                          "NIK atau No. KK); tidak ada koordinat untuk menempatkan baris sebagai "
                          "gantinya")
    assert problem[3] == "members bukan angka (teks 6 karakter)"
    assert not any("3573014107800002" in p or "banyak" in p for p in problem)


def test_unreadable_deprivation_flag_is_empty_and_counted_per_column(tmp_path):
    header = "kode_desa,jumlah_art,desil,dep_water,penerima_pkh"
    rows = ["35.73.01.1001,3,1,tidak tahu,ya", "35.73.01.1001,3,1,1,?", "35.73.01.1001,3,1,0,0"]
    table, report = table_of(tmp_path, rows, header=header)
    assert english(table["problem"]).isna().all()  # no household is thrown away for one answer
    assert table["dep_water"].tolist()[1:] == [1, 0] and pd.isna(table.loc[0, "dep_water"])
    assert pd.isna(table.loc[1, "recv_pkh"])
    assert report.unreadable_flags == {"dep_water": 1, "recv_pkh": 1}


def test_spreadsheet_codes_recovered_or_flagged(tmp_path):
    rows = ["1,3573011001.0,4,1,,,1", "2,3.57301E+09,4,1,,,1", "3,35.73.01.1003,4,1,,,1",
            "4,3573010001,4,1,,,1"]
    table, report = table_of(tmp_path, rows)
    assert table["village_code"].iloc[0] == "35.73.01.1001"
    assert pd.isna(table["village_code"].iloc[1])
    assert english(table["problem"]).iloc[1] == (
        "village code lost digits in a spreadsheet (scientific notation): format the column as "
        "text and export again; no coordinates to place the row instead")
    assert "BPS code" in english(table["problem"]).iloc[3]  # village part 0001 is not Kemendagri
    assert "3573010001" not in english(table["problem"]).iloc[3]
    assert report.problems == {"village_code": 2} and report.codes_unusable == 2


def test_unusable_code_with_coordinates_is_left_to_the_join(tmp_path):
    rows = ["1,9971010001,4,1,0.1,117.4,1", "2,3573014107800002,4,1,0.1,117.4,1",
            "3,35.73.01,4,1,0.1,117.4,1", "4,9971010001,4,1,,,1"]
    table, report = table_of(tmp_path, rows)
    assert english(table["problem"]).iloc[:3].isna().all()  # coordinates can still place these rows
    assert table["village_code"].iloc[:3].isna().all()
    note = english(table["code_note"]).tolist()
    assert "BPS code" in note[0] and "9971010001" not in note[0]
    assert note[1] == ("village code is not a Kemendagri code PP.KK.CC.VVVV (a 16-digit number, "
                       "like a NIK or No. KK)")
    assert note[2] == ("village code is not a Kemendagri code PP.KK.CC.VVVV (a 6-digit number "
                       "with separators)")
    assert "no coordinates to place the row" in english(table["problem"]).iloc[3]  # nothing else to go on
    assert report.codes_unusable == 4 and report.rows_with_problem == 1
def test_mostly_mangled_codes_fail_the_whole_file(tmp_path):
    rows = [f"{i},3.57301E+09,4,1,,,1" for i in range(5)] + ["9,35.73.01.1001,4,1,,,1"]
    with pytest.raises(GeoInputError, match=r"kode_desa.*5 of 6.*format the column as text") as err:
        table_of(tmp_path, rows)
    assert "3.57301E+09" not in str(err.value)


def test_column_map_overrides_aliases(tmp_path):
    header = "ID,kode_desa,jumlah_art,desil,DESIL_KESEJAHTERAAN"
    table, report = table_of(tmp_path, ["a,35.73.01.1001,3,9,2"], header=header,
                             column_map={"desil": "DESIL_KESEJAHTERAAN", "household_id": "id"})
    assert table["desil"].tolist() == [2]
    assert table["household_id"].tolist() == ["a"]
    assert report.columns_mapped["desil"] == "DESIL_KESEJAHTERAAN"
    with pytest.raises(GeoInputError, match="no column 'desil_kes'.*DESIL_KESEJAHTERAAN"):
        table_of(tmp_path, ["a,35.73.01.1001,3,9,2"], header=header, column_map={"desil": "desil_kes"})
    with pytest.raises(GeoInputError, match="not a household field"):
        table_of(tmp_path, ["a,35.73.01.1001,3,9,2"], header=header, column_map={"decile": "desil"})


def test_two_columns_for_one_field_must_be_chosen(tmp_path):
    header = "kode_desa,jumlah_art,desil,desil_nasional"
    with pytest.raises(GeoInputError, match="'desil', 'desil_nasional' all look like desil"):
        table_of(tmp_path, ["35.73.01.1001,3,9,2"], header=header)


def test_windows_1252_semicolons_and_decimal_comma(tmp_path):
    text = ("ID Keluarga;Kode Desa;Jumlah ART;Desil;Lintang;Bujur;Keterangan\n"
            "1;35.73.01.1001;4;1;-7,9512;112,6345;Rumah di tepi kali – café\n"
            "2;35.73.01.1002;3;2;-7,9;112,61;\n")
    table, report = read_households(write(tmp_path, text, encoding="cp1252"))
    assert report.encoding == "cp1252" and report.delimiter == ";"
    assert table["latitude"].tolist() == pytest.approx([-7.9512, -7.9])
    assert table["longitude"].tolist() == pytest.approx([112.6345, 112.61])
    assert english(table["problem"]).isna().all()
    assert list(report.unknown_columns) == ["Keterangan"]


def test_utf8_bom_does_not_hide_the_first_column(tmp_path):
    text = "\ufeffkode_desa,jumlah_art,desil\n35.73.01.1001,2,3\n"
    table, report = read_households(write(tmp_path, text))
    assert report.encoding == "utf-8-sig"
    assert report.columns_mapped["village_code"] == "kode_desa"
    assert table["village_code"].tolist() == ["35.73.01.1001"]


def test_ragged_rows_are_kept_with_a_problem(tmp_path):
    table, report = table_of(tmp_path, [GOOD_ROWS[0], GOOD_ROWS[1] + ",extra,fields", GOOD_ROWS[2]])
    assert len(table) == report.rows_read == 3
    assert "row has 9 fields, the header has 7" in english(table["problem"]).iloc[1]
    assert english(table["problem"]).iloc[[0, 2]].isna().all()


@pytest.mark.parametrize("sep,word", [("\t", "tab"), ("|", "pipe")])
def test_wrong_delimiter_says_which_one_seems_used(tmp_path, sep, word):
    text = sep.join(["kode_desa", "jumlah_art", "desil"]) + "\n" + sep.join(["35.73.01.1001", "2", "3"])
    with pytest.raises(GeoInputError, match=rf"hh\.csv: the header is one column.*{word}-separated"):
        read_households(write(tmp_path, text))


def test_desil_without_numbers_names_the_column(tmp_path):
    rows = ["1,35.73.01.1001,4,Sangat Miskin,,,1", "2,35.73.01.1001,4,Siti Rahayu,,,1"]
    with pytest.raises(GeoInputError, match=r"column 'desil' \(desil\) has no numbers.*--map desil=") as err:
        table_of(tmp_path, rows)
    assert "Siti Rahayu" not in str(err.value)  # a name in the wrong column is never quoted


def test_desil_written_as_words_with_a_number_is_read(tmp_path):
    table, _ = table_of(tmp_path, ["1,35.73.01.1001,4,Desil 3,,,1"])
    assert table["desil"].tolist() == [3]


def test_missing_required_column_lists_found_columns_and_close_matches(tmp_path):
    with pytest.raises(GeoInputError) as err:
        table_of(tmp_path, ["1,35.73.01.1001,4"], header="id_keluarga,kode_desa,jumlah_artt")
    message = str(err.value)
    assert "hh.csv" in message and "missing required column" in message
    assert "members" in message and "'jumlah_artt'" in message  # close match offered
    assert "desil" in message and "Columns found: id_keluarga, kode_desa, jumlah_artt" in message


def test_coordinates_alone_are_enough(tmp_path):
    table, _ = table_of(tmp_path, ["1,4,2,-7.9,112.6"], header="id,members,desil,lat,lon")
    assert table["village_code"].isna().all() and english(table["problem"]).isna().all()


def test_swapped_coordinates_fail_with_a_hint(tmp_path):
    rows = [f"{i},35.73.01.1001,3,2,112.6123,-7.9512,1" for i in range(3)]
    with pytest.raises(GeoInputError, match="look swapped") as err:
        table_of(tmp_path, rows)
    assert "112.6" not in str(err.value) and "7.95" not in str(err.value)


@pytest.mark.parametrize("content,expected", [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "PNG image"),
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"kode_desa,jumlah_art,desil\n", "no data rows"),
    (b'{"type": "FeatureCollection"}', "JSON"),
    (b"\x00\x01\x02binary", "binary file"),
])
def test_files_that_are_not_tables(tmp_path, content, expected):
    path = tmp_path / "households.csv"
    path.write_bytes(content)
    with pytest.raises(GeoInputError, match=rf"households\.csv: .*{expected}"):
        read_households(path)


def test_zip_renamed_csv_is_refused(tmp_path):
    path = tmp_path / "households.csv"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("data.csv", "kode_desa,jumlah_art,desil\n35.73.01.1001,2,3\n")
    with pytest.raises(GeoInputError, match="ZIP archive, not a household table"):
        read_households(path)


def test_missing_file_is_a_user_error(tmp_path):
    with pytest.raises(GeoInputError, match="file not found"):
        read_households(tmp_path / "nope.csv")


SAMPLE = pd.DataFrame({
    "id_keluarga": ["007", "008"],
    "kode_desa": ["3573011001", "35.73.01.1002"],
    "jumlah_art": [4, 2],
    "desil": [1, 7],
    "lintang": [-7.95, -7.9],
    "bujur": [112.6, 112.65],
    "penerima_bpnt": ["ya", "tidak"],
})


def expected_sample(table):
    assert table["household_id"].tolist() == ["007", "008"]
    assert table["village_code"].tolist() == ["35.73.01.1001", "35.73.01.1002"]
    assert table["members"].tolist() == [4, 2] and table["desil"].tolist() == [1, 7]
    assert table["latitude"].tolist() == pytest.approx([-7.95, -7.9])
    assert table["recv_bpnt"].tolist() == [1, 0]
    assert english(table["problem"]).isna().all()


def test_xlsx_first_sheet_and_named_sheet(tmp_path):
    path = tmp_path / "registry.xlsx"
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        pd.DataFrame({"catatan": ["cover sheet"]}).to_excel(writer, sheet_name="Sampul", index=False)
        SAMPLE.to_excel(writer, sheet_name="Data", index=False)
    table, report = read_households(path, sheet="Data")
    expected_sample(table)
    assert report.format == "xlsx" and report.sheet == "Data"
    with pytest.raises(GeoInputError, match="missing required column"):
        read_households(path)  # the first sheet is the cover
    with pytest.raises(GeoInputError, match="no sheet 'Lampiran'; sheets: Sampul, Data"):
        read_households(path, sheet="Lampiran")


def test_xlsx_with_numeric_codes(tmp_path):
    path = tmp_path / "angka.xlsx"
    sample = SAMPLE.assign(kode_desa=[3573011001, 3573011002])  # stored as numbers by Excel
    sample.to_excel(path, index=False)
    table, _ = read_households(path)
    assert table["village_code"].tolist() == ["35.73.01.1001", "35.73.01.1002"]


def test_parquet_round_trip_with_integer_and_float_codes(tmp_path):
    path = tmp_path / "registry.parquet"
    SAMPLE.to_parquet(path)
    expected_sample(read_households(path)[0])
    floats = SAMPLE.assign(kode_desa=[3573011001.0, 3573011002.0], id_keluarga=["007", "008"])
    floats.to_parquet(path)
    table, report = read_households(path)
    assert report.format == "parquet"
    assert table["village_code"].tolist() == ["35.73.01.1001", "35.73.01.1002"]


def test_same_table_from_csv_xlsx_and_parquet(tmp_path):
    SAMPLE.to_csv(tmp_path / "a.csv", index=False)
    SAMPLE.to_excel(tmp_path / "a.xlsx", index=False)
    SAMPLE.to_parquet(tmp_path / "a.parquet")
    tables = [read_households(tmp_path / f"a.{ext}")[0] for ext in ("csv", "xlsx", "parquet")]
    pd.testing.assert_frame_equal(tables[0], tables[1])
    pd.testing.assert_frame_equal(tables[0], tables[2])


def run_cli(argv):
    parser = argparse.ArgumentParser()
    households_cli.add_arguments(parser)
    return households_cli.run(parser.parse_args(argv))


def test_cli_prints_names_and_counts_never_values(tmp_path, capsys):
    header = "NIK,Nama Kepala,kode_desa,jumlah_art,skor_desil,jenis_lantai"
    path = write(tmp_path, f"{header}\n3573019999999999,Siti Aminah,35.73.01.1001,3,1,tanah\n")
    report_path = tmp_path / "report.json"
    assert run_cli([str(path), "--map", "desil=skor_desil", "--report", str(report_path)]) == 0
    out = capsys.readouterr().out
    report = json.loads(report_path.read_text())
    for text in (out, json.dumps(report)):
        assert "3573019999999999" not in text and "Siti Aminah" not in text
    assert "personal columns dropped: NIK, Nama Kepala" in out
    assert "derived dep_housing from jenis_lantai" in out
    assert report["columns_mapped"]["desil"] == "skor_desil"
    with pytest.raises(GeoInputError, match="FIELD=COLUMN"):
        run_cli([str(path), "--map", "desil"])


def test_mapping_a_personal_column_is_refused(tmp_path):
    path = write(tmp_path, "NIK,kode_desa,jumlah_art,desil\n3573019999999999,35.73.01.1001,3,1\n")
    with pytest.raises(GeoInputError, match="personal data"):
        read_households(path, column_map={"household_id": "NIK"})


def test_demo_registry_reads_every_row():
    # its speed is measured in benchmarks/, not asserted here
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_households.csv"
    table, report = read_households(path)
    assert report.rows_read == len(table) > 3000
    assert table["source_row"].tolist() == list(range(1, len(table) + 1))


def test_every_alias_and_rule_column_is_documented():
    from pathlib import Path

    from geo.households.rules import DEFAULT_RULES
    from geo.households.aliases import ALIASES

    doc = (Path(__file__).resolve().parents[2] / "docs" / "households.md").read_text()
    names = [a for canonical, aliases in ALIASES.items() if not canonical.startswith("dep_")
             for a in aliases]
    names += [c for conds in DEFAULT_RULES.values() for cond in conds for c in cond["columns"]]
    assert [n for n in names if f"`{n}`" not in doc] == []


def test_cli_turns_a_bad_file_into_one_line_and_exit_2(tmp_path, capsys, monkeypatch):
    from geo.__main__ import main

    monkeypatch.delenv("PPM_LANG", raising=False)
    path = write(tmp_path, "kode_desa\tjumlah_art\tdesil\n35.73.01.1001\t2\t3\n")
    assert main(["--lang", "en", "households", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "tab-separated" in err and "Traceback" not in err
    assert err.startswith("error: ")
    assert main(["households", str(path)]) == 2  # Bahasa Indonesia by default
    err = capsys.readouterr().err.strip()
    assert err.startswith("galat: ") and "dipisahkan dengan tab" in err
    monkeypatch.setenv("PPM_LANG", "en")
    assert main(["households", str(path)]) == 2
    assert "tab-separated" in capsys.readouterr().err


def test_cli_report_paths(tmp_path):
    path = write(tmp_path, "kode_desa,jumlah_art,desil\n35.73.01.1001,2,3\n")
    nested = tmp_path / "new" / "folder" / "report.json"
    assert run_cli([str(path), "--report", str(nested)]) == 0  # missing folders are made
    assert json.loads(nested.read_text())["rows_read"] == 1
    with pytest.raises(GeoInputError, match="--report is a folder"):
        run_cli([str(path), "--report", str(tmp_path)])
    blocker = tmp_path / "plain_file"
    blocker.write_text("x")
    with pytest.raises(GeoInputError, match="--report: cannot create the folder"):
        run_cli([str(path), "--report", str(blocker / "report.json")])


def test_id_kel_is_not_taken_as_a_household_id(tmp_path):
    table, report = table_of(tmp_path, ["3573010001,35.73.01.1001,2,3"] * 3,
                             header="id_kel,kode_desa,jumlah_art,desil")
    assert render_cell(report.household_id_from, "en") == "row number"
    assert "id_kel" in report.unknown_columns
    assert table["household_id"].is_unique


def test_a_household_id_repeated_in_many_rows_is_warned_about(tmp_path):
    rows = [f"{'D01' if i < 6 else f'H{i}'},35.73.01.1001,2,3" for i in range(40)]
    _, report = table_of(tmp_path, rows, header="id_keluarga,kode_desa,jumlah_art,desil")
    assert len(report.warnings) == 1
    assert "repeats in 6 of 40 rows" in render_cell(report.warnings[0], "en")
    assert "D01" not in render_cell(report.warnings[0], "en")
    _, clean = table_of(tmp_path, [f"H{i},35.73.01.1001,2,3" for i in range(40)] + ["H1,35.73.01.1001,2,3"],
                        header="id_keluarga,kode_desa,jumlah_art,desil")
    assert clean.warnings == ()  # one duplicate family is the join's business


def test_columns_of_id_numbers_are_dropped_whatever_their_name(tmp_path):
    niks = [f"35730141078{i:05d}" for i in range(4)]
    header = "id_keluarga,kode_desa,jumlah_art,desil,kis,keterangan,pkh"
    rows = [f"{nik},35.73.01.1001,3,2,{nik},{nik},ya" for nik in niks]
    table, report = table_of(tmp_path, rows, header=header, salt="garam")
    assert list(report.id_number_columns_dropped) == ["id_keluarga", "kis", "keterangan"]
    assert "recv_pbi" not in report.columns_mapped and table["recv_pbi"].isna().all()
    assert table["recv_pkh"].tolist() == [1, 1, 1, 1]
    assert "salted SHA-256 of 'id_keluarga'" in render_cell(report.household_id_from, "en")
    assert table["household_id"].is_unique and not table["household_id"].isin(niks).any()
    text = table.to_csv() + json.dumps(report.to_dict())
    assert not any(nik in text for nik in niks)
    with pytest.raises(GeoInputError, match="'members_x' \\(mapped to members\\) holds mostly "
                                            "16-digit numbers"):
        table_of(tmp_path, [f"35.73.01.1001,{nik},2" for nik in niks],
                 header="kode_desa,members_x,desil", column_map={"members": "members_x"})


def test_xlsx_that_is_really_text_says_so(tmp_path):
    path = write(tmp_path, "kode_desa,jumlah_art,desil\n", name="data.xlsx")
    with pytest.raises(GeoInputError, match=r"data\.xlsx: this is not an Excel workbook.*plain "
                                            r"text.*no data rows"):
        read_households(path)
    renamed = write(tmp_path, "kode_desa,jumlah_art,desil\n35.73.01.1001,2,3\n", name="ok.xlsx")
    assert read_households(renamed)[1].format == "csv"  # a real CSV under an .xlsx name is read


def test_utf16_unicode_text_from_excel_is_read(tmp_path):
    text = "kode_desa\tjumlah_art\tdesil\tketerangan\n35.73.01.1001\t2\t3\tcafé\n"
    path = tmp_path / "unicode.txt"
    path.write_bytes(text.encode("utf-16"))  # with a byte-order mark, as Excel writes it
    table, report = read_households(path)
    assert report.encoding == "utf-16" and report.delimiter == "\t"
    assert table["village_code"].tolist() == ["35.73.01.1001"] and table["members"].tolist() == [2]
    bare = tmp_path / "bare.csv"
    bare.write_bytes("kode_desa,jumlah_art,desil\n35.73.01.1001,2,3\n".encode("utf-16-le"))
    with pytest.raises(GeoInputError, match="UTF-16 text without a byte-order mark.*CSV UTF-8"):
        read_households(bare)


def test_parse_column_map_is_shared_by_the_commands():
    from geo.cli import boundaries as boundaries_cli
    from geo.cli.common import parse_column_map

    assert parse_column_map(["desil = DESIL_KES", "village_code=KODE"]) == {
        "desil": "DESIL_KES", "village_code": "KODE"}
    assert parse_column_map(None) == {}
    with pytest.raises(GeoInputError, match="desil twice"):
        parse_column_map(["desil=A", "desil=B"])
    assert not hasattr(boundaries_cli, "parse_map")
    assert not hasattr(households_cli, "parse_map")


# --------------------------------------------------------------------------- typed columns
# Parquet and XLSX numbers are parsed from their values (no per-row text); the results must be
# exactly those of the same values given as text (what a CSV, or the column's astype("string"),
# gives), rejects and reasons included.

NIKS = [3573014107800000 + i for i in range(8)]


def typed_registry() -> pd.DataFrame:
    """Eight households with typed columns and a few bad values (see the comments)."""
    return pd.DataFrame({
        "no_kk": pd.array(NIKS, dtype="int64"),               # personal: only hashed
        "kode_desa": [3573011001.0, 3573011002.0, np.nan, 3573010001.0,  # 0001: no village type
                      12345.0, 3573011001.0, 3573011003.0, 3573011001.0],
        "jumlah_art": pd.array([4, 0, 3, 150, None, 2, NIKS[0], 5], dtype="Int64"),
        "desil": pd.array([1, 0, 11, 4, 2, 3, 10, 5], dtype="int64"),
        "lintang": [-7.95, np.nan, -7.0, 95.1, np.nan, -7.972186000000001, np.nan, -7.91],
        "bujur": [112.6, np.nan, 112.0, 200.5, np.nan, 112.61234567890123, np.nan, 112.63],
        "pkh": pd.array([1, 0, 2, 1, 0, 1, None, 0], dtype="Int8"),   # 2: unreadable
        "penerima_bpnt": [1.0, 0.0, np.nan, 1.0, 0.0, -0.0, 1.0, 0.0],  # -0.0 reads "-0.0"
        "pbi": ["ya", "tidak", "ya", None, "ya", "tidak", "ya", "ya"],
        "nomor_kartu": [float(n) for n in NIKS],              # card numbers, innocent name
        "catatan": pd.array(NIKS, dtype="int64"),             # ids again, as integers
        "luas_lantai": [20.5, 40.0, 12.0, np.nan, 30.0, 7.5, 100.0, 16.0],  # dep_housing
        "jenis_lantai": ["tanah", "keramik", None, "semen", "bambu", "keramik", "tanah", "semen"],
    })


def as_csv_text(frame: pd.DataFrame) -> pd.DataFrame:
    """The same cells as a CSV gives them: each value's text, NA as an empty cell."""
    return frame.astype("string").fillna("")


def test_parquet_numbers_give_the_table_and_report_of_their_text(tmp_path):
    typed = typed_registry()
    typed.to_parquet(tmp_path / "typed.parquet")
    typed.astype("string").to_parquet(tmp_path / "text.parquet")  # every column as text
    got, got_report = read_households(tmp_path / "typed.parquet", salt="garam")
    want, want_report = read_households(tmp_path / "text.parquet", salt="garam")
    pd.testing.assert_frame_equal(got, want)
    assert {**got_report.to_dict(), "file": None} == {**want_report.to_dict(), "file": None}
    # and what that is, independently of the text path
    assert list(got_report.id_number_columns_dropped) == ["nomor_kartu", "catatan"]
    assert list(got_report.personal_columns_dropped) == ["no_kk"]
    assert got["village_code"].tolist()[:2] == ["35.73.01.1001", "35.73.01.1002"]
    notes = english(got["code_note"]).tolist()
    assert "village part must start with 1" in notes[3]
    assert notes[4] == "village code is not a Kemendagri code PP.KK.CC.VVVV (a decimal or " \
                       "negative number)"  # 12345.0 is described as its text reads, not quoted
    problem = english(got["problem"]).tolist()
    assert problem[1] == "members 0 not in 1–99; desil 0 not in 1–10"
    assert "desil 11 not in 1–10" in problem[2]
    assert "members 150 not in 1–99" in problem[3] and "coordinates out of range" in problem[3]
    assert problem[4].endswith("; members missing")  # after the unusable code, no coordinates
    assert problem[6] == "members is a 16-digit number, like a NIK or No. KK, not in 1–99"
    assert got["recv_pkh"].tolist()[:2] == [1, 0] and pd.isna(got["recv_pkh"][2])
    assert got_report.unreadable_flags == {"recv_pkh": 1, "recv_bpnt": 1}  # 2 and -0.0
    # earth/bamboo floor, or under 8 m² a person (12/3, 7.5/2, 16/5); members 0 or 150 is no size
    assert got["dep_housing"].tolist() == [1, 0, 1, 0, 1, 1, 1, 1]
    assert got["latitude"][2] == -7.0 and got["longitude"][5] == 112.61234567890123
    text = got.to_csv() + json.dumps(got_report.to_dict())
    assert not any(str(nik) in text for nik in NIKS)


def test_same_registry_as_parquet_and_csv(tmp_path):
    typed = typed_registry()
    typed.to_parquet(tmp_path / "a.parquet")
    csv_cells = as_csv_text(typed)
    csv_cells.loc[4, "jumlah_art"] = "tiga"  # a CSV can hold a word where Parquet holds null
    csv_cells.to_csv(tmp_path / "a.csv", index=False)
    from_parquet, parquet_report = read_households(tmp_path / "a.parquet", salt="garam")
    from_csv, csv_report = read_households(tmp_path / "a.csv", salt="garam")
    code = ("village code is not a Kemendagri code PP.KK.CC.VVVV (a decimal or negative "
            "number); no coordinates to place the row instead; ")
    assert english(from_parquet["problem"])[4] == code + "members missing"
    assert english(from_csv["problem"])[4] == code + "members is not a number (text of 4 characters)"
    from_csv.loc[4, "problem"] = from_parquet["problem"][4]
    pd.testing.assert_frame_equal(from_parquet, from_csv)
    formats = ("file", "format", "encoding", "delimiter")
    assert ({k: v for k, v in parquet_report.to_dict().items() if k not in formats}
            == {k: v for k, v in csv_report.to_dict().items() if k not in formats})
    assert parquet_report.problems["members"] == 4  # 0, 150, missing/word, a NIK


def test_parquet_numbers_stay_numbers_until_parsed(tmp_path):
    from geo.households.read import read_table

    typed_registry().to_parquet(tmp_path / "a.parquet")
    raw, info, _ = read_table(tmp_path / "a.parquet")
    assert info["format"] == "parquet"
    for col in ("jumlah_art", "desil", "lintang", "kode_desa", "pkh", "nomor_kartu"):
        assert pd.api.types.is_numeric_dtype(raw[col]), col  # no text round trip
    assert raw["pbi"].dtype == "string" and pd.isna(raw["pbi"][3])


@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_a_numeric_column_of_id_numbers_is_dropped_coordinates_never(tmp_path, dtype):
    n = 30
    frame = pd.DataFrame({
        "kode_desa": ["35.73.01.1001"] * n,
        "jumlah_art": [3] * n,
        "desil": [2] * n,
        "nomor_urut": np.array([3573014107800000 + i for i in range(n)], dtype=dtype),
        "lintang": -7.972186000000001 + np.arange(n) * 1e-9,  # 16 significant digits
        "bujur": 112.61234567890123 + np.arange(n) * 1e-9,
    })
    frame.to_parquet(tmp_path / "a.parquet")
    table, report = read_households(tmp_path / "a.parquet")
    assert list(report.id_number_columns_dropped) == ["nomor_urut"]
    assert table["latitude"].notna().all() and english(table["problem"]).isna().all()


def test_xlsx_numeric_cells_give_the_table_of_the_csv(tmp_path):
    import openpyxl

    from geo.households.read import read_table

    typed = typed_registry().drop(columns=["no_kk"])
    typed["lintang"] = typed["lintang"].replace(-7.0, -7.05)  # latitude: no whole number
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(typed.columns))
    for row in typed.itertuples(index=False):
        values = [None if pd.isna(v) else v for v in row]
        sheet.append([int(v) if isinstance(v, float) and v == int(v) else v
                      for v in values])  # as openpyxl gives whole numbers: 3573011001, 40, 112
    book.save(tmp_path / "a.xlsx")
    # the CSV holds the cells as Excel shows them (no ".0")
    cells = pd.read_excel(tmp_path / "a.xlsx", dtype=str, keep_default_na=False)
    cells.to_csv(tmp_path / "a.csv", index=False)
    from_xlsx, xlsx_report = read_households(tmp_path / "a.xlsx", salt="garam")
    from_csv, csv_report = read_households(tmp_path / "a.csv", salt="garam")
    pd.testing.assert_frame_equal(from_xlsx, from_csv)
    formats = ("file", "format", "encoding", "delimiter", "sheet")
    assert ({k: v for k, v in xlsx_report.to_dict().items() if k not in formats}
            == {k: v for k, v in csv_report.to_dict().items() if k not in formats})
    assert from_xlsx["village_code"][0] == "35.73.01.1001"
    assert english(from_xlsx["code_note"])[4].endswith("(a 5-digit number)")  # 12345 as Excel shows it
    raw = read_table(tmp_path / "a.xlsx")[0]
    assert str(raw["kode_desa"].dtype) == "Int64" and raw["lintang"].dtype == "float64"
    assert raw["bujur"].dtype == "string"  # 112 and 112.6: read as text, 112 never as "112.0"


def test_many_typed_rows_give_the_table_of_their_text(tmp_path):
    """20,000 rows: the per-distinct-value and sampled paths, not only the row-by-row one."""
    rng = np.random.default_rng(7)
    n = 20_000
    codes = np.array([3573011001.0, 3573011002.0, 3573020005.0, 3573010000.0, np.nan])
    lat = np.round(-7.9 - rng.random(n) * 0.1, 12)
    lat[rng.random(n) < 0.2] = np.nan
    frame = pd.DataFrame({
        "id_keluarga": rng.permutation(n).astype("int64") + 10**9,
        "kode_desa": codes[rng.integers(0, len(codes), n)],
        "jumlah_art": pd.array(rng.integers(-1, 12, n), dtype="Int64"),
        "desil": rng.integers(0, 12, n).astype("float64"),
        "lintang": lat,
        "bujur": np.where(np.isnan(lat), np.nan, 112.6 + rng.random(n) * 0.1),
        "pkh": rng.integers(0, 3, n).astype("int8"),
        "luas_lantai": rng.integers(5, 80, n).astype("float64"),
    })
    frame.loc[rng.random(n) < 0.05, "jumlah_art"] = pd.NA
    frame.to_parquet(tmp_path / "typed.parquet")
    frame.astype("string").to_parquet(tmp_path / "text.parquet")
    got, got_report = read_households(tmp_path / "typed.parquet")
    want, want_report = read_households(tmp_path / "text.parquet")
    pd.testing.assert_frame_equal(got, want)
    assert {**got_report.to_dict(), "file": None} == {**want_report.to_dict(), "file": None}
    assert 0 < got_report.rows_with_problem < n and got_report.unreadable_flags["recv_pkh"]
    assert got["household_id"].str.fullmatch(r"1\d{9}").all()  # integer ids as their digits


def test_per_distinct_value_work_keeps_minus_zero_apart():
    """-0.0 equals 0.0 but reads "-0.0": work done per distinct value must see both texts."""
    from geo.households.rules import per_unique

    values = pd.Series([0.0, -0.0, np.nan, 1.5] * 5)
    got = per_unique(values, lambda v: v.astype("string"))
    assert got.tolist()[:4] == ["0.0", "-0.0", pd.NA, "1.5"]
    pd.testing.assert_series_equal(got, values.astype("string"))
