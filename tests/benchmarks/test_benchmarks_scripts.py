"""Small runs of the remaining benchmark scripts, so they keep working (correctness, not speed).

``bench_rescoring`` runs on a small synthetic indicator table; ``bench_boundaries``,
``bench_map`` and ``bench_app`` run on a folder holding only Kota Malang (57 villages) in place
of the 38 Jawa Timur dumps (``--any-count``). The two browser benchmarks write their results
into a temporary folder (``--results``), never over the real figures in ``benchmarks/results/``.
No timing is asserted: only that every figure exists, is finite and positive, and that the
maps are drawn without outside requests.
"""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_boundaries  # noqa: E402
import bench_rescoring  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
MALANG_VILLAGES = 57
NUMBER = r"([-\d.,]+|nan|inf)"


def _number(text: str, pattern: str) -> float:
    """The number captured by ``pattern`` (one group) in ``text``; fails if absent."""
    found = re.search(pattern, text, flags=re.MULTILINE)
    assert found, f"{pattern!r} not in the output:\n{text}"
    return float(found.group(1).replace(",", ""))


def _positive(value) -> bool:
    return isinstance(value, (int, float)) and math.isfinite(value) and value > 0


@pytest.fixture(scope="module")
def malang_kel(malang_sql, tmp_path_factory) -> Path:
    """A KEL_DIR holding only Kota Malang's dump (a symlink to ../shared)."""
    folder = tmp_path_factory.mktemp("kel")
    (folder / malang_sql.name).symlink_to(malang_sql)
    return folder


def _needs_browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: apt-get install chromium")
    pytest.importorskip("playwright.sync_api", reason="pip install playwright")


def _unchanged_results(names):
    """Modification times of the real results, to check a small run leaves them alone."""
    results = ROOT / "benchmarks" / "results"
    return {n: (results / n).stat().st_mtime_ns for n in names if (results / n).exists()}


def test_bench_rescoring_small(capsys):
    assert bench_rescoring.main(["--villages", "1000", "--repeats", "3"]) == 0
    out = capsys.readouterr().out
    assert "re-scoring 1,000 villages" in out
    labels = {"full": r"score_villages \(normalise \+ rank \+ table\):\s+" + NUMBER + " ms",
              "slider": r"score_villages\(prepared=\.\.\.\) \(slider path\):\s+" + NUMBER + " ms",
              "core": r"numpy core .*:\s+" + NUMBER + " ms",
              "baseline": r"baseline: row-by-row DataFrame\.apply:\s+" + NUMBER + " ms",
              "robustness": r"focus_stability, 500 weight draws:\s+" + NUMBER + " ms"}
    for name, pattern in labels.items():
        assert _positive(_number(out, pattern)), name
    full = _number(out, r"speed-up over the baseline: " + NUMBER + r"x \(full\)")
    slider = _number(out, r"x \(full\), " + NUMBER + r"x \(slider path\)")
    assert math.isfinite(full) and math.isfinite(slider)
    assert full >= 0 and slider >= 0  # printed as whole numbers; the speed itself is not tested


def test_bench_rescoring_synthetic_table_is_shaped_like_the_real_one():
    table = bench_rescoring.synthetic_indicators(400, seed=3)
    assert len(table) == 400 and table["village_code"].is_unique
    assert (table["households"] == 0).sum() >= 2  # n // 200 villages without households
    assert table.loc[table["households"] == 0, "desil1_share"].isna().all()
    assert table["desil1_share"].dropna().between(0, 1).all()


def test_bench_boundaries_small(malang_kel, capsys):
    assert bench_boundaries.main([str(malang_kel), "--any-count"]) == 0
    out = capsys.readouterr().out
    assert "Jawa Timur: 1 files" in out
    for label in (r"parse \(geo\.boundaries\.sqldump, 1 files\)",
                  r"baseline: json\.loads \+ shapely\.Polygon per feature",
                  r"canonical layer \(read_villages, no overlaps/gaps\)",
                  r"project to EPSG:\d+",
                  r"quality: overlaps \(STRtree \+ intersections\)",
                  r"quality: gaps \(GEOS's union cascade, final holes set aside\)",
                  r"baseline: gaps from one shapely\.union_all",
                  r"quality: check_coverage \(overlaps beside the gap union\)",
                  r"baseline: geopandas\.read_file of the same layer \(GPKG\)"):
        seconds = _number(out, rf"^{label}\s+{NUMBER} s$")
        assert math.isfinite(seconds) and seconds >= 0, label
    assert _number(out, rf"^{NUMBER} villages, ") == MALANG_VILLAGES
    assert _number(out, rf" villages, {NUMBER} vertices") > 1000
    # printed to one decimal: at 57 villages a ratio or a sum of times may round to 0.0
    for pattern in (rf"parse vs plain baseline: {NUMBER}x faster",
                    rf"reading a ready GeoPackage: {NUMBER}x the time",
                    rf"same {NUMBER} holes\): {NUMBER}x the time",
                    rf"union_all: {NUMBER}x$",
                    rf"full read with quality checks: about {NUMBER} s"):
        value = _number(out, pattern)
        assert math.isfinite(value) and value >= 0, pattern


