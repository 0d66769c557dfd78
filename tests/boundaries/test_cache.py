import pytest
from geopandas.testing import assert_geodataframe_equal

from geo.boundaries.read import read_villages
from geo.boundaries.cache import read_villages_cached


def test_cached_layer_equals_a_fresh_read(malang_sql, tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    fresh, fresh_report = read_villages([malang_sql])
    first, first_report = read_villages_cached([malang_sql])
    again, again_report = read_villages_cached([malang_sql])
    assert first_report.cache == "miss" and again_report.cache == "hit"
    assert_geodataframe_equal(fresh, again)
    assert list(fresh.columns) == list(again.columns)
    for key in ("features_in", "features_out", "kelurahan", "desa"):
        assert getattr(again_report, key) == getattr(fresh_report, key)


def test_changed_file_or_options_miss_the_cache(bontang_sql, tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "bontang.sql"
    copy.write_bytes(bontang_sql.read_bytes())
    assert read_villages_cached([copy])[1].cache == "miss"
    assert read_villages_cached([copy], check_quality=False)[1].cache == "miss"
    text = copy.read_text(encoding="utf-8")
    start = text.index("('64.74.")
    end = text.index("),", start) + 2   # drop the first village row
    copy.write_text(text[:start] + text[end:], encoding="utf-8")
    villages, report = read_villages_cached([copy])
    assert report.cache == "miss" and len(villages) == 14


def test_unwritable_cache_only_costs_time(bontang_sql, tmp_path, monkeypatch, caplog):
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("x")
    monkeypatch.setenv("PPM_CACHE_DIR", str(blocker / "cache"))
    with caplog.at_level("INFO", logger="geo.boundaries.cache"):
        villages, report = read_villages_cached([bontang_sql])
    assert len(villages) == 15 and report.cache == "miss"
    assert any("not written" in r.getMessage() for r in caplog.records)  # said, not raised


@pytest.mark.filterwarnings("ignore:Normalized/laundered field name")
def test_a_changed_shapefile_dbf_misses_the_cache(malang_sql, tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    villages, _ = read_villages([malang_sql])
    shp = tmp_path / "malang.shp"
    villages.to_file(shp, engine="pyogrio")
    first, report = read_villages_cached([shp])
    assert report.cache == "miss" and read_villages_cached([shp])[1].cache == "hit"
    renamed = villages.assign(village_name=villages["village_name"].str.upper())
    renamed.to_file(shp, engine="pyogrio")  # same geometry, new names in the .dbf
    again, report = read_villages_cached([shp])
    assert report.cache == "miss"
    assert again["village_name"].tolist() == first["village_name"].str.upper().tolist()


def test_least_recently_used_entries_are_removed(bontang_sql, tmp_path, monkeypatch):
    import geo.boundaries.cache as layer_cache

    cache = tmp_path / "cache"
    monkeypatch.setenv("PPM_CACHE_DIR", str(cache))
    monkeypatch.setattr(layer_cache, "MAX_ENTRIES", 2)
    for check_quality in (True, False):
        read_villages_cached([bontang_sql], check_quality=check_quality)
    assert len(list(cache.glob("*.json"))) == 2
    read_villages_cached([bontang_sql], check_quality=True, swap_xy=False)  # a third key
    assert len(list(cache.glob("*.json"))) == 2 and len(list(cache.glob("*.parquet"))) == 2


def test_a_layer_read_with_analyses_options_is_the_one_rank_finds(tmp_path, monkeypatch):
    """``geo waves``, the app's outline and the benchmarks read with
    :func:`geo.pipeline.analysis.boundary_read_options`: ``rank`` then hits that entry (and
    does not run the quality checks a second time)."""
    from geo.demo.region import DEMO_DIR, FILES
    from geo.pipeline.analysis import analyse, boundary_read_options

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    layer = DEMO_DIR / FILES["villages"]
    assert read_villages_cached([layer], **boundary_read_options())[1].cache == "miss"
    result = analyse([layer], DEMO_DIR / FILES["households"])
    assert result.boundary_report.cache == "hit"
    assert read_villages_cached([layer])[1].cache == "miss"  # other options, another entry


def test_checks_later_give_the_same_layer_report_and_entry(bontang_sql, tmp_path, monkeypatch):
    """Bontang has 19 overlapping pairs and gaps: the report waits for both, and the entry
    stored afterwards is the one read_villages_cached finds."""
    from geo.boundaries.cache import read_villages_checked_later

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "direct"))
    direct, direct_report = read_villages_cached([bontang_sql])
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "later"))
    later, pending = read_villages_checked_later([bontang_sql])
    assert_geodataframe_equal(direct, later)
    report = pending.result()
    assert report.to_dict() == direct_report.to_dict() and report.cache == "miss"
    assert report.quality_checked and report.overlaps_total["pairs"] == 19
    again, again_report = read_villages_cached([bontang_sql])
    assert again_report.cache == "hit" and again_report.overlaps == report.overlaps
    assert_geodataframe_equal(again, direct)
    hit, hit_pending = read_villages_checked_later([bontang_sql])
    assert hit_pending.result().cache == "hit"


