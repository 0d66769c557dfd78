"""Saved decisions: the focus list a person finalised, kept for good in the workspace.

A decision records what leadership signed: the title (e.g. "Lokus 2026"), who decided and when
(UTC), the focus villages with rank, score and reason, the pins with their reasons, the config
that produced the ranking and the data files it came from (name and SHA-256), so anyone can
re-run it later.

Storage is SQLite (stdlib) at ``<workspace>/decisions.sqlite``, in WAL mode with a busy timeout;
each save is one ``BEGIN IMMEDIATE`` transaction, so two people saving at once both succeed,
one after the other. History is append-only: saving a title again adds version n+1, and
triggers refuse any UPDATE or DELETE. Only aggregates and village codes are stored; never a
household row or personal data.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from geo.config import RankConfig, config_from_text
from geo.common.errors import GeoInputError
from geo.common.fingerprint import file_sha256  # noqa: F401  (re-exported for callers)

DB_NAME = "decisions.sqlite"
FOCUS_COLUMNS = ("village_code", "village_name", "rank", "score", "focus_reason")
BUSY_TIMEOUT_S = 30.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS decision (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    version INTEGER NOT NULL,
    decided_by TEXT NOT NULL,
    decided_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    config_text TEXT NOT NULL,
    UNIQUE (title, version)
);
CREATE TABLE IF NOT EXISTS focus_village (
    decision_id INTEGER NOT NULL REFERENCES decision(id),
    position INTEGER NOT NULL,
    village_code TEXT NOT NULL,
    village_name TEXT,
    rank INTEGER,
    score REAL,
    focus_reason TEXT,
    PRIMARY KEY (decision_id, position)
);
CREATE TABLE IF NOT EXISTS pin (
    decision_id INTEGER NOT NULL REFERENCES decision(id),
    position INTEGER NOT NULL,
    village_code TEXT NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('in', 'out')),
    reason TEXT NOT NULL,
    pinned_by TEXT NOT NULL,
    PRIMARY KEY (decision_id, position)
);
CREATE TABLE IF NOT EXISTS source (
    decision_id INTEGER NOT NULL REFERENCES decision(id),
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (decision_id, name)
);
CREATE TABLE IF NOT EXISTS input (
    decision_id INTEGER NOT NULL REFERENCES decision(id),
    position INTEGER NOT NULL,
    role TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (decision_id, position)
);
"""
_TABLES = ("decision", "focus_village", "pin", "source", "input")


@dataclass(eq=False)
class Decision:
    """A finalised focus list with everything needed to explain and re-run it.

    Attributes
    ----------
    title : what was decided, e.g. ``"Lokus desa miskin 2026"``; saving it again adds a version
    decided_by : the official or team that finalised it
    focus_list : DataFrame ``village_code``, ``village_name``, ``rank``, ``score``,
        ``focus_reason`` in list order
    pins : list of ``{"village_code", "action", "reason", "by"}``
    config_text : the ranking config (JSON from :meth:`RankConfig.to_json`, or TOML/YAML text)
    sources : data file name -> SHA-256
    inputs : the input files as given, ``[{"role": "boundaries"|"households", "path": ...}]``,
        so that a re-run finds them (never shown: a server path is not for the screen)
    decided_at : UTC ISO 8601; set when saved if empty
    id, version : set by the store
    """

    title: str
    decided_by: str
    focus_list: pd.DataFrame
    pins: list[dict] = field(default_factory=list)
    config_text: str = ""
    sources: dict[str, str] = field(default_factory=dict)
    note: str = ""
    inputs: list[dict] = field(default_factory=list)
    decided_at: str = ""
    id: int | None = None
    version: int | None = None

    @classmethod
    def from_selection(cls, selected: pd.DataFrame, *, title: str, decided_by: str,
                       config: RankConfig | str, sources: Mapping[str, str] | Iterable = (),
                       note: str = "") -> Decision:
        """Build a decision from :func:`geo.ranking.focus.select_focus` output.

        ``config`` is a :class:`RankConfig` (stored as JSON) or its text (JSON, TOML or YAML,
        stored as given); either way the pins are taken from it. ``sources`` is a mapping
        name -> SHA-256, or paths of the data files (hashed here).

        Raises
        ------
        GeoInputError
            When ``config`` is text that is not a valid config (a decision must be re-runnable).
        """
        chosen = selected[selected["in_focus_list"].to_numpy(dtype=bool)]
        focus = pd.DataFrame({c: chosen[c] if c in chosen.columns else pd.NA
                              for c in FOCUS_COLUMNS})
        if isinstance(config, RankConfig):
            parsed, config_text = config, config.to_json()
        else:
            config_text = str(config)
            parsed = config_from_text(config_text)
        pins = [{"village_code": p.village_code, "action": p.action, "reason": p.reason,
                 "by": p.by} for p in parsed.focus.pins]
        if not isinstance(sources, Mapping):
            sources = {Path(p).name: file_sha256(p) for p in sources}
        return cls(title=title, decided_by=decided_by, focus_list=focus.reset_index(drop=True),
                   pins=pins, config_text=config_text, sources=dict(sources), note=note)

    @property
    def village_codes(self) -> list[str]:
        """The focus villages' codes, in list order."""
        return [str(c) for c in self.focus_list["village_code"]]


