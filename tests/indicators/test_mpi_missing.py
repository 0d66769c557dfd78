"""The three MPI missing-answer rules against hand computations (OPHI's terms).

Five households, three indicators (a = 1/2, b = 1/4, c = 1/4), k = 1/3; NaN = not answered:

    household  members  a    b    c     village
    h1         2        1    0    NaN   X
    h2         3        0    1    1     X
    h3         1        NaN  1    0     Y
    h4         4        NaN  NaN  NaN   Y   (no answer at all: left out under every rule)
    h5         2        0    0    0     Y

- not_deprived: scores 1/2, 1/2, 1/4, -, 0; n = 8, poor h1 h2 (q = 5).
- complete_case: only h2 and h5 are complete; n = 5, q = 3.
- reweight: h1 answered a, b (3/4) -> 1/2 / 3/4 = 2/3; h3 answered b, c (1/2) -> 1/4 / 1/2
  = 1/2; n = 8, q = 6, sum of poor scores 2*2/3 + 3*1/2 + 1*1/2 = 10/3.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from geo.common.errors import GeoInputError
from geo.indicators.mpi import MISSING_RULES, alkire_foster, mpi_from_sums, mpi_sums

WEIGHTS = {"a": "1/2", "b": "1/4", "c": "1/4"}
K = Fraction(1, 3)
TABLE = pd.DataFrame({"a": [1, 0, np.nan, np.nan, 0], "b": [0, 1, 1, np.nan, 0],
                      "c": [np.nan, 1, 0, np.nan, 0]})
MEMBERS = np.array([2, 3, 1, 4, 2])
VILLAGES = np.array(["X", "X", "Y", "Y", "Y"])

EXPECTED = {
    "not_deprived": dict(
        n=8, q=5, H=5 / 8, A=1 / 2, M0=5 / 16, vulnerable=1 / 8, severe=5 / 8,
        censored={"a": 2 / 8, "b": 3 / 8, "c": 3 / 8},
        contribution={"a": 2 / 5, "b": 3 / 10, "c": 3 / 10}, left_out=1),
    "complete_case": dict(
        n=5, q=3, H=3 / 5, A=1 / 2, M0=3 / 10, vulnerable=0.0, severe=3 / 5,
        censored={"a": 0.0, "b": 3 / 5, "c": 3 / 5},
        contribution={"a": 0.0, "b": 1 / 2, "c": 1 / 2}, left_out=3),
    "reweight": dict(
        n=8, q=6, H=6 / 8, A=(10 / 3) / 6, M0=(10 / 3) / 8, vulnerable=0.0, severe=6 / 8,
        censored={"a": 2 / 8, "b": 4 / 8, "c": 3 / 8},
        # a: h1's 2/3 share of its score x 2 people = 4/3; b: h2 3 x 1/4 + h3 1 x 1/2 = 5/4;
        # c: h2 3 x 1/4 = 3/4; each over the poor's 10/3
        contribution={"a": 2 / 5, "b": 3 / 8, "c": 9 / 40}, left_out=1),
}


@pytest.mark.parametrize("rule", MISSING_RULES)
def test_each_rule_matches_the_hand_computation(rule):
    r = alkire_foster(TABLE, WEIGHTS, k=K, people=MEMBERS, missing=rule)
    want = EXPECTED[rule]
    assert r.missing_rule == rule
    assert (r.n, r.q) == (want["n"], want["q"])
    for name in ("H", "A", "M0", "vulnerable", "severe"):
        assert getattr(r, name) == pytest.approx(want[name]), name
    assert r.censored == pytest.approx(want["censored"])
    assert r.contribution == pytest.approx(want["contribution"])
    assert sum(r.contribution.values()) == pytest.approx(1.0)
    assert (r.rows, r.missing_rows, r.left_out) == (5, 3, want["left_out"])
    assert r.no_data == 1 and r.missing == {"a": 2, "b": 1, "c": 2}


@pytest.mark.parametrize("rule, measured", [("not_deprived", {"X": 2, "Y": 2}),
                                            ("complete_case", {"X": 1, "Y": 1}),
                                            ("reweight", {"X": 2, "Y": 2})])
def test_per_village_counts_of_missing_and_measured_households(rule, measured):
    table = alkire_foster(TABLE, WEIGHTS, k=K, people=MEMBERS, groups=VILLAGES, missing=rule)
    # X: h1 lacks c; Y: h3 lacks a, h4 lacks everything
    assert table["mpi_missing_households"].to_dict() == {"X": 1, "Y": 2}
    assert table["mpi_households"].to_dict() == measured
    if rule == "reweight":  # Y: h3 (1 person, score 1/2) poor out of h3 + h5 (3 people)
        assert table.loc["Y", "mpi_h"] == pytest.approx(1 / 3)
        assert table.loc["Y", "mpi_m0"] == pytest.approx(1 / 6)
        assert table.loc["X", "mpi_m0"] == pytest.approx((2 * 2 / 3 + 3 / 2) / 5)
    if rule == "complete_case":  # Y keeps h5 only, who is not deprived at all
        assert table.loc["Y", "mpi_h"] == 0.0 and table.loc["X", "mpi_h"] == 1.0


def test_reweighted_cutoff_is_exact_where_floats_fall_short():
    # ten indicators of 1/10 with the last two unanswered: 7 of 8 answered deprived is 7/8;
    # six of seven answered (6/7 = 0.857...) must not reach k = 6/7 by float luck either way
    weights = {f"d{i}": "1/10" for i in range(10)}
    row = [1] * 6 + [0] + [np.nan] * 3
    r = alkire_foster(np.array([row]), weights, k=Fraction(6, 7), missing="reweight")
    assert r.q == 1 and r.A == pytest.approx(6 / 7)
    short = [1] * 5 + [0, 0] + [np.nan] * 3
    assert alkire_foster(np.array([short]), weights, k=Fraction(6, 7), missing="reweight").q == 0


@pytest.mark.parametrize("rule", MISSING_RULES)
def test_sums_of_pieces_give_the_figures_of_one_pass(rule):
    rng = np.random.default_rng(3)
    g = rng.integers(0, 2, size=(400, 3)).astype(float)
    g[rng.random(g.shape) < 0.15] = np.nan
    people = rng.integers(1, 7, size=400)
    codes = rng.integers(0, 4, size=400)
    whole = mpi_sums(g, WEIGHTS, K, people=people, codes=codes, n_groups=4, missing=rule)
    pieces = [mpi_sums(g[s], WEIGHTS, K, people=people[s], codes=codes[s], n_groups=4,
                       missing=rule) for s in (slice(0, 150), slice(150, 260), slice(260, 400))]
    added = pieces[0] + pieces[1] + pieces[2]
    pd.testing.assert_frame_equal(mpi_from_sums(added, WEIGHTS, K, missing=rule),
                                  mpi_from_sums(whole, WEIGHTS, K, missing=rule),
                                  check_exact=True)


def test_an_unknown_rule_names_the_rules():
    with pytest.raises(GeoInputError, match="complete_case"):
        alkire_foster(TABLE, WEIGHTS, missing="drop")
