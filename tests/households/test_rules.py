"""Deprivation flags derived from raw registry answers, with configurable rules."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.households.rules import (
    DEFAULT_RULES,
    derive_deprivations,
    load_rules,
    normalise_answer,
)
from geo.common.errors import GeoInputError
from geo.households.read import read_households


def test_answers_are_compared_loosely():
    got = normalise_answer(pd.Series([" Sumur  Tak-Terlindung ", "KAYU BAKAR", "3.0", "", None]))
    assert got.tolist()[:3] == ["sumur tak terlindung", "kayu bakar", "3"]
    assert got.iloc[3:].isna().all()


def test_default_rules_follow_the_bps_criteria():
    raw = pd.DataFrame({
        "Jenis Lantai": ["Tanah", "Keramik", "keramik", None],
        "jenis_dinding": ["tembok", "Bambu", "tembok", None],
        "sumber_air_minum": ["Sungai", "Ledeng", "Sumur terlindung", None],
        "sumber_penerangan": ["Listrik PLN", "Bukan listrik", "listrik pln", None],
        "bahan_bakar_memasak": ["Kayu bakar", "LPG 3 kg", "Minyak tanah", None],
        "fasilitas_bab": ["Bersama", "Sendiri", "tidak ada", None],
        "pendidikan_krt": ["Tidak/Belum Sekolah", "SMA", "Tidak tamat SD", None],
    })
    flags, used = derive_deprivations(raw)
    assert flags["dep_housing"].tolist()[:3] == [1, 1, 0]  # floor OR wall
    assert flags["dep_water"].tolist()[:3] == [1, 0, 0]
    assert flags["dep_electricity"].tolist()[:3] == [0, 1, 0]
    assert flags["dep_cooking_fuel"].tolist()[:3] == [1, 0, 1]
    assert flags["dep_sanitation"].tolist()[:3] == [1, 0, 1]
    assert flags["dep_schooling"].tolist()[:3] == [1, 0, 1]
    assert flags.iloc[3].isna().all()  # no answer: unknown, not "not deprived"
    assert used["dep_housing"] == ["Jenis Lantai", "jenis_dinding"]
    assert "dep_assets" not in flags and "dep_assets" not in used  # no column: not applied


def test_completed_primary_school_is_not_a_schooling_deprivation():
    # the MPI indicator is "fewer than 6 years of schooling": a completed SD/MI (6 years) is not
    # deprived, an unfinished one or none is
    answers = ["SD/MI", "Tamat SD", "SD sederajat", "SD", "Paket A", "Tidak tamat SD",
               "Belum tamat SD/MI", "Tidak punya ijazah SD", "Tidak sekolah", "SMP"]
    flags, _ = derive_deprivations(pd.DataFrame({"pendidikan_krt": answers}))
    assert flags["dep_schooling"].tolist() == [0, 0, 0, 0, 0, 1, 1, 1, 1, 0]


def test_numeric_thresholds_and_floor_area_per_member():
    raw = pd.DataFrame({"lama_sekolah_krt": ["5", "6", "12,0"], "luas_lantai": ["20", "40", "x"]})
    members = pd.Series([4, 4, 2], dtype="Int64")
    flags, _ = derive_deprivations(raw, members=members)
    assert flags["dep_schooling"].tolist() == [1, 0, 0]  # fewer than 6 years
    assert flags["dep_housing"].tolist()[:2] == [1, 0]  # 5 m² vs 10 m² per person, threshold 8
    assert pd.isna(flags["dep_housing"].iloc[2])


def test_custom_rules_replace_the_defaults_for_a_flag():
    raw = pd.DataFrame({"jenis_lantai": ["tanah", "semen"], "kode_lantai": ["1", "9"]})
    rules = {"dep_housing": [{"columns": ["kode_lantai"], "values": [9]}], "dep_water": None}
    flags, used = derive_deprivations(raw, rules)
    assert flags["dep_housing"].tolist() == [0, 1]
    assert used["dep_housing"] == ["kode_lantai"]


def test_rule_files_and_bad_rules(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('[[dep_assets]]\ncolumns = ["jumlah_barang"]\nat_most = 1\n')
    rules = load_rules(path)
    flags, _ = derive_deprivations(pd.DataFrame({"jumlah_barang": ["0", "1", "2"]}), rules)
    assert flags["dep_assets"].tolist() == [1, 1, 0]
    with pytest.raises(GeoInputError, match="not one of dep_nutrition"):
        derive_deprivations(pd.DataFrame(), {"dep_happiness": []})
    with pytest.raises(GeoInputError, match="exactly one of values, below"):
        derive_deprivations(pd.DataFrame(), {"dep_water": [{"columns": ["x"]}]})
    bad = tmp_path / "rules.json"
    bad.write_text("{not json")
    with pytest.raises(GeoInputError, match="rules.json: cannot read the deprivation rules"):
        load_rules(bad)


def test_every_default_rule_is_well_formed():
    for flag, conditions in DEFAULT_RULES.items():
        assert flag.startswith("dep_") and conditions
        derive_deprivations(pd.DataFrame({c: ["x"] for cond in conditions for c in cond["columns"]}),
                            flags=[flag])


def test_ingest_derives_what_is_missing_and_keeps_flags_the_file_has(tmp_path):
    path = tmp_path / "dtks.csv"
    path.write_text("kode_desa,jumlah_art,desil,dep_water,sumber_air_minum,bahan_bakar_memasak\n"
                    "35.73.01.1001,3,1,0,sungai,kayu bakar\n"
                    "35.73.01.1001,3,1,1,ledeng,lpg 3 kg\n")
    table, report = read_households(path)
    assert table["dep_water"].tolist() == [0, 1]  # the file's own flag wins over the rule
    assert table["dep_cooking_fuel"].tolist() == [1, 0]
    assert report.derived_flags == {"dep_cooking_fuel": ["bahan_bakar_memasak"]}
    assert "dep_housing" in report.missing_flags and table["dep_housing"].isna().all()
    assert "sumber_air_minum" in report.unknown_columns


@pytest.mark.parametrize("rules,message", [
    ({"dep_water": [1]}, r"rule for dep_water, condition 1: a condition is a mapping.*not a number"),
    ({"dep_water": "sungai"}, r"rule for dep_water: give a list of conditions"),
    ({"dep_water": [{"columns": ["x"], "below": "abc"}]},
     r"rule for dep_water, condition 1: 'below' must be a number.*got text"),
    ({"dep_water": [{"columns": "sumber_air_minum", "values": ["sungai"]}]},
     r"condition 1: 'columns' must be a non-empty list of column names.*got text"),
    ({"dep_housing": [{"columns": ["a"], "values": ["x"]}, {"columns": ["b"], "at_most": True}]},
     r"rule for dep_housing, condition 2: 'at_most' must be a number.*true/false"),
    ({"dep_water": [{"columns": ["x"], "values": "sungai"}]}, r"'values' must be a non-empty list"),
    ({"dep_water": [{"columns": ["x"], "valeus": ["sungai"]}]}, r"unknown key 'valeus'"),
])
def test_bad_rules_name_the_rule_and_the_key(rules, message):
    with pytest.raises(GeoInputError, match=message):
        derive_deprivations(pd.DataFrame({"x": ["1"]}), rules)


def test_bad_rules_file_names_the_file(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text('{"dep_water": [{"columns": ["x"], "below": "abc"}]}')
    with pytest.raises(GeoInputError, match=r"rules\.json: rule for dep_water, condition 1: 'below'"):
        load_rules(path)
