"""The Interface of issue 20: ``python -m geo export --formats pilot --pilot CODE`` writes the
pilot map as a valid PNG and a one-page A4/A3 PDF; an unknown code is one line and exit 2."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PILOT = "99.71.01.1005"  # the demo's planted pilot kelurahan
A_SIZES = {(595, 842), (842, 1191)}  # A4, A3 in points (short side, long side)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    subprocess.run([sys.executable, "-m", "geo", "demo", "--out", str(out)], cwd=ROOT, check=True,
                   capture_output=True)
    return out


def _export(demo, out, *codes):
    return subprocess.run(
        [sys.executable, "-m", "geo", "export", "--boundaries", str(demo / "demo_villages.geojson"),
         "--households", str(demo / "demo_households.csv"), "--formats", "pilot",
         "--pilot", *codes, "--out", str(out)], cwd=ROOT, capture_output=True, text=True)


def test_pilot_format_writes_png_and_an_a4_or_a3_pdf(demo, tmp_path):
    done = _export(demo, tmp_path, PILOT)
    assert done.returncode == 0, done.stderr
    png, pdf = tmp_path / "pilot_map.png", tmp_path / "pilot_map.pdf"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
    box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
    size = tuple(sorted(round(float(v)) for v in box.groups()))
    assert size in A_SIZES
    assert sorted(p.name for p in tmp_path.iterdir()) == ["manifest.json", "pilot_map.pdf", "pilot_map.png"]


def test_an_unknown_pilot_code_is_one_line_and_exit_2(demo, tmp_path):
    done = _export(demo, tmp_path / "out", PILOT, "12.34.56.7890")
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "12.34.56.7890" in lines[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "out" / "pilot_map.png").exists()
