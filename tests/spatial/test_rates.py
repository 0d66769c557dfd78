"""Empirical Bayes standardised rates: a hand computation, GeoDa's own, and which base."""

from __future__ import annotations

import math

import numpy as np
import pytest

from geo.spatial.rates import eb_standardised, rate_base


def test_eb_rates_match_a_hand_computation_on_four_villages():
    events = [0, 1, 3, 2]  # desil-1 households
    base = [10, 20, 30, 5]  # households
    # by hand: b = 6/65; rates 0, .05, .1, .4
    b = 6 / 65
    rates = [0.0, 0.05, 0.1, 0.4]
    s2 = (10 * (0 - b) ** 2 + 20 * (0.05 - b) ** 2 + 30 * (0.1 - b) ** 2 + 5 * (0.4 - b) ** 2) / 65
    a = s2 - b / (65 / 4)
    assert a > 0
    by_hand = [(r - b) / math.sqrt(a + b / p) for r, p in zip(rates, base)]
    got = eb_standardised(np.array(events) / np.array(base), np.array(base))
    assert got == pytest.approx(by_hand, abs=1e-12)
    assert got[0] == pytest.approx(-0.8183932073645682, abs=1e-12)  # GeoDa's value, below


def test_eb_rates_are_geodas():
    from pygeoda import libgeoda

    rng = np.random.default_rng(4)
    base = rng.integers(3, 300, 200).astype(float)
    events = rng.binomial(base.astype(int), rng.beta(1, 12, 200)).astype(float)
    results, undefined = libgeoda.VecDouble([0.0] * 200), libgeoda.VecBool([False] * 200)
    assert libgeoda.gda_rateStandardizeEB(libgeoda.VecDouble(list(base)),
                                          libgeoda.VecDouble(list(events)), results, undefined)
    assert eb_standardised(events / base, base) == pytest.approx(list(results), abs=1e-12)


def test_homogeneous_rates_have_no_prior_variance_and_unknown_bases_no_value():
    base = np.array([10.0, 20.0, 40.0, 0.0, np.nan])
    rate = np.array([0.1, 0.1, 0.1, np.nan, 0.2])
    got = eb_standardised(rate, base)
    assert got[:3] == pytest.approx([0, 0, 0], abs=1e-12)  # a = max(s² - b/mean, 0) = 0
    assert np.isnan(got[3:]).all()
    # a region without any event: every rate is the region's, all zero (never a division by 0)
    assert eb_standardised(np.zeros(3), np.array([5.0, 9.0, 1.0])).tolist() == [0, 0, 0]


def test_zero_villages_differ_only_by_their_base():
    base = np.array([5.0, 5.0, 50.0, 500.0, 40.0, 60.0])
    rate = np.array([0.0, 0.0, 0.0, 0.0, 0.2, 0.3])
    z = eb_standardised(rate, base)
    assert z[0] == z[1]  # same rate and base: tied, as the raw values were
    assert z[3] < z[2] < z[0] < 0  # a zero on 500 households is stronger evidence than on 5


def test_each_rate_has_the_base_it_is_a_share_of():
    assert rate_base("desil1_share") == "households"
    assert rate_base("desil14_share") == "households"
    assert rate_base("rate_dep_water") == "people"
    assert rate_base("mpi_h") == "mpi_people"
    assert rate_base("cens_dep_assets") == "mpi_people"
    assert rate_base("cov_pkh") == "desil14_households"
    assert rate_base("exclusion_rate") == "desil14_households"
    for not_a_rate in ("mpi_m0", "mpi_a", "desil1_households", "contrib_dep_water",
                       "inclusion_error_rate", "score", "rate_unknown", None):
        assert rate_base(not_a_rate) is None, not_a_rate
