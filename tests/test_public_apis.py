"""No private names of the map and GIS packages: streamlit-folium, folium, branca, fiona.

Their ``_``-prefixed modules, functions and attributes change without notice between releases
(streamlit-folium 0.28 did), so the code uses only their public API and pins no upper bound to
protect such use. This test reads every Python file of the app, the library, the tests and the
benchmarks and fails on: a module path with a private part (``fiona._err``), a private name
imported from them, an attribute chain from them to a private name (``sf._get_html``), or one
of their private attributes known to have been used on their objects (``layer._template``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("streamlit_folium", "folium", "branca", "fiona")
#: private attributes of folium / branca / streamlit-folium objects this code once reached into
KNOWN_PRIVATE = ("_template", "_children", "_get_self_bounds", "_component_func", "_get_html",
                 "_get_header", "_get_map_string")


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for folder in ("geo", "ui", "pages", "tests", "benchmarks"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return [path for path in files if path.resolve() != Path(__file__).resolve()]


def _ours(module: str | None) -> bool:
    return bool(module) and module.split(".")[0] in PACKAGES


def _private(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def private_uses(source: str) -> list[str]:
    """The private names of :data:`PACKAGES` that ``source`` (Python text) uses."""
    tree = ast.parse(source)
    aliases: set[str] = set()  # local names bound to one of the packages or their modules
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if _ours(alias.name):
                    aliases.add((alias.asname or alias.name).split(".")[0])
                    if _private(alias.name):
                        found.append(alias.name)
        elif isinstance(node, ast.ImportFrom) and _ours(node.module):
            if _private(node.module):
                found.append(node.module)
            for alias in node.names:
                if _private(alias.name):
                    found.append(f"{node.module}.{alias.name}")
                aliases.add(alias.asname or alias.name)
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain, inner = [node.attr], node.value
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in aliases:
                dotted = ".".join([inner.id, *reversed(chain)])
                if _private(dotted):
                    found.append(dotted)
            if node.attr in KNOWN_PRIVATE:
                found.append("." + node.attr)
        elif isinstance(node, ast.Call) and len(node.args) >= 2:  # (monkeypatch.)setattr(sf, "_x")
            target, name = node.args[0], node.args[1]
            if (isinstance(target, ast.Name) and target.id in aliases
                    and isinstance(name, ast.Constant) and isinstance(name.value, str)
                    and _private(name.value)):
                found.append(f"{target.id}.{name.value}")
    return sorted(set(found))


def test_the_detector_finds_what_it_must():
    sample = ("import streamlit_folium as sf\nimport folium\nfrom fiona._err import CPLE_BaseError\n"
              "from folium.utilities import _parse_size\nimport fiona.errors\n"
              "sf._component_func(x)\nfolium.GeoJson._template\nlayer._get_self_bounds()\n"
              "fiona.errors.DriverError\nfolium.Map(location=None)\nself._private_of_ours = 1\n"
              "monkeypatch.setattr(sf, '_get_html', None)\ngetattr(folium, 'Map')\n")
    assert private_uses(sample) == sorted([
        "._component_func", "._get_self_bounds", "._template", "fiona._err",
        "folium.GeoJson._template", "folium.utilities._parse_size", "sf._component_func",
        "sf._get_html"])


def test_no_private_names_of_map_and_gis_packages():
    problems = {}
    for path in _sources():
        uses = private_uses(path.read_text(encoding="utf-8"))
        if uses:
            problems[str(path.relative_to(ROOT))] = uses
    assert problems == {}


def test_no_upper_pin_kept_for_private_use():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        name = re.split(r"[<>=!~\[; ]", line.strip(), maxsplit=1)[0].lower().replace("-", "_")
        if name in PACKAGES:
            assert "<" not in line.split("#")[0], line
