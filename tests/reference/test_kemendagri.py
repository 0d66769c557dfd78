"""The shipped Kemendagri table: rebuilt byte-identically from the dumps, with the README's counts."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.common.errors import GeoInputError
from geo.reference.kemendagri import read_code_dump
from geo.reference.table import CODES_FILE, POPULATION_FILE, code_history, names_of, population_2025


def test_rebuild_gives_the_shipped_bytes(codes_dir, tmp_path):
    from geo.__main__ import main

    assert main(["reference", "--from", str(codes_dir), "--out", str(tmp_path)]) == 0
    assert (tmp_path / "kemendagri_codes.csv.gz").read_bytes() == CODES_FILE.read_bytes()
    assert (tmp_path / "population_2025.csv").read_bytes() == POPULATION_FILE.read_bytes()
    assert (tmp_path / "LICENSE").read_text().startswith("MIT License")


def test_editions_hold_the_counts_of_the_dataset_readme():
    table = code_history()
    assert {y: int(table[f"in_{y}"].sum()) for y in (2022, 2023, 2025)} == \
        {2022: 91_281, 2023: 91_591, 2025: 91_599}
    assert not table.duplicated(["code", "name"]).any()


def test_names_of_every_level_and_the_retired_code():
    names = names_of(["64.74", "64.74.03", "64.74.03.1002", "35", "35.78.12.1005", "99.99"])
    assert names.tolist()[:4] == ["Kota Bontang", "Bontang Barat", "Gunung Telihan", "Jawa Timur"]
    assert names.isna().tolist()[4:] == [True, True]
    retired = code_history().query("code == '35.78.12.1005'")
    assert retired[["name", "in_2022", "in_2025"]].values.tolist() == [["Perak Utara", True, False]]


def test_doubled_quotes_are_one_quote(tmp_path):
    dump = tmp_path / "wilayah_2025.sql"
    dump.write_text("/* ('00','not a row') */\n-- ('01','nor this')\nINSERT INTO wilayah (kode, nama)"
                    " VALUES ('11.01.02.2018','Pasi Kuala Ba''u'),\n('11','Aceh');\n")
    table = read_code_dump(dump)
    assert table.values.tolist() == [["11.01.02.2018", "Pasi Kuala Ba'u"], ["11", "Aceh"]]


def test_a_dump_without_rows_is_refused(tmp_path):
    dump = tmp_path / "empty.sql"
    dump.write_text("-- nothing\n")
    with pytest.raises(GeoInputError, match="empty.sql"):
        read_code_dump(dump)


def test_population_of_regencies():
    population = population_2025()
    assert population["35.73"] == 889_359
    assert population["35"] > population[[c for c in population.index if c.startswith("35.")]].max()
    assert pd.api.types.is_integer_dtype(population)
