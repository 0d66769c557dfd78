"""How much does the focus list hinge on the weights? Perturb them many times and see.

Each draw multiplies every indicator weight by a factor drawn uniformly in
``[1 - spread, 1 + spread]`` and renormalises the weights to sum 1. The normalised indicator
matrix does not change with the weights (:func:`geo.ranking.scoring.prepare_scores`), so all draws are
scored at once as one (villages x indicators) @ (indicators x draws) matrix product, ranked,
and put through the same focus rules as :func:`geo.ranking.focus.select_focus`. A village in the list
in (nearly) every draw is a solid choice; one in half the draws is a choice of weights.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from geo.config import RankConfig
from geo.common.errors import GeoInputError
from geo.ranking.focus import district_keys, pick_focus, pin_masks
from geo.ranking.scoring import prepare_scores, village_codes

#: In the list in at least this share of draws: "solid in"; out of it in at least this share:
#: "solid out". A fraction, compared in whole draws, so 1 of 10 draws is exactly 10 %.
SOLID = Fraction(9, 10)


def focus_stability(indicators: pd.DataFrame, config: RankConfig, *, draws: int | None = None,
                    spread: float | None = None, seed: int | None = None) -> pd.DataFrame:
    """Share of weight draws in which each village is in the focus list, and its rank range.

    Parameters
    ----------
    indicators : the village indicator table (as for :func:`geo.ranking.scoring.score_villages`).
    config : weights, focus rules, and the ``[robustness]`` defaults.
    draws, spread, seed : override ``config.robustness`` (500 draws, +/- 25 %, seed 0);
        without overrides the settings used are ``config.robustness``.

    Returns
    -------
    DataFrame
        Same rows and index as ``indicators``: ``village_code``, ``rank`` and ``in_focus_list``
        with the configured weights, ``in_focus_share`` (0–1), ``rank_p5``, ``rank_median``,
        ``rank_p95`` over the draws (``<NA>`` for unranked villages), and ``stability``:
        ``solid in`` (share >= 0.9), ``solid out`` (<= 0.1) or ``depends on weights``.

    Notes
    -----
    Each draw goes through :func:`geo.ranking.focus.pick_focus`, the very rules of
    :func:`geo.ranking.focus.select_focus`: pinned-out villages are set aside first (top N counts the
    villages after them), then top N, score threshold and the best village per district,
    which depend on the weights; the coverage rule (largest desil-1 counts) and pins do not,
    except for which of the villages tied at the coverage cut go in. Same seed, same result.
    """
    settings = config.robustness
    draws = settings.draws if draws is None else int(draws)
    spread = settings.spread if spread is None else float(spread)
    seed = settings.seed if seed is None else int(seed)
    if draws < 1 or not 0 <= spread < 1:
        raise GeoInputError("err.robust_settings", source="robustness", draws=str(draws),
                            spread=str(spread))
    inputs = prepare_scores(indicators, config)
    rng = np.random.default_rng(seed)
    factors = rng.uniform(1.0 - spread, 1.0 + spread, size=(draws, len(inputs.weights)))
    weights = np.vstack([inputs.weights, inputs.weights * factors])  # column 0: as configured
    scores = inputs.scores(weights)
    ranks = inputs.ranks(scores)
    chosen = _focus_matrix(indicators, config, scores, ranks)

    in_draws = chosen[:, 1:].sum(axis=1)
    share = in_draws / draws
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
        "stability": stability_labels(in_draws, draws),
    }, index=indicators.index)
    out.loc[~ranked, "rank"] = pd.NA
    out["village_code"] = out["village_code"].astype("string")
    out["stability"] = out["stability"].astype("string")
    return out


def stability_labels(in_draws: np.ndarray, draws: int) -> np.ndarray:
    """``solid in`` (in the list in >= 90 % of draws), ``solid out`` (<= 10 %) or
    ``depends on weights``, counted in whole draws so that the 10 % boundary is exact."""
    in_draws = np.asarray(in_draws, dtype=np.int64)
    solid_in = in_draws * SOLID.denominator >= SOLID.numerator * draws
    solid_out = (draws - in_draws) * SOLID.denominator >= SOLID.numerator * draws
    return np.where(solid_in, "solid in", np.where(solid_out, "solid out", "depends on weights"))


def _focus_matrix(indicators: pd.DataFrame, config: RankConfig, scores: np.ndarray,
                  ranks: np.ndarray) -> np.ndarray:
    """(villages, draws) bool: in the focus list under ``config.focus`` in each draw."""
    rules = config.focus
    codes = village_codes(indicators).to_numpy(dtype=object, na_value=None)
    pinned_in, pinned_out = pin_masks(codes, rules)
    count = np.zeros(len(codes))
    if rules.cover_extreme_poor is not None:
        if "desil1_households" not in indicators.columns:
            raise GeoInputError("err.robust_no_count", source="desil1_households")
        count = pd.to_numeric(indicators["desil1_households"], errors="coerce").to_numpy(
            dtype=float, na_value=np.nan)
    _, chosen = pick_focus(rules, ranks, scores, count, district_keys(indicators, codes),
                           pinned_in, pinned_out)
    return chosen
