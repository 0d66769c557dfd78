"""The region a layer covers: its title and its Kemendagri 2025 population, on the real files."""

from __future__ import annotations

import pytest

from geo.boundaries.read import read_villages
from geo.presentation.overview import population_note
from geo.presentation.region import region_population, region_title

KOTA_BONTANG_2025 = 191_811
JAWA_TIMUR_2025 = 41_919_906
FIVE_OF_JAWA_TIMUR = ("35.06", "35.02", "35.01", "35.23", "35.29")  # the five files


@pytest.fixture(scope="module")
def bontang(bontang_sql):
    return read_villages(bontang_sql, check_quality=False)[0]


def test_one_regency_is_named_and_has_its_2025_population(bontang):
    assert region_title(bontang) == "Kota Bontang"
    population = region_population(bontang)
    assert (population.total, population.reason, population.year) == (
        KOTA_BONTANG_2025, "reference", 2025)
    note = population_note(population, "Kota Bontang", lang="id")
    assert "Kemendagri" in note and "191.811" in note and "2025" in note and "2.025" not in note
    assert "191,811" in population_note(population, "Kota Bontang", lang="en")


def test_part_of_a_regency_gets_no_population(bontang):
    west = bontang[bontang["district_name"] == "Bontang Barat"]
    assert region_title(west) == "Kota Bontang"
    population = region_population(west)
    assert population.total is None and population.reason == "partial"
    assert population.partial == ("Kota Bontang",)
    assert "Kota Bontang" in population_note(population, "Kota Bontang", lang="en")


def test_five_regencies_of_jawa_timur_are_counted_in_the_province(jatim_sqls):
    files = [p for p in jatim_sqls if p.stem.rsplit("_", 1)[-1] in FIVE_OF_JAWA_TIMUR]
    villages, _ = read_villages(files, check_quality=False)
    assert region_title(villages, "id") == "5 kabupaten/kota di Jawa Timur"
    assert region_title(villages, "en") == "5 regencies/cities in Jawa Timur"
    from geo.reference.table import population_2025

    expected = int(population_2025().reindex(list(FIVE_OF_JAWA_TIMUR)).sum())
    assert region_population(villages).total == expected


@pytest.mark.slow
def test_all_of_jawa_timur_is_the_province(jatim_sqls):
    villages, _ = read_villages(jatim_sqls, check_quality=False)
    assert region_title(villages) == "Jawa Timur"
    assert region_population(villages).total == JAWA_TIMUR_2025


def test_regencies_of_two_provinces_are_listed(malang_sql, bontang_sql):
    villages, _ = read_villages([malang_sql, bontang_sql], check_quality=False)
    assert region_title(villages) == "Kota Malang, Kota Bontang"  # by province code: 35, 64
    assert region_population(villages).total == 889_359 + KOTA_BONTANG_2025


def test_the_synthetic_demo_keeps_its_own_name_and_no_population():
    from geo.pipeline.analysis import demo_sources

    villages, _ = read_villages(demo_sources()[0], check_quality=False)
    assert region_title(villages) == "Kota Contoh (sintetis)"
    population = region_population(villages)
    assert population.total is None and population.reason == "unknown_codes"
    assert "sintetis" in population_note(population, "Kota Contoh (sintetis)", demo=True, lang="id")
    assert "Kemendagri 2025" in population_note(population, "x", demo=False, lang="en")


def test_unnamed_codes_stand_for_themselves():
    import pandas as pd

    coded = pd.DataFrame({"regency_code": ["35.73", "35.79", "35.79"]})
    assert region_title(coded) == "35.73, 35.79"
    assert region_title(coded.iloc[:0]) == ""
