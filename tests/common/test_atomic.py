"""Outputs whole or not at all (issue 18): a failed, interrupted or full-disk run leaves the
previous complete set (per its manifest); a finished run leaves the new complete set."""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

import geo.export.tables
from geo.common.atomic import MANIFEST_NAME, atomic_output, read_manifest, verify_manifest
from geo.common.errors import GeoInputError
from geo.pipeline.analysis import demo_sources, run_rank

from synthetic_result import analysis_result  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def _complete(folder: Path) -> dict:
    """The folder's manifest, after checking it lists exactly the files there, all intact."""
    manifest = read_manifest(folder)
    assert manifest and verify_manifest(folder), sorted(p.name for p in folder.iterdir())
    assert {p.name for p in folder.iterdir()} == {*manifest["files"], MANIFEST_NAME}
    return manifest


def _no_staging(parent: Path) -> None:
    assert not [p.name for p in parent.iterdir() if ".staging-" in p.name]


@pytest.fixture(scope="module")
def result():
    return analysis_result()


def test_a_commit_writes_a_manifest_and_leaves_other_files_alone(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with atomic_output(out, command="t") as staging:
        (staging / "a.csv").write_text("1")
    with atomic_output(out, command="t") as staging:
        (staging / "b.csv").write_text("2")
    assert sorted(p.name for p in out.iterdir()) == ["b.csv", MANIFEST_NAME, "notes.txt"]
    assert set(read_manifest(out)["files"]) == {"b.csv"} and verify_manifest(out)
    _no_staging(tmp_path)


def test_an_error_or_interrupt_mid_write_keeps_the_previous_set(result, tmp_path, monkeypatch):
    out = tmp_path / "rank"
    run_rank(result, out)
    before = _complete(out)
    real = geo.export.tables.write_ranked_table

    for fault in (KeyboardInterrupt(), RuntimeError("writer bug")):
        def broken(layers, out_dir, *args, fault=fault, **kwargs):
            real(layers, out_dir, *args, **kwargs)  # half the files exist in the staging folder
            raise fault
        monkeypatch.setattr(geo.export.tables, "write_ranked_table", broken)
        with pytest.raises(type(fault)):
            run_rank(result, out)
        assert _complete(out) == before
        _no_staging(tmp_path)


def test_enospc_from_any_writer_is_one_clean_message(result, tmp_path, monkeypatch):
    out = tmp_path / "rank"
    run_rank(result, out)
    before = _complete(out)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(geo.export.tables, "write_ranked_table", full)
    with pytest.raises(GeoInputError) as caught:
        run_rank(result, out)
    assert caught.value.code == "err.disk_full" and "\n" not in caught.value.render("id")
    assert _complete(out) == before
    _no_staging(tmp_path)


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MiB tmpfs (needs root and mount); skipped, with the reason, where it cannot be made."""
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_tmpfs_gives_a_clean_message_and_no_partial_files(result, small_disk):
    out = small_disk / "rank"
    run_rank(result, out)
    before = _complete(out)
    free = shutil.disk_usage(small_disk).free
    (small_disk / "filler").write_bytes(b"\0" * (free - 16 * 1024))  # 16 KiB left: too little
    with pytest.raises(GeoInputError) as caught:
        run_rank(result, out)
    assert caught.value.code == "err.disk_full"
    assert _complete(out) == before
    _no_staging(small_disk)


def _rank_command(households: Path, out: Path) -> list[str]:
    boundaries = demo_sources()[0]
    return [sys.executable, "-m", "geo", "--lang", "en", "rank", "--boundaries", str(boundaries),
            "--households", str(households), "--out", str(out)]


def _interrupt_at_random(households: Path, tmp_path: Path, runs: int, seed: int) -> list[str]:
    out = tmp_path / "out"
    started = time.monotonic()
    first = subprocess.run(_rank_command(households, out), cwd=ROOT, capture_output=True,
                           text=True, timeout=600)
    duration = time.monotonic() - started
    assert first.returncode == 0, first.stderr
    rng = random.Random(seed)
    seen = []
    for _ in range(runs):
        old = _complete(out)
        proc = subprocess.Popen(_rank_command(households, out), cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(0.5, 1.05) * duration)  # mostly late: the writing phase
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=600)
        new = _complete(out)
        seen.append("old" if new == old else "new")
        if proc.returncode == 130:  # interrupted inside the command: one line, no traceback
            assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
        _no_staging(tmp_path)
    return seen


def test_sigint_during_rank_leaves_the_old_or_the_new_complete_set(tmp_path):
    seen = _interrupt_at_random(demo_sources()[1], tmp_path, runs=3, seed=os.getpid())
    assert len(seen) == 3


@pytest.mark.slow
def test_sigint_at_random_points_of_rank_on_a_large_input(tmp_path):
    """40 000 synthetic households; twelve interrupts at random points."""
    import pyogrio

    from geo.demo.households import write_households

    villages = pyogrio.read_dataframe(demo_sources()[0])
    households = write_households(villages, tmp_path / f"hh-{uuid.uuid4().hex[:6]}.csv", 40_000)
    seen = _interrupt_at_random(households, tmp_path, runs=12, seed=18)
    assert len(seen) == 12
    print("interrupted runs left:", seen)
