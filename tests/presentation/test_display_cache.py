"""The display layer kept on disk: read back as written, kept only while recent."""

from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import pytest

import geo.presentation.display_cache as display_cache
from geo.presentation.display import simplify_for_display
from geo.presentation.display_cache import read_display, shapes_digest, write_display

DEMO = Path(__file__).resolve().parents[2] / "data" / "boundaries" / "demo_villages.geojson"


@pytest.fixture(scope="module")
def demo():
    villages = gpd.read_file(DEMO)
    return villages, simplify_for_display(villages[["village_code", "village_name", "geometry"]])


def _key(n: int) -> str:
    """A boundary cache key (64 hex digits); an entry is named by its first 40."""
    return str(n) * 64


def test_an_entry_reads_back_with_the_digest_of_its_source(demo, tmp_path):
    villages, layer = demo
    assert read_display(tmp_path, _key(1)) is None
    write_display(tmp_path, _key(1), layer, shapes_digest(villages))
    shapes, source = read_display(tmp_path, _key(1))
    assert source == shapes_digest(villages.iloc[::-1])  # the same shapes in any row order
    assert shapes.method == layer.method and shapes.vertices_out == layer.vertices_out
    assert shapes.shapes.geometry.geom_equals_exact(layer.shapes.geometry, 0).all()
    assert read_display(tmp_path, _key(2)) is None


def test_only_the_most_recently_used_entries_are_kept(demo, tmp_path, monkeypatch):
    villages, layer = demo
    monkeypatch.setattr(display_cache, "MAX_ENTRIES", 2)
    layer_entry = tmp_path / f"{_key(9)}.json"  # a boundary layer's report: not ours to count
    layer_entry.write_text("{}")
    for n in (1, 2):
        write_display(tmp_path, _key(n), layer, "digest")
        for path in display_cache.entry_paths(tmp_path, _key(n)):
            os.utime(path, (1_000_000 + n, 1_000_000 + n))  # 1 older than 2
    assert read_display(tmp_path, _key(1)) is not None  # a use: 1 is now the more recent
    write_display(tmp_path, _key(3), layer, "digest")
    assert read_display(tmp_path, _key(2)) is None
    assert read_display(tmp_path, _key(1)) is not None and read_display(tmp_path, _key(3))
    assert len(list(tmp_path.glob("display-*"))) == 4  # two entries, two files each
    assert layer_entry.is_file()
