"""The focus list (*lokus*): which ranked villages get next year's programmes, and why.

Rules (``[focus]`` in the config, :class:`geo.config.FocusRules`) are combined with OR: a
village enters when any active rule picks it, and its ``focus_reason`` names every rule that
did. Pins, set by a person with a reason, override the rules: a village pinned out never
appears, a village pinned in always does.

Quadrants follow the TKPK poverty profiles: the number of desil-1 households (count) against
their share of the village's households (rate), each split at the median of the villages with
households (or at the mean, ``quadrant_split = "mean"``); "high" means strictly above the
split. ``high-high`` villages (many poor, high rate) come first.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from geo.codes import parent_codes
from geo.config import FocusRules, RankConfig
from geo.errors import GeoInputError
from geo.scoring import village_codes

SCORE_TOLERANCE = 1e-9  # a score shown as 75.0 meets a threshold of 75 despite float rounding
QUADRANTS = ("high-high", "high-low", "low-high", "low-low")  # count-rate, in priority order


def select_focus(scored: pd.DataFrame, rules: FocusRules | RankConfig, *,
                 previous: Iterable[str] | None = None) -> pd.DataFrame:
    """Add ``in_focus_list``, ``focus_reason`` and ``quadrant`` to a scored village table.

    Parameters
    ----------
    scored : output of :func:`geo.scoring.score_villages` (``village_code``, ``rank``,
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
        pinned in. The quadrant split values are in ``attrs["quadrant_split"]``.

    Raises
    ------
    GeoInputError
        When a pin names a village that is not in the table.

    Notes
    -----
    ``cover_extreme_poor = x`` takes villages by number of desil-1 households, largest first,
    until they hold ``x`` of all desil-1 households. Each village's count adds independently,
    so largest-first reaches any total with the fewest villages: this greedy choice is the exact
    minimum-cardinality solution, not an approximation. Pinned-out villages are skipped (the
    share is still of *all* desil-1 households); if the target cannot be reached every village
    with desil-1 households is taken.
    """
    if isinstance(rules, RankConfig):
        rules = rules.focus
    for column in ("rank", "score"):
        if column not in scored.columns:
            raise GeoInputError(f"the table has no {column!r} column: score the villages first",
                                source=column)
    codes = village_codes(scored).to_numpy(dtype=object, na_value=None)
    n = len(scored)
    rank = scored["rank"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    score = scored["score"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    count = _column(scored, "desil1_households")
    rate = _column(scored, "desil1_share")

    known = set(codes)
    unknown = [p.village_code for p in rules.pins if p.village_code not in known]
    if unknown:
        raise GeoInputError(f"pinned village(s) {', '.join(unknown)} are not in the village layer; "
                            "check the codes in [[focus.pins]]", source="pins")
    pin_in = {p.village_code: p for p in rules.pins if p.action == "in"}
    pin_out = {p.village_code: p for p in rules.pins if p.action == "out"}
    is_in = np.isin(codes, list(pin_in))
    is_out = np.isin(codes, list(pin_out))
    candidate = ~np.isnan(rank) & ~is_out

    reasons: list[tuple[np.ndarray, object]] = []
    if rules.top_n:
        reasons.append((candidate & (rank <= rules.top_n), f"top {rules.top_n}"))
    if rules.score_threshold is not None:
        reasons.append((candidate & (score >= rules.score_threshold - SCORE_TOLERANCE),
                        f"score at least {rules.score_threshold:g}"))
    if rules.cover_extreme_poor is not None:
        reasons.append((_cover(count, rank, candidate, rules.cover_extreme_poor),
                        f"covers {rules.cover_extreme_poor:.0%} of extreme poor"))
    chosen = is_in.copy()
    for picked, _ in reasons:
        chosen |= picked
    if rules.min_per_district:
        best, names = _best_per_district(scored, codes, rank, candidate, chosen)
        reasons.append((best, names))
        chosen |= best
    chosen &= ~is_out

    reason = np.full(n, "", dtype=object)
    for picked, text in reasons:
        reason = _append(reason, picked, text)
    for code, pin in pin_in.items():
        reason = _append(reason, codes == code, f"pinned in: {pin.reason} (by {pin.by})")
    for code, pin in pin_out.items():
        reason[codes == code] = f"pinned out: {pin.reason} (by {pin.by})"
    out = scored.copy(deep=False)
    out["in_focus_list"] = chosen
    out["focus_reason"] = pd.array(np.where(reason == "", None, reason), dtype="string")
    quadrant, split = _quadrants(count, rate, rules.quadrant_split)
    out["quadrant"] = pd.array(quadrant, dtype="string")
    if previous is not None:
        prev = np.isin(codes, list(previous))
        status = np.select([chosen & prev, chosen & ~prev, ~chosen & prev],
                           ["stayed", "entered", "left"], default=None)
        out["vs_previous"] = pd.array(status, dtype="string")
    out.attrs = {**scored.attrs, "quadrant_split": split}
    order = np.lexsort((np.nan_to_num(rank, nan=np.inf),
                        np.where(chosen, _quadrant_order(quadrant), 0), ~chosen))
    return out.iloc[order]


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
        raise GeoInputError(f"the table has no {name!r} column, needed for the focus rules",
                            source=name)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _cover(count: np.ndarray, rank: np.ndarray, candidate: np.ndarray, share: float) -> np.ndarray:
    """Fewest candidate villages holding ``share`` of all desil-1 households (largest first)."""
    counts = np.nan_to_num(count)
    target = share * counts.sum()
    pool = np.flatnonzero(candidate & (counts > 0))
    pool = pool[np.lexsort((np.nan_to_num(rank[pool], nan=np.inf), -counts[pool]))]
    cumulative = np.cumsum(counts[pool])
    needed = int(np.searchsorted(cumulative, target - 1e-9, side="left")) + 1
    picked = np.zeros(len(count), dtype=bool)
    picked[pool[:needed]] = True
    return picked


def _best_per_district(scored, codes, rank, candidate, chosen) -> tuple[np.ndarray, np.ndarray]:
    """Best-ranked candidate of every district that has no village in the list yet."""
    if "district_code" in scored.columns:
        district = scored["district_code"].astype("string")
    else:
        district = parent_codes(pd.Series(codes, dtype="string"))["district_code"]
    district = district.fillna("").to_numpy(dtype=object)
    name = (scored["district_name"].astype("string").fillna("").to_numpy(dtype=object)
            if "district_name" in scored.columns else np.full(len(codes), "", dtype=object))
    frame = pd.DataFrame({"district": district, "rank": np.where(candidate, rank, np.nan),
                          "chosen": chosen})
    covered = frame.groupby("district")["chosen"].transform("any").to_numpy(dtype=bool)
    best_rank = frame.groupby("district")["rank"].transform("min").to_numpy(dtype=float)
    best = candidate & ~covered & (rank == best_rank)
    label = np.where(name != "", name, district)
    return best, np.array([f"best in district {x}" for x in label], dtype=object)


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
