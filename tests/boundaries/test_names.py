"""Parent names (kecamatan, kabupaten/kota, provinsi) filled from the shipped Kemendagri table."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from geo.boundaries.names import PARENT_LEVELS, fill_parent_names
from geo.boundaries.read import read_villages

NAME_COLUMNS = tuple(PARENT_LEVELS)


def test_kota_bontang_names_gunung_telihans_district_regency_and_province(bontang_sql):
    villages, report = read_villages(bontang_sql, check_quality=False)
    pilot = villages.set_index("village_code").loc["64.74.03.1002"]
    assert pilot["village_name"] == "Gunung Telihan"
    assert pilot["district_name"] == "Bontang Barat"
    assert pilot["regency_name"] == "Kota Bontang"
    assert pilot["province_name"] == "Kalimantan Timur"
    assert dict(report.names_filled) == {c: 15 for c in NAME_COLUMNS}
    assert dict(report.names_unknown) == {c: 0 for c in NAME_COLUMNS}
    assert set(villages["district_name"]) == {"Bontang Selatan", "Bontang Utara", "Bontang Barat"}
    assert report.to_dict()["names_filled"]["regency_name"] == 15  # in the --report JSON


def test_kota_malang_districts_are_the_five_kecamatan(malang_sql):
    villages, _ = read_villages(malang_sql, check_quality=False)
    by_code = villages.drop_duplicates("district_code").set_index("district_code")["district_name"]
    assert by_code.to_dict() == {"35.73.01": "Blimbing", "35.73.02": "Klojen",
                                 "35.73.03": "Kedungkandang", "35.73.04": "Sukun",
                                 "35.73.05": "Lowokwaru"}


@pytest.mark.slow
def test_every_jawa_timur_village_has_its_three_parent_names(jatim_sqls):
    villages, report = read_villages(jatim_sqls, check_quality=False)
    assert len(villages) == 8494
    for column in NAME_COLUMNS:
        assert villages[column].notna().all(), column
        assert (villages[column].str.strip() != "").all(), column
    assert set(villages["province_name"]) == {"Jawa Timur"}
    assert villages["regency_name"].nunique() == 38
    # one name per code at each level: the names follow the codes
    for name, code in PARENT_LEVELS.items():
        assert villages.groupby(code)[name].nunique().max() == 1, name
    assert dict(report.names_filled) == {c: 8494 for c in NAME_COLUMNS}


def test_a_sources_own_names_win_over_the_table(malang_sql, tmp_path):
    villages, _ = read_villages(malang_sql, check_quality=False)
    own = villages[["village_code", "village_name", "geometry"]].rename(
        columns={"village_code": "KDEPUM", "village_name": "WADMKD"})
    own["WADMKC"] = None  # empty in the file (pd.NA would be written as "<NA>")
    own.loc[own.index[:10], "WADMKC"] = "KEC. BLIMBING LAMA"  # the office's own spelling
    own["WADMKK"] = "KOTA MALANG"
    path = tmp_path / "big.geojson"
    own.to_file(path, driver="GeoJSON")
    read, report = read_villages(path, check_quality=False)
    assert (read["district_name"].iloc[:10] == "KEC. BLIMBING LAMA").all()
    assert read["district_name"].iloc[10:].notna().all()  # the rest from the table
    assert (read["regency_name"] == "KOTA MALANG").all()
    assert (read["province_name"] == "Jawa Timur").all()
    assert dict(report.names_filled) == {"district_name": 47, "regency_name": 0,
                                         "province_name": 57}


def test_codes_not_in_the_2025_table_keep_the_demos_own_names(tmp_path):
    from geo.pipeline.analysis import demo_sources

    boundaries = demo_sources()[0]
    villages, report = read_villages(boundaries, check_quality=False)
    assert set(villages["regency_name"]) == {"Kota Contoh (sintetis)"}
    assert set(villages["province_name"]) == {"Provinsi Contoh (sintetis)"}
    assert dict(report.names_filled) == {c: 0 for c in NAME_COLUMNS}
    # without its names, a code of the invented province 99 stays unnamed (never a real name)
    bare = villages[["village_code", "village_name", "geometry"]]
    path = tmp_path / "bare.geojson"
    bare.to_file(path, driver="GeoJSON")
    read, report = read_villages(path, check_quality=False)
    assert read[list(NAME_COLUMNS)].isna().all().all()
    assert dict(report.names_unknown) == {c: len(read) for c in NAME_COLUMNS}


def test_filling_a_province_fills_every_village():
    """All 8,494 Jawa Timur villages get their parent names in one vectorised pass (its speed is
    a benchmark's business, not a test's: a timed assert fails on a loaded machine)."""
    from geo.reference.table import current_names

    codes = pd.Series([c for c in current_names().index if len(c) == 13 and c.startswith("35.")],
                      dtype="string")
    frame = pd.DataFrame({"district_code": codes.str.slice(0, 8), "regency_code": codes.str.slice(0, 5),
                          "province_code": codes.str.slice(0, 2)})
    for column in NAME_COLUMNS:
        frame[column] = pd.array([pd.NA] * len(frame), dtype="string")
    filled, counts, unknown = fill_parent_names(frame)
    assert len(filled) == 8494 and counts == {c: 8494 for c in NAME_COLUMNS}
    assert filled[list(NAME_COLUMNS)].notna().all().all()


def test_a_rebuilt_reference_table_misses_the_layer_cache(bontang_sql, tmp_path, monkeypatch):
    from geo.boundaries import cache
    from geo.reference import table

    before = cache.cache_key([bontang_sql], {})
    copy = tmp_path / "codes.csv.gz"
    shutil.copyfile(table.CODES_FILE, copy)
    with copy.open("ab") as handle:
        handle.write(b"\0")  # other bytes: another table
    monkeypatch.setattr(table, "CODES_FILE", copy)
    assert cache.cache_key([bontang_sql], {}) != before
