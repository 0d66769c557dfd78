"""Issue 19: the environment's files prepared once per server in the background, in stages.

The job (:mod:`ui.preparation`) on the demo's files: every stage is passed and timed, the
result is the analysis of the same files, the outline's display layer serves the analysed
villages (same shapes), a restart finds it on disk, and bad files give the user's error.
The map page shows the outlines while the analysis is still running, then the real map.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

import ui.preparation
from geo.common.errors import GeoInputError
from geo.pipeline.sources import EnvironmentSources

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "data" / "boundaries"


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))


def _sources(households=DEMO / "demo_households.csv"):
    return EnvironmentSources(boundaries=(DEMO / "demo_villages.geojson",), households=households)


def test_the_job_passes_every_stage_and_shares_one_display_layer(tmp_path):
    from geo.pipeline.analysis import analyse

    job = ui.preparation.start("demo-files", _sources())
    assert job.finished.wait(300) and job.checked.wait(300)
    assert job.error is None
    assert set(job.ended) == set(job.began) == set(ui.preparation.STAGES)
    assert job.fraction == 1.0
    assert all(line.startswith("✓") for line in job.lines("id"))
    expected = analyse([DEMO / "demo_villages.geojson"], DEMO / "demo_households.csv")
    assert job.result.villages["village_code"].tolist() == \
        expected.villages["village_code"].tolist()
    assert job.result.villages["score"].round(9).tolist() == \
        expected.villages["score"].round(9).tolist()
    assert job.display is job.outline_layer  # simplified once, for the outline and the maps
    assert len(job.display.shapes) == len(job.result.villages)

    again = ui.preparation.start("demo-files", _sources())  # a restart: the shapes from disk
    assert again.finished.wait(300)
    assert again.outline_source == job.outline_source
    assert again.display.shapes["village_code"].tolist() == \
        job.display.shapes["village_code"].tolist()
    assert again.display.shapes.geometry.geom_equals_exact(job.display.shapes.geometry, 0).all()


def test_a_first_start_reads_the_boundary_files_once(boundary_file_reads):
    """The outline's read (no checks) is the one the analysis checks: not read twice."""
    job = ui.preparation.start("read-once", _sources())
    assert job.finished.wait(300) and job.error is None
    assert boundary_file_reads == [False]
    report = job.result.boundary_report  # waits for the checks the job runs last
    assert report.quality_checked and report.cache == "miss"


def test_the_analysis_is_shared_before_the_boundary_checks_end(monkeypatch):
    """The overlap and gap checks come after the analysis and its display layer: the map
    needs only those. Held checks hold nothing but the report; once they end, the report
    every session holds is the checked one, and the layer is cached with it."""
    import geo.boundaries.read
    from geo.boundaries.cache import read_villages_unchecked
    from geo.boundaries.report import is_pending, so_far

    release, started = threading.Event(), threading.Event()
    real_check = geo.boundaries.read.quality_check

    def held_check(villages):
        check = real_check(villages)

        def held(report):
            started.set()
            assert release.wait(120)
            return check(report)
        return held

    monkeypatch.setattr(geo.boundaries.read, "quality_check", held_check)
    job = ui.preparation.start("checks-last", _sources())
    try:
        assert job.finished.wait(300) and job.error is None
        assert started.wait(60)  # started once the result was there
        assert not job.checked.is_set()
        report = job.result.boundary_report
        assert is_pending(report)
        assert so_far(report).features_out == 48 and not so_far(report).quality_checked
        assert job.lines("en")[-1].startswith("…")  # the checks, under way
    finally:
        release.set()
    assert job.checked.wait(300)
    assert not is_pending(report) and report.quality_checked and so_far(report).quality_checked
    assert all(line.startswith("✓") for line in job.lines("id"))
    villages, cached = read_villages_unchecked([DEMO / "demo_villages.geojson"],
                                               **ui.preparation._boundary_options(_sources()))
    assert cached.cache == "hit" and cached.quality_checked


