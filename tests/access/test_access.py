"""Accounts: Argon2 hashes, one refusal for every wrong log-in, throttling kept in the database."""

from __future__ import annotations

import sqlite3

import pytest

from geo.access import FREE_FAILURES, PERMISSIONS, ROLES, AccountStore, can
from geo.common.errors import GeoInputError
from geo.decisions.store import DB_NAME


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    clock = Clock()
    s = AccountStore(tmp_path, clock=clock)
    s.add("ana", "correct horse", "analyst")
    s.add("vera", "viewer pass", "viewer")
    return s


def test_passwords_are_argon2_hashes_not_text(store, tmp_path):
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        hashes = [row[0] for row in db.execute("SELECT password_hash FROM app_user")]
    assert all(h.startswith("$argon2id$") for h in hashes)
    assert not any("correct horse" in h for h in hashes)


def test_right_password_logs_in(store):
    user = store.authenticate("ANA ", "correct horse")
    assert (user.username, user.role) == ("ana", "analyst")
    assert user.can("save_decision") and not user.can("manage_users")


@pytest.mark.parametrize("name,password", [("ana", "wrong"), ("nobody", "correct horse"), ("ana", "")])
def test_wrong_log_ins_get_one_message(store, name, password):
    with pytest.raises(GeoInputError) as err:
        store.authenticate(name, password)
    assert err.value.code == "err.login_failed"


def test_disabled_account_is_refused(store):
    store.disable("ana")
    with pytest.raises(GeoInputError):
        store.authenticate("ana", "correct horse")


def test_wrong_passwords_are_throttled_and_survive_a_restart(store, tmp_path):
    for _ in range(FREE_FAILURES):
        with pytest.raises(GeoInputError) as err:
            store.authenticate("ana", "wrong", session="s1")
        assert err.value.code == "err.login_failed"
    # the right password is now refused too, until the wait is over
    with pytest.raises(GeoInputError) as err:
        store.authenticate("ana", "correct horse", session="s2")
    assert err.value.code == "err.login_wait"
    restarted = AccountStore(tmp_path, clock=store.clock)
    assert restarted.wait_seconds("ana") > 0
    # the session that failed is throttled for other names too
    assert restarted.wait_seconds("vera", session="s1") > 0
    assert restarted.wait_seconds("vera", session="s3") == 0
    store.clock.now += 3
    assert store.authenticate("ana", "correct horse").role == "analyst"


def test_waits_grow_with_more_failures(store):
    waits = []
    for _ in range(FREE_FAILURES + 3):
        store.clock.now += 1000 if waits and waits[-1] > 100 else 0
        wait = store.wait_seconds("ana")
        store.clock.now += wait
        with pytest.raises(GeoInputError):
            store.authenticate("ana", "wrong")
        waits.append(store.wait_seconds("ana"))
    assert waits[FREE_FAILURES - 2] == 0 and waits[-1] > waits[FREE_FAILURES - 1] > 0


def test_bad_accounts_are_refused(store):
    for args, code in [(("ana", "long enough", "viewer"), "err.user_exists"),
                       (("x y", "long enough", "viewer"), "err.user_name"),
                       (("bob", "short", "viewer"), "err.user_password_short"),
                       (("bob", "long enough", "root"), "err.user_role")]:
        with pytest.raises(GeoInputError) as err:
            store.add(*args)
        assert err.value.code == code


def test_permission_table():
    assert set(PERMISSIONS) == set(ROLES)
    assert can("admin", "manage_users") and not can("analyst", "manage_users")
    for action in ("upload", "save_decision", "download", "change_weights", "pin"):
        assert not can("viewer", action)
    assert can("viewer", "page.map") and not can("viewer", "page.data")
    assert can("agency", "download") and not can("agency", "upload")
    assert not can(None, "page.map")
