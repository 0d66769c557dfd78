"""Conditional permutation inference: esda's statistics, exact p-values, ties, the draws."""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
import pytest

from geo.spatial.inference import local_tests
from geo.spatial.permutations import neighbour_sums

SIDE = 7  # a 7 x 7 grid of villages, queen contiguity


def queen_grid(side: int = SIDE) -> tuple[np.ndarray, np.ndarray]:
    focal, neighbour = [], []
    for r in range(side):
        for c in range(side):
            for dr in (-1, 0, 1):
                for dc in (-1, 0, 1):
                    if (dr or dc) and 0 <= r + dr < side and 0 <= c + dc < side:
                        focal.append(r * side + c)
                        neighbour.append((r + dr) * side + c + dc)
    return np.array(focal), np.array(neighbour)


def test_observed_statistics_are_esdas():
    import esda
    from libpysal.graph import Graph

    focal, neighbour = queen_grid()
    y = np.random.default_rng(0).gamma(2.0, 0.05, SIDE * SIDE)
    ours = local_tests(y, focal, neighbour, permutations=99, seed=1)
    graph = Graph.from_arrays(focal, neighbour, np.ones(len(focal)))
    assert list(graph.unique_ids) == list(range(SIDE * SIDE))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        lisa = esda.Moran_Local(y, graph, transformation="r", permutations=0)
        gi = esda.G_Local(y, graph, transform="B", star=True, permutations=0)
    assert ours.lisa_i == pytest.approx(lisa.Is, abs=1e-12)
    assert ours.gi == pytest.approx(gi.Gs, abs=1e-12)
    assert ours.quadrant.tolist() == list(lisa.q)
    assert ours.lisa_p.dtype == np.float64 and ours.gi_p.dtype == np.float64


def test_p_values_agree_with_exact_enumeration():
    """Corner villages have 3 neighbours among 48 others: all 17,296 sets can be counted."""
    focal, neighbour = queen_grid()
    y = np.random.default_rng(2).normal(size=SIDE * SIDE)
    ours = local_tests(y, focal, neighbour, permutations=20_000, seed=3)
    z = y - y.mean()
    for corner in (0, SIDE - 1, SIDE * SIDE - 1):
        others = np.delete(np.arange(SIDE * SIDE), corner)
        sums = np.array([z[list(c)].sum() for c in combinations(others, 3)])
        observed = z[neighbour[focal == corner]].sum()
        exact = min((sums >= observed).mean(), (sums <= observed).mean())
        assert ours.lisa_p[corner] == pytest.approx(exact, abs=0.012)  # ~4 sd at 20,000
        assert ours.gi_p[corner] == ours.lisa_p[corner]  # the same test of the neighbours


def test_draws_are_distinct_other_villages_uniformly_chosen():
    n, size, permutations = 20, 4, 20_000
    z = 2.0 ** np.arange(n)  # a sum of distinct powers of two says which villages were drawn
    rows = np.array([0, 7, 19])
    sums = np.stack([neighbour_sums(z, row, size, permutations, 5) for row in rows])
    bits = ((sums.astype(np.int64)[:, :, None] >> np.arange(n)) & 1).astype(bool)
    assert (bits.sum(axis=2) == size).all()  # never a village twice: the sum has 4 bits
    assert not bits[np.arange(3), :, rows].any()  # never the village itself
    frequency = bits.mean(axis=1)  # each other village: expected 4 / 19 of the draws
    others = ~np.eye(n, dtype=bool)[rows]
    assert np.abs(frequency[others] - size / (n - 1)).max() < 0.015
    # independent per village: village 0's and village 7's draws do not move together
    shared = (bits[0, :, 1:7] & bits[1, :, 1:7]).mean()
    assert shared == pytest.approx((size / (n - 1)) ** 2, abs=0.01)


def test_a_village_tied_with_every_permutation_is_not_significant():
    focal, neighbour = queen_grid()
    y = np.zeros(SIDE * SIDE)
    y[[0, 6]] = 1.0  # two positive villages: 47 of 49 values are zero
    tests = local_tests(y, focal, neighbour, permutations=999, seed=1)
    centre = 3 * SIDE + 3  # zero, among zero neighbours only
    assert tests.lisa_p[centre] > 0.4 and tests.gi_p[centre] > 0.4  # ties count as extreme
    assert tests.gi_z[centre] < 0  # below the permutations' mean, but not significantly
    everything_tied = local_tests(np.r_[np.zeros(48), 1.0], focal, neighbour,
                                  permutations=99, seed=1)
    assert everything_tied.lisa_p[24] > 0.3
    at_the_mean = local_tests(np.r_[np.ones(24), 0.5, np.zeros(24)], focal, neighbour,
                              permutations=99, seed=1)
    assert at_the_mean.lisa_p[24] == 1.0 and at_the_mean.lisa_i[24] == 0  # z_i = 0


