"""The pipeline wires the steps: re-scoring, MPI settings, missing indicators, user errors."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from fractions import Fraction

import pandas as pd
import pytest

from geo.config import default_config
from geo.common.errors import GeoInputError
from geo.pipeline.analysis import analyse, demo_sources, rescore

ROOT = demo_sources()[0].parents[2]


@pytest.fixture(scope="module")
def demo_result():
    return analyse(*demo_sources())


def test_weight_change_reorders_without_touching_indicators(demo_result):
    config = default_config()
    only_size = config.with_weights({"mpi_m0": 0, "desil1_share": 0,
                                     "desil1_households": 1, "mpi_poor_people": 0})
    again = rescore(demo_result, only_size)
    before = demo_result.villages.set_index("village_code")
    after = again.villages.set_index("village_code")
    pd.testing.assert_series_equal(before["mpi_h"], after["mpi_h"].loc[before.index])
    top = after["rank"].idxmin()
    assert after.loc[top, "desil1_households"] == after["desil1_households"].max()
    assert again.method.config["indicator"][2]["weight"] == 1


def test_changing_k_recomputes_the_mpi(demo_result):
    config = default_config()
    stricter = replace(config, mpi=replace(config.mpi, k=Fraction(1, 2)))
    again = rescore(demo_result, stricter)
    before = demo_result.villages.set_index("village_code")["mpi_h"]
    after = again.villages.set_index("village_code")["mpi_h"].loc[before.index]
    assert (after <= before + 1e-12).all() and (after < before - 1e-12).any()
    assert again.method.config["mpi"]["k"] == "1/2"


def test_an_indicator_missing_from_the_file_is_reweighted_and_said(tmp_path):
    boundaries, households = demo_sources()
    table = pd.read_csv(households, dtype=str)
    table = table.drop(columns=["balita_gizi_kurang"])  # the raw field behind dep_nutrition
    path = tmp_path / "no_nutrition.csv"
    table.to_csv(path, index=False)
    result = analyse(boundaries, path)
    used = result.method.mpi_weights_used
    assert "dep_nutrition" not in used
    assert Fraction(used["dep_child_mortality"]) == Fraction(1, 3)
    assert any("dep_nutrition" in note for note in result.method.mpi_notes)


def test_pocket_variable_that_is_not_computed_is_a_user_error(tmp_path):
    text = (ROOT / "config" / "default.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace('variable = "desil1_share"', 'variable = "cens_dep_assets"')
                   .replace('dep_assets = "1/18"\n', '')
                   .replace('dep_housing = "1/18"', 'dep_housing = "1/9"'), encoding="utf-8")
    with pytest.raises(GeoInputError):
        analyse(*demo_sources(), config=bad)


def test_unwritable_output_is_one_line_not_a_traceback(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    boundaries, households = demo_sources()
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "rank", "--boundaries", str(boundaries), "--households",
         str(households), "--out", str(blocker / "sub")],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "file" in proc.stderr


def test_dask_back_end_gives_the_same_ranking_as_in_memory(tmp_path, demo_result):
    boundaries, households = demo_sources()
    table = pd.read_csv(households, dtype=str)
    folder = tmp_path / "registry"
    folder.mkdir()
    half = len(table) // 2
    table.iloc[:half].to_parquet(folder / "part-0.parquet", index=False)
    table.iloc[half:].to_parquet(folder / "part-1.parquet", index=False)
    on_dask = analyse(boundaries, folder, dask=True)
    ours = demo_result.villages.set_index("village_code")
    theirs = on_dask.villages.set_index("village_code").loc[ours.index]
    for column in ("households", "people", "desil1_share", "mpi_h", "mpi_m0", "score", "rank",
                   "in_focus_list", "pocket"):
        pd.testing.assert_series_equal(ours[column], theirs[column], check_dtype=False, obj=column)
    assert on_dask.reconciliation.outcomes == demo_result.reconciliation.outcomes
    assert on_dask.households is None and on_dask.reconciliation.backend == "dask"


def test_boundaries_only_gives_villages_without_ranks(malang_sql):
    result = analyse(malang_sql)
    villages = result.villages
    assert len(villages) == 57
    assert (villages["households"] == 0).all()
    assert villages["rank"].isna().all() and not villages["in_focus_list"].any()
    assert set(villages["pocket"]) == {"no_data"}
    assert result.reconciliation is None


def test_dask_moves_the_weight_of_a_missing_indicator_like_in_memory(tmp_path):
    boundaries, households = demo_sources()
    table = pd.read_csv(households, dtype=str).drop(columns=["balita_gizi_kurang"])
    path = tmp_path / "no_nutrition.csv"
    table.to_csv(path, index=False)
    folder = tmp_path / "registry"
    folder.mkdir()
    table.to_parquet(folder / "part-0.parquet", index=False)
    in_memory = analyse(boundaries, path)
    on_dask = analyse(boundaries, folder, dask=True)
    assert on_dask.method.mpi_weights_used == in_memory.method.mpi_weights_used
    assert on_dask.method.mpi_notes == in_memory.method.mpi_notes != []
    ours = in_memory.villages.set_index("village_code")
    theirs = on_dask.villages.set_index("village_code").loc[ours.index]
    pd.testing.assert_series_equal(ours["mpi_m0"], theirs["mpi_m0"], check_dtype=False)


def test_rescore_works_on_a_result_whose_households_table_is_absent(demo_result):
    """Everything rescore needs is a field of the typed result, not the household table."""
    config = default_config()
    dropped = replace(demo_result, households=None)
    weights = rescore(dropped, config.with_weights({"mpi_m0": 0, "desil1_share": 0,
                                                    "desil1_households": 1,
                                                    "mpi_poor_people": 0}))
    assert weights.villages["rank"].notna().any()
    top = weights.villages.set_index("village_code")["rank"].idxmin()
    assert weights.villages.set_index("village_code").loc[top, "desil1_households"] == \
        weights.villages["desil1_households"].max()
    # new [pockets] settings: recomputed from the village indicators and the kept graph
    other_seed = replace(config, pockets=replace(config.pockets, seed=7, permutations=99))
    again = rescore(dropped, other_seed)
    assert again.pockets.settings.seed == 7 and again.pockets.settings.permutations == 99
    assert again.method.config["pockets"]["seed"] == 7
    assert again.neighbours.codes == tuple(again.villages["village_code"])
    assert sum(again.pockets.counts.values()) == len(again.villages)
    # new [mpi] settings do need the households: a user error, not a crash
    stricter = replace(config, mpi=replace(config.mpi, k=Fraction(1, 2)))
    with pytest.raises(GeoInputError, match="run the analysis again"):
        rescore(dropped, stricter)


def test_the_result_is_typed_frozen_and_round_trips(demo_result):
    import dataclasses
    import json

    from geo.boundaries.report import BoundaryReport
    from geo.households.report import IngestReport
    from geo.join.match import Reconciliation
    from geo.pipeline.results import Method
    from geo.spatial.neighbours import NeighbourGraph
    from geo.spatial.pockets import Pockets

    r = demo_result
    assert isinstance(r.boundary_report, BoundaryReport)
    assert isinstance(r.reconciliation, Reconciliation)
    assert isinstance(r.reconciliation.ingest, IngestReport)
    assert isinstance(r.method, Method) and isinstance(r.pockets, Pockets)
    assert isinstance(r.neighbours, NeighbourGraph)
    for part in (r, r.boundary_report, r.reconciliation, r.reconciliation.ingest, r.method,
                 r.pockets, r.neighbours):
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(part, dataclasses.fields(part)[0].name, None)
    for part, cls in ((r.boundary_report, BoundaryReport), (r.reconciliation, Reconciliation),
                      (r.reconciliation.ingest, IngestReport), (r.method, Method)):
        data = part.to_dict()
        assert json.loads(json.dumps(data)) == data
        assert cls.from_dict(data).to_dict() == data
    whole = r.to_dict()
    assert json.loads(json.dumps(whole, default=str))["reconciliation"]["rows_in"] == \
        r.reconciliation.rows_in
    assert set(r.method.to_dict()) == {"sources", "created_at", "software_version", "config",
                                       "mpi_weights_used", "mpi_notes", "mpi_sample"}
    assert r.reconciliation.to_dict()["prefer"] == "code"


def test_the_neighbour_graph_is_built_once_and_kept(demo_result):
    graph = demo_result.neighbours
    assert graph.codes == tuple(demo_result.villages["village_code"])
    assert graph.tolerance_m == default_config().pockets.snap_tolerance_m
    again = rescore(demo_result, default_config().with_weights({"mpi_m0": 2}))
    assert again.neighbours.codes == tuple(again.villages["village_code"])
    counts = dict(zip(graph.codes, graph.counts().tolist()))
    assert again.villages.set_index("village_code")["neighbours"].astype(int).to_dict() == counts


def test_deferred_checks_start_after_the_analysis_and_change_nothing_else(tmp_path,
                                                                           monkeypatch):
    """``defer_checks``: the households are read and joined before the boundary checks start
    (they would otherwise share the cores); the result is the same, its report once final."""
    import geo.pipeline.analysis
    from geo.boundaries import quality
    from geo.boundaries.report import PendingReport, is_pending

    boundaries, households = demo_sources()
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "direct"))
    direct = analyse(boundaries, households)
    assert not isinstance(direct.boundary_report, PendingReport)
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "deferred"))
    events = []
    real_check, real_read = quality.check_coverage, geo.pipeline.analysis.read_households
    monkeypatch.setattr(quality, "check_coverage",
                        lambda *a, **k: events.append("checks") or real_check(*a, **k))
    monkeypatch.setattr(geo.pipeline.analysis, "read_households",
                        lambda *a, **k: events.append("households") or real_read(*a, **k))
    deferred = analyse(boundaries, households, defer_checks=True)
    report = deferred.boundary_report
    assert isinstance(report, PendingReport)
    assert report.to_dict() == direct.boundary_report.to_dict()  # waits for the checks
    assert events == ["households", "checks"] and not is_pending(report)
    pd.testing.assert_frame_equal(pd.DataFrame(deferred.villages.drop(columns="geometry")),
                                  pd.DataFrame(direct.villages.drop(columns="geometry")))
    assert rescore(deferred, default_config()).boundary_report is report  # shared, not copied
    events.clear()
    cached = analyse(boundaries, households, defer_checks=True)  # the entry: nothing to defer
    assert not isinstance(cached.boundary_report, PendingReport) and "checks" not in events


def test_rank_writes_while_the_checks_run_and_commits_once_they_end(tmp_path, monkeypatch):
    """``wait_for_checks=False`` (as ``python -m geo rank``): the files are written while the
    boundary checks still run, and the folder appears only after the checks have ended (their
    entry stored: the next read is a cache hit)."""
    import threading

    import geo.pipeline.analysis
    from geo.boundaries import quality
    from geo.boundaries.report import PendingReport, is_pending
    from geo.pipeline.analysis import run_rank

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    release, events = threading.Event(), []
    real_check, real_final = quality.check_coverage, geo.pipeline.analysis.final_report

    def slow_check(*args, **kwargs):
        assert release.wait(60), "the files were never written"
        events.append("checks")
        return real_check(*args, **kwargs)

    def final(report):
        events.append("files written" if is_pending(report) else "files written late")
        release.set()
        return real_final(report)

    monkeypatch.setattr(quality, "check_coverage", slow_check)
    monkeypatch.setattr(geo.pipeline.analysis, "final_report", final)
    result = analyse(*demo_sources(), wait_for_checks=False)
    assert isinstance(result.boundary_report, PendingReport) and is_pending(result.boundary_report)
    written = run_rank(result, tmp_path / "out")
    assert events == ["files written", "checks"]
    assert all(path.is_file() for path in written.values())
    assert result.boundary_report.to_dict()["quality_checked"] is True
    again = analyse(*demo_sources())
    assert not isinstance(again.boundary_report, PendingReport)
    assert again.boundary_report.cache == "hit"


def test_checks_that_fail_after_the_files_are_written_leave_no_outputs(tmp_path, monkeypatch):
    import threading

    from geo.boundaries import quality
    from geo.pipeline.analysis import run_rank

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    analysed = threading.Event()

    def broken(*args, **kwargs):
        analysed.wait(60)  # fail once the result is out (failed before, analyse raises)
        raise RuntimeError("checks broke")

    monkeypatch.setattr(quality, "check_coverage", broken)
    result = analyse(*demo_sources(), wait_for_checks=False)
    analysed.set()
    with pytest.raises(RuntimeError, match="checks broke"):
        run_rank(result, tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["cache"]  # no staging folder left either
