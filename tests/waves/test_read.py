"""Reading waves: LABEL=FILE, duplicate keys, waves whose columns differ, hashed keys (issue 15)."""

from __future__ import annotations

import json

import pytest

from geo.common.errors import GeoInputError
from geo.waves.movement import movement
from geo.waves.read import parse_waves, read_waves
from tests.waves.files import V1, V2, write_wave


def test_parse_waves():
    assert parse_waves(["2024=a.csv", " 2025q1 = b.parquet"]) == [("2024", "a.csv"),
                                                                 ("2025q1", "b.parquet")]


@pytest.mark.parametrize("items, code", [
    (["2024a.csv", "2025=b.csv"], "err.waves_item"),
    (["=a.csv", "2025=b.csv"], "err.waves_item"),
    (["2024=", "2025=b.csv"], "err.waves_item"),
    (["20 24=a.csv", "2025=b.csv"], "err.waves_item"),
    (["2024=a.csv", "2024=b.csv"], "err.waves_label_twice"),
    (["2024=a.csv"], "err.waves_too_few"),
])
def test_bad_wave_arguments(items, code):
    with pytest.raises(GeoInputError) as err:
        parse_waves(items)
    assert err.value.code == code
    assert "\n" not in str(err.value) and "\n" not in err.value.render("id")


def test_duplicate_keys_within_a_wave_are_left_out_of_linking(tmp_path, villages):
    a = write_wave(tmp_path / "a.csv", [("h1", V1, 1), ("h1", V2, 1), ("h2", V1, 1),
                                        ("h3", V1, 4)])
    b = write_wave(tmp_path / "b.csv", [("h1", V1, 1), ("h2", V1, 3), ("h3", V1, 4),
                                        ("h3", V1, 1)])
    waves = read_waves([("a", a), ("b", b)], villages)
    assert (waves[0].duplicate_keys, waves[0].duplicate_rows) == (1, 2)
    assert (waves[1].duplicate_keys, waves[1].duplicate_rows) == (1, 2)
    assert waves[0].linkable == 2 and waves[1].linkable == 2
    for wave in waves:
        assert sum(wave.outcomes.values()) == wave.rows_in == 4
        assert wave.placed_rows == wave.linkable + wave.placed_duplicate_rows + wave.row_number_ids
    result = movement(waves, villages["village_code"])
    # h1 only linkable in b, h3 only in a, h2 links: left desil 1
    assert (result.matched, result.only_first, result.only_last) == (1, 1, 1)
    assert (result.left_desil1, result.stuck_desil1, result.entered_desil1) == (1, 0, 0)
    assert result.to_dict()["waves"][0]["duplicate_rows"] == 2


def test_a_wave_with_other_columns_links(tmp_path, villages):
    a = tmp_path / "a.csv"  # canonical names, coordinates, an extra programme column
    a.write_text("household_id,village_code,members,desil,longitude,latitude,recv_pkh\n"
                 f"h1,{V1},3,1,112.05,-7.95,1\n"
                 f"h2,,4,2,112.15,-7.95,0\n", encoding="utf-8")
    b = tmp_path / "b.xlsx"  # registry aliases, no coordinates, no programme column
    import pandas as pd
    pd.DataFrame({"ID_KELUARGA": ["h1", "h2"], "KODE_DESA": [V1, V2], "JUMLAH_ART": [3, 4],
                  "DESIL_NASIONAL": [1, 1]}).to_excel(b, index=False)
    result = movement(read_waves([("a", str(a)), ("b", str(b))], villages),
                      villages["village_code"])
    assert result.matched == 2
    assert (result.stuck_desil1, result.entered_desil1) == (1, 1)
    assert result.villages.set_index("village_code").loc[V2, "entered_desil1"] == 1


def test_hashed_family_number_links_and_never_appears(tmp_path, villages):
    kk = ["3573010101010001", "3573010101010002"]
    a = write_wave(tmp_path / "a.csv", [(kk[0], V1, 1), (kk[1], V2, 2)],
                   header="no_kk,village_code,members,desil")
    b = write_wave(tmp_path / "b.csv", [(kk[1], V2, 1), (kk[0], V1, 1)],
                   header="no_kk,village_code,members,desil")
    waves = read_waves([("a", a), ("b", b)], villages)
    result = movement(waves, villages["village_code"])
    assert (result.matched, result.stuck_desil1, result.entered_desil1) == (2, 1, 1)
    text = json.dumps(result.to_dict()) + result.villages.to_csv()
    assert not any(k in text or k[-8:] in text for k in kk)
    assert not any(k in waves[0].linked.index for k in kk)


def test_rows_without_a_key_are_not_linked(tmp_path, villages):
    a = tmp_path / "a.csv"  # no id column at all: ids are row numbers
    a.write_text(f"village_code,members,desil\n{V1},3,1\n{V1},3,1\n", encoding="utf-8")
    b = tmp_path / "b.csv"
    b.write_text(f"village_code,members,desil\n{V1},3,1\n", encoding="utf-8")
    waves = read_waves([("a", str(a)), ("b", str(b))], villages)
    assert waves[0].row_number_ids == 2 and waves[0].linkable == 0
    result = movement(waves, villages["village_code"])
    assert result.matched == 0 and result.stuck_desil1 == 0
    assert result.villages.set_index("village_code").loc[V1, "desil1_share_a"] == 1.0
