"""Did the focus villages move differently from similar villages that were not chosen?

**The stated comparison.** Over the villages with a desil-1 share in both the first and the last
wave, each focus village is matched with the :data:`NEAREST` villages *not chosen* whose
first-wave share is nearest to its own (absolute difference, rounded to 1e-9; ties by village
code). ``difference_pp`` is the mean, over the focus villages, of (the village's change - the
mean change of its matched villages), in percentage points; ``focus_change_pp`` and
``similar_change_pp`` are the two means, so their difference is ``difference_pp``. Negative:
the focus villages' desil-1 share fell more (or rose less) than that of similar villages.
``baseline_gap_pp`` (mean first-wave share of the focus villages minus that of their matches)
says how similar the matches are: the focus list is usually the villages with the highest
shares, so their nearest not-chosen villages start lower, and a high share tends to fall back
(regression to the mean). Quintiles were tried first and fail for exactly that reason: the
top quintile *is* the focus list. This is a description, not an estimate of a programme's
effect. A focus village without data in both waves is left out (``unmatched``).

**Persisted pockets**: villages that are a pocket (LISA high-high, ``HH``, of the desil-1
share, :func:`geo.spatial.pockets.find_pockets`) in the first *and* the last wave; ``new``
only in the last, ``gone`` only in the first.

**Focus list against last year's**: :func:`focus_against_decision` compares this year's list
with the newest saved decision (:func:`geo.decisions.history.compare`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.decisions.history import Comparison, compare

__all__ = ["FocusComparison", "PersistedPockets", "focus_against_decision", "focus_vs_similar",
           "latest_decision", "persisted_pockets"]

NEAREST = 3


@dataclass(frozen=True)
class FocusComparison:
    """See the module notes. ``villages``: one row per compared focus village:
    ``village_code``, ``baseline_share`` (0–1), ``change_pp``, ``similar`` (the matched codes,
    comma-separated), ``similar_baseline_share``, ``similar_change_pp``, ``difference_pp``."""

    villages: pd.DataFrame
    focus: int
    compared: int
    unmatched: int
    focus_change_pp: float
    similar_change_pp: float
    difference_pp: float
    baseline_gap_pp: float
    nearest: int = NEAREST

    def to_dict(self) -> dict:
        return {"focus": self.focus, "compared": self.compared, "unmatched": self.unmatched,
                "nearest": self.nearest,
                "focus_change_pp": _none(self.focus_change_pp),
                "similar_change_pp": _none(self.similar_change_pp),
                "difference_pp": _none(self.difference_pp),
                "baseline_gap_pp": _none(self.baseline_gap_pp),
                "villages": [{k: _none(v) for k, v in row.items()}
                             for row in self.villages.to_dict("records")],
                "rule": f"each focus village against the {self.nearest} villages not chosen with "
                        "the nearest first-wave desil-1 share; mean of the differences"}


def _none(value):
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def focus_vs_similar(change: pd.DataFrame, focus_codes, *,
                     nearest: int = NEAREST) -> FocusComparison:
    """The comparison of the module notes over :func:`geo.waves.change.village_change`'s table."""
    focus_list = list(dict.fromkeys(str(c) for c in focus_codes))
    table = change[["village_code", "desil1_share_first", "change_desil1_share"]].copy()
    table["village_code"] = table["village_code"].astype(str)
    table = table.dropna(subset=["desil1_share_first", "change_desil1_share"])
    table = table.sort_values("village_code", kind="stable").reset_index(drop=True)
    chosen = table["village_code"].isin(set(focus_list)).to_numpy()
    pool = table[~chosen]
    base = pool["desil1_share_first"].to_numpy(dtype=float)
    moved = pool["change_desil1_share"].to_numpy(dtype=float)
    codes = pool["village_code"].to_numpy()
    by_code = table.set_index("village_code")
    rows = []
    for code in focus_list:
        if code not in by_code.index or not len(pool):
            continue
        own, own_change = (float(v) for v in by_code.loc[code, ["desil1_share_first",
                                                                "change_desil1_share"]])
        distance = np.round(np.abs(base - own), 9)
        pick = np.lexsort((codes, distance))[:nearest]  # pool is in code order: ties by code
        similar = float(moved[pick].mean())
        rows.append({"village_code": code, "baseline_share": own, "change_pp": own_change,
                     "similar": ", ".join(codes[pick]),
                     "similar_baseline_share": float(base[pick].mean()),
                     "similar_change_pp": similar, "difference_pp": own_change - similar})
    villages = pd.DataFrame(rows, columns=["village_code", "baseline_share", "change_pp",
                                           "similar", "similar_baseline_share",
                                           "similar_change_pp", "difference_pp"])

    def mean(column, scale=1.0):
        return float(villages[column].mean()) * scale if len(villages) else np.nan

    return FocusComparison(
        villages=villages, focus=len(focus_list), compared=len(villages),
        unmatched=len(focus_list) - len(villages), focus_change_pp=mean("change_pp"),
        similar_change_pp=mean("similar_change_pp"), difference_pp=mean("difference_pp"),
        baseline_gap_pp=(mean("baseline_share") - mean("similar_baseline_share")) * 100
        if len(villages) else np.nan, nearest=nearest)


