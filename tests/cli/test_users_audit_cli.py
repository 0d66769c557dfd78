"""``python -m geo users`` and ``python -m geo audit``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from geo.access import AccountStore

ROOT = Path(__file__).resolve().parents[2]


def geo(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "geo", "--lang", "en", *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=60)


def test_users_add_list_disable_and_audit(tmp_path):
    ws = str(tmp_path)
    done = geo("users", "add", "siti", "--role", "analyst", "--password-stdin", "--workspace", ws,
               stdin="a long password\n")
    assert done.returncode == 0, done.stderr
    assert AccountStore(ws).authenticate("siti", "a long password").role == "analyst"
    listed = geo("users", "list", "--workspace", ws)
    assert "siti\tanalyst" in listed.stdout and "password" not in listed.stdout
    assert geo("users", "disable", "siti", "--workspace", ws).returncode == 0
    assert "disabled" in geo("users", "list", "--workspace", ws).stdout
    trail = geo("audit", "list", "--workspace", ws).stdout
    assert "user_added" in trail and "user_disabled" in trail and "a long password" not in trail
    out = tmp_path / "trail.csv"
    assert geo("audit", "export", "--workspace", ws, "--out", str(out)).returncode == 0
    assert "user_added" in out.read_text(encoding="utf-8-sig")


def test_empty_password_is_one_line_error(tmp_path):
    done = geo("users", "add", "siti", "--role", "viewer", "--password-stdin", "--workspace", str(tmp_path))
    assert done.returncode == 2 and "Traceback" not in done.stderr