def test_bench_boundaries_without_the_dumps_says_so(tmp_path, capsys):
    assert bench_boundaries.main([str(tmp_path)]) == 0
    assert "skipped: the 38 Jawa Timur dumps are not in" in capsys.readouterr().out


@pytest.mark.browser
def test_bench_map_small(malang_kel, tmp_path, capsys):
    _needs_browser()
    import bench_map

    before = _unchanged_results(["bench_map.json", "bench_map_jatim.png"])
    code = bench_map.main([str(malang_kel), "--any-count", "--results", str(tmp_path)])
    out = capsys.readouterr().out
    assert code in (0, 1)  # 1 = a target missed; speed is not what this test checks
    figures = json.loads((tmp_path / "bench_map.json").read_text())
    assert figures["villages"] == MALANG_VILLAGES
    assert 0 < figures["vertices_out"] <= figures["vertices_in"]
    assert 0 < figures["payload_mb"] < bench_map.PAYLOAD_TARGET_MB
    assert _positive(figures["first_paint_s"])
    # under geo.presentation.webmap.CANVAS_FROM villages Leaflet draws one SVG path per village
    assert figures["canvas_layers"] == 0 and figures["svg_paths"] == MALANG_VILLAGES
    assert figures["outside_requests"] == []
    assert all(math.isfinite(s) and s >= 0 for s in figures["seconds"].values())
    assert (tmp_path / "bench_map_jatim.png").stat().st_size > 0
    assert _number(out, rf"^map payload\s+{NUMBER} MB") > 0
    assert "(target < 5.0 MB)" in out and "(target < 3.0 s)" in out
    drawn = rf"^drawn: canvas layers, SVG village paths\s+0, {NUMBER}$"
    assert _number(out, drawn) == MALANG_VILLAGES
    assert _number(out, rf"^requests outside localhost\s+{NUMBER}$") == 0
    assert _unchanged_results(["bench_map.json", "bench_map_jatim.png"]) == before


@pytest.mark.browser
def test_bench_app_small(malang_kel, tmp_path, capsys):
    _needs_browser()
    import bench_app

    before = _unchanged_results(["bench_app.json", "bench_app_jatim.png", "bench_map_jatim.png"])
    code = bench_app.main(["--kel-dir", str(malang_kel), "--any-count", "--households", "2000",
                           "--warm-runs", "1", "--timeout", "60", "--results", str(tmp_path)])
    out = capsys.readouterr().out
    assert code in (0, 1)  # 1 = a target missed; speed is not what this test checks
    figures = json.loads((tmp_path / "bench_app.json").read_text())
    assert figures["boundaries"] == 1 and figures["households"] == 2000
    for visit in (figures["app_cold"], *figures["app_warm"]["runs"]):
        assert _positive(visit["first_paint_s"])
        # every village drawn (one SVG path each below geo.presentation.webmap.CANVAS_FROM villages)
        assert visit["svg_paths"] >= MALANG_VILLAGES or visit["canvases"] > 0
        assert visit["ws_mb"] > 0  # the page arrived over the websocket
        assert visit["map_data_mb"] > 0  # and the map's data as one file
        assert visit["outside_requests"] == []
    assert 0 < figures["app_warm"]["ws_mb"] < figures["app_warm"]["payload_mb"] < \
        bench_app.PAYLOAD_TARGET_MB
    alone = figures["standalone"]
    assert alone["villages"] == MALANG_VILLAGES
    assert _positive(alone["payload_mb"]) and _positive(alone["first_paint_s"])
    assert alone["outside_requests"] == []
    assert _positive(figures["paint_ratio_app_warm_vs_standalone"])
    assert _positive(figures["payload_ratio_app_vs_standalone"])
    assert (tmp_path / "bench_app_jatim.png").stat().st_size > 0
    assert _positive(_number(out, rf"^ratio app warm / standalone \(paint\)\s+{NUMBER}$"))
    assert _number(out, rf"^app payload \(websocket \+ map data to paint\)\s+{NUMBER} MB") > 0
    assert _number(out, rf"^requests outside localhost\s+{NUMBER}$") == 0
    assert _unchanged_results(["bench_app.json", "bench_app_jatim.png",
                               "bench_map_jatim.png"]) == before
