"""The workspace's embedded database (``<workspace>/decisions.sqlite``, shared with
:mod:`geo.decisions.store`): one connection per call, WAL, a busy timeout, autocommit."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path

from geo.common.errors import GeoInputError
from geo.decisions.store import BUSY_TIMEOUT_S, DB_NAME


@contextmanager
def connect(workspace, schema: str = ""):
    """A connection to ``<workspace>/decisions.sqlite``; ``schema`` is run first (IF NOT EXISTS)."""
    folder = Path(workspace)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(folder / DB_NAME, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.OperationalError) as exc:
        raise GeoInputError("err.decisions_database", source=DB_NAME,
                            detail=type(exc).__name__) from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if schema:
            db.executescript("BEGIN IMMEDIATE;" + schema + "COMMIT;")
        yield db
    finally:
        db.close()
