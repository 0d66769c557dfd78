"""Fingerprints of input files: which exact data a ranking, a decision or an export came from."""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.common.errors import GeoInputError
from geo.common.input_files import check_input_file
from geo.common.safe_text import safe_file_name


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes, read in 1 MiB blocks (registries can be gigabytes)."""
    digest = hashlib.sha256()
    if Path(path).exists():  # streamed, so any size; but never a FIFO or a device
        check_input_file(path, limit=False)
    try:
        with Path(path).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise GeoInputError("err.fingerprint", source=str(path),
                            detail=str(exc.strerror)) from None
    return digest.hexdigest()


def file_fingerprint(path: str | Path) -> dict:
    """Name, size and SHA-256 of an input file."""
    path = Path(path)
    digest = file_sha256(path)
    return {"file": safe_file_name(path.name, digest), "bytes": path.stat().st_size, "sha256": digest}


#: A Shapefile is several files: codes and names live in the .dbf, the CRS in the .prj.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def source_files(path: str | Path) -> list[Path]:
    """The files a source is made of: a ``.shp`` with its existing sidecars, else the file."""
    path = Path(path)
    if path.suffix.lower() != ".shp":
        return [path]
    parts = [path.with_suffix(suffix) for suffix in SHAPEFILE_PARTS]
    parts += [path.with_suffix(suffix.upper()) for suffix in SHAPEFILE_PARTS[1:]]
    return [p for p in dict.fromkeys(parts) if p == path or p.is_file()]
