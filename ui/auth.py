"""Log-in and roles in the app, checked on the server.

Off by default (a laptop): everyone is the local user with every permission. On a shared
deployment set the environment variable ``PPM_AUTH=1``: every page then calls
:func:`require` with its permission before drawing anything, and every upload, weight change,
save and download calls it again before acting; :func:`require` draws the log-in form or a
refusal and stops the script run (``st.stop``), so nothing after it runs on the server, whatever
the browser sends. Accounts are made with ``python -m geo users add``. What happens is written
to the audit trail (:func:`audit`, :mod:`geo.audit`).
"""

from __future__ import annotations

import hashlib
import os

import streamlit as st

from geo import audit as trail
from geo.access import AccountStore, User
from geo.common.errors import GeoInputError
from geo.i18n import t

USER_KEY = "auth_user"
LOCAL_USER = User("local", "admin")
#: households below which a viewer's map withholds a village's figures
VIEWER_MIN_HOUSEHOLDS = 10


#: the permission each page asks for (its first line); a page not listed is open to every role
PAGE_PERMISSION = {
    "pages/0_Ringkasan.py": "page.summary", "pages/1_Peta.py": "page.map",
    "pages/2_Prioritas.py": "page.priority", "pages/3_Kantong_Kemiskinan.py": "page.pockets",
    "pages/4_Area_Percontohan.py": "page.pilot", "pages/5_Data.py": "page.data",
    "pages/6_Ekspor.py": "page.export", "pages/7_Keputusan.py": "page.decisions",
    "pages/9_Tren.py": "page.trends",  # issue 15
    "pages/10_Admin.py": "page.admin",
    "pages/8_Konvergensi.py": "page.convergence",  # issue 14
}


def shows_link(script: str) -> bool:
    """Whether the sidebar lists ``script``: pages the user may open; Admin only with log-in on."""
    if script == "pages/10_Admin.py" and not enabled():
        return False
    permission = PAGE_PERMISSION.get(script)
    return permission is None or current_user() is None or allowed(permission)


def enabled() -> bool:
    """True when log-in is required (``PPM_AUTH`` is 1, true, yes or on)."""
    return os.environ.get("PPM_AUTH", "").strip().lower() in ("1", "true", "yes", "on")


def _workspace():
    import ui.state

    return ui.state.workspace_dir()


def current_user() -> User | None:
    """The logged-in user; the local user when log-in is off; None when nobody logged in."""
    if not enabled():
        return LOCAL_USER
    return st.session_state.get(USER_KEY)


def allowed(permission: str) -> bool:
    """True when the current user holds ``permission`` (``page.map``, ``upload``, ...)."""
    user = current_user()
    return user is not None and user.can(permission)


def _session_key() -> str:
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx

        ctx = get_script_run_ctx()
        return ctx.session_id if ctx is not None else ""
    except Exception:  # noqa: BLE001 - outside a Streamlit run: no session
        return ""


def _login_form(lang: str) -> None:
    st.title(t("login_title", lang))
    with st.form("login_form"):
        name = st.text_input(t("login_user", lang), max_chars=40, key="login_name")
        password = st.text_input(t("login_password", lang), type="password", max_chars=200,
                                 key="login_password")
        submitted = st.form_submit_button(t("login_submit", lang))
    if submitted:
        try:
            user = AccountStore(_workspace()).authenticate(name, password, session=_session_key())
        except GeoInputError as exc:
            trail.record(_workspace(), (name or "").strip().lower()[:40] or "-", "login_failed",
                         {"reason": exc.code})
            st.error(exc.render(lang))
            return
        st.session_state[USER_KEY] = user
        trail.record(_workspace(), user.username, "login", {"role": user.role})
        st.rerun()


def sidebar(lang: str) -> None:
    """Who is logged in, and a log-out button (only when log-in is on)."""
    user = current_user()
    if not enabled() or user is None:
        return
    with st.sidebar:
        st.text(t("logged_in_as", lang, user=user.username, role=t(f"role_{user.role}", lang)))
        if st.button(t("logout", lang), key="logout"):
            trail.record(_workspace(), user.username, "logout", {})
            st.session_state.pop(USER_KEY, None)
            st.rerun()


def require(permission: str, lang: str | None = None) -> User:
    """Stop this script run unless the current user holds ``permission``.

    Nobody logged in: the log-in form is drawn and the run stops. Logged in without the
    permission: a refusal is drawn and the run stops. Returns the user otherwise.
    """
    import ui.state

    lang = lang or ui.state.language()
    user = current_user()
    if user is None:
        _login_form(lang)
        st.stop()
    if permission.startswith("page."):  # the page's first check: who is logged in, once a run
        sidebar(lang)
    if not user.can(permission):
        st.warning(t("not_allowed", lang))
        st.stop()
    return user


def actor() -> str:
    user = current_user()
    return user.username if user is not None else "-"


def audit(action: str, details: dict | None = None) -> None:
    """Append to the audit trail as the current user (fingerprints and aggregates only)."""
    trail.record(_workspace(), actor(), action, details or {})


def fingerprints(files) -> list[dict]:
    """Name, size and SHA-256 of uploaded files (Streamlit ``UploadedFile``), never contents."""
    out = []
    for f in files or []:
        if f is None:
            continue
        data = f.getvalue()
        out.append({"file": str(f.name)[:200], "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest()})
    return out


def on_download(name: str) -> None:
    """``on_click`` of a download button: the download is written to the audit trail."""
    audit("export_downloaded", {"file": name})


def shown_result(token: str, result):
    """The analysis as the current user may see it: without ``full_detail`` (viewer) every
    household figure of a village with fewer than :data:`VIEWER_MIN_HOUSEHOLDS` is withheld."""
    if allowed("full_detail") or "households" not in result.villages.columns:
        return result
    return _suppressed(token, result)


@st.cache_resource(show_spinner=False, max_entries=8)
def _suppressed(token: str, _result):
    import dataclasses

    from geo.export.layers import suppress_small_villages

    return dataclasses.replace(_result, villages=suppress_small_villages(_result.villages,
                                                                          VIEWER_MIN_HOUSEHOLDS))


def setting_changed(name: str, value) -> bool:
    """True when ``value`` differs from the first value this session saw for ``name``; the change
    is then written to the audit trail once (call :func:`require` before acting on it)."""
    key = f"_setting_{name}"
    if key not in st.session_state:
        st.session_state[key] = (value, value)
        return False
    first, last = st.session_state[key]
    if value == first:
        return False
    if value != last and allowed("change_weights"):
        st.session_state[key] = (first, value)
        audit("setting_changed", {"setting": name, "value": value})
    return True
