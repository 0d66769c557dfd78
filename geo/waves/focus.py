"""Did the focus villages move differently from similar villages that were not chosen?

**The stated comparison.** Villages with a desil-1 share in both the first and the last wave
are put into baseline quintiles: ranked by their first-wave share (ties by code order) and cut
into five groups of (nearly) equal size. Each focus village is compared with the villages *not
chosen* in its own quintile: ``difference`` is the mean, over the focus villages, of (the
village's change - the mean change of the not-chosen villages of its quintile), in percentage
points. Negative: the focus villages' desil-1 share fell more (or rose less) than that of
similar villages. A focus village whose quintile has no village not chosen cannot be compared
(``unmatched``); ``focus_change_pp`` and ``similar_change_pp`` are the means over the compared
focus villages and over their quintiles' not-chosen means, so their difference is
``difference_pp``. This is a description, not an estimate of a programme's effect: the villages
were chosen *because* of their figures, and five groups control for the baseline only.

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

QUANTILES = 5


@dataclass(frozen=True)
class FocusComparison:
    """See the module notes. ``villages``: ``village_code``, ``baseline_share`` (0–1),
    ``quintile`` (1 = lowest baseline), ``change_pp``, ``in_focus``; ``groups``: per quintile
    ``quintile``, ``focus``, ``focus_change_pp``, ``others``, ``others_change_pp``."""

    villages: pd.DataFrame
    groups: pd.DataFrame
    focus: int
    compared: int
    unmatched: int
    focus_change_pp: float
    similar_change_pp: float
    difference_pp: float

    def to_dict(self) -> dict:
        return {"focus": self.focus, "compared": self.compared, "unmatched": self.unmatched,
                "focus_change_pp": _none(self.focus_change_pp),
                "similar_change_pp": _none(self.similar_change_pp),
                "difference_pp": _none(self.difference_pp),
                "groups": [{k: _none(v) for k, v in row.items()}
                           for row in self.groups.to_dict("records")],
                "rule": "focus villages against villages not chosen in the same quintile of "
                        "the first wave's desil-1 share; mean of the per-village differences"}


def _none(value):
    if isinstance(value, (float, np.floating)) and not np.isfinite(value):
        return None
    return value.item() if isinstance(value, np.generic) else value


def focus_vs_similar(change: pd.DataFrame, focus_codes, *,
                     quantiles: int = QUANTILES) -> FocusComparison:
    """The comparison of the module notes over :func:`geo.waves.change.village_change`'s table."""
    focus_set = {str(c) for c in focus_codes}
    table = change[["village_code", "desil1_share_first", "change_desil1_share"]].copy()
    table["village_code"] = table["village_code"].astype("string")
    table = table.dropna(subset=["desil1_share_first", "change_desil1_share"])
    table = table.sort_values(["desil1_share_first", "village_code"], kind="stable")
    n = len(table)
    groups = min(quantiles, n) if n else 0
    table["quintile"] = (np.arange(n) * groups // n + 1) if n else []
    table["in_focus"] = table["village_code"].isin(focus_set)
    villages = table.rename(columns={"desil1_share_first": "baseline_share",
                                     "change_desil1_share": "change_pp"}).reset_index(drop=True)
    rows, diffs = [], []
    for q in range(1, groups + 1):
        part = villages[villages["quintile"] == q]
        chosen, others = part[part["in_focus"]], part[~part["in_focus"]]
        others_mean = float(others["change_pp"].mean()) if len(others) else np.nan
        rows.append({"quintile": q, "focus": len(chosen),
                     "focus_change_pp": float(chosen["change_pp"].mean()) if len(chosen) else np.nan,
                     "others": len(others), "others_change_pp": others_mean})
        if len(others):
            diffs.extend((chosen["change_pp"] - others_mean).tolist())
    chosen = villages[villages["in_focus"]]
    matched = villages[villages["in_focus"] & villages["quintile"].isin(
        [r["quintile"] for r in rows if r["others"]])]
    similar = [r["others_change_pp"] for r in rows for _ in range(r["focus"]) if r["others"]]
    return FocusComparison(
        villages=villages, groups=pd.DataFrame(rows, columns=["quintile", "focus", "focus_change_pp",
                                                              "others", "others_change_pp"]),
        focus=len(chosen), compared=len(matched), unmatched=len(chosen) - len(matched),
        focus_change_pp=float(matched["change_pp"].mean()) if len(matched) else np.nan,
        similar_change_pp=float(np.mean(similar)) if similar else np.nan,
        difference_pp=float(np.mean(diffs)) if diffs else np.nan)


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