def test_the_outlines_read_is_checked_without_reading_the_files_again(bontang_sql, tmp_path,
                                                                       monkeypatch,
                                                                       boundary_file_reads):
    """The app's outline read hands its layer to the analysis' read of the same files."""
    from geo.boundaries.cache import read_villages_checked_later, read_villages_unchecked

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "direct"))
    direct, direct_report = read_villages_cached([bontang_sql])
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "handed"))
    calls = boundary_file_reads
    calls.clear()  # counted from here: the reference read above is not the outline's
    outline, outline_report = read_villages_unchecked([bontang_sql])
    assert not outline_report.quality_checked and outline_report.cache == "miss"
    outline["village_name"] = "changed by the caller"  # not what the analysis gets
    villages, pending = read_villages_checked_later([bontang_sql])
    assert calls == [False]  # the files were read once, for the outline
    assert_geodataframe_equal(villages, direct)
    report = pending.result()
    assert report.to_dict() == direct_report.to_dict() and report.overlaps_total["pairs"] == 19
    # taken once: the stored entry answers from now on, the outline's read too
    assert read_villages_unchecked([bontang_sql])[1].cache == "hit"
    assert read_villages_checked_later([bontang_sql])[1].result().cache == "hit"
    assert calls == [False]


def test_a_kept_outline_read_is_let_go_by_the_next_read(bontang_sql, tmp_path, monkeypatch):
    """Found on disk (another reader stored it meanwhile): the kept layer is not held on."""
    from geo.boundaries import cache

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    cache.read_villages_unchecked([bontang_sql])
    assert len(cache._UNCHECKED) == 1
    read_villages_cached([bontang_sql])  # another reader stores the checked entry
    assert cache.read_villages_checked_later([bontang_sql])[1].result().cache == "hit"
    assert not cache._UNCHECKED


def test_files_changed_after_the_outline_are_read_again(bontang_sql, tmp_path, monkeypatch,
                                                        boundary_file_reads):
    from geo.boundaries.cache import read_villages_checked_later, read_villages_unchecked

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    copy = tmp_path / "bontang.sql"
    copy.write_bytes(bontang_sql.read_bytes())
    calls = boundary_file_reads
    assert len(read_villages_unchecked([copy])[0]) == 15
    text = copy.read_text(encoding="utf-8")
    start = text.index("('64.74.")
    copy.write_text(text[:start] + text[text.index("),", start) + 2:], encoding="utf-8")
    villages, pending = read_villages_checked_later([copy])
    assert len(villages) == 14 and pending.result().features_out == 14
    assert calls == [False, False]


@pytest.fixture
def failing_checks(tmp_path, monkeypatch):
    """A cache of the test's own, and overlap and gap checks that raise."""
    from geo.boundaries import quality

    def broken(*args, **kwargs):
        raise RuntimeError("the union failed")

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(quality, "check_coverage", broken)


def test_a_failed_check_is_raised_by_the_report_and_stores_nothing(bontang_sql, tmp_path,
                                                                   failing_checks):
    from geo.boundaries.cache import read_villages_checked_later

    villages, pending = read_villages_checked_later([bontang_sql])
    assert len(villages) == 15
    with pytest.raises(RuntimeError, match="the union failed"):
        pending.result()
    assert not list((tmp_path / "cache").glob("*.json"))


def test_without_checks_the_report_is_there_at_once_and_stored(bontang_sql, tmp_path,
                                                               monkeypatch):
    from geo.boundaries.cache import read_villages_checked_later

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    _, pending = read_villages_checked_later([bontang_sql], check_quality=False)
    report = pending.result()
    assert report.cache == "miss" and not report.quality_checked and report.gaps is None
    assert read_villages_cached([bontang_sql], check_quality=False)[1].cache == "hit"


def test_a_bad_household_file_still_leaves_the_checked_layer_cached(bontang_sql, tmp_path,
                                                                    monkeypatch):
    from geo.common.errors import GeoInputError
    from geo.pipeline.analysis import analyse, boundary_read_options

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    bad = tmp_path / "households.csv"
    bad.write_text("kolom_lain\n1\n", encoding="utf-8")
    with pytest.raises(GeoInputError):
        analyse([bontang_sql], bad)
    villages, report = read_villages_cached([bontang_sql], **boundary_read_options())
    assert report.cache == "hit" and report.quality_checked and len(villages) == 15