def test_the_data_page_waits_for_the_checks_the_map_did_not_wait_for(tmp_path, monkeypatch):
    """A first start's Data page shows the checked boundary report, not the one read so far:
    it waits for the checks still running behind the map."""
    from streamlit.testing.v1 import AppTest

    import geo.boundaries.read

    boundaries = tmp_path / "desa.geojson"  # files of their own: a job of their own
    boundaries.write_bytes((DEMO / "demo_villages.geojson").read_bytes())
    real_check, holding = geo.boundaries.read.quality_check, []

    def held_check(villages):
        check = real_check(villages)

        def held(report):
            holding.append(True)
            threading.Event().wait(2)  # still running when the page asks for the report
            holding.append(False)
            return check(report)
        return held

    monkeypatch.setattr(geo.boundaries.read, "quality_check", held_check)
    monkeypatch.setenv("PPM_BOUNDARIES", str(boundaries))
    monkeypatch.setenv("PPM_HOUSEHOLDS", str(DEMO / "demo_households.csv"))
    at = AppTest.from_file(str(ROOT / "pages" / "5_Data.py"), default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    assert holding == [True, False]
    assert not any("tidak diperiksa" in str(i.value) for i in at.info)
    assert any(s.value == "Laporan kualitas batas" for s in at.subheader)


def test_the_outline_is_drawn_when_the_cache_cannot_be_used(monkeypatch):
    """No cache key (the reader's source cannot be hashed): the outline is read on its own."""
    import geo.boundaries.cache

    def no_key(*args, **kwargs):
        raise OSError("source not available")

    monkeypatch.setattr(geo.boundaries.cache, "cache_key", no_key)
    job = ui.preparation.start("no-cache-key", _sources())
    assert job.outlined.wait(300)
    assert job.outline_layer is not None and len(job.outline_layer.shapes) > 0
    assert job.finished.wait(300)


def test_bad_households_are_the_users_error_for_every_session(tmp_path):
    bad = tmp_path / "rumah_tangga.csv"
    bad.write_text("ini,bukan\n1,2\n", encoding="utf-8")
    job = ui.preparation.start("bad-files", _sources(bad))
    assert job.analysed.wait(300)
    assert isinstance(job.error, GeoInputError)
    with pytest.raises(GeoInputError):
        ui.preparation.wait(job, "id")
    assert job.outline_layer is not None  # the boundaries were fine: their outline was drawn


def test_the_map_page_shows_the_outlines_while_the_analysis_runs(monkeypatch):
    """While the households are analysed the map page draws the outlines (once), then runs
    again and draws the analysed map: no exception, the profile section below it."""
    from streamlit.testing.v1 import AppTest

    import geo.pipeline.analysis
    import ui.map_widget

    outlined = threading.Event()
    real_analyse, real_outline = geo.pipeline.analysis.analyse, ui.map_widget.show_outline
    drawn = []

    def slow_analyse(*args, **kwargs):  # the analysis ends only after the outline is drawn
        outlined.wait(120)
        return real_analyse(*args, **kwargs)

    def outline(job, lang, **kwargs):
        drawn.append(len(job.outline_layer.shapes))
        real_outline(job, lang, **kwargs)
        outlined.set()

    monkeypatch.setattr(geo.pipeline.analysis, "analyse", slow_analyse)
    monkeypatch.setattr(ui.map_widget, "show_outline", outline)
    monkeypatch.setenv("PPM_BOUNDARIES", str(DEMO / "demo_villages.geojson"))
    monkeypatch.setenv("PPM_HOUSEHOLDS", str(DEMO / "demo_households.csv"))
    at = AppTest.from_file(str(ROOT / "pages" / "1_Peta.py"), default_timeout=300).run()
    assert not at.exception, [e.value for e in at.exception]
    assert drawn == [48]  # the demo's 48 villages, outlined once
    assert any(s.value == "Profil desa" for s in at.subheader)
    assert at.session_state["analysis"].token.startswith("env-")


@pytest.mark.parametrize("value", ["~no_such_user_ppm/desa.gpkg",  # expanduser: RuntimeError
                                   "/no/such/folder/desa.gpkg"])   # the user's GeoInputError
def test_a_bad_variable_does_not_stop_the_pages_that_begin_the_job(monkeypatch, value):
    """Every page (and the sign-in) calls begin_environment first: a variable it cannot use
    is left to the pages that read the files, which say so in the user's language."""
    from geo.pipeline.sources import sources_from_environment

    monkeypatch.setenv("PPM_BOUNDARIES", value)
    with pytest.raises(Exception):  # noqa: B017 - what the variable gives, whatever its type
        sources_from_environment()
    assert ui.preparation.begin_environment() is None


def test_begin_environment_starts_the_job_the_pages_then_wait_for(monkeypatch):
    from geo.pipeline.sources import sources_from_environment

    monkeypatch.setenv("PPM_BOUNDARIES", str(DEMO / "demo_villages.geojson"))
    monkeypatch.delenv("PPM_HOUSEHOLDS", raising=False)
    ui.preparation.begin_environment()
    sources = sources_from_environment()
    job = ui.preparation.preparation(sources.fingerprint(), sources)  # the same, not a second
    assert job.outlined.wait(300) and job.outline_layer is not None
    assert job is ui.preparation.preparation(sources.fingerprint(), sources)
