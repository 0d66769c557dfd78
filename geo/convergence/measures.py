"""Convergence measures: which programme reaches which eligible household, which village none.

Per programme (and per programme × village): ``eligible`` (households whose eligibility
expression holds), ``reached`` (distinct registry households linked from its register rows),
``exclusion`` (eligible, not reached), ``inclusion`` (reached, not eligible) and ``coverage``
(reached and eligible / eligible). Per household the number of programmes reaching it, as a
``0``/``1``/``2``/``3+`` distribution; per village the ``untouched``: households eligible for
at least one programme and reached by none. All figures count households, never list them.

Budget (:func:`programme_budgets`): a programme's budget is the sum of the ``budget`` of its
register rows that are not invalid, a repeated (programme, household) row counted once; a
village's share is what its linked recipients got plus its village-level rows. Budget per
eligible household = budget / eligible (``None`` without eligible households or budget).

Need vs effort (:func:`need_effort`): per village, *need* = share of its households eligible
for at least one programme, *effort* = share of those reached by at least one programme
(``1 - untouched / eligible_any``). Thresholds are the medians over villages with an eligible
household; *high* need is above the median need, *low* coverage below the median coverage
(a value at the median is neither). ``high_need_low_coverage`` are the villages to go to next.
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
QUADRANTS = ("high_need_low_coverage", "high_need_high_coverage", "low_need_low_coverage",
             "low_need_high_coverage", "no_eligible")
GO_NEXT = QUADRANTS[0]


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
    budget: float | None = None
    budget_per_eligible: float | None = None
    village_level_recipients: int = 0

    def to_dict(self) -> dict:
        return {"agency": self.agency, "rule": self.eligible_rule, "eligible": self.eligible,
                "reached": self.reached, "exclusion": self.exclusion,
                "inclusion": self.inclusion, "coverage": self.coverage,
                "budget": self.budget, "budget_per_eligible": self.budget_per_eligible,
                "village_level_recipients": self.village_level_recipients}


@dataclass(frozen=True)
class NeedEffort:
    """The stated thresholds of the need-vs-effort quadrant and how many villages fall in each."""

    need_threshold: float | None
    coverage_threshold: float | None
    counts: dict[str, int]

    def to_dict(self) -> dict:
        return {"need": "eligible_share", "effort": "coverage_any", "rule": "median",
                "need_threshold": self.need_threshold,
                "coverage_threshold": self.coverage_threshold,
                "counts": dict(self.counts), "go_next": GO_NEXT}


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
    quadrant: NeedEffort | None = None
    eligible_any: int = 0  # households eligible for at least one programme (placed or not)

    @property
    def unlinked_rows(self) -> int:
        return self.registers.accounting.unlinked

    def to_dict(self) -> dict:
        return {
            "programmes": {p.name: p.to_dict() for p in self.programmes},
            "households": self.households,
            "unlinked_rows": self.unlinked_rows,
            "untouched": self.untouched,
            "eligible_any": self.eligible_any,
            "reached_by": dict(self.reached_by),
            "rows": self.registers.accounting.to_dict(),
            "notes": list(self.notes),
            "need_effort": self.quadrant.to_dict() if self.quadrant is not None else None,
        }

    def programme(self, name: str) -> ProgrammeMeasures:
        return {p.name: p for p in self.programmes}[name]


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


def _per(amount, whole) -> float | None:
    return round(float(amount) / whole, 2) if whole and amount is not None and amount == amount else None


def programme_budgets(registers: Registers, households: pd.DataFrame, names,
                      row_position: pd.Series | None = None) -> tuple[dict, pd.DataFrame]:
    """``({programme: budget or None}, per-village frame)``; the frame has ``village_code`` and
    per programme ``<name>_budget`` and ``<name>_village_level_recipients``.

    A programme whose rows carry no budget at all gets ``None`` (unknown), not 0.
    ``row_position``: per register row, the position of its household in ``households``
    (-1 when not linked), when the caller has it already (household ids unique).
    """
    rows = registers.rows[(registers.rows["outcome"] != "invalid")
                          & registers.rows["programme"].isin(list(names))]
    linked = rows["outcome"] == "linked"
    # a repeated (programme, household) row is one recipient: its budget counts once
    repeated = linked & rows.duplicated(subset=["programme", "household_id"])
    rows = rows[~repeated]
    budget = rows["budget"].astype("float64")
    totals = {}
    for name in names:
        mine = budget[(rows["programme"] == name).to_numpy()]
        totals[name] = round(float(mine.sum()), 2) if mine.notna().any() else None
    # the village of a linked row is its registry household's (first one for a repeated id)
    if row_position is not None:
        position = row_position.loc[rows.index].to_numpy()
        home = households["village_code"].astype(object).to_numpy()
    else:
        first = households.drop_duplicates("household_id")
        position = pd.Index(first["household_id"].astype(object)).get_indexer(
            rows["household_id"].astype(object).to_numpy())
        home = first["village_code"].astype(object).to_numpy()
    linked_village = pd.Series(np.where(position >= 0, home[np.maximum(position, 0)], None),
                               index=rows.index, dtype="string")
    village = rows["village_code"].astype("string").where(~(rows["outcome"] == "linked"),
                                                          linked_village)
    placed = pd.DataFrame({"village_code": village.to_numpy(), "programme": rows["programme"].to_numpy(),
                           "budget": budget.fillna(0.0).to_numpy(),
                           "village_level": np.where(rows["outcome"] == "village_level",
                                                     rows["recipients"].astype("float64").fillna(0), 0.0)})
    placed = placed[placed["village_code"].notna()]
    columns = {}
    for name in names:
        mine = placed[placed["programme"] == name].groupby("village_code")
        columns[f"{name}_budget"] = mine["budget"].sum()
        columns[f"{name}_village_level_recipients"] = mine["village_level"].sum()
    frame = pd.DataFrame(columns)
    frame.index.name = "village_code"
    return totals, frame.fillna(0.0).reset_index()


def need_effort(villages: pd.DataFrame) -> tuple[pd.DataFrame, NeedEffort]:
    """``villages`` with ``need``, ``coverage`` and ``need_effort`` (the quadrant) added
    (the rule: module docstring).

    Needs ``households``, ``eligible_any`` and ``untouched`` per village."""
    out = villages.copy()
    households = out["households"].astype("float64")
    eligible = out["eligible_any"].astype("float64")
    out["need"] = (eligible / households.where(households > 0)).round(4)
    out["coverage"] = (1 - out["untouched"] / eligible.where(eligible > 0)).round(4)
    scored = out["coverage"].notna()
    need_cut = float(out.loc[scored, "need"].median()) if scored.any() else None
    cover_cut = float(out.loc[scored, "coverage"].median()) if scored.any() else None
    high = out["need"] > need_cut if need_cut is not None else pd.Series(False, index=out.index)
    low = out["coverage"] < cover_cut if cover_cut is not None else pd.Series(False, index=out.index)
    quadrant = np.select([~scored, high & low, high, low],
                         ["no_eligible", "high_need_low_coverage", "high_need_high_coverage",
                          "low_need_low_coverage"], "low_need_high_coverage")
    out["need_effort"] = quadrant
    counts = {q: int((out["need_effort"] == q).sum()) for q in QUADRANTS}
    return out, NeedEffort(need_threshold=None if need_cut is None else round(need_cut, 4),
                           coverage_threshold=None if cover_cut is None else round(cover_cut, 4),
                           counts=counts)


def converge(households: pd.DataFrame, registers: Registers, programmes=()) -> Convergence:
    """Measures for ``programmes`` (default :func:`programmes_for`) on joined ``households``.

    ``households`` needs ``household_id``, ``village_code`` (``<NA>`` for an unplaced
    household: it counts in the programme totals, not in a village) and the columns the
    eligibility expressions read. Register rows of a programme not in ``programmes`` are
    left out of the measures (they stay in the row accounting).
    """
    programmes = programmes_for(registers, programmes)
    # object arrays: pandas' hash table on Arrow strings converts every value on each call
    ids = pd.Index(households["household_id"].astype(object).to_numpy())
    village = households["village_code"].astype("string")
    linked = registers.linked()
    # positions once for all programmes; with a repeated registry id (every household
    # carrying it is reached) the slower isin per programme
    position = (ids.get_indexer(linked["household_id"].astype(object).to_numpy())
                if ids.is_unique else None)
    row_position = None
    if position is not None:
        row_position = pd.Series(-1, index=registers.rows.index, dtype="int64")
        row_position.loc[linked.index] = position
    eligible, reached = {}, {}
    for p in programmes:
        eligible[p.name] = Eligibility(p.eligible).evaluate(households).to_numpy(dtype=bool)
        mine = (linked["programme"] == p.name).to_numpy()
        if position is None:
            got = linked.loc[mine, "household_id"].astype(object).unique()
            reached[p.name] = ids.isin(got)
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
        measures.append(dict(
            name=p.name, agency=p.agency, eligible_rule=p.eligible, eligible=n_e, reached=n_r,
            exclusion=int((e & ~r).sum()), inclusion=int((r & ~e).sum()),
            coverage=_pct(int((e & r).sum()), n_e)))
    flags["untouched"] = any_eligible & (count == 0)
    flags["eligible_any"] = any_eligible
    flags["households"] = 1
    bins = count.clip(upper=3).map({0: "0", 1: "1", 2: "2", 3: "3+"})
    reached_by = {k: int((bins == k).sum()) for k in REACHED_BY}
    per_village = flags.dropna(subset=["village_code"]).groupby("village_code", sort=True).sum()
    keep = ["untouched"] + [f"{p.name}_{m}" for p in programmes
                            for m in ("eligible", "reached", "exclusion", "inclusion")]
    villages = per_village[keep + ["households", "eligible_any"]].astype("int64").reset_index()
    names = [p.name for p in programmes]
    totals, budgets = programme_budgets(registers, households, names, row_position)
    villages = villages.merge(budgets, on="village_code", how="left")
    for name in names:
        known = totals[name] is not None  # no budget in any row: unknown, not zero
        villages[f"{name}_budget"] = (villages[f"{name}_budget"].fillna(0.0).round(2) if known
                                      else np.nan)
        villages[f"{name}_village_level_recipients"] = (
            villages[f"{name}_village_level_recipients"].fillna(0).astype("int64"))
        villages[f"{name}_budget_per_eligible"] = [
            _per(b, e) for b, e in zip(villages[f"{name}_budget"], villages[f"{name}_eligible"])]
    villages, quadrant = need_effort(villages)
    level = budgets.set_index("village_code") if len(budgets) else None
    measures = tuple(ProgrammeMeasures(
        **m, budget=totals[m["name"]], budget_per_eligible=_per(totals[m["name"]], m["eligible"]),
        village_level_recipients=0 if level is None else
        int(level[f"{m['name']}_village_level_recipients"].sum())) for m in measures)
    notes = tuple(f"{p.name}: eligibility not in the config; default {p.eligible}"
                  for p in programmes if p.eligible_from == "default")
    return Convergence(programmes=measures, villages=villages, reached_by=reached_by,
                       untouched=int(flags["untouched"].sum()), households=int(len(households)),
                       registers=registers, notes=notes, quadrant=quadrant,
                       eligible_any=int(any_eligible.sum()))