def test_p_values_are_counts_over_permutations_plus_one():
    focal, neighbour = queen_grid()
    y = np.random.default_rng(8).normal(size=SIDE * SIDE)
    tests = local_tests(y, focal, neighbour, permutations=199, seed=4)
    counts = tests.gi_p * 200 - 1
    assert np.allclose(counts, np.round(counts), atol=1e-9) and counts.min() >= 0
    again = local_tests(y, focal, neighbour, permutations=199, seed=4)
    assert np.array_equal(tests.lisa_p, again.lisa_p)  # same seed, same draws
    other = local_tests(y, focal, neighbour, permutations=199, seed=5)
    assert not np.array_equal(tests.lisa_p, other.lisa_p)
    assert np.array_equal(tests.lisa_i, other.lisa_i)  # the seed changes the draws only


def test_every_village_needs_a_neighbour():
    with pytest.raises(ValueError, match="neighbour"):
        local_tests(np.arange(3.0), np.array([0, 1]), np.array([1, 0]), permutations=9, seed=0)


def test_villages_near_alpha_get_a_second_stage_and_the_others_keep_the_first():
    """The second stage draws only for villages whose first p is near alpha."""
    rng = np.random.default_rng(8)
    n = 400
    focal = np.repeat(np.arange(n), 2)
    neighbour = np.column_stack([(np.arange(n) + 1) % n, (np.arange(n) - 1) % n]).ravel()
    y = np.sin(np.arange(n) / 15) + rng.normal(0, 0.6, n)
    one = local_tests(y, focal, neighbour, permutations=999, seed=2)
    two = local_tests(y, focal, neighbour, permutations=999, seed=2, refine_at=0.05)
    changed = one.lisa_p != two.lisa_p
    assert changed.any()
    se = np.sqrt(0.05 * 0.95 / 1000)
    assert (np.abs(one.lisa_p[changed] - 0.05) <= 3 * se + 1e-12).all()
    # a refined p is on the finer grid of 1 + 10 x 999 + 999 draws
    denominators = 1 + 11 * 999
    scaled = two.lisa_p[changed] * denominators
    assert np.allclose(scaled, np.round(scaled), atol=1e-6)


def test_the_draws_do_not_depend_on_threads_or_how_the_villages_are_split(monkeypatch):
    """Each village draws from a stream of its own: one thread or two, big or small chunks,
    all villages or a few, the same counts for the same seed."""
    import geo.spatial.permutations as permutations

    focal, neighbour = queen_grid()
    y = np.random.default_rng(11).normal(size=SIDE * SIDE)
    monkeypatch.setattr(permutations, "usable_cores", lambda: 1)
    one = local_tests(y, focal, neighbour, permutations=999, seed=7, refine_at=0.05)
    monkeypatch.setattr(permutations, "usable_cores", lambda: 2)
    monkeypatch.setattr(permutations, "CHUNK", 3)
    two = local_tests(y, focal, neighbour, permutations=999, seed=7, refine_at=0.05)
    for field in ("lisa_p", "gi_p", "gi_z", "gi_side"):
        assert np.array_equal(getattr(one, field), getattr(two, field)), field
    z = y - y.mean()
    k = np.bincount(focal, minlength=len(y))
    s_obs = np.bincount(focal, weights=z[neighbour], minlength=len(y))
    few = permutations.permutation_counts(z, k, s_obs, 999, 7, 1e-12, only=np.array([3, 30]))
    every = permutations.permutation_counts(z, k, s_obs, 999, 7, 1e-12)
    for part, whole in zip(few, every):
        assert np.array_equal(part[[3, 30]], whole[[3, 30]])
        assert not part[[0, 1, 2, 29, 31]].any()  # villages not asked for are left at zero


def test_the_stream_is_the_seeds():
    z = np.arange(30.0)
    first = neighbour_sums(z, 4, 5, 200, 1)
    assert np.array_equal(first, neighbour_sums(z, 4, 5, 200, 1))
    assert not np.array_equal(first, neighbour_sums(z, 4, 5, 200, 2))
    assert not np.array_equal(first, neighbour_sums(z, 5, 5, 200, 1))  # another village
    assert not np.array_equal(first, neighbour_sums(z, 4, 5, 200, np.random.SeedSequence([1, 1])))
