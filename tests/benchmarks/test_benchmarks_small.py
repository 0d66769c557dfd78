"""Small runs of every benchmark path, so the scripts keep working (correctness, not speed).

Kota Malang (57 villages) and a few thousand households stand in for Jawa Timur and millions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import bench_dask  # noqa: E402
import bench_pipeline  # noqa: E402
import households_gen  # noqa: E402

from geo.boundaries.read import read_villages  # noqa: E402
from geo.join.match import MATCHED  # noqa: E402


@pytest.fixture(scope="session")
def malang_cache(malang_sql, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("villages") / "malang.parquet"
    villages, _ = read_villages([malang_sql])
    villages.to_parquet(path)
    return path


@pytest.fixture(scope="session")
def malang(malang_cache):
    return households_gen.load_villages(cache=malang_cache)


def test_generated_households_lie_in_their_village(malang):
    table = households_gen.synthetic_households(malang, 3000, seed=1)
    clean = table["village_code"].notna() & table["longitude"].notna()
    clean &= table["desil"].between(1, 10).fillna(False).astype(bool)
    shapes = malang.set_index("village_code").geometry
    claimed = shapes.reindex(table.loc[clean, "village_code"].to_numpy()).to_numpy()
    inside = shapely.intersects_xy(claimed, table.loc[clean, "longitude"].to_numpy(),
                                   table.loc[clean, "latitude"].to_numpy())
    # only the deliberate code/location disagreements (0.5 % of rows) may lie elsewhere
    assert (~inside).sum() <= 0.02 * clean.sum()
    assert inside.mean() > 0.97


def test_generation_is_reproducible_and_spoils_a_few_percent(malang):
    a = households_gen.synthetic_households(malang, 4000, seed=9)
    b = households_gen.synthetic_households(malang, 4000, seed=9)
    pd.testing.assert_frame_equal(a, b)
    bad = (~a["desil"].between(1, 10).fillna(False).astype(bool)) | a["members"].eq(0)
    share = bad.mean()
    assert 0.003 < share < 0.02  # desil 0/11 and zero members: 0.8 % of rows by design
    assert a["household_id"].duplicated().sum() > 0


def test_partitioned_files_are_chunks_of_one_registry(malang, tmp_path):
    paths = households_gen.write_partitioned(malang, tmp_path / "parts", 2500, chunk=1000)
    assert [p.name for p in paths] == ["part-00000.parquet", "part-00001.parquet",
                                       "part-00002.parquet"]
    sizes = [len(pd.read_parquet(p)) for p in paths]
    assert sizes == [1000, 1000, 500]
    ids = pd.concat([pd.read_parquet(p)["household_id"] for p in paths], ignore_index=True)
    number = ids.str.removeprefix("hh").astype(int).to_numpy()
    own = number == np.arange(2500)
    assert own.mean() > 0.98  # global row numbers continue across the files
    assert (number[~own] < np.arange(2500)[~own]).all()  # repeats copy an earlier row's id


def test_bench_pipeline_small(malang_cache, tmp_path, capsys):
    figures = bench_pipeline.main(["--households", "2000", "--work", str(tmp_path),
                                   "--villages-cache", str(malang_cache),
                                   "--permutations", "99"])
    out = capsys.readouterr().out
    assert "ratio ours/baseline" in out
    assert sum(figures["outcomes"].values()) == figures["households"] == 2000
    assert sum(figures["outcomes"][o] for o in MATCHED) > 1900
    for stage in ("read", "validate", "join", "aggregate", "score", "pockets", "export"):
        assert figures["ours"][stage] >= 0
    assert np.isfinite(figures["ratio_join_aggregate"]) and figures["ratio_join_aggregate"] > 0
    assert np.isfinite(figures["ratio_end_to_end"]) and figures["ratio_end_to_end"] > 0
    recon = json.loads((tmp_path / "ours" / "reconciliation.json").read_text())
    assert recon["rows_in"] == 2000
    assert (tmp_path / "ours" / "villages.geojson").exists()
    assert (tmp_path / "baseline_villages.geojson").exists()


def test_bench_dask_small_matches_in_memory(malang_cache, tmp_path, capsys):
    figures = bench_dask.main(["--households", "2400", "--chunk", "800",
                               "--data", str(tmp_path / "parts"),
                               "--villages-cache", str(malang_cache),
                               "--workers", "1", "--memory-limit", "1GiB", "--check"])
    assert figures["files"] == 3
    assert figures["households"] == 2400
    assert figures["identical"] is True
    assert figures["peak_mb"] > 0
    assert "identical" in capsys.readouterr().out
