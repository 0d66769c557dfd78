"""The focus list (*lokus*): which ranked villages get next year's programmes, and why.

Rules (``[focus]`` in the config, :class:`geo.config.FocusRules`) are combined with OR: a
village enters when any active rule picks it, and its ``focus_reason`` names every rule that
did. Pins, set by a person with a reason, override the rules: a village pinned out never
appears, a village pinned in always does. Pinned-out villages are set aside *before* the rules
are applied, so "top 10" means the ten best-ranked villages after those exclusions (what a TKPK
expects when it takes out a village already funded elsewhere: the next one moves up).

``focus_reason`` holds the reasons as message codes with their parameters
(:mod:`geo.common.messages`, e.g. ``focus.top_n{"n": 10}; focus.best_in_district{"district":
"Klojen"}``), shown in the reader's language by :func:`geo.i18n.labels.focus_reason_text`.

Quadrants follow the TKPK poverty profiles: the number of desil-1 households (count) against
their share of the village's households (rate), each split at the median of the villages with
households (or at the mean, ``quadrant_split = "mean"``); "high" means strictly above the
split. ``high-high`` villages (many poor, high rate) come first.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.common.codes import parent_codes
from geo.config import FocusRules, RankConfig
from geo.common.errors import GeoInputError
from geo.common.messages import encode, encode_rows
from geo.ranking.scoring import village_codes

SCORE_TOLERANCE = 1e-9  # a score shown as 75.0 meets a threshold of 75 despite float rounding
QUADRANTS = ("high-high", "high-low", "low-high", "low-low")  # count-rate, in priority order


def select_focus(scored: pd.DataFrame, rules: FocusRules | RankConfig, *,
                 previous: Iterable[str] | None = None) -> pd.DataFrame:
    """Add ``in_focus_list``, ``focus_reason`` and ``quadrant`` to a scored village table.

    Parameters
    ----------
    scored : output of :func:`geo.ranking.scoring.score_villages` (``village_code``, ``rank``,
        ``score``, ``desil1_households``, ``desil1_share``; ``district_code`` /
        ``district_name`` are used when present, else the district comes from the code).
    rules : the ``[focus]`` rules, or a whole :class:`RankConfig`.
    previous : village codes of last year's list; adds ``vs_previous`` (entered / stayed /
        left, ``<NA>`` for villages in neither list).

    Returns
    -------
    DataFrame
        A copy ordered with the focus list first, by quadrant (high-high first) then rank;
        the other villages follow by rank. Unranked villages (no households) enter only when
        pinned in. The quadrant split values are given by :func:`quadrant_split`.

    Raises
    ------
    GeoInputError
        When a pin names a village that is not in the table.

    Notes
    -----
    Pinned-out villages are removed before any rule: ``top_n = 10`` lists the ten best-ranked
    villages that are not pinned out (pinned-in villages come on top of them).
    ``cover_extreme_poor = x`` takes villages by number of desil-1 households, largest first,
    until they hold ``x`` of all desil-1 households. Each village's count adds independently,
    so largest-first reaches any total with the fewest villages: this greedy choice is the exact
    minimum-cardinality solution, not an approximation; ties at the cut go to the better rank.
    Pinned-out villages are skipped (the share is still of *all* desil-1 households); if the
    target cannot be reached every village with desil-1 households is taken.
    """
    if isinstance(rules, RankConfig):
        rules = rules.focus
    for column in ("rank", "score"):
        if column not in scored.columns:
            raise GeoInputError("err.focus_not_scored", source=column, column=column)
    codes = village_codes(scored).to_numpy(dtype=object, na_value=None)
    n = len(scored)
    rank = scored["rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    score = scored["score"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    count = _column(scored, "desil1_households")
    rate = _column(scored, "desil1_share")

    pinned_in, pinned_out = pin_masks(codes, rules)
    picks, chosen = pick_focus(rules, np.nan_to_num(rank, nan=0).astype(np.int64)[:, None],
                               score[:, None], count, district_keys(scored, codes),
                               pinned_in, pinned_out)
    chosen = chosen[:, 0]

    texts = {"top_n": encode("focus.top_n", n=rules.top_n),
             "score_threshold": encode("focus.score_at_least", score=float(rules.score_threshold))
             if rules.score_threshold is not None else "",
             "cover_extreme_poor": encode("focus.covers_extreme_poor",
                                          percent=round(100 * rules.cover_extreme_poor))
             if rules.cover_extreme_poor is not None else "",
             "min_per_district": _district_labels(scored, codes)}
    reason = np.full(n, "", dtype=object)
    for rule, picked in picks.items():
        reason = _append(reason, picked[:, 0], texts[rule])
    for pin in rules.pins:
        where = codes == pin.village_code
        text = encode(f"focus.pinned_{pin.action}", reason=pin.reason, by=pin.by)
        if pin.action == "in":
            reason = _append(reason, where, text)
        else:
            reason[where] = text
    out = scored.copy(deep=False)
    out["in_focus_list"] = chosen
    out["focus_reason"] = pd.array(np.where(reason == "", None, reason), dtype="string")
    quadrant, _ = _quadrants(count, rate, rules.quadrant_split)
    out["quadrant"] = pd.array(quadrant, dtype="string")
    if previous is not None:
        prev = np.isin(codes, list(previous))
        status = np.select([chosen & prev, chosen & ~prev, ~chosen & prev],
                           ["stayed", "entered", "left"], default=None)
        out["vs_previous"] = pd.array(status, dtype="string")
    order = np.lexsort((np.nan_to_num(rank, nan=np.inf),
                        np.where(chosen, _quadrant_order(quadrant), 0), ~chosen))
    return out.iloc[order]


def pick_focus(rules: FocusRules, rank: np.ndarray, score: np.ndarray, count: np.ndarray,
               district: np.ndarray, pinned_in: np.ndarray, pinned_out: np.ndarray
               ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Apply the focus rules to one or many weight sets at once: the one rule implementation.

    :func:`select_focus` calls it with one column, :func:`geo.ranking.robustness.focus_stability` with
    one column per weight draw, so both always follow the same rules.

    Parameters
    ----------
    rules : the ``[focus]`` rules.
    rank : (villages, draws) int, 1 = top priority, 0 = not ranked.
    score : (villages, draws) float, NaN where not ranked.
    count : (villages,) desil-1 households (NaN counts as 0).
    district : (villages,) district key of each village.
    pinned_in, pinned_out : (villages,) bool, from :func:`pin_masks`.

    Returns
    -------
    picks : active rule name (``top_n``, ``score_threshold``, ``cover_extreme_poor``,
        ``min_per_district``) -> (villages, draws) bool, the villages that rule picked.
    chosen : (villages, draws) bool, the focus list: any rule or pinned in, never pinned out.

    Notes
    -----
    Pinned-out villages are removed *before* the rules: they take no place in the top N
    ("top 10" gives ten villages besides them), do not count towards coverage and do not
    represent their district. Which villages are ranked does not depend on the weights, so
    the coverage rule's pool is the same in every column; only ties at its cut follow the
    rank of each column.
    """
    candidate = (rank > 0) & ~pinned_out[:, None]
    picks: dict[str, np.ndarray] = {}
    if rules.top_n:
        picks["top_n"] = candidate & (_rank_after(rank, pinned_out) <= rules.top_n)
    if rules.score_threshold is not None:
        with np.errstate(invalid="ignore"):
            picks["score_threshold"] = candidate & (
                score >= rules.score_threshold - SCORE_TOLERANCE)
    if rules.cover_extreme_poor is not None:
        picks["cover_extreme_poor"] = _cover(count, rank, candidate[:, 0],
                                             rules.cover_extreme_poor)
    chosen = np.repeat(pinned_in[:, None], rank.shape[1], axis=1)
    for picked in picks.values():
        chosen |= picked
    if rules.min_per_district:
        picks["min_per_district"] = _best_per_district(district, rank, candidate, chosen)
        chosen |= picks["min_per_district"]
    return picks, chosen & ~pinned_out[:, None]


