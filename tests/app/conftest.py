"""Shared by the app tests: a temporary workspace, and the interpreter's ``__main__`` kept."""

from __future__ import annotations

import sys

import pytest


@pytest.fixture(autouse=True)
def workspace(tmp_path, monkeypatch):
    """Saved decisions go to a temporary workspace, never the repository's."""
    monkeypatch.setenv("POVERTY_MAP_WORKSPACE", str(tmp_path / "workspace"))
    return tmp_path / "workspace"


@pytest.fixture(autouse=True)
def _main_module_restored():
    """AppTest runs a page script as ``__main__`` and leaves it there; processes started later
    by the spawn method (Dask workers, the two-process decision test) would run that script
    (or fail on AppTest's ``from_function`` wrapper) before their own work."""
    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