@dataclass(frozen=True)
class PersistedPockets:
    """Pocket (``HH``) villages of the first and the last wave: ``persisted`` in both, ``new``
    in the last only, ``gone`` in the first only (codes, layer order)."""

    first: str
    last: str
    persisted: tuple[str, ...]
    new: tuple[str, ...]
    gone: tuple[str, ...]

    def to_dict(self) -> dict:
        return {"first": self.first, "last": self.last, "persisted": list(self.persisted),
                "new": list(self.new), "gone": list(self.gone)}


def persisted_pockets(villages, table: pd.DataFrame, first: str, last: str, *,
                      permutations: int = 999, seed: int = 12345, alpha: float = 0.05,
                      pockets_first: pd.Series | None = None,
                      pockets_last: pd.Series | None = None) -> PersistedPockets:
    """Pockets of the desil-1 share in waves ``first`` and ``last`` and which persisted.

    ``villages``: the layer (polygons, ``village_code``); ``table``: the waves' village table.
    ``pockets_first`` / ``pockets_last``: pocket labels by village code when already known
    (tests); else :func:`geo.spatial.pockets.find_pockets` with these settings, per wave.
    """
    from geo.spatial.pockets import find_pockets

    codes = villages["village_code"].astype("string")
    by_code = table.set_index(table["village_code"].astype("string"))

    def labels(wave, given):
        if given is not None:
            return pd.Series(given).reindex(codes.to_numpy())
        values = pd.to_numeric(by_code[f"desil1_share_{wave}"], errors="coerce")
        found = find_pockets(villages, values, permutations=permutations, seed=seed, alpha=alpha)
        return pd.Series(found.table["pocket"].to_numpy(), index=found.table["village_code"]
                         .astype("string").to_numpy()).reindex(codes.to_numpy())

    a = (labels(first, pockets_first) == "HH").fillna(False).to_numpy(dtype=bool)
    b = (labels(last, pockets_last) == "HH").fillna(False).to_numpy(dtype=bool)
    names = codes.to_numpy()
    return PersistedPockets(first, last, tuple(str(c) for c in names[a & b]),
                            tuple(str(c) for c in names[b & ~a]),
                            tuple(str(c) for c in names[a & ~b]))


def latest_decision(store):
    """The newest saved decision of a :class:`geo.decisions.store.DecisionStore`, or None."""
    listing = store.list()
    return None if listing.empty else store.load(int(listing["id"].iloc[-1]))


def focus_against_decision(previous, current: pd.DataFrame) -> Comparison | None:
    """This year's focus list (``village_code``, ``rank``) against the saved decision
    ``previous`` (None: nothing saved yet, nothing to compare)."""
    return None if previous is None else compare(previous, current)
