"""The Dask back end gives exactly the in-memory indicators and reconciliation.

A registry split into files must give the same table as the whole registry in one file through
``read_households -> join_households -> village_indicators``: same floats, same counts, same
problem examples, including household ids repeated across files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from geo.boundaries.read import read_villages
from geo.demo.households import synthetic_households
from geo.scale.dask_backend import registry_files, village_indicators_dask
from geo.common.errors import GeoInputError
from geo.households.read import read_households
from geo.indicators.village import village_indicators
from geo.join.match import Reconciliation, join_households

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="session")
def malang(malang_sql):
    villages, _ = read_villages([malang_sql])
    return villages


@pytest.fixture(scope="session")
def cluster():
    with distributed.LocalCluster(n_workers=1, threads_per_worker=2, processes=False,
                                  dashboard_address=None) as local:
        yield local


def _split(table: pd.DataFrame, folder: Path, sizes) -> Path:
    folder.mkdir()
    start = 0
    for i, size in enumerate(sizes):
        table.iloc[start:start + size].to_parquet(folder / f"part-{i:02d}.parquet", index=False)
        start += size
    assert start == len(table)
    return folder


def _dask(*args, **kw):
    """(indicators, reconciliation as JSON) of the Dask path, like :func:`_in_memory`."""
    out = village_indicators_dask(*args, **kw)
    assert isinstance(out.reconciliation, Reconciliation) and out.reconciliation.backend == "dask"
    return out.indicators, out.reconciliation.to_dict()


def _in_memory(table: pd.DataFrame, villages, path: Path, **kw):
    table.to_parquet(path, index=False)
    households, _ = read_households(path, salt=kw.pop("salt", None))
    joined, rec = join_households(households, villages, prefer=kw.pop("prefer", "code"))
    return village_indicators(joined, villages, **kw), rec.to_dict()


def test_partitioned_registry_matches_in_memory_exactly(malang, cluster, tmp_path):
    table = synthetic_households(malang, 2000, seed=7)
    folder = _split(table, tmp_path / "parts", [700, 500, 800])
    expected, rec = _in_memory(table, malang, tmp_path / "all.parquet")
    got, got_rec = _dask(folder, malang, scheduler=cluster.scheduler_address)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got_rec["rows_in"] == 2000 == sum(got_rec["outcomes"].values())
    assert got_rec["outcomes"] == rec["outcomes"]
    assert got_rec["examples"] == rec["examples"]
    assert got_rec["outcomes"]["duplicate_household"] > 0  # the generator repeats ids
    assert got_rec["ingest"]["files"] == 3


def test_custom_weights_and_location_preference(malang, cluster, tmp_path):
    table = synthetic_households(malang, 900, seed=11)
    folder = _split(table, tmp_path / "parts", [300, 300, 300])
    settings = {"weights": {"dep_water": "1/2", "dep_assets": "1/4", "dep_housing": "1/4"},
                "k": "1/2"}
    expected, rec = _in_memory(table, malang, tmp_path / "all.parquet", prefer="location",
                               **settings)
    got, got_rec = _dask(folder, malang, scheduler=cluster.scheduler_address,
                                           prefer="location", **settings)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got_rec["outcomes"] == rec["outcomes"]


def test_ids_repeated_across_files_follow_the_first_valid_row(malang, cluster, tmp_path):
    code = str(malang["village_code"].iloc[0])
    rows = pd.DataFrame({
        "household_id": ["x", "y", "x", "x", "y", "z"],
        "village_code": [code] * 6,
        "members": [2, 3, 4, 5, 6, 1],
        "desil": [1, 0, 2, 3, 1, 1],  # the first "y" is invalid: the later one is kept
    })
    folder = _split(rows, tmp_path / "parts", [2, 2, 2])
    got, rec = _dask(folder, malang, scheduler=cluster.scheduler_address)
    assert rec["outcomes"]["duplicate_household"] == 2
    assert rec["outcomes"]["invalid"] == 1
    assert rec["outcomes"]["matched_code"] == 3
    from geo.common.messages import render_cell

    reasons = {e["source_row"]: render_cell(e["reason"], "en")
               for e in rec["examples"]["duplicate_household"]}
    assert reasons == {3: "household_id already used in source row 1",
                       4: "household_id already used in source row 1"}
    village = got.set_index("village_code").loc[code]
    assert village["households"] == 3 and village["people"] == 2 + 6 + 1


def test_row_number_ids_do_not_collide_across_files(malang, cluster, tmp_path):
    table = synthetic_households(malang, 600, seed=3).drop(columns="household_id")
    folder = _split(table, tmp_path / "parts", [200, 200, 200])
    expected, rec = _in_memory(table, malang, tmp_path / "all.parquet")
    got, got_rec = _dask(folder, malang, scheduler=cluster.scheduler_address)
    assert got_rec["outcomes"]["duplicate_household"] == 0
    assert got_rec["outcomes"] == rec["outcomes"]
    pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_hashed_personal_ids_find_repeats_across_files(malang, cluster, tmp_path):
    code = str(malang["village_code"].iloc[0])
    rows = pd.DataFrame({"no_kk": ["3573010101010001", "3573010101010002", "3573010101010001"],
                         "village_code": [code] * 3, "members": [1, 2, 3], "desil": [1, 2, 3]})
    folder = _split(rows, tmp_path / "parts", [2, 1])
    _, rec = _dask(folder, malang, scheduler=cluster.scheduler_address,
                                     salt="test-salt")
    assert rec["outcomes"]["duplicate_household"] == 1
    assert "3573010101010001" not in repr(rec)  # the number itself never comes back


def test_registry_files_order_and_errors(tmp_path):
    for name in ("b.parquet", "a.parquet"):
        pd.DataFrame({"x": [1]}).to_parquet(tmp_path / name)
    assert [p.name for p in registry_files(tmp_path)] == ["a.parquet", "b.parquet"]
    assert [p.name for p in registry_files(str(tmp_path / "*.parquet"))] == ["a.parquet",
                                                                             "b.parquet"]
    with pytest.raises(GeoInputError, match="no Parquet files"):
        registry_files(tmp_path / "nothing-*.parquet")
    with pytest.raises(GeoInputError, match="not found"):
        registry_files([tmp_path / "missing.parquet"])


def test_a_csv_file_is_refused_with_the_file_named(malang, tmp_path):
    path = tmp_path / "households.csv"
    path.write_text("village_code,members,desil\n35.73.01.1001,2,1\n")
    with pytest.raises(GeoInputError, match="Parquet") as err:
        village_indicators_dask(path, malang, scheduler=None)
    assert err.value.source == str(path)


def test_a_file_level_problem_reaches_the_caller(malang, cluster, tmp_path):
    folder = tmp_path / "parts"
    folder.mkdir()
    pd.DataFrame({"village_code": ["35.73.01.1001"], "members": [2]}).to_parquet(
        folder / "part-0.parquet")
    with pytest.raises(GeoInputError, match="desil"):
        village_indicators_dask(folder, malang, scheduler=cluster.scheduler_address)


def test_every_row_is_accounted_for(malang, cluster, tmp_path):
    table = synthetic_households(malang, 1500, seed=5)
    folder = _split(table, tmp_path / "parts", [100, 900, 500])
    got, rec = _dask(folder, malang, scheduler=cluster.scheduler_address)
    matched = sum(rec["outcomes"][o] for o in ("matched_code", "matched_location",
                                                "matched_code_location_disagree"))
    assert int(got["households"].sum()) == matched
    assert sum(rec["outcomes"].values()) == rec["rows_in"] == 1500
    assert np.isfinite(got["mpi_m0"]).any()


@pytest.mark.parametrize("rule", ["not_deprived", "complete_case", "reweight"])
def test_each_mpi_missing_rule_matches_in_memory_exactly(malang, cluster, tmp_path, rule):
    table = synthetic_households(malang, 900, seed=5)
    rng = np.random.default_rng(5)
    deps = [c for c in table.columns if c.startswith("dep_")]
    gaps = rng.random((len(table), len(deps))) < 0.08
    gaps[:20] = True  # households with no answer at all
    for i, dep in enumerate(deps):
        table[dep] = table[dep].astype("Float64").mask(gaps[:, i])
    folder = _split(table, tmp_path / "parts", [250, 400, 250])
    expected, _ = _in_memory(table, malang, tmp_path / "all.parquet", missing=rule)
    got, _ = _dask(folder, malang, scheduler=cluster.scheduler_address, missing=rule)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got["mpi_missing_households"].sum() > 20
    measured, placed = got["mpi_households"].sum(), got["households"].sum()
    if rule == "complete_case":
        assert measured == placed - got["mpi_missing_households"].sum()
    else:
        assert placed - 20 <= measured < placed  # only the no-answer households are left out

def test_older_codes_crosswalk_and_overlap_rule_match_in_memory(cluster, tmp_path):
    """A Surabaya registry partly coded in 2022, a crosswalk and the newer_code rule: the same
    outcomes, successor counts and indicators as in memory."""
    from conftest import shared_file
    from geo.reference.crosswalk import read_crosswalk

    villages, _ = read_villages(shared_file("wilayah_boundaries_kel_35.78.sql"),
                                check_quality=False)
    table = synthetic_households(villages, 600, seed=5)
    code_column = next(c for c in table.columns if c in ("kode_desa", "village_code"))
    rows = np.arange(0, 600, 7)
    table.loc[rows[::2], code_column] = "35.78.12.1004"
    table.loc[rows[1::2], code_column] = "35.78.12.1005"
    path = tmp_path / "crosswalk.csv"
    path.write_text("old_code,new_code\n35.78.12.1005,35.78.12.1001\n")
    crosswalk = read_crosswalk(path)
    options = {"overlap": "newer_code", "crosswalk": crosswalk}
    folder = _split(table, tmp_path / "parts", [250, 350])
    table.to_parquet(tmp_path / "all.parquet", index=False)
    households, _ = read_households(tmp_path / "all.parquet")
    joined, rec = join_households(households, villages, **options)
    expected = village_indicators(joined, villages)
    got = village_indicators_dask(folder, villages, scheduler=cluster.scheduler_address,
                                  **options)
    pd.testing.assert_frame_equal(got.indicators, expected, check_exact=True)
    assert got.reconciliation.outcomes == rec.outcomes
    assert got.reconciliation.successors == rec.successors
    assert set(rec.successors) == {"crosswalk", "kemendagri_2023"}
    assert got.reconciliation.overlap == "newer_code" and got.reconciliation.crosswalk == path.name
