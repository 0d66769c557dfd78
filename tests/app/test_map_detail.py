"""The app's maps carry finer shapes for close zoom, written once after the map is sent."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import shapely

from geo.presentation.detail import detail_plan
from geo.presentation.display import simplify_for_display
from geo.presentation.offline import DETAIL_COMPLETE
from ui.map_widget import MapDetail, publish_detail_later


def _detail() -> MapDetail:
    villages = gpd.GeoDataFrame({"village_code": ["35.01.01.2001", "35.01.01.2002"]},
                                geometry=[shapely.Point(112.1, -7.4).buffer(0.02, quad_segs=64),
                                          shapely.Point(112.4, -7.4).buffer(0.02, quad_segs=64)],
                                crs=4326)
    plan = detail_plan(villages, simplify_for_display(villages, 0.004), "app-test")
    return MapDetail(plan, villages)


def test_the_tiles_are_written_once_on_a_thread(tmp_path):
    detail = _detail()
    thread = publish_detail_later(detail, tmp_path)
    assert thread is not None and thread.daemon  # never holds the server at shutdown
    thread.join(30)
    folder = tmp_path / "detail" / detail.plan.name
    assert (folder / DETAIL_COMPLETE).exists()
    written = sorted(p.name for p in folder.glob("*.json"))
    assert written == sorted(f"{key}.json" for key in detail.plan.tiles)
    ids = [code for p in folder.glob("*.json") for code in json.loads(p.read_text())["ids"]]
    assert sorted(ids) == ["35.01.01.2001", "35.01.01.2002"]  # codes and shapes only
    assert publish_detail_later(detail, tmp_path) is None  # complete: not written again


def test_the_demo_map_needs_no_detail():
    root = Path(__file__).resolve().parents[2]
    villages = gpd.read_file(root / "data" / "boundaries" / "demo_villages.geojson")
    assert detail_plan(villages, simplify_for_display(villages), "demo") is None
