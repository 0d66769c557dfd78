"""Composite priority score and rank of villages, with each indicator's contribution.

The score is a weighted sum of normalised indicators, on 0–100: ``score = 100 * sum_j w_j n_ij``
with ``n_ij`` in [0, 1] (1 = worst village on that indicator) and weights summing to 1. Because
it is a plain sum, ``why_<column> = 100 * w_j * n_ij`` are the points each indicator adds and
they add up to the score: that answers "why is this village ranked 3rd?".

Normalisation does not depend on the weights, so it is computed once (:func:`prepare_scores`)
and a weight change is one matrix-vector product plus a sort (a few milliseconds for 8,494
villages; ``benchmarks/bench_rescoring.py``). :mod:`geo.robustness` reuses the same matrix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from geo.config import RankConfig
from geo.common.errors import GeoInputError

ZSCORE_CLIP = 3.0  # z-scores are clipped at +/- 3 SD, then mapped linearly onto 0..1


class Contribution(NamedTuple):
    """One line of "why this rank": raw value, normalised 0–1, effective weight, points."""

    indicator: str
    value: float
    normalised: float
    weight: float
    points: float


@dataclass(frozen=True)
class ScoreInputs:
    """Everything the score needs except the weights, computed once per indicator table.

    Attributes
    ----------
    columns : indicator columns, in config order
    normalised : (villages, indicators) array in [0, 1]; 0 where an ``exclude`` value is missing
    present : (villages, indicators) bool; False where an ``exclude`` value is missing
    eligible : (villages,) bool; villages that get a score (households > 0 unless configured)
    tie_order : village positions sorted by desil-1 households (desc), then village_code (asc)
    weights : (indicators,) config weights, summing to 1
    key : what the normalisation depends on besides the data (everything but the weights)
    """

    columns: tuple[str, ...]
    normalised: np.ndarray
    present: np.ndarray
    eligible: np.ndarray
    tie_order: np.ndarray
    weights: np.ndarray
    key: tuple = ()

    def points(self, weights: np.ndarray | None = None) -> np.ndarray:
        """(villages, indicators) score points per indicator; NaN rows for ineligible villages."""
        w = self.weights if weights is None else np.asarray(weights, dtype=float)
        effective = self.present * (w / w.sum())
        total = effective.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            effective = effective / total
        pts = 100.0 * effective * self.normalised
        pts[~self.eligible | (total[:, 0] <= 0)] = np.nan
        return pts

    def scores(self, weights: np.ndarray) -> np.ndarray:
        """Scores for many weight sets: ``weights`` (draws, indicators) -> (villages, draws).

        One matrix product; with ``exclude`` indicators the denominator is a second one.
        """
        w = np.asarray(weights, dtype=float)
        w = w / w.sum(axis=1, keepdims=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            s = 100.0 * (self.normalised @ w.T)
            if not self.present.all():
                s /= self.present @ w.T
        s[~self.eligible] = np.nan
        return s

    def ranks(self, scores: np.ndarray) -> np.ndarray:
        """Rank 1..m per column of ``scores`` (villages[, draws]); 0 where the score is NaN.

        Ties (to 1e-9 points) go to more desil-1 households, then the lower village_code.
        """
        s = np.round(scores, 9)
        one = s.ndim == 1
        s = s[:, None] if one else s
        order = self.tie_order[np.argsort(-s[self.tie_order], axis=0, kind="stable")]
        ranks = np.zeros(s.shape, dtype=np.int64)
        cols = np.arange(s.shape[1])
        ranks[order, cols] = np.arange(1, s.shape[0] + 1)[:, None]
        ranks[np.isnan(s)] = 0
        return ranks[:, 0] if one else ranks


def village_codes(indicators: pd.DataFrame) -> pd.Series:
    """The ``village_code`` column, or the index when it is named ``village_code``."""
    if "village_code" in indicators.columns:
        return indicators["village_code"].astype("string")
    if indicators.index.name == "village_code":
        return pd.Series(indicators.index, index=indicators.index, dtype="string")
    raise GeoInputError("err.score_no_code", source="village_code")


def prepare_scores(indicators: pd.DataFrame, config: RankConfig) -> ScoreInputs:
    """Normalise the configured indicator columns once (see the module notes).

    Statistics (min, max, mean, median, percentiles) are taken over the eligible villages only,
    so villages without households neither get a score nor stretch the scale.
    """
    missing = [s.column for s in config.indicators if s.column not in indicators.columns]
    if missing:
        raise GeoInputError("err.score_missing", source=", ".join(missing), columns=str(missing))
    codes = village_codes(indicators)
    n = len(indicators)
    if "households" in indicators.columns and not config.rank_empty_villages:
        eligible = _numeric(indicators["households"]) > 0
    else:
        eligible = np.ones(n, dtype=bool)

    k = len(config.indicators)
    normalised = np.zeros((n, k))
    present = np.ones((n, k), dtype=bool)
    for j, spec in enumerate(config.indicators):
        normalised[:, j], present[:, j] = _normalise(_numeric(indicators[spec.column]),
                                                     eligible, spec)

    size = (_numeric(indicators["desil1_households"]) if "desil1_households" in indicators.columns
            else np.zeros(n))
    code_rank = np.empty(n, dtype=np.int64)
    code_rank[codes.fillna("").argsort().to_numpy()] = np.arange(n)
    tie_order = np.lexsort((code_rank, -np.nan_to_num(size)))
    weights = np.array([s.weight for s in config.indicators], dtype=float)
    return ScoreInputs(tuple(s.column for s in config.indicators), normalised, present,
                       eligible, tie_order, weights / weights.sum(), _key(config))


def _key(config: RankConfig) -> tuple:
    specs = tuple((s.column, s.direction, s.normalisation, s.missing) for s in config.indicators)
    return specs + (config.rank_empty_villages,)


def score_villages(indicators: pd.DataFrame, config: RankConfig, *,
                   prepared: ScoreInputs | None = None) -> pd.DataFrame:
    """Add ``score`` (0–100), ``rank`` (1 = top priority) and ``why_<column>`` points.

    Parameters
    ----------
    indicators : one row per village (``village_code`` column or index) with the indicator
        columns named in ``config``.
    config : :class:`geo.config.RankConfig`
    prepared : optional :func:`prepare_scores` result for the same ``indicators``; when only the
        weights changed since (a slider), it skips the normalisation. Ignored if the config's
        columns, directions, normalisations or missing rules differ from those it was made with.

    Returns
    -------
    DataFrame
        A copy of ``indicators`` in the same row order with the new columns. ``rank`` is
        ``Int64``: ``<NA>`` for villages without households (unless
        ``[scoring] rank_empty_villages = true``) and for villages whose every indicator is
        missing with ``missing = "exclude"``; their ``score`` and ``why_*`` are NaN.
        Ties in score go to more desil-1 households, then to the lower village_code.
    """
    reusable = prepared is not None and prepared.key == _key(config) \
        and len(prepared.eligible) == len(indicators)
    if reusable:
        inputs = prepared
    else:
        inputs = prepare_scores(indicators, config)
    points = inputs.points(np.array([s.weight for s in config.indicators], dtype=float))
    score = points.sum(axis=1)
    ranks = inputs.ranks(score)
    rank = pd.array(ranks, dtype="Int64")
    rank[ranks == 0] = pd.NA
    new = pd.DataFrame({"score": score, "rank": rank,
                        **{f"why_{c}": points[:, j] for j, c in enumerate(inputs.columns)}},
                       index=indicators.index)
    stale = [c for c in indicators.columns if c in new.columns or str(c).startswith("why_")]
    return pd.concat([indicators.drop(columns=stale), new], axis=1)


def explain(scored: pd.DataFrame, village_code: str, config: RankConfig) -> list[Contribution]:
    """Why a village has its score: one :class:`Contribution` per indicator, largest first.

    ``scored`` must be the whole table returned by :func:`score_villages` (the normalisation
    depends on all villages). ``points`` add up to the village's ``score``; they are NaN for a
    village that is not ranked. ``weight`` is the effective share of the score (with
    ``missing = "exclude"`` a missing indicator's weight goes to the village's other ones).
    ``config`` is the one used for scoring (``AnalysisResult.method.config`` as a
    ``RankConfig``).
    """
    codes = village_codes(scored)
    hits = np.flatnonzero((codes == village_code).fillna(False).to_numpy(dtype=bool))
    if len(hits) == 0:
        raise GeoInputError("err.score_unknown_village", source="village_code",
                            code=str(village_code))
    inputs = prepare_scores(scored, config)
    i = hits[0]
    points = inputs.points()[i]
    effective = inputs.present[i] * inputs.weights
    effective = effective / effective.sum() if effective.sum() > 0 else effective
    rows = [
        Contribution(column, float(_numeric(scored[column])[i]),
                     float(inputs.normalised[i, j]) if inputs.present[i, j] else float("nan"),
                     float(effective[j]), float(points[j]))
        for j, column in enumerate(inputs.columns)
    ]
    return sorted(rows, key=lambda r: (-np.nan_to_num(r.points, nan=-1.0), r.indicator))


def _numeric(values: pd.Series) -> np.ndarray:
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _normalise(x: np.ndarray, eligible: np.ndarray, spec) -> tuple[np.ndarray, np.ndarray]:
    """0..1 "badness" of one indicator, and where it is present (see ``docs/ranking.md``)."""
    missing = np.isnan(x)
    pool = eligible & ~missing
    if spec.missing == "zero":
        x = np.where(missing, 0.0, x)
        pool = eligible
    elif spec.missing == "median":
        x = np.where(missing, np.median(x[pool]) if pool.any() else 0.0, x)
        pool = eligible
    values = x[pool]
    out = np.zeros_like(x)
    if values.size and spec.normalisation == "minmax":
        lo, hi = values.min(), values.max()
        out = (x - lo) / (hi - lo) if hi > lo else np.zeros_like(x)
    elif values.size and spec.normalisation == "zscore":
        sd = values.std()
        z = (x - values.mean()) / sd if sd > 0 else np.full_like(x, -ZSCORE_CLIP)
        out = (np.clip(z, -ZSCORE_CLIP, ZSCORE_CLIP) + ZSCORE_CLIP) / (2 * ZSCORE_CLIP)
    elif values.size and spec.normalisation == "percentile":
        ranks = pd.Series(x[pool]).rank(method="average").to_numpy()
        out = np.zeros_like(x)
        out[pool] = (ranks - 1) / (len(ranks) - 1) if len(ranks) > 1 else 0.0
        # ineligible villages (not scored anyway) get the share of the pool they exceed
        rest = ~pool & ~np.isnan(x)
        if rest.any():
            below = np.searchsorted(np.sort(values), x[rest], side="left")
            out[rest] = below / max(len(values) - 1, 1)
    out = np.clip(out, 0.0, 1.0)
    if spec.direction == "higher_is_better":
        out = 1.0 - out
    present = np.ones(len(x), dtype=bool)
    if spec.missing == "worst":
        out = np.where(missing, 1.0, out)
    elif spec.missing == "exclude":
        out = np.where(missing, 0.0, out)
        present = ~missing
    return np.nan_to_num(out), present
