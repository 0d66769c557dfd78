"""Convergence measures: which programme reaches which eligible household, which village none.

Per programme (and per programme × village): ``eligible`` (households whose eligibility
expression holds), ``reached`` (distinct registry households linked from its register rows),
``exclusion`` (eligible, not reached), ``inclusion`` (reached, not eligible) and ``coverage``
(reached and eligible / eligible). Per household the number of programmes reaching it, as a
``0``/``1``/``2``/``3+`` distribution; per village the ``untouched``: households eligible for
at least one programme and reached by none. All figures count households, never list them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from geo.convergence.eligibility import Eligibility
from geo.convergence.registers import Registers

#: the eligibility a programme found only in a register gets when the config has no catalogue
DEFAULT_ELIGIBLE = "desil <= 4"
REACHED_BY = ("0", "1", "2", "3+")


@dataclass(frozen=True)
class Programme:
    """A programme as the measures use it (from the config's ``[[programme]]`` or a register)."""

    name: str
    agency: str = ""
    eligible: str = DEFAULT_ELIGIBLE
    strategy: str = ""
    budget_tag: str = ""
    eligible_from: str = "config"  # or "default" when the config had no catalogue

    def to_dict(self) -> dict:
        return {"name": self.name, "agency": self.agency, "eligible": self.eligible,
                "strategy": self.strategy, "budget_tag": self.budget_tag,
                "eligible_from": self.eligible_from}


@dataclass(frozen=True)
class ProgrammeMeasures:
    name: str
    agency: str
    eligible_rule: str
    eligible: int
    reached: int
    exclusion: int
    inclusion: int
    coverage: float | None

    def to_dict(self) -> dict:
        return {"agency": self.agency, "rule": self.eligible_rule, "eligible": self.eligible,
                "reached": self.reached, "exclusion": self.exclusion,
                "inclusion": self.inclusion, "coverage": self.coverage}


@dataclass(frozen=True)
class Convergence:
    """The result of :func:`converge`; ``villages`` is one row per village code."""

    programmes: tuple[ProgrammeMeasures, ...]
    villages: pd.DataFrame
    reached_by: dict[str, int]
    untouched: int
    households: int
    registers: Registers
    notes: tuple[str, ...] = field(default=())

    @property
    def unlinked_rows(self) -> int:
        return self.registers.accounting.unlinked

    def to_dict(self) -> dict:
        return {
            "programmes": {p.name: p.to_dict() for p in self.programmes},
            "households": self.households,
            "unlinked_rows": self.unlinked_rows,
            "untouched": self.untouched,
            "reached_by": dict(self.reached_by),
            "rows": self.registers.accounting.to_dict(),
            "notes": list(self.notes),
        }


def programmes_for(registers: Registers, catalogue=()) -> tuple[Programme, ...]:
    """The catalogue's programmes, else those named in the registers with
    :data:`DEFAULT_ELIGIBLE` (agency: the one most often given for it)."""
    if catalogue:
        return tuple(p if isinstance(p, Programme) else Programme(
            name=p.name, agency=p.agency, eligible=p.eligible, strategy=p.strategy or "",
            budget_tag=p.budget_tag or "") for p in catalogue)
    rows = registers.rows[registers.rows["outcome"] != "invalid"]
    out = []
    for name, group in rows.groupby("programme", sort=True):
        agencies = group["agency"].dropna()
        agency = str(agencies.mode().iloc[0]) if len(agencies) else ""
        out.append(Programme(name=str(name), agency=agency, eligible_from="default"))
    return tuple(out)


def _pct(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def converge(households: pd.DataFrame, registers: Registers, programmes=()) -> Convergence:
    """Measures for ``programmes`` (default :func:`programmes_for`) on joined ``households``.

    ``households`` needs ``household_id``, ``village_code`` (``<NA>`` for an unplaced
    household: it counts in the programme totals, not in a village) and the columns the
    eligibility expressions read. Register rows of a programme not in ``programmes`` are
    left out of the measures (they stay in the row accounting).
    """
    programmes = programmes_for(registers, programmes)
    ids = pd.Index(households["household_id"].astype("string"))
    village = households["village_code"].astype("string")
    linked = registers.linked()
    # positions once for all programmes; with a repeated registry id (every household
    # carrying it is reached) the slower isin per programme
    position = ids.get_indexer(linked["household_id"]) if ids.is_unique else None
    eligible, reached = {}, {}
    for p in programmes:
        eligible[p.name] = Eligibility(p.eligible).evaluate(households).to_numpy(dtype=bool)
        mine = (linked["programme"] == p.name).to_numpy()
        if position is None:
            got = linked.loc[mine, "household_id"].unique()
            reached[p.name] = ids.isin(pd.Index(got))
        else:
            hit = np.zeros(len(ids), dtype=bool)
            hit[position[mine & (position >= 0)]] = True
            reached[p.name] = hit
    flags = pd.DataFrame(index=households.index)
    flags["village_code"] = village
    any_eligible = pd.Series(False, index=households.index)
    count = pd.Series(0, index=households.index)
    measures = []
    for p in programmes:
        e, r = eligible[p.name], reached[p.name]
        flags[f"{p.name}_eligible"] = e
        flags[f"{p.name}_reached"] = r
        flags[f"{p.name}_exclusion"] = e & ~r
        flags[f"{p.name}_inclusion"] = r & ~e
        any_eligible |= e
        count += r.astype(int)
        n_e, n_r = int(e.sum()), int(r.sum())
        measures.append(ProgrammeMeasures(
            name=p.name, agency=p.agency, eligible_rule=p.eligible, eligible=n_e, reached=n_r,
            exclusion=int((e & ~r).sum()), inclusion=int((r & ~e).sum()),
            coverage=_pct(int((e & r).sum()), n_e)))
    flags["untouched"] = any_eligible & (count == 0)
    bins = count.clip(upper=3).map({0: "0", 1: "1", 2: "2", 3: "3+"})
    reached_by = {k: int((bins == k).sum()) for k in REACHED_BY}
    per_village = flags.dropna(subset=["village_code"]).groupby("village_code", sort=True).sum()
    keep = ["untouched"] + [f"{p.name}_{m}" for p in programmes
                            for m in ("eligible", "reached", "exclusion", "inclusion")]
    villages = per_village[keep].astype("int64").reset_index()
    notes = tuple(f"{p.name}: eligibility not in the config; default {p.eligible}"
                  for p in programmes if p.eligible_from == "default")
    return Convergence(programmes=tuple(measures), villages=villages, reached_by=reached_by,
                       untouched=int(flags["untouched"].sum()), households=int(len(households)),
                       registers=registers, notes=notes)