def pin_masks(codes: np.ndarray, rules: FocusRules) -> tuple[np.ndarray, np.ndarray]:
    """``(pinned_in, pinned_out)`` bool per village.

    Raises
    ------
    GeoInputError
        When a pin names a village that is not in the table.
    """
    known = set(codes)
    unknown = [p.village_code for p in rules.pins if p.village_code not in known]
    if unknown:
        raise GeoInputError("err.focus_unknown_pins", source="pins", codes=", ".join(unknown))
    return (np.isin(codes, [p.village_code for p in rules.pins if p.action == "in"]),
            np.isin(codes, [p.village_code for p in rules.pins if p.action == "out"]))


def district_keys(table: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """District of each village: ``district_code`` when present, else from the village code."""
    if "district_code" in table.columns:
        district = table["district_code"].astype("string")
    else:
        district = parent_codes(pd.Series(codes, dtype="string"))["district_code"]
    return district.fillna("").to_numpy(dtype=object)


def compare_lists(current_codes: Iterable[str],
                  previous_codes: Iterable[str]) -> dict[str, list[str]]:
    """``{"entered", "stayed", "left"}`` sorted code lists: this year's list against last year's."""
    current, previous = set(current_codes), set(previous_codes)
    return {"entered": sorted(current - previous), "stayed": sorted(current & previous),
            "left": sorted(previous - current)}


def focus_codes(selected: pd.DataFrame) -> list[str]:
    """Village codes in the focus list, in the table's order."""
    codes = village_codes(selected)
    return codes[selected["in_focus_list"].to_numpy(dtype=bool)].tolist()


def _append(reason: np.ndarray, mask: np.ndarray, text) -> np.ndarray:
    """Add ``text`` (one string or one per row) to the reasons of the rows in ``mask``."""
    add = np.where(mask, text, "").astype(object)
    joined = np.where(reason != "", reason + "; " + add, add)
    return np.where(mask, joined, reason)


def _column(df: pd.DataFrame, name: str) -> np.ndarray:
    if name not in df.columns:
        raise GeoInputError("err.focus_missing_column", source=name, column=name)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _rank_after(rank: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """Rank among the villages not ``excluded``: minus the excluded ones ranked above."""
    shift = np.zeros(rank.shape, dtype=np.int64)
    for row in rank[excluded]:  # one pinned-out village's rank in every column; few pins
        shift += rank > np.where(row > 0, row, np.iinfo(np.int64).max)
    return rank - shift


def _cover(count: np.ndarray, rank: np.ndarray, candidate: np.ndarray,
           share: float) -> np.ndarray:
    """(villages, draws): fewest candidates holding ``share`` of all desil-1 households.

    Largest counts first; the number needed and the villages above the cut do not depend on
    the ranks, only which of the villages tied at the cut count go in (best rank first).
    """
    counts = np.nan_to_num(count)
    picked = np.zeros(rank.shape, dtype=bool)
    pool = np.flatnonzero(candidate & (counts > 0))
    if len(pool) == 0:
        return picked
    ordered = np.sort(counts[pool])[::-1]
    cumulative = np.cumsum(ordered)
    needed = min(int(np.searchsorted(cumulative, share * counts.sum() - 1e-9, side="left")) + 1,
                 len(pool))
    cut = ordered[needed - 1]
    above = pool[counts[pool] > cut]
    tied = pool[counts[pool] == cut]
    picked[above] = True
    best = np.argsort(rank[tied], axis=0, kind="stable")[: needed - len(above)]
    picked[tied[best], np.arange(rank.shape[1])] = True
    return picked


def _best_per_district(district: np.ndarray, rank: np.ndarray, candidate: np.ndarray,
                       chosen: np.ndarray) -> np.ndarray:
    """(villages, draws): best-ranked candidate of each district with no village chosen yet."""
    group, _ = pd.factorize(district)
    order = np.argsort(group, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(group[order]) != 0])
    big = np.iinfo(np.int64).max
    masked = np.where(candidate, rank, big)[order]
    best_rank = np.minimum.reduceat(masked, starts, axis=0)
    covered = np.logical_or.reduceat(chosen[order], starts, axis=0)
    group_sorted = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(order)]))
    best_sorted = (masked == best_rank[group_sorted]) & ~covered[group_sorted] & (masked != big)
    best = np.empty_like(best_sorted)
    best[order] = best_sorted
    return best


