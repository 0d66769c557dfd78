"""Village indicators: hand-computed aggregates, empty villages, district recomputation."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

from geo.common.errors import GeoInputError
from geo.households.schema import DEPRIVATIONS, GLOBAL_MPI_WEIGHTS, PROGRAMMES
from geo.indicators.village import region_summary, village_indicators
from geo.join.match import join_households
from geo.indicators.mpi import alkire_foster

CODES = ["35.73.01.1001", "35.73.01.1002", "35.73.01.1003", "35.73.01.1004", "35.73.02.2001"]
HEALTH_EDU = DEPRIVATIONS[:4]
LIVING = DEPRIVATIONS[4:]


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"village_code": pd.array(CODES, dtype="string")},
        geometry=[box(112 + i, -8, 113 + i, -7) for i in range(len(CODES))],
        crs="EPSG:4326",
    )


def household(code, members, desil, deprived=(), receives=(), **extra) -> dict:
    return {
        "village_code": code, "members": members, "desil": desil,
        **{dep: int(dep in deprived) for dep in DEPRIVATIONS},
        **{p: int(p in receives) for p in PROGRAMMES},
        **extra,
    }


def table(rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "household_id", pd.array([f"h{i}" for i in range(len(df))], dtype="string"))
    df.insert(1, "source_row", np.arange(1, len(df) + 1))
    df["village_code"] = df["village_code"].astype("string")
    for name in ("members", "desil"):
        df[name] = df[name].astype("Int64")
    for name in (*DEPRIVATIONS, *PROGRAMMES):
        df[name] = df[name].astype("Int8")
    df["longitude"], df["latitude"] = np.nan, np.nan
    df["problem"] = pd.array([None] * len(df), dtype="string")
    return df


HAND_ROWS = [
    # village 1001
    household(CODES[0], 4, 1, ["dep_nutrition", "dep_schooling"], ["recv_pkh", "recv_bpnt"]),
    household(CODES[0], 2, 3),  # poor (desil 3) and reached by nothing
    household(CODES[0], 5, 7, ["dep_water"], ["recv_pbi"]),  # desil 7 receiving: inclusion error
    household(CODES[0], 1, 5, ["dep_nutrition", "dep_child_mortality", "dep_schooling"],
              ["recv_bpnt"]),
    # village 1002
    household(CODES[1], 3, 2, LIVING, ["recv_pkh"]),  # 6 x 1/18 = exactly 1/3: MPI-poor
    household(CODES[1], 3, 10),
    # not used: its code is not in the layer
    household("35.73.09.9999", 100, 1, DEPRIVATIONS, []),
]


@pytest.fixture(scope="module")
def hand(villages):
    joined, _ = join_households(table(HAND_ROWS), villages)
    return joined


def test_hand_computed_village(hand, villages):
    ind = village_indicators(hand, villages).set_index("village_code")
    v = ind.loc[CODES[0]]
    assert (v["households"], v["people"]) == (4, 12)
    assert (v["desil1_households"], v["desil1_people"], v["desil1_share"]) == (1, 4, 0.25)
    assert (v["desil14_households"], v["desil14_people"], v["desil14_share"]) == (2, 6, 0.5)
    assert v["rate_dep_nutrition"] == pytest.approx(5 / 12)
    assert v["rate_dep_child_mortality"] == pytest.approx(1 / 12)
    assert v["rate_dep_water"] == pytest.approx(5 / 12)
    assert v["rate_dep_assets"] == 0
    # MPI: poor are household 1 (4 people, c = 1/3) and household 4 (1 person, c = 1/2)
    assert v["mpi_poor_people"] == 5
    assert v["mpi_h"] == pytest.approx(5 / 12)
    assert v["mpi_a"] == pytest.approx(11 / 30)
    assert v["mpi_m0"] == pytest.approx(11 / 72)
    assert v["mpi_vulnerable"] == 0
    assert v["mpi_severe"] == pytest.approx(1 / 12)
    assert v["cens_dep_nutrition"] == pytest.approx(5 / 12)
    assert v["cens_dep_water"] == 0  # household 3 is deprived in water but not poor
    assert v["contrib_dep_nutrition"] == pytest.approx(5 / 11)
    assert v["contrib_dep_child_mortality"] == pytest.approx(1 / 11)
    # targeting: desil 1-4 are households 1 and 2
    assert (v["cov_pkh"], v["cov_bpnt"], v["cov_pbi"]) == (0.5, 0.5, 0.0)
    assert (v["poor_unreached"], v["exclusion_rate"]) == (1, 0.5)
    assert v["inclusion_error"] == 1
    assert v["inclusion_error_rate"] == pytest.approx(1 / 3)  # 1 of 3 recipient households

    w = ind.loc[CODES[1]]
    assert (w["households"], w["people"], w["desil14_households"]) == (2, 6, 1)
    assert (w["mpi_h"], w["mpi_a"]) == (pytest.approx(0.5), pytest.approx(1 / 3))
    assert w["contrib_dep_housing"] == pytest.approx(1 / 6)
    assert (w["cov_pkh"], w["exclusion_rate"], w["inclusion_error"]) == (1.0, 0.0, 0)


def test_columns_follow_the_contract(hand, villages):
    ind = village_indicators(hand, villages)
    deps = list(DEPRIVATIONS)
    assert list(ind.columns) == [
        "village_code", "households", "people", "desil1_households", "desil1_people",
        "desil1_share", "desil14_households", "desil14_people", "desil14_share",
        *[f"rate_{d}" for d in deps],
        "mpi_people", "mpi_h", "mpi_a", "mpi_m0", "mpi_vulnerable", "mpi_severe",
        "mpi_poor_people", "mpi_households", "mpi_missing_households",
        *[f"cens_{d}" for d in deps], *[f"contrib_{d}" for d in deps],
        "cov_pkh", "cov_bpnt", "cov_pbi", "poor_unreached", "exclusion_rate",
        "inclusion_error", "inclusion_error_rate",
    ]
    assert ind["village_code"].tolist() == CODES  # one row per village, in layer order


def test_village_without_households_has_zero_counts_and_nan_rates(hand, villages):
    ind = village_indicators(hand, villages).set_index("village_code")
    empty = ind.loc[CODES[2]]
    counts = ["households", "people", "desil1_households", "desil14_people", "mpi_poor_people",
              "poor_unreached", "inclusion_error"]
    assert (empty[counts] == 0).all()
    rates = ["desil1_share", "rate_dep_water", "mpi_h", "mpi_a", "mpi_m0", "cov_pkh",
             "exclusion_rate", "inclusion_error_rate", "contrib_dep_water"]
    assert empty[rates].isna().all()


def test_district_is_recomputed_from_people_not_averaged(hand, villages):
    district = village_indicators(hand, villages, level="district").set_index("district_code")
    assert district.index.tolist() == ["35.73.01", "35.73.02"]
    d = district.loc["35.73.01"]
    assert (d["households"], d["people"], d["mpi_poor_people"]) == (6, 18, 8)
    assert d["mpi_h"] == pytest.approx(8 / 18)
    assert d["mpi_m0"] == pytest.approx(17 / 108)  # (4/3 + 1/2 + 1) / 18
    village = village_indicators(hand, villages).set_index("village_code")
    assert d["mpi_m0"] != pytest.approx(village.loc[CODES[:2], "mpi_m0"].mean())
    assert d["exclusion_rate"] == pytest.approx(1 / 3)  # 1 unreached of 3 poor households
    assert district.loc["35.73.02", "households"] == 0
    regency = village_indicators(hand, villages, level="regency")
    assert regency["regency_code"].tolist() == ["35.73"]
    assert regency["mpi_m0"].iloc[0] == pytest.approx(17 / 108)


def test_district_equals_recomputation_on_random_households(villages):
    rng = np.random.default_rng(3)
    n = 2000
    rows = [
        household(CODES[rng.integers(0, 4)], int(rng.integers(1, 9)), int(rng.integers(1, 11)),
                  [d for d in DEPRIVATIONS if rng.random() < 0.3],
                  [p for p in PROGRAMMES if rng.random() < 0.3])
        for _ in range(n)
    ]
    joined, _ = join_households(table(rows), villages)
    district = village_indicators(joined, villages, level="district").set_index("district_code")
    village = village_indicators(joined, villages).set_index("village_code")
    reference = alkire_foster(joined[list(DEPRIVATIONS)], GLOBAL_MPI_WEIGHTS,
                              people=joined["members"])
    d = district.loc["35.73.01"]
    assert d["mpi_m0"] == pytest.approx(reference.M0)
    assert d["mpi_a"] == pytest.approx(reference.A)
    assert d["cens_dep_water"] == pytest.approx(reference.censored["dep_water"])
    for additive in ("households", "people", "desil1_people", "mpi_poor_people", "poor_unreached"):
        assert d[additive] == village.loc[CODES[:4], additive].sum()
    # per-village counts against a plain pandas groupby
    by = joined.groupby("village_code")
    assert (village.loc[CODES[:4], "people"] == by["members"].sum().loc[CODES[:4]]).all()
    d1 = joined.assign(d1=joined["desil"] == 1).groupby("village_code")["d1"].mean()
    assert np.allclose(village.loc[CODES[:4], "desil1_share"], d1.loc[CODES[:4]].astype(float))


def test_region_summary(hand):
    s = region_summary(hand)
    assert (s["households"], s["people"], s["desil1_people"], s["desil14_people"]) == (6, 18, 4, 9)
    assert s["desil1_rate"] == pytest.approx(4 / 18)
    assert s["desil14_rate"] == pytest.approx(0.5)
    assert s["mpi_m0"] == pytest.approx(17 / 108)
    assert isinstance(s["households"], int) and isinstance(s["mpi_h"], float)


def test_custom_weights_and_k(hand, villages):
    weights = {"dep_nutrition": "1/2", "dep_water": "1/2"}
    ind = village_indicators(hand, villages, weights=weights, k=0.5).set_index("village_code")
    v = ind.loc[CODES[0]]
    # poor when deprived in nutrition or water: households 1, 3 and 4 (4 + 5 + 1 people)
    assert v["mpi_poor_people"] == 10
    assert v["mpi_h"] == pytest.approx(10 / 12)
    assert "cens_dep_assets" not in ind.columns and "rate_dep_assets" in ind.columns
    with pytest.raises(GeoInputError, match="dep_floor"):
        village_indicators(hand, villages, weights={"dep_floor": 1})


def test_missing_programme_columns_and_missing_join(hand, villages):
    ind = village_indicators(hand.drop(columns=["recv_pbi"]), villages).set_index("village_code")
    assert np.isnan(ind.loc[CODES[0], "cov_pbi"])
    assert ind.loc[CODES[0], "inclusion_error"] == 0  # the pbi recipient in desil 7 is not known
    with pytest.raises(GeoInputError, match="join"):
        village_indicators(table(HAND_ROWS), villages)
    with pytest.raises(GeoInputError, match="level"):
        village_indicators(hand, villages, level="province-ish")
