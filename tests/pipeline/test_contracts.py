"""Stage results travel as typed fields, not ``DataFrame.attrs`` or loose dicts."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]



def _python_files():
    for folder in ("geo", "ui", "pages"):
        yield from sorted((ROOT / folder).rglob("*.py"))
    yield ROOT / "app.py"


def test_no_dataframe_attrs_in_the_library_or_the_app():
    pattern = re.compile(r"\.attrs\b")
    found = []
    for path in _python_files():
        rel = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if pattern.search(code) and not code.lstrip().startswith(("\"", "'", "``")) \
                    and "``" not in code:
                found.append(f"{rel}:{number}: {line.strip()}")
    assert found == []


def test_no_reader_indexes_the_typed_parts_like_dicts():
    pattern = re.compile(r"\.(method|reconciliation|boundary_report)(\[|\.get\(|\.items\()")
    found = [f"{p.relative_to(ROOT).as_posix()}:{n}: {line.strip()}"
             for p in _python_files()
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if pattern.search(line.split("#", 1)[0])]
    assert found == []
