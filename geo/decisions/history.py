"""Decision history: the saved decisions listed, and two of them compared."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from geo.decisions.store import Decision, DecisionStore


@dataclass(frozen=True)
class DecisionSummary:
    """One line of the history: no path, no household value."""

    id: int
    title: str
    version: int
    decided_by: str
    decided_at: str
    villages: int
    sources: tuple[tuple[str, str], ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "version": self.version,
                "decided_by": self.decided_by, "decided_at": self.decided_at,
                "villages": self.villages,
                "sources": [{"file": f, "sha256": s} for f, s in self.sources]}


@dataclass(frozen=True)
class Moved:
    village_code: str
    village_name: str
    rank_before: int | None
    rank_after: int | None

    def to_dict(self) -> dict:
        return {"village_code": self.village_code, "village_name": self.village_name,
                "rank_before": self.rank_before, "rank_after": self.rank_after}


@dataclass(frozen=True)
class Comparison:
    """What changed from decision ``before`` to decision ``after``.

    ``entered``: codes in ``after`` only; ``left``: in ``before`` only; ``moved``: in both with
    another rank; ``kept``: in both, same rank. Codes in list order of their decision.
    """

    before: int | None
    after: int | None
    entered: tuple[str, ...]
    left: tuple[str, ...]
    moved: tuple[Moved, ...]
    kept: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return not (self.entered or self.left or self.moved)

    def to_dict(self) -> dict:
        return {"before": self.before, "after": self.after, "entered": list(self.entered),
                "left": list(self.left), "moved": [m.to_dict() for m in self.moved],
                "kept": list(self.kept)}


def list_decisions(store: DecisionStore) -> list[DecisionSummary]:
    """Every saved decision, oldest first, with its data fingerprints."""
    out = []
    for row in store.list().to_dict("records"):
        decision = store.load(int(row["id"]))
        out.append(DecisionSummary(
            id=int(row["id"]), title=str(row["title"]), version=int(row["version"]),
            decided_by=str(row["decided_by"]), decided_at=str(row["decided_at"]),
            villages=int(row["villages"]), sources=tuple(sorted(decision.sources.items()))))
    return out


def _ranks(focus: pd.DataFrame) -> dict[str, int | None]:
    ranks = {}
    for code, rank in zip(focus["village_code"].astype(str), focus["rank"]):
        ranks[code] = None if pd.isna(rank) else int(rank)
    return ranks


def compare(before: Decision | pd.DataFrame, after: Decision | pd.DataFrame) -> Comparison:
    """Villages in, out and moved between two decisions (or two focus lists).

    A focus list is a frame with ``village_code`` and ``rank`` (``village_name`` optional),
    e.g. the proposal on screen compared with the last saved decision.
    """
    lists = [d.focus_list if isinstance(d, Decision) else d for d in (before, after)]
    ids = [d.id if isinstance(d, Decision) else None for d in (before, after)]
    old, new = (_ranks(f) for f in lists)
    names = {}
    for focus in lists:
        if "village_name" in focus:
            names.update({str(c): ("" if pd.isna(n) else str(n))
                          for c, n in zip(focus["village_code"], focus["village_name"])})
    both = [c for c in new if c in old]
    moved = tuple(Moved(c, names.get(c, ""), old[c], new[c]) for c in both if old[c] != new[c])
    return Comparison(before=ids[0], after=ids[1],
                      entered=tuple(c for c in new if c not in old),
                      left=tuple(c for c in old if c not in new), moved=moved,
                      kept=tuple(c for c in both if old[c] == new[c]))
