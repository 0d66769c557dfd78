"""Rates on small bases for the pocket map: Empirical Bayes standardisation (Assunção–Reis).

A desa with 12 registered households has a desil-1 share of 0 %, 8 % or 17 %: raw shares on
small bases are noisy, and their variance differs from village to village, so the villages
with the fewest households dominate the extremes. Assunção and Reis (1999, *Statistics in
Medicine* 18) standardise each rate by its expected spread under a common prior::

    b = Σ events / Σ base                        (the region's rate)
    s² = Σ base_i (r_i - b)² / Σ base            (base-weighted variance of the rates)
    a = max(s² - b / mean(base), 0)              (the prior variance)
    z_i = (r_i - b) / sqrt(a + b / base_i)

This is GeoDa's "EB rate" for LISA (``RateStandardizeEB``, libgeoda's
``gda_rateStandardizeEB``), which the pockets test instead of the raw rate by default
(``[pockets] smoothing = "eb"``). ``events = rate x base``, so only the rate and its base are
needed.

Which base: :func:`rate_base` names the column counting the units a rate is a share of —
``households`` for the desil shares, ``people`` for people-weighted deprivation rates,
``mpi_people`` (people measured) for the MPI headcounts and censored headcounts,
``desil14_households`` for programme coverage and exclusion. Other variables (counts, scores,
the MPI intensity ``mpi_a`` and ``mpi_m0``, contributions, ``inclusion_error_rate`` whose base
of recipient households is not kept per village) are tested raw.
"""

from __future__ import annotations

import numpy as np

from geo.households.schema import DEPRIVATIONS, PROGRAMMES

#: variable -> the column of the base it is a share of
_BASES: dict[str, str] = {
    "desil1_share": "households",
    "desil14_share": "households",
    "mpi_h": "mpi_people",
    "mpi_vulnerable": "mpi_people",
    "mpi_severe": "mpi_people",
    "exclusion_rate": "desil14_households",
}
_FAMILY_BASES = {"rate_": "people", "cens_": "mpi_people", "cov_": "desil14_households"}
_SUBJECTS = {"rate_": set(DEPRIVATIONS), "cens_": set(DEPRIVATIONS),
             "cov_": {p.removeprefix("recv_") for p in PROGRAMMES}}


def rate_base(variable: str | None) -> str | None:
    """The base column of a rate (``households`` for ``desil1_share``), None if not a rate.

    ``rate_<dep>`` is a share of the people whose value is known; that count is not kept per
    village, so all ``people`` stand for it (the same wherever the registry is complete).
    """
    if variable is None:
        return None
    if variable in _BASES:
        return _BASES[variable]
    for prefix, base in _FAMILY_BASES.items():
        if variable.startswith(prefix) and variable.removeprefix(prefix) in _SUBJECTS[prefix]:
            return base
    return None


def eb_standardised(rate: np.ndarray, base: np.ndarray) -> np.ndarray:
    """Assunção–Reis Empirical Bayes standardised rates, as GeoDa computes them.

    Parameters
    ----------
    rate : the raw rates (events / base), NaN where unknown.
    base : the bases (households, people), > 0 where the rate is known.

    Returns
    -------
    numpy.ndarray
        z-values (float64); NaN where the rate or the base is unknown or the base is not
        positive; all 0 when the region has no event at all (every rate equals the region's).
    """
    rate = np.asarray(rate, dtype=np.float64)
    base = np.asarray(base, dtype=np.float64)
    out = np.full(len(rate), np.nan)
    ok = np.isfinite(rate) & np.isfinite(base) & (base > 0)
    if not ok.any():
        return out
    r, p = rate[ok], base[ok]
    b = (r * p).sum() / p.sum()
    s2 = (p * (r - b) ** 2).sum() / p.sum()
    a = max(s2 - b / p.mean(), 0.0)
    se = np.sqrt(a + b / p)
    with np.errstate(invalid="ignore", divide="ignore"):
        out[ok] = np.where(se > 0, (r - b) / np.where(se > 0, se, 1.0), 0.0)
    return out
