"""Inputs that are valid in form but not in kind (issue 18): a cache entry that is JSON but not
an object, a NUL or escape character in an upload name, a village without a name in a pocket."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from geo.boundaries.cache import cache_dir, cache_key, read_villages_cached
from geo.common.errors import GeoInputError
from geo.common.safe_text import safe_file_name, without_control_characters
from geo.pipeline.sources import HOUSEHOLD_TYPES, check_upload, stage_household_file

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "boundaries" / "demo_villages.geojson"
DEMO_HH = ROOT / "data" / "boundaries" / "demo_households.csv"


@pytest.mark.parametrize("entry", ["[1, 2]", '"report"', "null", "42"])
def test_a_cache_entry_that_is_not_a_report_is_a_miss(entry, tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    first, report = read_villages_cached([DEMO], check_quality=False)
    assert report.cache == "miss"
    key = cache_key([DEMO], {"check_quality": False})
    (cache_dir() / f"{key}.json").write_text(entry, encoding="utf-8")
    again, report = read_villages_cached([DEMO], check_quality=False)
    assert report.cache == "miss" and again["village_code"].tolist() == first["village_code"].tolist()
    assert json.loads((cache_dir() / f"{key}.json").read_text(encoding="utf-8"))["features_in"]
    assert read_villages_cached([DEMO], check_quality=False)[1].cache == "hit"


def test_control_characters_leave_upload_names(tmp_path):
    name = "rumah\x00tangga\x1b[31m\u202e.csv"
    path = stage_household_file(name, DEMO_HH.read_bytes(), tmp_path)
    assert path.name == "rumahtangga[31m.csv" and path.is_file()
    assert without_control_characters("a\tb\r\nc") == "abc"
    # GDAL (pyogrio) would read "a!b" as b inside the archive a: staged as a_b
    assert stage_household_file("![u](u.png).csv", b"x,y\n1,2\n", tmp_path).name == "_[u](u.png).csv"
    assert "\x00" not in safe_file_name("x\x00.csv") and safe_file_name("x\x00.csv") == "x.csv"
    with pytest.raises(GeoInputError) as caught:
        check_upload("hh\x00.exe", 10, HOUSEHOLD_TYPES)
    assert "\x00" not in caught.value.render("en") and "hh.exe" in caught.value.render("en")
    with pytest.raises(GeoInputError):
        stage_household_file("\x00\x01", b"x", tmp_path)  # nothing left of the name


def test_villages_without_a_name_in_a_pocket_export(tmp_path):
    from geo.export.layers import build_layers, display_names
    from geo.pipeline.analysis import analyse, run_rank

    data = json.loads(DEMO.read_text(encoding="utf-8"))
    for feature in data["features"]:
        feature["properties"]["village_name"] = None
    nameless = tmp_path / "nameless.geojson"
    nameless.write_text(json.dumps(data), encoding="utf-8")
    result = analyse([nameless], DEMO_HH)
    written = run_rank(result, tmp_path / "out")
    assert written and all(Path(p).is_file() for p in written.values())
    areas = build_layers(result).pocket_areas
    assert len(areas)  # the demo has pockets: the case is exercised
    for listed, codes in zip(areas["village_names"], areas["village_codes"]):
        assert listed == codes  # named by their codes
    frame = pd.DataFrame({"village_code": ["1", "2", "3"], "village_name": [None, " ", "Ok"]})
    assert display_names(frame).tolist() == ["1", "2", "Ok"]
