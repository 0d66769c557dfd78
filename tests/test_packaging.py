"""pyproject.toml declares what the code imports, and nothing that nothing imports."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
OWN = {"geo", "ui", "tests", "synthetic_result", "decision_workers", "conftest",
       *(p.stem for p in (ROOT / "benchmarks").glob("*.py"))}


def _dist(requirement: str) -> str:
    """``"streamlit-folium>=0.23"`` -> ``"streamlit-folium"`` (PEP 503 normalised)."""
    name = re.match(r"[A-Za-z0-9._-]+", requirement).group(0)
    return re.sub(r"[-_.]+", "-", name).lower()


def _imports(paths) -> set[str]:
    """Top-level names of every absolute import (also lazy ones inside functions)."""
    names = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names.add(node.module.split(".")[0])
    return names - OWN - set(sys.stdlib_module_names) - {"__future__"}


def _distributions(import_names: set[str]) -> dict[str, set[str]]:
    owners = packages_distributions()
    return {name: {_dist(d) for d in owners.get(name, [name])} for name in import_names}


def _files(*parts) -> list[Path]:
    out = []
    for part in parts:
        path = ROOT / part
        out += sorted(path.rglob("*.py")) if path.is_dir() else [path]
    return out


def test_every_runtime_import_is_declared_and_every_declared_package_imported():
    declared = {_dist(r) for r in PROJECT["dependencies"]}
    optional = {_dist(r) for r in PROJECT["optional-dependencies"]["scale"]}  # imported lazily
    used = _distributions(_imports(_files("geo", "ui", "pages", "app.py")))
    undeclared = {name: dists for name, dists in used.items() if not dists & (declared | optional)}
    assert undeclared == {}
    imported = set().union(*used.values())
    assert sorted(declared - imported) == []


def test_extras_are_imported_by_what_they_are_for():
    extras = {name: {_dist(r) for r in reqs}
              for name, reqs in PROJECT["optional-dependencies"].items()}
    runtime = {_dist(r) for r in PROJECT["dependencies"]}
    used_by_tests = set().union(*_distributions(_imports(_files("tests", "benchmarks"))).values())
    used_by_geo = set().union(*_distributions(_imports(_files("geo"))).values())
    # pytest-xdist is a plugin (pytest -n), ruff a command: neither is imported
    assert sorted(extras["test"] - used_by_tests - {"pytest-xdist"}) == []
    assert sorted(extras["scale"] - used_by_geo) == []
    assert extras["dev"] == {"ruff"}
    test_imports = _distributions(_imports(_files("tests", "benchmarks")))
    missing = {name: d for name, d in test_imports.items()
               if not d & (runtime | extras["test"] | extras["scale"])}
    assert missing == {}


def test_requirements_install_the_project_with_its_extras():
    lines = [line.split("#")[0].strip()
             for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()]
    install = [line for line in lines if line.startswith("-e")]
    assert len(install) == 1
    extras = set(re.search(r"\[(.*)\]", install[0]).group(1).split(","))
    assert extras == set(PROJECT["optional-dependencies"])