def _district_labels(scored: pd.DataFrame, codes: np.ndarray) -> np.ndarray:
    """The reason "best in district <name>" per village (its code when the name is unknown),
    as an encoded message (:mod:`geo.common.messages`)."""
    district = district_keys(scored, codes)
    name = (scored["district_name"].astype("string").fillna("").to_numpy(dtype=object)
            if "district_name" in scored.columns else np.full(len(codes), "", dtype=object))
    label = np.where(name != "", name, district)
    return encode_rows("focus.best_in_district", district=pd.Series(label, dtype="string")
                       ).to_numpy(dtype=object)


def quadrant_split(scored: pd.DataFrame, split: str = "median") -> dict:
    """Where the quadrants are split: ``{"by", "desil1_households", "desil1_share"}``, the
    median (or mean) of the villages that have both values, as :func:`select_focus` uses."""
    count = _column(scored, "desil1_households")
    rate = _column(scored, "desil1_share")
    return _quadrants(count, rate, split)[1]


def _quadrants(count: np.ndarray, rate: np.ndarray, split: str) -> tuple[np.ndarray, dict]:
    valid = ~np.isnan(count) & ~np.isnan(rate)
    stat = np.median if split == "median" else np.mean
    c_split = float(stat(count[valid])) if valid.any() else np.nan
    r_split = float(stat(rate[valid])) if valid.any() else np.nan
    high_c = np.where(count > c_split, "high", "low")
    high_r = np.where(rate > r_split, "high", "low")
    quadrant = np.where(valid, np.char.add(np.char.add(high_c, "-"), high_r).astype(object), None)
    return quadrant, {"by": split, "desil1_households": c_split, "desil1_share": r_split}


def _quadrant_order(quadrant: np.ndarray) -> np.ndarray:
    lookup = {q: i for i, q in enumerate(QUADRANTS)}
    return np.array([lookup.get(q, len(QUADRANTS)) for q in quadrant])
