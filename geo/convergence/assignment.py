"""Bagi tugas: which agency takes which priority village, proposed, edited, saved, audited.

The rule (:func:`propose_assignment`), stated so a TKPK meeting can check it:

1. *Priority villages* are the focus list (``in_focus_list``) in rank order; without a focus
   list, the need-vs-effort ``high_need_low_coverage`` villages, most untouched first.
2. *What drives poverty there*: the village's ``main_dimension`` is the MPI indicator whose
   contribution (``contrib_dep_*``) stands furthest above its median over the villages (the
   raw largest contribution is schooling nearly everywhere: it weighs 1/6).
3. *Whose eligibility is unmet*: each agency scores the households its programmes exclude in the
   village (``<programme>_exclusion``: eligible, not reached); a programme whose eligibility
   reads the main dimension (``dep_housing == 1`` where housing drives poverty) counts double.
4. *Balance*: no agency takes more than ``ceil(villages / agencies)`` villages (agencies: those
   of the catalogue). Villages are given out in priority order to the highest-scoring agency that
   still has room; an agency already at its share passes the village to the next with a score
   above 0 (``reason = balanced``). When none has room the top one keeps it (``over_share``);
   a village where no programme excludes anyone gets no agency (``no_exclusion``).
Ties go to the agency name first in alphabetical order, so the proposal is reproducible.

A planner edits the proposal (the agency column); :class:`AssignmentStore` keeps each saved
version for good in the workspace's ``decisions.sqlite`` (append-only, like decisions), with
who saved it, and the caller writes an ``assignment_saved`` row to the audit trail. Only
village codes, agency names and household counts are stored: nothing about a household.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd

from geo.access.db import connect
from geo.common.errors import GeoInputError
from geo.convergence.eligibility import Eligibility
from geo.convergence.measures import GO_NEXT, Convergence

REASONS = ("largest_exclusion", "dimension_match", "balanced", "over_share", "no_exclusion")
COLUMNS = ("village_code", "village_name", "rank", "main_dimension", "untouched", "agency",
           "programmes", "exclusion", "reason", "runner_up", "proposed_agency")


def priority_villages(convergence: Convergence, villages: pd.DataFrame | None) -> list[str]:
    """Codes of the priority villages in order (rule 1 of the module docstring)."""
    if villages is not None and "in_focus_list" in villages.columns \
            and villages["in_focus_list"].fillna(False).astype(bool).any():
        focus = villages[villages["in_focus_list"].fillna(False).astype(bool)]
        if "rank" in focus.columns:
            focus = focus.sort_values("rank", kind="stable")
        return [str(c) for c in focus["village_code"]]
    table = convergence.villages
    go = table[table["need_effort"] == GO_NEXT].sort_values(
        ["untouched", "village_code"], ascending=[False, True], kind="stable")
    return [str(c) for c in go["village_code"]]


def _main_dimension(villages: pd.DataFrame | None) -> dict[str, str]:
    if villages is None:
        return {}
    contrib = [c for c in villages.columns if str(c).startswith("contrib_dep_")]
    if not contrib:
        return {}
    values = villages[contrib].apply(pd.to_numeric, errors="coerce").fillna(0.0)
    # above the typical village: the schooling indicators weigh 1/6 and lead almost everywhere,
    # so the dimension that sets a village apart is its contribution minus the median one
    above = values - values.median(axis=0)
    top = above.idxmax(axis=1).str.removeprefix("contrib_")
    top = top.where(values.max(axis=1) > 0, "")
    return dict(zip(villages["village_code"].astype(str), top))


def propose_assignment(convergence: Convergence, villages: pd.DataFrame | None = None,
                       codes=None) -> pd.DataFrame:
    """The proposed division of labour, one row per priority village (:data:`COLUMNS`).

    ``villages`` is the analysis' village table (``village_code``, ``village_name``, ``rank``,
    ``in_focus_list``, ``contrib_dep_*``); ``codes`` overrides the priority villages.
    """
    codes = list(codes) if codes is not None else priority_villages(convergence, villages)
    table = convergence.villages.set_index(convergence.villages["village_code"].astype(str))
    main = _main_dimension(villages)
    names, ranks = {}, {}
    if villages is not None:
        keys = villages["village_code"].astype(str)
        if "village_name" in villages.columns:
            names = dict(zip(keys, villages["village_name"]))
        if "rank" in villages.columns:
            ranks = dict(zip(keys, villages["rank"]))
    agencies: dict[str, list] = {}
    for p in convergence.programmes:
        agencies.setdefault(p.agency or "-", []).append(p)
    share = math.ceil(len(codes) / len(agencies)) if agencies and codes else 0
    load = {a: 0 for a in agencies}
    rows = []
    for code in codes:
        here = table.loc[code] if code in table.index else None
        dimension = main.get(code, "")
        scores, named, matched = {}, {}, {}
        for agency, programmes in agencies.items():
            score, listed, match = 0, [], False
            for p in programmes:
                excluded = int(here[f"{p.name}_exclusion"]) if here is not None else 0
                if excluded <= 0:
                    continue
                reads = dimension and dimension in Eligibility(p.eligible_rule).columns
                score += excluded * (2 if reads else 1)
                match = match or bool(reads)
                listed.append((excluded, p.name))
            scores[agency], matched[agency] = score, match
            named[agency] = ", ".join(n for _, n in sorted(listed, key=lambda x: (-x[0], x[1])))
        order = sorted((a for a in scores if scores[a] > 0), key=lambda a: (-scores[a], a))
        if not order:
            chosen, reason, runner = "", "no_exclusion", ""
        else:
            free = [a for a in order if load[a] < share]
            chosen = free[0] if free else order[0]
            if chosen != order[0]:
                reason = "balanced"
            elif not free:
                reason = "over_share"
            else:
                reason = "dimension_match" if matched[chosen] else "largest_exclusion"
            load[chosen] += 1
            others = [a for a in order if a != chosen]
            runner = others[0] if others else ""
        excluded = 0
        if chosen and here is not None:
            excluded = sum(int(here[f"{p.name}_exclusion"]) for p in agencies[chosen])
        rows.append({"village_code": code, "village_name": names.get(code, ""),
                     "rank": ranks.get(code, pd.NA), "main_dimension": dimension,
                     "untouched": int(here["untouched"]) if here is not None else 0,
                     "agency": chosen, "programmes": named.get(chosen, "") if chosen else "",
                     "exclusion": excluded, "reason": reason, "runner_up": runner,
                     "proposed_agency": chosen})
    out = pd.DataFrame(rows, columns=list(COLUMNS))
    out["rank"] = pd.array(out["rank"], dtype="Int64")
    return out


def agency_load(assignment: pd.DataFrame) -> dict[str, int]:
    """Villages per agency in an assignment (empty agency left out)."""
    named = assignment["agency"].fillna("").astype(str)
    return {str(k): int(v) for k, v in named[named != ""].value_counts().sort_index().items()}


# --- saving -----------------------------------------------------------------------------------
_SCHEMA = """
CREATE TABLE IF NOT EXISTS assignment (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    version INTEGER NOT NULL,
    assigned_by TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    UNIQUE (title, version)
);
CREATE TABLE IF NOT EXISTS assignment_village (
    assignment_id INTEGER NOT NULL REFERENCES assignment(id),
    position INTEGER NOT NULL,
    village_code TEXT NOT NULL,
    agency TEXT NOT NULL,
    proposed_agency TEXT NOT NULL,
    programmes TEXT NOT NULL,
    exclusion INTEGER NOT NULL,
    reason TEXT NOT NULL,
    PRIMARY KEY (assignment_id, position)
);
""" + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'saved assignments are kept: add a new version instead'); END;\n"
    for table in ("assignment", "assignment_village") for verb in ("update", "delete"))
STORED = ("village_code", "agency", "proposed_agency", "programmes", "exclusion", "reason")


@dataclass(frozen=True)
class SavedAssignment:
    id: int
    title: str
    version: int
    assigned_by: str
    assigned_at: str
    note: str
    villages: pd.DataFrame

    @property
    def changed(self) -> int:
        """Villages whose agency the planner changed from the proposal."""
        return int((self.villages["agency"] != self.villages["proposed_agency"]).sum())


class AssignmentStore:
    """Append-only saved assignments in ``<workspace>/decisions.sqlite`` (beside decisions)."""

    def __init__(self, workspace):
        self.workspace = workspace
        with connect(workspace, _SCHEMA):
            pass

    def save(self, assignment: pd.DataFrame, *, title: str, by: str, note: str = "") -> int:
        """Store ``assignment`` (as :func:`propose_assignment` gives it, agency edited) as the
        next version of ``title``; returns its id."""
        title, by = (title or "").strip(), (by or "").strip()
        if not title:
            raise GeoInputError("err.decision_title", source="title")
        if not by:
            raise GeoInputError("err.decision_by", source="assigned_by")
        if "village_code" not in assignment.columns or "agency" not in assignment.columns:
            raise GeoInputError("err.focus_list_no_code", source="assignment")
        frame = assignment.reindex(columns=list(STORED))
        rows = [(pos, str(r["village_code"]), _text(r["agency"]), _text(r["proposed_agency"]),
                 _text(r["programmes"]), int(r["exclusion"]) if _text(r["exclusion"]) else 0,
                 _text(r["reason"]))
                for pos, r in enumerate(frame.to_dict("records"))]
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with connect(self.workspace, _SCHEMA) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (version,) = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM assignment "
                                        "WHERE title = ?", (title,)).fetchone()
                cur = db.execute("INSERT INTO assignment (title, version, assigned_by, "
                                 "assigned_at, note) VALUES (?, ?, ?, ?, ?)",
                                 (title, version, by, at, note or ""))
                new_id = int(cur.lastrowid)
                db.executemany("INSERT INTO assignment_village VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                               [(new_id, *row) for row in rows])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return new_id

    def load(self, assignment_id: int) -> SavedAssignment:
        with connect(self.workspace, _SCHEMA) as db:
            head = db.execute("SELECT id, title, version, assigned_by, assigned_at, note FROM "
                              "assignment WHERE id = ?", (int(assignment_id),)).fetchone()
            if head is None:
                raise GeoInputError("err.decision_unknown", source="assignment",
                                    id=str(assignment_id))
            rows = db.execute("SELECT " + ", ".join(STORED) + " FROM assignment_village "
                              "WHERE assignment_id = ? ORDER BY position", (head[0],)).fetchall()
        return SavedAssignment(*head, villages=pd.DataFrame(rows, columns=list(STORED)))

    def latest(self, title: str | None = None) -> SavedAssignment | None:
        """The newest saved assignment (of ``title`` when given), or None."""
        sql, params = "SELECT id FROM assignment ORDER BY id DESC LIMIT 1", ()
        if title is not None:
            sql = "SELECT id FROM assignment WHERE title = ? ORDER BY version DESC LIMIT 1"
            params = (title,)
        with connect(self.workspace, _SCHEMA) as db:
            row = db.execute(sql, params).fetchone()
        return None if row is None else self.load(row[0])

    def list(self) -> pd.DataFrame:
        with connect(self.workspace, _SCHEMA) as db:
            rows = db.execute("SELECT id, title, version, assigned_by, assigned_at, "
                              "(SELECT COUNT(*) FROM assignment_village v WHERE "
                              "v.assignment_id = a.id) FROM assignment a ORDER BY id").fetchall()
        return pd.DataFrame(rows, columns=["id", "title", "version", "assigned_by",
                                           "assigned_at", "villages"])


def _text(value) -> str:
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return "" if missing else str(value)


def save_assignment(workspace, assignment: pd.DataFrame, *, title: str, by: str,
                    actor: str, note: str = "") -> int:
    """Save and write ``assignment_saved`` to the audit trail as ``actor``; returns the id."""
    from geo.audit import record

    store = AssignmentStore(workspace)
    new_id = store.save(assignment, title=title, by=by, note=note)
    saved = store.load(new_id)
    record(workspace, actor, "assignment_saved",
           {"assignment_id": new_id, "title": title[:200], "assigned_by": by[:100],
            "villages": int(len(saved.villages)), "changed": saved.changed,
            "agencies": agency_load(saved.villages)})
    return new_id
