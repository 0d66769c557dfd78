"""Accounts and roles for a shared deployment, kept in the workspace's embedded database.

Roles (:data:`ROLES`): *admin* (accounts, settings, everything), *analyst* (Bappeda: load data,
change weights, save decisions, download), *agency* (an OPD: reads every page, downloads the
aggregate exports, no upload, no save), *viewer* (leadership, the public: the map and saved
decisions only, aggregates with small cells suppressed, no upload, no save, no download).
:data:`PERMISSIONS` is the table; :func:`can` asks it.

Passwords are hashed with Argon2id (argon2-cffi). Wrong passwords are throttled per account
and per session: after :data:`FREE_FAILURES` failures in :data:`WINDOW_S` seconds the next
try waits (doubling from 2 s, at most :data:`LOCK_S`); the failures are rows of the database,
so restarting the app does not reset them.
"""

from __future__ import annotations

import functools
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from geo.access.db import connect
from geo.common.errors import GeoInputError

ROLES = ("admin", "analyst", "agency", "viewer")

#: pages by their ui.state key, and actions; each role's set of permissions
PAGE_PERMISSIONS = ("page.summary", "page.map", "page.priority", "page.pockets", "page.pilot",
                    "page.data", "page.export", "page.decisions", "page.admin",
                    "page.trends",  # issue 15
                    "page.convergence")  # issue 14
ACTIONS = ("upload", "change_weights", "pin", "save_decision", "download", "manage_users",
           "view_audit", "full_detail")
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(PAGE_PERMISSIONS + ACTIONS),
    "analyst": frozenset(set(PAGE_PERMISSIONS) - {"page.admin"}
                         | {"upload", "change_weights", "pin", "save_decision", "download",
                            "full_detail"}),
    "agency": frozenset(set(PAGE_PERMISSIONS) - {"page.admin", "page.data"} | {"download"}),
    "viewer": frozenset({"page.summary", "page.map", "page.decisions"}),
}

FREE_FAILURES = 3
WINDOW_S = 15 * 60
LOCK_S = 15 * 60
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")
_HASHER = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """What an unknown name's password is checked against (the same time as a known one's);
    made on the first sign-in, not on import: one Argon2 hash is 0.1 s of every page's first
    run otherwise."""
    return _HASHER.hash("not a password of anyone")


_SCHEMA = """
CREATE TABLE IF NOT EXISTS app_user (
    username TEXT PRIMARY KEY,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'agency', 'viewer')),
    agency TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failure (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL,
    session TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS login_failure_user ON login_failure (username, at);
CREATE INDEX IF NOT EXISTS login_failure_session ON login_failure (session, at);
"""


def can(role: str | None, permission: str) -> bool:
    """True when ``role`` holds ``permission`` (``page.map``, ``upload``, ``save_decision`` ...)."""
    return permission in PERMISSIONS.get(role or "", frozenset())


@dataclass(frozen=True)
class User:
    """An account as the app sees it (never the password hash)."""

    username: str
    role: str
    agency: str = ""
    active: bool = True
    created_at: str = ""

    def can(self, permission: str) -> bool:
        return self.active and can(self.role, permission)

    def to_dict(self) -> dict:
        return {"username": self.username, "role": self.role, "agency": self.agency,
                "active": self.active, "created_at": self.created_at}


def _delay(failures: int) -> float:
    """Seconds to wait after the last failure, given the failures in the window."""
    if failures < FREE_FAILURES:
        return 0.0
    return float(min(2 ** (failures - FREE_FAILURES + 1), LOCK_S))


class AccountStore:
    """Accounts of one workspace (table ``app_user`` in ``decisions.sqlite``)."""

    def __init__(self, workspace, *, clock=time.time):
        self.workspace = workspace
        self.clock = clock
        with connect(workspace, _SCHEMA):
            pass

    def add(self, username: str, password: str, role: str, agency: str = "") -> User:
        username = (username or "").strip().lower()
        if not _USERNAME.match(username):
            raise GeoInputError("err.user_name", source="username")
        if role not in ROLES:
            raise GeoInputError("err.user_role", source="role", given=str(role)[:20],
                                roles=", ".join(ROLES))
        if len(password or "") < 8:
            raise GeoInputError("err.user_password_short", source="password")
        created = datetime.now(timezone.utc).isoformat(timespec="seconds")
        with connect(self.workspace) as db:
            try:
                db.execute("INSERT INTO app_user VALUES (?, ?, ?, ?, 1, ?)",
                           (username, _HASHER.hash(password), role, agency.strip(), created))
            except Exception as exc:  # sqlite3.IntegrityError: the name is taken
                if "UNIQUE" not in str(exc):
                    raise
                raise GeoInputError("err.user_exists", source="username", user=username) from None
        return User(username, role, agency.strip(), True, created)

    def list(self) -> pd.DataFrame:
        with connect(self.workspace) as db:
            rows = db.execute("SELECT username, role, agency, active, created_at FROM app_user "
                              "ORDER BY username").fetchall()
        frame = pd.DataFrame(rows, columns=["username", "role", "agency", "active", "created_at"])
        frame["active"] = frame["active"].astype(bool)
        return frame

    def get(self, username: str) -> User | None:
        with connect(self.workspace) as db:
            row = db.execute("SELECT username, role, agency, active, created_at FROM app_user "
                             "WHERE username = ?", ((username or "").strip().lower(),)).fetchone()
        return None if row is None else User(row[0], row[1], row[2], bool(row[3]), row[4])

    def disable(self, username: str) -> None:
        with connect(self.workspace) as db:
            done = db.execute("UPDATE app_user SET active = 0 WHERE username = ?",
                              ((username or "").strip().lower(),)).rowcount
        if not done:
            raise GeoInputError("err.user_unknown", source="username")

    def wait_seconds(self, username: str, session: str = "") -> float:
        """How long a log-in for ``username`` (or from ``session``) must still wait."""
        now = self.clock()
        waits = []
        with connect(self.workspace) as db:
            for column, key in (("username", (username or "").strip().lower()), ("session", session)):
                if not key:
                    continue
                count, last = db.execute(
                    f"SELECT COUNT(*), MAX(at) FROM login_failure WHERE {column} = ? AND at > ?",
                    (key, now - WINDOW_S)).fetchone()
                if count:
                    waits.append(last + _delay(count) - now)
        return max([0.0, *waits])

    def authenticate(self, username: str, password: str, session: str = "") -> User:
        """The user when name and password match an active account.

        Raises
        ------
        GeoInputError
            ``err.login_wait`` while throttled (the password is not even checked),
            ``err.login_failed`` for a wrong name, password or a disabled account (one
            message for all three, so names cannot be probed).
        """
        name = (username or "").strip().lower()
        dummy = _dummy_hash()  # made before the lookup: the first unknown name costs no more
        wait = self.wait_seconds(name, session)
        if wait > 0:
            raise GeoInputError("err.login_wait", seconds=int(wait + 0.999))
        with connect(self.workspace) as db:
            row = db.execute("SELECT password_hash, role, agency, active, created_at FROM app_user "
                             "WHERE username = ?", (name,)).fetchone()
        try:
            _HASHER.verify(row[0] if row else dummy, password or "")
            ok = row is not None and bool(row[3])
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            ok = False
        if not ok:
            with connect(self.workspace) as db:
                db.execute("INSERT INTO login_failure (username, session, at) VALUES (?, ?, ?)",
                           (name, session or "", self.clock()))
            raise GeoInputError("err.login_failed")
        with connect(self.workspace) as db:
            db.execute("DELETE FROM login_failure WHERE username = ?", (name,))
        return User(name, row[1], row[2], True, row[4])
