"""Targets and the official series (issue 15): validation, the trajectory by hand, restarts."""

from __future__ import annotations

import json
import math
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from geo.__main__ import main
from geo.audit import entries
from geo.common.errors import GeoInputError
from geo.targets.store import OfficialRate, Target, TargetStore, region_code
from geo.targets.trajectory import path_value, trajectory

ROOT = Path(__file__).resolve().parents[2]


def test_region_codes():
    assert region_code("6474") == "64.74" and region_code(" 64.74 ") == "64.74"
    assert region_code("35") == "35"
    for bad in ("35.73.01", "abc", "", None, "3"):
        with pytest.raises(GeoInputError) as err:
            region_code(bad)
        assert err.value.code == "err.target_region"


@pytest.mark.parametrize("kwargs, code", [
    ({"value_pct": 130}, "err.target_percent"),
    ({"value_pct": -1}, "err.target_percent"),
    ({"value_pct": "lots"}, "err.target_percent"),
    ({"value_pct": 3, "target_year": 1800}, "err.target_year"),
    ({"value_pct": 3, "target_year": 2026.5}, "err.target_year"),
    ({"value_pct": 3, "target_year": 2026, "baseline_pct": 4}, "err.target_baseline_pair"),
    ({"value_pct": 3, "target_year": 2026, "baseline_pct": 4, "baseline_year": 2026},
     "err.target_baseline_year"),
    ({"value_pct": 3, "target_year": 2026, "baseline_pct": 101, "baseline_year": 2022},
     "err.target_percent"),
])
def test_bad_targets_are_refused_with_one_line(tmp_path, kwargs, code):
    store = TargetStore(tmp_path)
    with pytest.raises(GeoInputError) as err:
        store.set_target("64.74", **kwargs)
    assert err.value.code == code
    for lang in ("id", "en"):
        assert "\n" not in err.value.render(lang)
    assert store.target("64.74") is None  # nothing stored


def test_a_bad_rate_stores_none_of_the_series(tmp_path):
    store = TargetStore(tmp_path)
    with pytest.raises(GeoInputError):
        store.set_rates("64.74", {2022: 4.62, 2023: 140})
    assert store.rates("64.74") == []


def test_newest_row_wins_and_a_year_can_be_removed(tmp_path):
    store = TargetStore(tmp_path)
    store.set_target("64.74", 3.8, 2026, by="a")
    store.set_target("6474", 3.75, 2026, 4.62, 2022, by="b")
    assert store.target("64.74") == Target("64.74", 3.75, 2026, 4.62, 2022, "b",
                                           store.target("64.74").set_at)
    store.set_rates("64.74", {2023: 4.5, 2024: "4,30"})
    store.set_rates("64.74", {2023: 4.44, 2025: 4.1})
    store.set_rates("64.74", {2025: None})
    assert store.rates("64.74") == [OfficialRate(2023, 4.44), OfficialRate(2024, 4.30)]
    assert store.target("35.73") is None and store.rates("35.73") == []


def test_rows_are_append_only(tmp_path):
    store = TargetStore(tmp_path)
    store.set_target("64.74", 3.75, 2026)
    db = sqlite3.connect(tmp_path / "decisions.sqlite")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE region_target SET value_pct = 1")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM region_target")
    db.close()


def test_bontang_trajectory_by_hand():
    # Kota Bontang: 4.62 % in 2022, RPJMD target 3.75 % by 2026 -> path falls
    # (4.62 - 3.75) / 4 = 0.2175 points a year: 2023 4.4025, 2024 4.185, 2025 3.9675.
    target = Target("64.74", 3.75, 2026, 4.62, 2022)
    path = trajectory(target, [OfficialRate(2023, 4.44), OfficialRate(2024, 4.30)])
    assert math.isclose(path.planned_per_year, 0.2175)
    assert math.isclose(path.path_at_latest, 4.185)
    assert (path.latest_year, path.latest_pct) == (2024, 4.30)
    assert math.isclose(path.gap_pp, 4.30 - 4.185)  # 0.115 points above the path
    assert path.on_track is False and path.met is False
    assert math.isclose(path.needed_per_year, (4.30 - 3.75) / 2)  # 0.275 a year for 2025-26
    frame = path.frame()
    assert list(frame.index) == [2022, 2023, 2024, 2026]
    assert math.isclose(frame.loc[2023, "path_pct"], 4.4025)
    assert frame.loc[2022, "official_pct"] == 4.62  # the baseline is that year's rate
    assert math.isnan(frame.loc[2026, "official_pct"])


def test_target_met_needs_nothing_and_a_passed_deadline_has_no_spread():
    met = trajectory(Target("64.74", 3.75, 2026, 4.62, 2022), [OfficialRate(2025, 3.70)])
    assert met.met is True and met.needed_per_year == 0.0 and met.on_track is True
    late = trajectory(Target("64.74", 3.75, 2026, 4.62, 2022), [OfficialRate(2026, 3.90)])
    assert late.met is False and late.needed_per_year is None
    assert math.isclose(late.gap_pp, 0.15)


def test_without_a_baseline_the_earliest_official_rate_is_used():
    # Kota Malang: 6.62 % (2022) toward 3.77 %, say by 2029 -> (6.62 - 3.77) / 7 a year
    path = trajectory(Target("35.73", 3.77, 2029), [OfficialRate(2022, 6.62),
                                                     OfficialRate(2024, 3.91)])
    assert path.baseline_from_series and path.baseline_year == 2022
    assert math.isclose(path.planned_per_year, 2.85 / 7)
    assert math.isclose(path.needed_per_year, (3.91 - 3.77) / 5)
    assert path.on_track is True  # 3.91 is below the path's 6.62 - 2 * 0.407 = 5.806
    no_year = trajectory(Target("35.73", 3.77), [OfficialRate(2024, 3.91)])
    assert not no_year.has_path and no_year.needed_per_year is None and no_year.met is False


def test_path_value_is_held_outside_the_period():
    assert path_value(2020, 2022, 4.62, 2026, 3.75) == 4.62
    assert path_value(2030, 2022, 4.62, 2026, 3.75) == 3.75


def test_targets_survive_a_restart_cli_and_audit(tmp_path, capsys):
    ws = str(tmp_path / "ws")
    assert main(["targets", "set", "64.74", "--value", "3.75", "--year", "2026", "--baseline",
                 "4.62", "--baseline-year", "2022", "--workspace", ws]) == 0
    assert main(["targets", "series", "64.74", "2023=4.44", "2024=4,30", "--workspace", ws]) == 0
    capsys.readouterr()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    shown = subprocess.run([sys.executable, "-m", "geo", "targets", "show", "64.74",
                            "--workspace", ws, "--json"], capture_output=True, text=True,
                           env=env, cwd=ROOT, check=True)  # a new process: a restart
    report = json.loads(shown.stdout)
    assert report["target"]["value_pct"] == 3.75 and report["target"]["baseline_year"] == 2022
    assert report["rates"] == [{"year": 2023, "value_pct": 4.44}, {"year": 2024, "value_pct": 4.3}]
    assert math.isclose(report["trajectory"]["needed_per_year"], 0.275)
    actions = list(entries(ws)["action"])
    assert actions == ["official_rate_saved", "target_saved"]


def test_cli_bad_value_is_one_line(tmp_path, capsys):
    code = main(["--lang", "en", "targets", "set", "64.74", "--value", "130", "--workspace",
                 str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "between 0 and 100" in err
    code = main(["--lang", "en", "targets", "series", "64.74", "2023", "--workspace",
                 str(tmp_path)])
    assert code == 2 and "YEAR=PERCENT" in capsys.readouterr().err
