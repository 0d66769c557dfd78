"""Shared fixtures: the real boundary files in ../shared/data (skipped, with the reason, if absent)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def _private_layer_cache(tmp_path_factory):
    """Tests (and the commands they start) use their own boundary-layer cache, never ~/.cache."""
    import os

    os.environ["PPM_CACHE_DIR"] = str(tmp_path_factory.mktemp("layer_cache"))

ROOT = Path(__file__).resolve().parents[1]
SHARED_KEL = ROOT.parent / "shared" / "data" / "wilayah_boundaries" / "kel"
SHARED_CODES = ROOT.parent / "shared" / "data" / "wilayah_codes"


@pytest.fixture
def boundary_file_reads(monkeypatch) -> list:
    """Every read of boundary files themselves (not of the layer cache), as its
    ``check_quality`` flag: how many times a first start or a rank reads the files."""
    from geo.boundaries import read

    calls, real = [], read.read_villages

    def counted(*args, **kwargs):
        calls.append(kwargs.get("check_quality", True))
        return real(*args, **kwargs)

    monkeypatch.setattr(read, "read_villages", counted)
    return calls


def shared_file(name: str) -> Path:
    """Path of a real wilayah_boundaries SQL dump, or skip the test saying why."""
    path = SHARED_KEL / name
    if not path.exists():
        pytest.skip(f"real boundary data not available: {path} is absent (../shared is not here)")
    return path


@pytest.fixture(scope="session")
def codes_dir() -> Path:
    """The Kemendagri code-table dumps of 2022, 2023, 2025 (skip, saying why, when absent)."""
    if not (SHARED_CODES / "wilayah_2025.sql").exists():
        pytest.skip(f"Kemendagri code tables not available: {SHARED_CODES} is absent")
    return SHARED_CODES


@pytest.fixture(scope="session")
def malang_sql() -> Path:
    return shared_file("wilayah_boundaries_kel_35.73.sql")


@pytest.fixture(scope="session")
def bontang_sql() -> Path:
    return shared_file("wilayah_boundaries_kel_64.74.sql")


@pytest.fixture(scope="session")
def pekalongan_sql() -> Path:
    return shared_file("wilayah_boundaries_kel_33.26.sql")


@pytest.fixture(scope="session")
def jatim_sqls() -> list[Path]:
    files = sorted(SHARED_KEL.glob("wilayah_boundaries_kel_35.*.sql")) if SHARED_KEL.exists() else []
    if len(files) != 38:
        pytest.skip(f"all 38 Jawa Timur files needed in {SHARED_KEL}, found {len(files)}")
    return files
