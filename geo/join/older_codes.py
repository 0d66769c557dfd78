"""Registry codes the boundary layer does not have: explained, and where possible replaced.

Used by :func:`geo.join.match.join_households` for every distinct village code that is not in
the layer (and every code a user's crosswalk lists). The rule order, first that decides wins:

1. a user's **crosswalk** (:class:`geo.reference.crosswalk.Crosswalk`): old → new, over anything
   the tables say (even for a code the layer has: the user knows the code was reused);
2. the **Kemendagri tables** (:func:`geo.reference.history.successors`, pool = the layer's codes):
   the same village and district name under a new code, else the single new code of the
   district that appeared when the old one left; decided by "Kemendagri <year>", the edition
   that shows the change;
3. the household's **location** (applied by the join): when the tables give several candidates
   (a split), a point lying in one of them decides ("location").

Every such code also gets an explanation from the tables (:func:`geo.reference.history.explain_codes`):
retired (old name, last year listed), renamed (old and new name, year), a current code outside
this layer, or never a Kemendagri code. Work is per distinct code; rows get it by position.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from geo.common.messages import SEPARATOR, encode
from geo.i18n import Message
from geo.reference.crosswalk import Crosswalk

#: ``decided_by`` of a row whose village came through a crosswalk / the point.
CROSSWALK = "crosswalk"
LOCATION = "location"


@dataclass(frozen=True)
class OlderCodes:
    """Per input row (positions of the household table)."""

    successor: np.ndarray  # index into the layer's codes, -1 when none decided
    decided_by: np.ndarray  # object: "crosswalk" / "kemendagri_<year>" / None
    status: np.ndarray  # object: explain_codes status for codes not in the layer, else None
    explanation: pd.Series  # encoded: what the code is (codes not in the layer), else <NA>
    note: pd.Series  # encoded: the successor or the candidates, else <NA>
    candidate_row: np.ndarray  # ambiguous rows (positions), one entry per candidate
    candidate_code: np.ndarray  # the candidate's index into the layer's codes


def resolve(given: pd.Series, code_idx: np.ndarray, codes: np.ndarray, *,
            crosswalk: Crosswalk | None = None, history: bool = True) -> OlderCodes:
    """Explain and replace the codes of ``given`` that the layer (``codes``) lacks.

    ``code_idx``: each row's position in ``codes`` (-1 when absent), as the join computed it.
    """
    from geo.join.match import code_index

    n = len(given)
    empty = _empty(n, given.index)
    listed = (np.zeros(n, dtype=bool) if crosswalk is None
              else code_index(given, crosswalk.table["old_code"].to_numpy()) >= 0)
    todo = given.notna().to_numpy() & ((code_idx < 0) | listed)
    if not todo.any() or (not history and crosswalk is None):
        return empty
    row_code, uniques = pd.factorize(given[todo])
    uniques = pd.Series(uniques, dtype="string")
    in_layer = code_index(uniques, codes) >= 0
    succ = np.full(len(uniques), -1, dtype=np.int64)
    decided = np.full(len(uniques), None, dtype=object)
    status = np.full(len(uniques), None, dtype=object)
    explanation = pd.Series(pd.NA, index=uniques.index, dtype="string")
    note = pd.Series(pd.NA, index=uniques.index, dtype="string")
    cand_u, cand_c = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)

    if history:
        from geo.reference.history import explain_codes, successors

        outside = ~in_layer
        facts = explain_codes(uniques[outside])
        status[outside] = facts["status"].to_numpy(dtype=object)
        explanation[outside] = _explain(facts)
        found = successors(uniques[outside], pool=codes)
        single = found["successor"].notna().to_numpy()
        where = np.flatnonzero(outside)
        pick = where[single]
        succ[pick] = code_index(found["successor"][single], codes)
        decided[pick] = ["kemendagri_" + str(y) for y in found["year"][single]]
        note[pick] = _successor_notes(found[single])
        several = found["candidates"].map(len).gt(1).to_numpy()
        if several.any():
            many = found[several]
            note[where[several]] = [encode("older.ambiguous", names=_names(c, m)) for c, m in
                                    zip(many["candidates"], many["candidate_names"])]
            sizes = many["candidates"].map(len).to_numpy()
            cand_u = np.repeat(where[several], sizes)
            flat = pd.Series([c for cs in many["candidates"] for c in cs], dtype="string")
            cand_c = code_index(flat, codes)

    if crosswalk is not None:
        target = crosswalk.mapping().reindex(uniques.to_numpy())
        has = target.notna().to_numpy()
        target_idx = np.full(len(uniques), -1, dtype=np.int64)
        target_idx[has] = code_index(pd.Series(target[has].to_numpy(), dtype="string"), codes)
        ok = has & (target_idx >= 0)
        succ[has] = target_idx[has]
        decided[has] = np.where(ok[has], CROSSWALK, None)
        targets = pd.Series(target.to_numpy(), index=uniques.index, dtype="string")
        note[ok] = [encode("older.crosswalk", new=t, file=crosswalk.source) for t in targets[ok]]
        missing = has & ~ok
        note[missing] = [encode("older.crosswalk_not_in_layer", new=t, file=crosswalk.source)
                         for t in targets[missing]]
        drop = np.isin(cand_u, np.flatnonzero(has))  # the crosswalk decides these
        cand_u, cand_c = cand_u[~drop], cand_c[~drop]
        if not history:
            explanation[~in_layer] = [encode("join.unknown_code", code=c)
                                      for c in uniques[~in_layer]]

    rows = np.flatnonzero(todo)
    out_succ = np.full(n, -1, dtype=np.int64)
    out_succ[rows] = succ[row_code]
    out_decided = np.full(n, None, dtype=object)
    out_decided[rows] = decided[row_code]
    out_status = np.full(n, None, dtype=object)
    out_status[rows] = status[row_code]
    out_expl = empty.explanation.copy()
    out_expl.iloc[rows] = explanation.to_numpy()[row_code]
    out_note = empty.note.copy()
    out_note.iloc[rows] = note.to_numpy()[row_code]
    # ambiguous candidates, spread to the rows holding each code
    by_unique = pd.DataFrame({"u": cand_u, "c": cand_c})
    by_row = pd.DataFrame({"row": rows, "u": row_code}).merge(by_unique, on="u")
    return OlderCodes(successor=out_succ, decided_by=out_decided, status=out_status,
                      explanation=out_expl, note=out_note,
                      candidate_row=by_row["row"].to_numpy(dtype=np.int64),
                      candidate_code=by_row["c"].to_numpy(dtype=np.int64))


def _empty(n: int, index) -> OlderCodes:
    none = np.full(n, None, dtype=object)
    na = pd.Series(pd.NA, index=index, dtype="string")
    return OlderCodes(successor=np.full(n, -1, dtype=np.int64), decided_by=none,
                      status=none.copy(), explanation=na, note=na.copy(),
                      candidate_row=np.empty(0, dtype=np.int64),
                      candidate_code=np.empty(0, dtype=np.int64))


def _explain(facts: pd.DataFrame) -> list[str]:
    """One encoded explanation per code (the tables' facts)."""
    out = []
    for row in facts.itertuples(index=False):  # per distinct code not in the layer
        if row.status == "retired":
            out.append(encode("older.retired", code=row.code, name=row.name,
                              last=str(int(row.last_listed))))
        elif row.status == "renamed":
            out.append(encode("older.renamed", code=row.code, old_name=row.old_name,
                              name=row.name, year=str(int(row.renamed_in))))
        elif row.status == "current":
            out.append(encode("older.current", code=row.code, name=row.name))
        else:
            out.append(encode("older.never_listed", code=row.code))
    return out


def _successor_notes(found: pd.DataFrame) -> list[str]:
    return [encode("older.successor", new=code, name=names[0],
                   rule=Message(f"older.rule_{rule}"), year=str(int(year)))
            for code, names, rule, year in zip(found["successor"], found["candidate_names"],
                                               found["rule"], found["year"])]


def _names(codes, names) -> str:
    return ", ".join(f"{c} {n}" for c, n in zip(codes, names))


def reason_parts(explanation: pd.Series, note: pd.Series) -> pd.Series:
    """Explanation and note of each row joined into one encoded cell (``<NA>`` if neither)."""
    both = explanation.notna() & note.notna()
    out = explanation.fillna(note)
    out[both] = explanation[both] + SEPARATOR + note[both]
    return out
