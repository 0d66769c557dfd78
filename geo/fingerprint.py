"""Fingerprints of input files: which exact data a ranking, a decision or an export came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.errors import GeoInputError


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (registries can be gigabytes)."""
    digest = hashlib.sha256()
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise GeoInputError(f"cannot read the data file to fingerprint it: {exc.strerror}",
                            source=str(path)) from None
    return digest.hexdigest()


def file_fingerprint(path: str | Path) -> dict:
    """Name, size and SHA-256 of an input file."""
    path = Path(path)
    digest = file_sha256(path)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": digest}
