"""The audit trail: who loaded which files, changed which setting, saved or exported what, when.

Rows of table ``audit`` in the workspace's ``decisions.sqlite``: time (UTC), actor, action and
details (JSON). Append-only: triggers refuse UPDATE and DELETE. Files are recorded by
fingerprint (name, bytes, SHA-256, see :func:`geo.common.fingerprint.file_fingerprint`),
never their contents; callers pass aggregates only.
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd

from geo.access.db import connect
from geo.common.privacy import mask_id_numbers
# the one rule of every CSV writer, from where it lives (geo.export would import geopandas,
# openpyxl and the exporters into every page's sign-in check)
from geo.common.safe_text import neutralise_cell as neutralise

ACTIONS = ("login", "logout", "login_failed", "files_loaded", "setting_changed", "decision_saved",
           "decision_rerun", "export_downloaded", "user_added", "user_disabled",
           "target_saved", "official_rate_saved",  # issue 15: targets
           "assignment_saved")  # issue 14
COLUMNS = ("id", "at", "actor", "action", "details")
_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NOT NULL DEFAULT '{}'
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
"""


def _masked(value):
    """Typed texts (titles, names) lose any NIK-like digit run; fingerprints stay whole."""
    if isinstance(value, dict):
        return {k: v if k in ("sha256", "sources") else _masked(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_masked(v) for v in value]
    if isinstance(value, str):
        return str(mask_id_numbers([value]).iloc[0])
    return value


def record(workspace, actor: str, action: str, details: dict | None = None) -> int:
    """Append one row; returns its id. ``details`` must be JSON-able aggregates/fingerprints."""
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    text = json.dumps(_masked(details or {}), ensure_ascii=False, sort_keys=True, default=str)
    with connect(workspace, _SCHEMA) as db:
        cur = db.execute("INSERT INTO audit (at, actor, action, details) VALUES (?, ?, ?, ?)",
                         (at, str(actor or "-")[:80], str(action)[:60], text))
        return int(cur.lastrowid)


def entries(workspace, limit: int | None = None) -> pd.DataFrame:
    """The trail, newest first (``limit`` rows at most)."""
    sql = "SELECT id, at, actor, action, details FROM audit ORDER BY id DESC"
    params: tuple = ()
    if limit is not None:
        sql += " LIMIT ?"
        params = (int(limit),)
    with connect(workspace, _SCHEMA) as db:
        rows = db.execute(sql, params).fetchall()
    return pd.DataFrame(rows, columns=list(COLUMNS)).astype({"id": "int64"})


def csv_bytes(workspace) -> bytes:
    """The whole trail as CSV (oldest first), formula-like cells neutralised, UTF-8 with BOM."""
    frame = entries(workspace).iloc[::-1]
    for column in ("at", "actor", "action", "details"):
        frame[column] = frame[column].map(neutralise)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8-sig")


def export_csv(workspace, path) -> Path:
    """Write :func:`csv_bytes` to ``path`` whole or not at all."""
    path = Path(path)
    data = csv_bytes(workspace)
    fd, tmp = tempfile.mkstemp(prefix=".audit-", suffix=".csv", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
