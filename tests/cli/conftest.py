"""The CLI tests read English output: run every command with ``PPM_LANG=en`` unless a test
says otherwise (subprocesses inherit the variable)."""

import pytest


@pytest.fixture(autouse=True)
def english_messages(monkeypatch):
    monkeypatch.setenv("PPM_LANG", "en")
