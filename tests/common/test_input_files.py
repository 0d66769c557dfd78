"""Regular files only, within the app's upload cap (issue 18): a FIFO does not hang, /dev/zero
is not read, a file above the cap is refused before it is read, each in one line."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.common.errors import GeoInputError
from geo.common.input_files import check_input_file, max_input_mb

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "boundaries" / "demo_villages.geojson"


def _cli(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    environ = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "geo", "--lang", "en", *args], cwd=ROOT,
                          env=environ, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "households.csv"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("command", ["households", "boundaries"])
def test_a_fifo_is_refused_without_hanging(command, fifo, tmp_path):
    args = ([str(fifo)] if command == "households"
            else [str(fifo), "--out", str(tmp_path / "v.gpkg")])
    done = _cli(command, *args, timeout=60)  # a blocked open would time out here
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "not a regular file" in done.stderr


def test_dev_zero_is_not_read():
    with pytest.raises(GeoInputError) as caught:
        check_input_file("/dev/zero")
    assert "not a regular file" in caught.value.render("en")
    done = _cli("rank", "--boundaries", str(DEMO), "--households", "/dev/zero", "--out",
                "/nonexistent-never-written", timeout=120)
    assert done.returncode == 2 and "not a regular file" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_above_the_cap_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:  # sparse: 3 MB of holes, nothing to read
        handle.truncate(3 * 2**20)
    done = _cli("households", str(big), env={"PPM_MAX_INPUT_MB": "2"})
    assert done.returncode == 2 and done.stderr.count("\n") == 1
    assert "at most 2 MB" in done.stderr and "PPM_MAX_INPUT_MB" in done.stderr
    assert max_input_mb({}) == 200 and max_input_mb({"PPM_MAX_INPUT_MB": "x"}) == 200
    assert "/dev/zero" not in done.stderr


def test_the_cap_is_the_apps_upload_cap():
    from geo.pipeline.sources import MAX_UPLOAD_MB

    config = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    assert max_input_mb({}) == MAX_UPLOAD_MB
    assert f"maxUploadSize = {MAX_UPLOAD_MB}" in config
