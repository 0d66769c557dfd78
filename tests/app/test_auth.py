"""Log-in and roles in the app (``PPM_AUTH=1``), checked on the server with AppTest.

A role that may not open a page gets the refusal and nothing else; a request the browser was
never offered (a viewer's save or upload, sent as if the widget were there) is refused by the
server, not only hidden.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo import audit
from geo.access import AccountStore
from geo.decisions.store import DecisionStore

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
PASSWORDS = {"adi": "admin pass 1", "ana": "analyst pass", "opd": "agency pass", "vera": "viewer pass"}
ROLES = {"adi": "admin", "ana": "analyst", "opd": "agency", "vera": "viewer"}


@pytest.fixture(autouse=True)
def accounts(workspace, monkeypatch):
    monkeypatch.setenv("PPM_AUTH", "1")
    store = AccountStore(workspace)
    for name, password in PASSWORDS.items():
        store.add(name, password, ROLES[name])
    return store


def page(script: str, user: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / script), default_timeout=TIMEOUT)
    if user is not None:
        at.session_state["auth_user"] = AccountStore(_ws()).authenticate(user, PASSWORDS[user])
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _ws():
    import os

    return os.environ["POVERTY_MAP_WORKSPACE"]


def refused(at: AppTest) -> bool:
    return any("tidak diizinkan" in w.value for w in at.warning)


def login(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="login_name").input(name)
    at.text_input(key="login_password").input(password)
    return at.button[[b.label for b in at.button].index("Masuk")].click().run()


def test_nobody_logged_in_sees_only_the_log_in_form():
    at = page("pages/5_Data.py")
    assert [t.key for t in at.text_input] == ["login_name", "login_password"]
    assert not at.get("file_uploader") and not at.dataframe and not at.title[1:]


def test_log_in_wrong_then_right_and_throttled(accounts):
    at = page("pages/1_Peta.py")
    login(at, "ana", "not it")
    assert any("salah" in e.value for e in at.error)
    login(at, "ana", PASSWORDS["ana"])
    assert at.session_state["auth_user"].role == "analyst"
    assert any("ana" in t.value for t in at.sidebar.text)
    # three failures in a row: even the right password waits
    at = page("pages/1_Peta.py")
    for _ in range(3):
        login(at, "vera", "wrong")
    login(at, "vera", PASSWORDS["vera"])
    assert any("detik" in e.value for e in at.error)
    assert "auth_user" not in at.session_state
    actions = list(audit.entries(_ws())["action"])
    assert actions.count("login_failed") == 5 and "login" in actions


@pytest.mark.parametrize("script,allowed", [
    ("pages/0_Ringkasan.py", {"adi", "ana", "opd", "vera"}),
    ("pages/1_Peta.py", {"adi", "ana", "opd", "vera"}),
    ("pages/2_Prioritas.py", {"adi", "ana", "opd"}),
    ("pages/5_Data.py", {"adi", "ana"}),
    ("pages/6_Ekspor.py", {"adi", "ana", "opd"}),
    ("pages/8_Konvergensi.py", {"adi", "ana", "opd"}),  # issue 14
    ("pages/9_Tren.py", {"adi", "ana", "opd"}),
    ("pages/10_Admin.py", {"adi"}),
])
def test_each_role_reaches_its_pages(script, allowed):
    for user in ROLES:
        at = page(script, user)
        assert refused(at) == (user not in allowed), (script, user)
        if user not in allowed:
            assert not at.get("file_uploader") and not at.get("download_button") and not at.dataframe


def test_every_page_has_a_permission():
    import ui.auth
    from ui.state import PAGES

    assert {script for script, _, _ in PAGES} <= set(ui.auth.PAGE_PERMISSION)
    for script, _, _ in PAGES:
        text = (ROOT / script).read_text(encoding="utf-8")
        assert f'ui.auth.require("{ui.auth.PAGE_PERMISSION[script]}", lang)' in text, script


def test_viewer_save_request_is_refused_on_the_server(workspace):
    at = page("pages/2_Prioritas.py", "ana")
    at.text_input(key="decision_title").input("Lokus 2026")
    at.text_input(key="decision_by").input("Bappeda")
    at.session_state["auth_user"] = AccountStore(workspace).authenticate("vera", PASSWORDS["vera"])
    at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
    assert refused(at)
    assert DecisionStore(workspace).list().empty
    assert "decision_saved" not in set(audit.entries(workspace)["action"])


def test_viewer_upload_request_is_refused_on_the_server(workspace):
    at = page("pages/5_Data.py", "ana")
    at.session_state["auth_user"] = AccountStore(workspace).authenticate("vera", PASSWORDS["vera"])
    button = at.button(key="run_analysis")
    button.proto.disabled = False  # as if a file had been given
    button.click().run()
    assert refused(at)
    assert "files_loaded" not in set(audit.entries(workspace)["action"])


def test_agency_cannot_change_weights_nor_save(workspace):
    at = page("pages/2_Prioritas.py", "opd")
    sliders = [s for s in at.slider if s.key and s.key.startswith("weight_")]
    assert sliders and all(s.disabled for s in sliders)
    assert "Simpan keputusan" not in [b.label for b in at.button]
    assert at.get("download_button")  # the focus list download is offered to an agency
    # a changed weight sent anyway (the slider as an analyst's page had it) is refused
    at = page("pages/2_Prioritas.py", "ana")
    at.session_state["auth_user"] = AccountStore(workspace).authenticate("opd", PASSWORDS["opd"])
    slider = [s for s in at.slider if s.key and s.key.startswith("weight_") and s.value > 0][0]
    column, before = slider.key.removeprefix("weight_"), slider.value
    slider.set_value(0.0).run()
    # refused, or the value dropped (Streamlit resets a widget drawn disabled): never applied
    assert refused(at) or at.session_state["config"].weights[column] == pytest.approx(before)
    assert "setting_changed" not in set(audit.entries(workspace)["action"])


def test_analyst_weight_change_and_save_are_in_the_audit_trail(workspace):
    at = page("pages/2_Prioritas.py", "ana")
    [s for s in at.slider if s.key and s.key.startswith("weight_")][0].set_value(0.0).run()
    at.text_input(key="decision_title").input("Lokus 2026")
    at.text_input(key="decision_by").input("Bappeda")
    at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
    assert not refused(at) and len(DecisionStore(workspace).list()) == 1
    trail = audit.entries(workspace)
    saved = trail[trail["action"] == "decision_saved"]
    assert list(saved["actor"]) == ["ana"] and "Lokus 2026" in saved["details"].iloc[0]
    assert "setting_changed" in set(trail["action"])


def test_viewer_map_withholds_small_villages():
    import ui.auth

    at = page("pages/1_Peta.py", "vera")
    assert not refused(at) and not at.get("download_button")
    # the suppression itself: a viewer's result has villages marked suppressed
    from ui.state import _demo_analysis

    result = _demo_analysis()
    ui.auth.VIEWER_MIN_HOUSEHOLDS, old = 10**6, ui.auth.VIEWER_MIN_HOUSEHOLDS
    try:
        from geo.export.layers import suppress_small_villages

        shown = suppress_small_villages(result.villages, 10**6)
        assert shown["households"].isna().all()
    finally:
        ui.auth.VIEWER_MIN_HOUSEHOLDS = old


def test_agency_sees_the_stored_target_but_cannot_change_it(workspace):
    from geo.targets.store import TargetStore

    TargetStore(workspace).set_target("99.71", 4.1, 2026, 5.0, 2022)
    at = page("pages/9_Tren.py", "opd")
    assert not refused(at)
    assert at.number_input(key="target").value == 4.1 and at.number_input(key="target").disabled
    at = page("pages/9_Tren.py", "ana")
    assert not at.number_input(key="target").disabled
