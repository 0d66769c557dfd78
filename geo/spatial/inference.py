"""Conditional permutation inference for Local Moran's I and Getis-Ord Gi*, with ties.

Why not esda's ``p_sim``
    esda (2.9) draws *one* matrix of random neighbour sets and reuses it for every village,
    so the villages' p-values are not independent: across seeds the whole map moves together
    (Jawa Timur, 8 seeds: 733–881 significant villages; independent draws vary by a few).
    It counts only simulations *strictly* more extreme than the observed value, so a village
    whose statistic is tied with most permutations (a zero village among zero neighbours in a
    registry where most villages have no desil-1 household) gets the smallest p-value there
    is, 1 / (permutations + 1). And it returns p in single precision, so ``p <= 0.05``
    depends on whether it is compared as float32 or float64 (0.05000000074505806).

What this module does instead
    For every village ``i`` with ``k_i`` neighbours, ``permutations`` random sets of ``k_i``
    other villages are drawn, independently for every village, from a stream of its own
    keyed by the seed and the village (compiled, :mod:`geo.spatial.permutations`: Floyd's
    algorithm, ``k_i`` exactly uniform draws per set, no rejection of sets; the draws depend
    on the neighbour graph and the seed only, not on the values or the number of threads). With binary contiguity every neighbour weighs the same, so both statistics are
    monotone in the sum of the neighbours' values: Local Moran's I_i = (n-1) z_i (s_i/k_i) /
    Σz² (z = y - ȳ, row-standardised weights) and Gi*_i = (y_i + Σ_j y_j) / Σy (binary weights,
    the village itself included) are compared with their permutations through ``s_i``.

    The p-value is GeoDa's folded one (the tail on the side of the observed value) with
    ties counted as at least as extreme, in float64::

        p_i = (1 + min(#{s_sim >= s_obs}, #{s_sim <= s_obs})) / (permutations + 1)

    Equal sums are detected with a tolerance of a few ulps of the sum (64 · eps · k · max|z|),
    so a tie is a tie whatever the order of the additions. When every permutation ties (all
    neighbours and all other villages alike) p = 1. Local Moran of a village exactly at the
    mean (z_i = 0) is 0 under every permutation: p = 1.

    Because the two statistics rank the same permutations, a village's Local Moran and Gi*
    p-values are equal (except z_i = 0): both ask whether the neighbours are unusually high
    or low given the village's own value. They differ in what they call it: Local Moran
    pairs the village's side of the mean with its neighbours' (HH, LL, HL, LH); Gi* names
    the neighbourhood (``hot`` when the neighbours are significantly high, ``cold`` when
    low). So an HH village is a hot spot, an LL village a cold spot, a high outlier among low
    neighbours (HL) a cold spot and a low one among high neighbours (LH) a hot spot.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from geo.spatial.permutations import permutation_counts

TIE_ULPS = 64


@dataclass(frozen=True, eq=False)
class LocalTests:
    """Observed statistics and permutation results, one entry per village (float64).

    Attributes
    ----------
    lisa_i : Local Moran's I (row-standardised weights; equals esda's ``Is``).
    lisa_p : folded pseudo p-value of Local Moran, ties counted.
    quadrant : 1 HH, 2 LH, 3 LL, 4 HL (esda's ``q``: the village's and its neighbours'
        side of the mean; a value exactly at the mean counts as low).
    gi : Getis-Ord Gi* (binary weights with the village itself; esda's ``Gs`` for
        non-negative values).
    gi_p : folded pseudo p-value of Gi*, ties counted.
    gi_z : (observed - mean of the permutations) / their standard deviation (0 when every
        permutation ties).
    gi_side : +1 when the neighbours are on the high side of their permutations (fewer
        permutations at least as high than at least as low), -1 on the low side, 0 tied.
    """

    lisa_i: np.ndarray
    lisa_p: np.ndarray
    quadrant: np.ndarray
    gi: np.ndarray
    gi_p: np.ndarray
    gi_z: np.ndarray
    gi_side: np.ndarray


#: Villages whose first-stage p-value lies within this many Monte Carlo standard errors of the
#: significance level get ``REFINE_FACTOR`` times more permutations (a second stage).
REFINE_BAND_SE = 3.0
REFINE_FACTOR = 10


def local_tests(y: np.ndarray, focal: np.ndarray, neighbour: np.ndarray, *,
                permutations: int, seed: int, refine_at: float | None = None) -> LocalTests:
    """Local Moran's I and Gi* of ``y`` with independent conditional permutations per village.

    Parameters
    ----------
    y : values, one per village (float64, finite).
    focal, neighbour : the links (both directions present), village positions in ``y``;
        every village has at least one neighbour.
    permutations : random neighbour sets drawn per village.
    seed : the seed of the draws (an int); same graph and seed, same draws.
    refine_at : the significance level the p-values will be compared with. The count of
        significant villages moves between seeds only through villages whose p-value is close
        to it, so those (first-stage p within :data:`REFINE_BAND_SE` Monte Carlo standard
        errors of ``refine_at``) get ``REFINE_FACTOR x permutations`` more draws from a second,
        seeded stream, and their p-value is taken over all their draws. The others, far from
        the level on either side, keep the first stage: more draws would not change their
        label. ``None``: one stage.

    Returns
    -------
    LocalTests
    """
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    focal = np.asarray(focal, dtype=np.int64)
    neighbour = np.asarray(neighbour, dtype=np.int64)
    k = np.bincount(focal, minlength=n)
    if (k == 0).any():
        raise ValueError("every village needs a neighbour")
    z = y - y.mean()
    s_obs = np.bincount(focal, weights=z[neighbour], minlength=n)
    lisa_i = (n - 1) * z * (s_obs / k) / (z * z).sum()
    lag_z = s_obs / k
    quadrant = np.where(z > 0, np.where(lag_z > 0, 1, 4), np.where(lag_z > 0, 2, 3))
    gi = (y + np.bincount(focal, weights=y[neighbour], minlength=n)) / y.sum() \
        if y.sum() != 0 else np.full(n, np.nan)

    at_least, at_most, mean, sd = _permutation_counts(z, k, s_obs, permutations, seed)
    drawn = np.full(n, permutations, dtype=np.int64)
    if refine_at is not None:
        first = (1.0 + np.minimum(at_least, at_most)) / (permutations + 1.0)
        se = np.sqrt(refine_at * (1 - refine_at) / (permutations + 1.0))
        near = np.flatnonzero((np.abs(first - refine_at) <= REFINE_BAND_SE * se) & (z != 0))
        if len(near):
            extra = REFINE_FACTOR * permutations
            more_least, more_most, _, _ = _permutation_counts(
                z, k, s_obs, extra, np.random.SeedSequence([seed, 1]), only=near)
            at_least[near] += more_least[near]
            at_most[near] += more_most[near]
            drawn[near] += extra
    folded = np.minimum(at_least, at_most)
    p = (1.0 + folded) / (drawn + 1.0)
    lisa_p = np.where(z == 0, 1.0, p)
    with np.errstate(invalid="ignore", divide="ignore"):
        gi_z = np.where(sd > 0, (s_obs - mean) / np.where(sd > 0, sd, 1), 0.0)
    side = np.sign(at_most - at_least).astype(np.int64)
    return LocalTests(lisa_i=lisa_i, lisa_p=lisa_p, quadrant=quadrant.astype(np.int64), gi=gi,
                      gi_p=p, gi_z=gi_z, gi_side=side)


def _permutation_counts(z, k, s_obs, permutations, seed, only=None):
    """Per village: permutations whose neighbour sum is >= / <= the observed one (ties in
    both), and the permutations' mean and standard deviation; ``only``: these villages."""
    scale = TIE_ULPS * np.finfo(np.float64).eps * float(np.abs(z).max() or 1.0)
    return permutation_counts(z, k, s_obs, permutations, seed, scale, only=only)