class DecisionStore:
    """Append-only store of decisions in ``<workspace_dir>/decisions.sqlite``.

    Every call opens its own connection, so one store object is safe to share between the
    app's sessions and threads, and several processes may write at once.
    """

    def __init__(self, workspace_dir):
        self.workspace = Path(workspace_dir)
        self.path = self.workspace / DB_NAME
        try:
            self.workspace.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise GeoInputError("err.workspace_folder", source=str(self.workspace),
                                detail=str(exc.strerror)) from None
        with self._connect() as db:
            db.executescript("BEGIN IMMEDIATE;" + _SCHEMA + _append_only_triggers() + "COMMIT;")

    @contextmanager
    def _connect(self):
        try:
            db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.OperationalError as exc:
            raise GeoInputError("err.decisions_database", source=str(self.path),
                                detail=str(exc)) from None
        try:
            db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            self._use_wal(db)
            db.execute("PRAGMA foreign_keys = ON")
            yield db
        finally:
            db.close()

    def _use_wal(self, db) -> None:
        """Switch the database to WAL once (the mode is kept in the file).

        Changing the journal mode needs the file to itself and SQLite does not wait for it
        through the busy timeout: two processes opening a new workspace at the same moment
        got "database is locked". So the mode is read first and the switch retried briefly.
        """
        deadline = time.monotonic() + BUSY_TIMEOUT_S
        while True:
            try:
                if db.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise GeoInputError("err.decisions_database", source=str(self.path),
                                        detail=str(exc)) from None
                time.sleep(0.05)

    def save(self, decision: Decision) -> int:
        """Store a decision as the next version of its title; returns its id."""
        title, by = (decision.title or "").strip(), (decision.decided_by or "").strip()
        if not title:
            raise GeoInputError("err.decision_title", source="title")
        if not by:
            raise GeoInputError("err.decision_by", source="decided_by")
        focus = decision.focus_list
        if "village_code" not in focus.columns:
            raise GeoInputError("err.focus_list_no_code", source="focus_list")
        decided_at = decision.decided_at or datetime.now(timezone.utc).isoformat(timespec="seconds")
        rows = [
            (pos, str(r.get("village_code")), _text(r.get("village_name")), _int(r.get("rank")),
             _float(r.get("score")), _text(r.get("focus_reason")))
            for pos, r in enumerate(focus.to_dict("records"))
        ]
        with self._connect() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                (version,) = db.execute("SELECT COALESCE(MAX(version), 0) + 1 FROM decision "
                                        "WHERE title = ?", (title,)).fetchone()
                cur = db.execute(
                    "INSERT INTO decision (title, version, decided_by, decided_at, note, "
                    "config_text) VALUES (?, ?, ?, ?, ?, ?)",
                    (title, version, by, decided_at, decision.note or "",
                     decision.config_text or ""))
                new_id = cur.lastrowid
                db.executemany("INSERT INTO focus_village VALUES (?, ?, ?, ?, ?, ?, ?)",
                               [(new_id, *row) for row in rows])
                db.executemany("INSERT INTO pin VALUES (?, ?, ?, ?, ?, ?)",
                               [(new_id, pos, p["village_code"], p["action"], p["reason"],
                                 p.get("by", "")) for pos, p in enumerate(decision.pins)])
                db.executemany("INSERT INTO source VALUES (?, ?, ?)",
                               [(new_id, name, sha) for name, sha in decision.sources.items()])
                db.executemany("INSERT INTO input VALUES (?, ?, ?, ?)",
                               [(new_id, pos, str(i["role"]), str(i["path"]))
                                for pos, i in enumerate(decision.inputs)])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return int(new_id)

    def list(self) -> pd.DataFrame:
        """All saved decisions, oldest first (id, title, version, decided_by, decided_at, ...)."""
        with self._connect() as db:
            rows = db.execute(
                "SELECT d.id, d.title, d.version, d.decided_by, d.decided_at, d.note, "
                "(SELECT COUNT(*) FROM focus_village f WHERE f.decision_id = d.id) "
                "FROM decision d ORDER BY d.id").fetchall()
        return pd.DataFrame(rows, columns=["id", "title", "version", "decided_by", "decided_at",
                                           "note", "villages"])

    def load(self, decision_id: int) -> Decision:
        """One saved decision, complete."""
        with self._connect() as db:
            head = db.execute("SELECT id, title, version, decided_by, decided_at, note, "
                              "config_text FROM decision WHERE id = ?",
                              (int(decision_id),)).fetchone()
            if head is None:
                raise GeoInputError("err.decision_unknown", source=str(self.path),
                                    id=str(decision_id))
            focus = db.execute("SELECT village_code, village_name, rank, score, focus_reason FROM "
                               "focus_village WHERE decision_id = ? ORDER BY position",
                               (head[0],)).fetchall()
            pins = db.execute("SELECT village_code, action, reason, pinned_by FROM pin "
                              "WHERE decision_id = ? ORDER BY position", (head[0],)).fetchall()
            sources = db.execute("SELECT name, sha256 FROM source WHERE decision_id = ? "
                                 "ORDER BY name", (head[0],)).fetchall()
            inputs = db.execute("SELECT role, path FROM input WHERE decision_id = ? "
                                "ORDER BY position", (head[0],)).fetchall()
        focus_list = pd.DataFrame(focus, columns=list(FOCUS_COLUMNS)).astype(
            {"village_code": "string", "village_name": "string", "rank": "Int64",
             "score": "float64", "focus_reason": "string"})
        return Decision(
            id=head[0], title=head[1], version=head[2], decided_by=head[3], decided_at=head[4],
            note=head[5], config_text=head[6], focus_list=focus_list,
            pins=[dict(zip(("village_code", "action", "reason", "by"), p)) for p in pins],
            sources=dict(sources), inputs=[{"role": r, "path": p} for r, p in inputs])

    def latest(self, title: str) -> Decision | None:
        """The newest version of a title, or None if it was never saved."""
        with self._connect() as db:
            row = db.execute("SELECT id FROM decision WHERE title = ? "
                             "ORDER BY version DESC LIMIT 1", (title,)).fetchone()
        return None if row is None else self.load(row[0])

    def config_of(self, decision_id: int) -> RankConfig | None:
        """The ranking config of a decision (JSON, TOML or YAML text), to re-run it.

        Returns None when the stored text is empty or no longer a valid config (e.g. saved by
        an older version with other indicator names); the text itself stays in
        :meth:`load`'s ``config_text``.
        """
        text = self.load(decision_id).config_text
        try:
            return config_from_text(text)
        except GeoInputError:
            return None


def _append_only_triggers() -> str:
    return "".join(
        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
        f"BEGIN SELECT RAISE(ABORT, 'saved decisions are kept: add a new version instead'); END;"
        for table in _TABLES for verb in ("update", "delete"))


def _text(value) -> str | None:
    missing = value is None or value is pd.NA or (isinstance(value, float) and value != value)
    return None if missing else str(value)


def _int(value) -> int | None:
    return None if _text(value) is None else int(value)


def _float(value) -> float | None:
    return None if _text(value) is None else float(value)
