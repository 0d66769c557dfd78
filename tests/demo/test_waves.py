"""The demo's second registry wave (issue 15)."""

from __future__ import annotations

import pandas as pd

from geo.demo.region import build_demo
from geo.demo.waves import demo_wave, write_demo_wave


def test_second_wave_keeps_ids_and_moves_some(tmp_path):
    first = build_demo().households
    second = demo_wave()
    assert list(second.columns) == list(first.columns)
    common = first.merge(second, on="id_keluarga", suffixes=("_1", "_2"))
    assert 0.9 * len(first) < len(common) < len(first)  # a few left the registry
    changed = (common["desil_1"].astype(str) != common["desil_2"].astype(str)).mean()
    assert 0.05 < changed < 0.25
    assert (common["kode_desa_1"] != common["kode_desa_2"]).sum() > 0  # some moved village
    assert second["id_keluarga"].str.startswith("DEMO2-").sum() > 0
    path = write_demo_wave(tmp_path / "w.csv")
    assert len(pd.read_csv(path, dtype=str)) == len(second)
    assert demo_wave().equals(second)  # same seed, same wave
