"""Alkire–Foster MPI against hand-computed cases and its own identities."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.common.errors import GeoInputError
from geo.households.schema import DEPRIVATIONS, GLOBAL_MPI_K, GLOBAL_MPI_WEIGHTS
from geo.indicators.mpi import MPIResult, alkire_foster, exact_weights

EQUAL4 = {"income": 0.25, "schooling": 0.25, "bmi": 0.25, "water": 0.25}


def global_row(*deprived: str) -> dict:
    return {dep: int(dep in deprived) for dep in DEPRIVATIONS}


def test_alkire_foster_2011_toy_example():
    # four people, four equally weighted indicators, deprivation counts 0, 2, 4, 1; k = 2 of 4
    g = pd.DataFrame(
        [[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 1]], columns=list(EQUAL4)
    )
    r = alkire_foster(g, EQUAL4, k=Fraction(2, 4))
    assert isinstance(r, MPIResult)
    assert (r.n, r.q) == (4, 2)
    assert r.H == pytest.approx(0.5)
    assert r.A == pytest.approx(0.75)
    assert r.M0 == pytest.approx(0.375)
    # censored headcounts: persons 2 and 3 are poor; the fourth's water deprivation is censored
    assert r.censored == pytest.approx(
        {"income": 0.5, "schooling": 0.5, "bmi": 0.25, "water": 0.25}
    )
    assert r.contribution == pytest.approx(
        {"income": 1 / 3, "schooling": 1 / 3, "bmi": 1 / 6, "water": 1 / 6}
    )
    # person 4 (c = 1/4) is vulnerable (1/5 <= c < k); persons 2 and 3 (c >= 1/2) are severe
    assert r.vulnerable == pytest.approx(0.25)
    assert r.severe == pytest.approx(0.5)


def test_global_mpi_nutrition_plus_schooling_reaches_one_third():
    rows = pd.DataFrame([global_row("dep_nutrition", "dep_schooling")])
    r = alkire_foster(rows, GLOBAL_MPI_WEIGHTS, k=GLOBAL_MPI_K)
    assert r.q == 1 and r.H == 1.0
    assert r.A == pytest.approx(1 / 3)
    # the same weights as floats (as a YAML config gives them) still compare exactly
    float_weights = {name: float(w) for name, w in GLOBAL_MPI_WEIGHTS.items()}
    assert alkire_foster(rows, float_weights, k=1 / 3).q == 1


def test_one_eighteenth_short_of_the_cutoff_is_vulnerable_not_poor():
    # 1/6 + 2/18 = 5/18: between 1/5 and 1/3
    rows = pd.DataFrame([global_row("dep_nutrition", "dep_water", "dep_assets")])
    r = alkire_foster(rows, GLOBAL_MPI_WEIGHTS)
    assert r.q == 0 and r.M0 == 0
    assert r.vulnerable == 1.0
    assert r.A == 0.0


def test_exact_where_float_sums_fall_short():
    # ten indicators of 0.1: the float dot product of eight of them is 0.7999999999999999
    weights = {f"d{i}": 0.1 for i in range(10)}
    g = np.zeros((1, 10))
    g[0, :8] = 1
    assert (g @ np.full(10, 0.1))[0] < 0.8  # the trap this guards against
    assert alkire_foster(g, weights, k=0.8).q == 1
    # twelve indicators of 1/12: six of them are exactly 1/2, hence "severe"
    weights12 = {f"d{i}": 1 / 12 for i in range(12)}
    g12 = np.zeros((1, 12))
    g12[0, :6] = 1
    assert alkire_foster(g12, weights12, k=0.5).severe == 1.0


def test_household_size_changes_the_answer():
    # household a: 1 member, deprived in nutrition + schooling + attendance (c = 1/2, poor, severe)
    # household b: 3 members, deprived in nothing.
    rows = pd.DataFrame(
        [global_row("dep_nutrition", "dep_schooling", "dep_attendance"), global_row()]
    )
    unweighted = alkire_foster(rows, GLOBAL_MPI_WEIGHTS)
    assert unweighted.H == pytest.approx(1 / 2)
    weighted = alkire_foster(rows, GLOBAL_MPI_WEIGHTS, people=[1, 3])
    assert weighted.n == 4 and weighted.q == 1
    assert weighted.H == pytest.approx(1 / 4)
    assert weighted.A == pytest.approx(1 / 2)
    assert weighted.M0 == pytest.approx(1 / 8)
    assert weighted.severe == pytest.approx(1 / 4)
    assert weighted.censored["dep_nutrition"] == pytest.approx(1 / 4)


deprivation_tables = st.integers(1, 40).flatmap(
    lambda n: st.tuples(
        st.lists(st.lists(st.sampled_from([0, 1, None]), min_size=10, max_size=10),
                 min_size=n, max_size=n),
        st.lists(st.integers(0, 12), min_size=n, max_size=n),
        st.sampled_from([Fraction(1, 3), Fraction(1, 2), Fraction(1, 6), Fraction(1)]),
    )
)


@settings(max_examples=60, deadline=None)
@given(deprivation_tables)
def test_identities_hold(table):
    rows, members, k = table
    g = pd.DataFrame(rows, columns=list(DEPRIVATIONS), dtype="Int8")
    r = alkire_foster(g, GLOBAL_MPI_WEIGHTS, k=k, people=members)
    weights = {j: float(w) for j, w in GLOBAL_MPI_WEIGHTS.items()}
    if r.n == 0:
        assert np.isnan(r.H)
        return
    assert r.M0 == pytest.approx(r.H * r.A)
    assert r.M0 == pytest.approx(sum(weights[j] * h for j, h in r.censored.items()))
    assert 0 <= r.H <= 1 and 0 <= r.vulnerable + r.H <= 1 + 1e-12
    if r.M0 > 0:
        assert sum(r.contribution.values()) == pytest.approx(1.0)
        assert r.A >= float(k) - 1e-12  # every poor person scores at least k
    # per-person check against exact arithmetic, one person at a time
    poor_people = 0
    for row, m in zip(rows, members):
        if all(v is None for v in row):
            continue
        score = sum(GLOBAL_MPI_WEIGHTS[j] for j, v in zip(DEPRIVATIONS, row) if v == 1)
        poor_people += m * (score >= k)
    assert r.q == poor_people
    assert r.missing == {j: sum(row[i] is None for row in rows) for i, j in enumerate(DEPRIVATIONS)}


def test_groups_match_separate_runs_and_keep_empty_categories():
    rng = np.random.default_rng(7)
    g = pd.DataFrame(rng.integers(0, 2, size=(300, 10)), columns=list(DEPRIVATIONS))
    members = rng.integers(1, 8, size=300)
    labels = rng.choice(["a", "b", "c"], size=300)
    cats = pd.Categorical(labels, categories=["a", "b", "c", "empty"])
    table = alkire_foster(g, GLOBAL_MPI_WEIGHTS, people=members, groups=cats)
    assert list(table.index) == ["a", "b", "c", "empty"]
    for label in "abc":
        mine = labels == label
        alone = alkire_foster(g[mine], GLOBAL_MPI_WEIGHTS, people=members[mine])
        row = table.loc[label]
        assert row["mpi_people"] == alone.n
        assert row["mpi_h"] == pytest.approx(alone.H)
        assert row["mpi_m0"] == pytest.approx(alone.M0)
        assert row["cens_dep_water"] == pytest.approx(alone.censored["dep_water"])
    assert table.loc["empty", "mpi_people"] == 0
    assert np.isnan(table.loc["empty", "mpi_h"]) and np.isnan(table.loc["empty", "mpi_m0"])


def test_missing_values_count_as_not_deprived_and_all_missing_rows_are_left_out():
    g = pd.DataFrame({"a": [1, pd.NA, pd.NA], "b": [pd.NA, 1, pd.NA]}, dtype="Int8")
    r = alkire_foster(g, {"a": "1/2", "b": "1/2"}, k=1)
    assert r.no_data == 1 and r.n == 2  # the third row has no data at all
    assert r.q == 0  # each known deprivation is 1/2 < k = 1; the NA counts as not deprived
    assert r.missing == {"a": 2, "b": 2}
    assert alkire_foster(g, {"a": "1/2", "b": "1/2"}, k=Fraction(1, 2)).H == 1.0


def test_weights_that_do_not_sum_to_one_are_refused_with_their_names():
    with pytest.raises(GeoInputError, match="sum to 1.*dep_water"):
        alkire_foster(np.zeros((1, 2)), {"dep_water": 0.5, "dep_assets": 0.4})
    with pytest.raises(GeoInputError, match="k must be in"):
        alkire_foster(np.zeros((1, 4)), EQUAL4, k=0)
    with pytest.raises(GeoInputError, match="k must be in"):
        alkire_foster(np.zeros((1, 4)), EQUAL4, k=1.5)


def test_rounded_decimal_weights_snap_to_their_fractions():
    rounded = {**{j: 0.1667 for j in DEPRIVATIONS[:4]}, **{j: 0.0556 for j in DEPRIVATIONS[4:]}}
    assert exact_weights(rounded) == GLOBAL_MPI_WEIGHTS
    assert exact_weights({"a": "1/3", "b": "2/3"}) == {"a": Fraction(1, 3), "b": Fraction(2, 3)}


def test_bad_flags_and_missing_indicator_columns_are_named():
    with pytest.raises(GeoInputError, match="water has 2 in row 2"):
        alkire_foster(pd.DataFrame({**{j: [0, 0] for j in EQUAL4}, "water": [0, 2]}), EQUAL4)
    with pytest.raises(GeoInputError, match="bmi has 'ya' in row 1"):
        alkire_foster(pd.DataFrame({**{j: [0] for j in EQUAL4}, "bmi": ["ya"]}), EQUAL4)
    with pytest.raises(GeoInputError, match="water.*not columns"):
        alkire_foster(pd.DataFrame({j: [0] for j in list(EQUAL4)[:3]}), EQUAL4)
    with pytest.raises(GeoInputError, match="members"):
        alkire_foster(np.zeros((2, 4)), EQUAL4, people=[1, -1])