def test_deferred_checks_start_when_asked_and_give_the_same_report(bontang_sql, tmp_path,
                                                                   monkeypatch):
    """``defer``: nothing runs until the report is started or read; then the same report and
    the same cache entry as checks run at once."""
    import copy
    import pickle

    from geo.boundaries import quality
    from geo.boundaries.cache import read_villages_checked_later
    from geo.boundaries.report import BoundaryReport, is_pending, so_far

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "direct"))
    _, direct = read_villages_cached([bontang_sql])
    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "deferred"))
    runs = []
    real = quality.check_coverage
    monkeypatch.setattr(quality, "check_coverage", lambda *a, **k: runs.append(1) or real(*a, **k))
    _, pending = read_villages_checked_later([bontang_sql], defer=True)
    assert is_pending(pending) and not runs
    assert so_far(pending).features_out == 15 and not so_far(pending).quality_checked
    assert not list((tmp_path / "deferred").glob("*.json"))  # nothing stored before the checks
    assert pending.overlaps_total["pairs"] == 19  # a field read starts and waits for them
    assert runs == [1] and not is_pending(pending)
    pending.start()  # once only
    assert runs == [1]
    assert pending.result().to_dict() == direct.to_dict()
    assert so_far(pending) is pending.result()
    for copied in (pickle.loads(pickle.dumps(pending)), copy.deepcopy(pending)):
        assert type(copied) is BoundaryReport and copied == pending.result()
    assert read_villages_cached([bontang_sql])[1].cache == "hit"


def test_deferred_checks_that_never_start_are_not_run_by_a_failure(bontang_sql, tmp_path,
                                                                   monkeypatch):
    """An analysis that fails before it starts its deferred checks does not wait for them."""
    from geo.boundaries import quality
    from geo.boundaries.cache import read_villages_checked_later

    monkeypatch.setenv("PPM_CACHE_DIR", str(tmp_path / "cache"))
    runs = []
    monkeypatch.setattr(quality, "check_coverage", lambda *a, **k: runs.append(1))
    _, pending = read_villages_checked_later([bontang_sql], defer=True)
    with pytest.raises(ValueError), pending:
        raise ValueError("a bad household file")
    assert not runs


def test_a_failed_deferred_check_keeps_the_report_read_so_far(bontang_sql, failing_checks):
    from geo.boundaries.cache import read_villages_checked_later
    from geo.boundaries.report import is_pending, so_far

    _, pending = read_villages_checked_later([bontang_sql], defer=True)
    with pytest.raises(RuntimeError, match="the union failed"):
        _ = pending.gaps  # a field read, as a page makes it
    assert not is_pending(pending)  # over, badly: the fields raise, so_far is the read
    assert so_far(pending).features_out == 15 and not so_far(pending).quality_checked
    with pytest.raises(RuntimeError, match="the union failed"):
        pending.to_dict()


def test_files_of_other_caches_do_not_count_against_the_layers(bontang_sql, tmp_path,
                                                               monkeypatch):
    """The display layers and the neighbour pairs live in the same folder with limits of
    their own: however many there are, the layer entries stay."""
    import geo.boundaries.cache as layer_cache

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("PPM_CACHE_DIR", str(cache))
    monkeypatch.setattr(layer_cache, "MAX_ENTRIES", 2)
    others = [cache / f"display-{n:040x}-0123456789abcdef.json" for n in range(3)]
    for other in others:
        other.write_text("{}")
    for check_quality in (True, False):
        read_villages_cached([bontang_sql], check_quality=check_quality)
    assert read_villages_cached([bontang_sql], check_quality=True)[1].cache == "hit"
    assert read_villages_cached([bontang_sql], check_quality=False)[1].cache == "hit"
    assert all(other.is_file() for other in others)


def test_temporary_files_no_writer_finished_are_removed(bontang_sql, tmp_path, monkeypatch):
    """A killed writer leaves its temporary file behind; a write under way, and another
    program's temporary file (the folder may be shared), are left alone."""
    import os
    import time

    cache = tmp_path / "cache"
    cache.mkdir()
    monkeypatch.setenv("PPM_CACHE_DIR", str(cache))
    from geo.common.lru import partial_suffix

    abandoned = cache / f"{'a' * 64}.parquet{partial_suffix()}"  # named as the caches name them
    under_way = cache / f"{'b' * 64}.parquet{partial_suffix()}"
    foreign = cache / "report.tmp"
    for partial in (abandoned, under_way, foreign):
        partial.write_bytes(b"half")
    hours_ago = time.time() - 2 * 3600
    for old in (abandoned, foreign):
        os.utime(old, (hours_ago, hours_ago))
    read_villages_cached([bontang_sql], check_quality=False)  # a store: the cache tidies up
    assert not abandoned.exists() and under_way.exists() and foreign.exists()
