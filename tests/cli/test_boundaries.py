"""``python -m geo boundaries`` as a user runs it: exit codes, outputs, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pyogrio
import pytest

from geo.cli.common import parse_column_map as parse_map
from geo.common.errors import GeoInputError

ROOT = Path(__file__).resolve().parents[2]

REPORT_KEYS = {"features_in", "features_out", "kelurahan", "desa", "desa_adat", "repaired",
               "duplicates", "empty", "overlaps", "gaps", "islands_fixed", "warnings",
               "per_source", "rejected"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo", "boundaries", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_writes_the_layer_and_the_report(bontang_sql, tmp_path):
    out, report_path = tmp_path / "bontang.gpkg", tmp_path / "report.json"
    done = _run(bontang_sql, "--out", out, "--report", report_path, "--engine", "fiona")
    assert done.returncode == 0, done.stderr
    assert "15 villages (15 kelurahan, 0 desa" in done.stdout
    assert pyogrio.list_layers(out)[:, 0].tolist() == ["villages"]
    layer = pyogrio.read_dataframe(out, layer="villages")
    assert len(layer) == 15
    assert layer.loc[layer["village_name"] == "Gunung Telihan", "village_code"].tolist() == [
        "64.74.03.1002"]
    report = json.loads(report_path.read_text())
    assert REPORT_KEYS <= set(report)
    assert (report["features_in"], report["features_out"], report["kelurahan"]) == (15, 15, 15)
    assert report["gaps"]["count"] > 0 and report["overlaps_total"]["pairs"] > 0


def test_unusable_input_exits_2_with_one_line_on_stderr(tmp_path):
    archive = tmp_path / "batas_desa.zip"
    with zipfile.ZipFile(archive, "w") as handle:
        handle.writestr("batas_desa.dbf", b"x")
    done = _run(archive, "--out", tmp_path / "out.gpkg")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: batas_desa.zip: the zip holds no .shp")
    assert not (tmp_path / "out.gpkg").exists()


def test_bad_column_map_exits_2(malang_sql, tmp_path):
    done = _run(malang_sql, "--out", tmp_path / "out.gpkg", "--map", "village_code")
    assert done.returncode == 2 and "write FIELD=COLUMN" in done.stderr
    done = _run(malang_sql, "--out", tmp_path / "out.gpkg", "--map", "village_code=KDEPUM")
    assert done.returncode == 2 and "'KDEPUM' (mapped to village_code) is not in the file" \
        in done.stderr


def test_parse_map():
    assert parse_map(["village_code=KODE", "village_name = NAMA"]) == {
        "village_code": "KODE", "village_name": "NAMA"}
    with pytest.raises(GeoInputError):
        parse_map(["=KODE"])
