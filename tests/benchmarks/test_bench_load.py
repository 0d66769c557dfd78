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
