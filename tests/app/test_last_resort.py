"""The app's last resort (issue 18): an unexpected exception on a page is a short message in the
user's language with a reference; the log has the reference, the type and the place, never the
exception's text (which may hold a household's values). Streamlit's rerun/stop pass through."""

from __future__ import annotations

import logging

from streamlit.testing.v1 import AppTest

NIK = "3507012304850001"


def _page(kind: str, lang: str) -> None:
    import streamlit as st

    import ui.state
    from geo.common.errors import GeoInputError

    st.session_state["lang"] = lang
    nik = "3507012304850001"

    class Navigation:
        def run(self):
            st.write("before")
            if kind == "bug":
                raise KeyError(f"household {nik} Siti Aminah")
            if kind == "input":
                raise GeoInputError("err.file_not_found", source="/tmp/upload-a1/hh.csv")
            st.stop()

    ui.state.run_page(Navigation())
    st.write("after")


def _run(kind: str, lang: str = "id") -> AppTest:
    return AppTest.from_function(_page, kwargs={"kind": kind, "lang": lang},
                                 default_timeout=60).run()


def test_an_unexpected_exception_is_a_short_message_and_a_log_line(caplog):
    with caplog.at_level(logging.ERROR, logger="ui"):
        at = _run("bug")
    assert not at.exception
    [error] = at.error
    assert "kesalahan tak terduga" in error.value and NIK not in error.value
    reference = error.value.rsplit(" ", 1)[-1].rstrip(".")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert reference in logged and "KeyError" in logged and "run_page" in logged
    assert NIK not in logged and "Siti" not in logged
    assert "Something unexpected" in _run("bug", "en").error[0].value


def test_an_input_error_that_escaped_its_page_is_its_message_without_the_path():
    at = _run("input", "en")
    [error] = at.error
    assert "hh.csv" in error.value and "/tmp/" not in error.value and "file not found" in error.value


def test_st_stop_is_not_an_error():
    at = _run("stop")
    assert not at.error and not at.exception
    assert [m.value for m in at.markdown] == ["before"]
