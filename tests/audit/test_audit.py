"""The audit trail: append-only rows, exported as CSV with formula cells neutralised."""

from __future__ import annotations

import sqlite3

import pytest

from geo import audit
from geo.decisions.store import DB_NAME


def test_records_newest_first_and_refuses_changes(tmp_path):
    first = audit.record(tmp_path, "ana", "files_loaded", {"files": [{"file": "hh.csv", "sha256": "ab"}]})
    second = audit.record(tmp_path, "ana", "decision_saved", {"decision_id": 1, "title": "Lokus"})
    frame = audit.entries(tmp_path)
    assert list(frame["id"]) == [second, first]
    assert list(frame["action"]) == ["decision_saved", "files_loaded"]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        for sql in ("UPDATE audit SET actor = 'x'", "DELETE FROM audit"):
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                db.execute(sql)
    assert len(audit.entries(tmp_path)) == 2


def test_csv_export_neutralises_formulas(tmp_path):
    audit.record(tmp_path, "=HYPERLINK(1)", "setting_changed", {"w": 1})
    out = audit.export_csv(tmp_path, tmp_path / "audit.csv")
    text = out.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK(1)" in text and ",=HYPERLINK" not in text
    assert text.splitlines()[0] == "id,at,actor,action,details"
