"""Movement in and out of desil 1 across registry waves (the measurable *kerak kemiskinan*).

Over the households linked in the first and the last wave (``matched``):

- ``stuck_desil1``: desil 1 in every wave the household appears in. With more than two waves a
  household missing from a middle wave is judged on the waves it appears in (it is in the first
  and the last, so on at least two); ``matched_missing_middle`` counts such households;
- ``left_desil1``: desil 1 in the first wave, not in the last;
- ``entered_desil1``: not desil 1 in the first wave, desil 1 in the last.

A household in desil 1 first and last but not in a middle wave (1, 3, 1) is none of the three.
``only_first`` / ``only_last`` are the linkable households of the first / last wave missing
from the other; ``only_middle`` those in neither. ``transition`` is the desil matrix first →
last of the matched households (``transition[first][last]``, keys ``"1"`` … ``"10"``).

Per village: a household that moved village counts in its **last** wave's village for
``stuck_desil1`` and ``entered_desil1`` (where it is poor now) and in its **first** wave's
village for ``left_desil1`` (where it left poverty). ``desil1_share_<LABEL>`` is each wave's
share of desil-1 households among the households placed in the village (all placed rows, as
``geo rank``'s ``desil1_share``; NaN for a village without households in that wave);
``m0_<LABEL>`` is each wave's village M0 (:func:`geo.waves.read.village_m0`; NaN when the
wave has no MPI indicators).

MPI-poor status (:func:`geo.waves.read.mpi_poor`) is followed the same way over the matched
households measured in the first and the last wave (``mpi_matched``): ``stuck_mpi_poor`` (poor
in every wave it appears in and is measured in), ``left_mpi_poor``, ``entered_mpi_poor``, and
``mpi_transition[first][last]`` with keys ``poor`` / ``not_poor``; same village rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.waves.read import Wave

__all__ = ["Waves", "movement"]

DESILS = tuple(range(1, 11))


@dataclass(frozen=True)
class Waves:
    """Region totals, the transition matrix, per-wave accounting and the village table."""

    labels: tuple[str, ...]
    stuck_desil1: int
    left_desil1: int
    entered_desil1: int
    matched: int
    only_first: int
    only_last: int
    only_middle: int
    matched_missing_middle: int
    transition: dict = field(default_factory=dict)
    mpi_matched: int = 0
    stuck_mpi_poor: int = 0
    left_mpi_poor: int = 0
    entered_mpi_poor: int = 0
    mpi_transition: dict = field(default_factory=dict)
    waves: tuple[dict, ...] = ()
    villages: pd.DataFrame = field(default=None, repr=False)

    def to_dict(self) -> dict:
        """The JSON report (no village table, no household key)."""
        return {"labels": list(self.labels), "stuck_desil1": self.stuck_desil1,
                "left_desil1": self.left_desil1, "entered_desil1": self.entered_desil1,
                "matched": self.matched, "only_first": self.only_first,
                "only_last": self.only_last, "only_middle": self.only_middle,
                "matched_missing_middle": self.matched_missing_middle,
                "transition": {a: dict(row) for a, row in self.transition.items()},
                "mpi_matched": self.mpi_matched, "stuck_mpi_poor": self.stuck_mpi_poor,
                "left_mpi_poor": self.left_mpi_poor, "entered_mpi_poor": self.entered_mpi_poor,
                "mpi_transition": {a: dict(row) for a, row in self.mpi_transition.items()},
                "waves": [dict(w) for w in self.waves],
                "rules": {"stuck": "desil 1 in every wave the household appears in",
                          "village_of_stuck_entered": "last wave",
                          "village_of_left": "first wave",
                          "duplicate_keys": "all rows of a key repeated within a wave are "
                                            "left out of linking"}}


def movement(waves: list[Wave], village_codes) -> Waves:
    """Counts of :mod:`this module <geo.waves.movement>` over ``waves`` (oldest first) and the
    village table (one row per code of ``village_codes``, in that order)."""
    if len(waves) < 2:
        raise ValueError("movement needs at least two waves")
    labels = tuple(w.label for w in waves)
    desil = pd.concat([w.linked["desil"].rename(w.label) for w in waves], axis=1)
    first, last = waves[0].label, waves[-1].label
    present = desil.notna()
    in_first, in_last = present[first].to_numpy(), present[last].to_numpy()
    matched = in_first & in_last
    d1 = (desil == 1).fillna(False)
    d1_where_present = (d1 | ~present).all(axis=1).to_numpy()
    stuck = matched & d1_where_present
    d1_first, d1_last = d1[first].to_numpy(), d1[last].to_numpy()
    left = matched & d1_first & ~d1_last
    entered = matched & ~d1_first & d1_last
    missing_middle = matched & ~present.all(axis=1).to_numpy()

    a = desil[first][matched].astype("int64").to_numpy()
    b = desil[last][matched].astype("int64").to_numpy()
    grid = np.zeros((10, 10), dtype=np.int64)
    ok = (a >= 1) & (a <= 10) & (b >= 1) & (b <= 10)
    np.add.at(grid, (a[ok] - 1, b[ok] - 1), 1)
    transition = {str(i): {str(j): int(grid[i - 1, j - 1]) for j in DESILS} for i in DESILS}

    codes = pd.Index(pd.Series(village_codes, dtype="string").to_numpy(), name="village_code")
    v_first = waves[0].linked["village_code"].reindex(desil.index)
    v_last = waves[-1].linked["village_code"].reindex(desil.index)
    poor = pd.concat([w.linked["mpi_poor"].rename(w.label) for w in waves], axis=1)
    poor = poor.reindex(desil.index).astype("boolean")
    measured = poor.notna()
    is_poor = poor.fillna(False).to_numpy(dtype=bool)
    mpi_matched = matched & measured[first].to_numpy() & measured[last].to_numpy()
    p_first, p_last = is_poor[:, 0], is_poor[:, -1]
    stuck_mpi = mpi_matched & (is_poor | ~measured.to_numpy()).all(axis=1)
    left_mpi = mpi_matched & p_first & ~p_last
    entered_mpi = mpi_matched & ~p_first & p_last
    state = {"poor": True, "not_poor": False}
    mpi_transition = {a: {b: int((mpi_matched & (p_first == pa) & (p_last == pb)).sum())
                          for b, pb in state.items()} for a, pa in state.items()}

    table = pd.DataFrame(index=codes)

    def per_village(name, mask, where):
        counts = where[mask].value_counts()
        table[name] = counts.reindex(codes, fill_value=0).astype("int64").to_numpy()

    for name, mask, where in (("stuck_desil1", stuck, v_last), ("left_desil1", left, v_first),
                              ("entered_desil1", entered, v_last)):
        per_village(name, mask, where)
    for w in waves:
        placed = w.placed
        share = (placed["desil"] == 1).astype(float).groupby(placed["village_code"]).mean()
        table[f"desil1_share_{w.label}"] = share.reindex(codes).astype(float).to_numpy()
    for name, mask, where in (("stuck_mpi_poor", stuck_mpi, v_last),
                              ("left_mpi_poor", left_mpi, v_first),
                              ("entered_mpi_poor", entered_mpi, v_last)):
        per_village(name, mask, where)
    for w in waves:  # M0 per wave, after the contract's columns
        m0 = w.m0 if w.m0 is not None else pd.Series(dtype=float)
        table[f"m0_{w.label}"] = m0.reindex(codes).astype(float).to_numpy()
    table = table.reset_index()
    return Waves(labels=labels, stuck_desil1=int(stuck.sum()), left_desil1=int(left.sum()),
                 entered_desil1=int(entered.sum()), matched=int(matched.sum()),
                 only_first=int((in_first & ~in_last).sum()),
                 only_last=int((in_last & ~in_first).sum()),
                 only_middle=int((~in_first & ~in_last).sum()),
                 matched_missing_middle=int(missing_middle.sum()), transition=transition,
                 mpi_matched=int(mpi_matched.sum()), stuck_mpi_poor=int(stuck_mpi.sum()),
                 left_mpi_poor=int(left_mpi.sum()), entered_mpi_poor=int(entered_mpi.sum()),
                 mpi_transition=mpi_transition,
                 waves=tuple(w.to_dict() for w in waves), villages=table)
