"""How much does the focus list hinge on the weights? Perturb them many times and see.

Each draw multiplies every indicator weight by a factor drawn uniformly in
``[1 - spread, 1 + spread]`` and renormalises the weights to sum 1. The normalised indicator
matrix does not change with the weights (:func:`geo.scoring.prepare_scores`), so all draws are
scored at once as one (villages x indicators) @ (indicators x draws) matrix product, ranked,
and put through the same focus rules as :func:`geo.focus.select_focus`. A village in the list
in (nearly) every draw is a solid choice; one in half the draws is a choice of weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from geo.codes import parent_codes
from geo.config import RankConfig
from geo.focus import SCORE_TOLERANCE, _cover
from geo.scoring import prepare_scores, village_codes

SOLID = 0.9  # share of draws above which a village is "solid in" (below 1 - SOLID: "solid out")


def focus_stability(indicators: pd.DataFrame, config: RankConfig, *, draws: int | None = None,
                    spread: float | None = None, seed: int | None = None) -> pd.DataFrame:
    """Share of weight draws in which each village is in the focus list, and its rank range.

    Parameters
    ----------
    indicators : the village indicator table (as for :func:`geo.scoring.score_villages`).
    config : weights, focus rules, and the ``[robustness]`` defaults.
    draws, spread, seed : override ``config.robustness`` (500 draws, +/- 25 %, seed 0).

    Returns
    -------
    DataFrame
        Same rows and index as ``indicators``: ``village_code``, ``rank`` and ``in_focus_list``
        with the configured weights, ``in_focus_share`` (0–1), ``rank_p5``, ``rank_median``,
        ``rank_p95`` over the draws (``<NA>`` for unranked villages), and ``stability``:
        ``solid in`` (share >= 0.9), ``solid out`` (<= 0.1) or ``depends on weights``.

    Notes
    -----
    The rules applied per draw are those of ``[focus]``: top N, score threshold and the best
    village per district depend on the weights; the coverage rule (largest desil-1 counts) and
    pins do not, so villages chosen by them are in every draw. Same seed, same result.
    """
    settings = config.robustness
    draws = settings.draws if draws is None else int(draws)
    spread = settings.spread if spread is None else float(spread)
    seed = settings.seed if seed is None else int(seed)
    inputs = prepare_scores(indicators, config)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, len(inputs.weights)))
    weights = np.vstack([inputs.weights, inputs.weights * factors])  # column 0: as configured
    scores = inputs.scores(weights)
    ranks = inputs.ranks(scores)
    chosen = _focus_matrix(indicators, config, scores, ranks, inputs.eligible)

    share = chosen[:, 1:].mean(axis=1)
    ranked = ranks[:, 0] > 0
    pct = np.full((len(ranks), 3), np.nan)
    if ranked.any():
        pct[ranked] = np.percentile(ranks[ranked, 1:], [5, 50, 95], axis=1,
                                    method="inverted_cdf").T
    out = pd.DataFrame({
        "village_code": village_codes(indicators).to_numpy(),
        "rank": pd.array(np.where(ranked, ranks[:, 0], 0), dtype="Int64"),
        "in_focus_list": chosen[:, 0],
        "in_focus_share": share,
        "rank_p5": pd.array(pct[:, 0], dtype="Float64").astype("Int64"),
        "rank_median": pd.array(pct[:, 1], dtype="Float64").astype("Int64"),
        "rank_p95": pd.array(pct[:, 2], dtype="Float64").astype("Int64"),
        "stability": np.where(share >= SOLID, "solid in",
                              np.where(share <= 1 - SOLID, "solid out", "depends on weights")),
    }, index=indicators.index)
    out.loc[~ranked, "rank"] = pd.NA
    out["village_code"] = out["village_code"].astype("string")
    out["stability"] = out["stability"].astype("string")
    out.attrs["robustness"] = {"draws": draws, "spread": spread, "seed": seed}
    return out


def _focus_matrix(indicators: pd.DataFrame, config: RankConfig, scores: np.ndarray,
                  ranks: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """(villages, draws) bool: in the focus list under ``config.focus`` in each draw."""
    rules = config.focus
    codes = village_codes(indicators).to_numpy(dtype=object, na_value=None)
    pinned_in = np.isin(codes, [p.village_code for p in rules.pins if p.action == "in"])
    pinned_out = np.isin(codes, [p.village_code for p in rules.pins if p.action == "out"])
    ranked = ranks > 0
    candidate = ranked & ~pinned_out[:, None]
    chosen = np.zeros(ranks.shape, dtype=bool)
    if rules.top_n:
        chosen |= candidate & (ranks <= rules.top_n)
    if rules.score_threshold is not None:
        with np.errstate(invalid="ignore"):
            chosen |= candidate & (scores >= rules.score_threshold - SCORE_TOLERANCE)
    if rules.cover_extreme_poor is not None and "desil1_households" in indicators.columns:
        count = pd.to_numeric(indicators["desil1_households"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan)
        base_rank = np.where(ranked[:, 0], ranks[:, 0], np.nan)
        chosen |= _cover(count, base_rank, candidate[:, 0], rules.cover_extreme_poor)[:, None]
    chosen |= pinned_in[:, None]
    if rules.min_per_district:
        chosen |= _best_per_district(indicators, codes, ranks, candidate, chosen)
    return chosen & ~pinned_out[:, None]


def _best_per_district(indicators, codes, ranks, candidate, chosen) -> np.ndarray:
    """Per draw, the best-ranked candidate of each district with no village chosen yet."""
    if "district_code" in indicators.columns:
        district = indicators["district_code"].astype("string")
    else:
        district = parent_codes(pd.Series(codes, dtype="string"))["district_code"]
    group, _ = pd.factorize(district.fillna("").to_numpy(dtype=object))
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    big = np.iinfo(np.int64).max
    masked = np.where(candidate, ranks, big)[order]
    best_rank = np.minimum.reduceat(masked, starts, axis=0)
    covered = np.logical_or.reduceat(chosen[order], starts, axis=0)
    group_sorted = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
    best_sorted = (masked == best_rank[group_sorted]) & ~covered[group_sorted] & (masked != big)
    best = np.empty_like(best_sorted)
    best[order] = best_sorted
    return best
