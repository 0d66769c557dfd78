"""``benchmarks/bench_load.py`` run small: 2 concurrent sessions on the demo."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.mark.browser
def test_two_sessions_on_the_demo(tmp_path):
    import bench_load

    status = bench_load.main(["--demo", "--sessions", "2", "--timeout", "120", "--results", str(tmp_path)])
    figures = json.loads((tmp_path / "bench_load.json").read_text())
    assert figures["sessions"] == 2 and figures["finished"] == 2, figures["errors"]
    assert figures["kept_own_value"] == 2
    assert figures["server_mb_peak"] > figures["server_mb_start"] > 0
    assert 0 < figures["map_p50_s"] <= figures["map_p95_s"]
    assert 0 < figures["weight_p50_s"] <= figures["weight_p95_s"]
    # issue 19: the click and the weight change measured in the browser, the same-run baseline
    assert 0 < figures["click_p50_s"] <= figures["click_p95_s"]
    assert 0 < figures["weight_table_p50_s"] <= figures["weight_p95_s"]
    assert figures["first_visit"]["ok"] and 0 < figures["first_visit"]["progress_or_map_s"] \
        <= figures["first_visit"]["first_polygons_s"] <= figures["first_visit"]["coloured_map_s"]
    assert figures["single"]["map_p50_s"] > 0 and figures["map_ratio_sessions_vs_single"] > 0
    assert status == 0


@pytest.mark.browser
def test_one_browser_among_websocket_sessions(tmp_path):
    """``--client office``: one Chromium among websocket clients, the sessions step together;
    every websocket session gets the map's data, clicks to a profile, keeps its own weights."""
    import bench_load

    status = bench_load.main(["--demo", "--sessions", "3", "--client", "office", "--timeout", "120",
                              "--results", str(tmp_path)])
    figures = json.loads((tmp_path / "bench_load.json").read_text())
    assert figures["finished"] == 3 and figures["kept_own_value"] == 3, figures["errors"]
    clients = [r["client"] for r in figures["sessions_detail"]]
    assert clients == ["browser", "websocket", "websocket"]
    for result in figures["sessions_detail"][1:]:
        assert 0 < result["map_s"] and 0 < result["click_s"] and result["weight_table_s"] > 0
        assert result["map_villages"] > 0 and result["exceptions"] == 0  # the map's data came
    assert figures["single_detail"][0]["client"] == "browser"
    # the ratio compares the browser's paints: the one among the three against the one alone
    assert abs(figures["map_p50_s_as_single_measured"] - figures["sessions_detail"][0]["map_s"]) < 0.01
    assert figures["map_ratio_sessions_vs_single"] > 0
    assert status == 0
