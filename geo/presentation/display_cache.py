"""The display layer of a boundary layer kept on disk, beside the boundary cache.

Why: simplifying Jawa Timur's 8,494 villages for drawing takes seconds (tens of seconds on a
busy machine), and a town-hall server is restarted with the same files again and again. Kept
here under the boundary cache's key (:func:`geo.boundaries.cache.cache_key`: the files'
contents, the reading options and the reader's code) and this module's and
:mod:`geo.presentation.display`'s code, the app's first visitor after a restart sees the
village polygons within about a second (:mod:`ui.preparation`).

An entry is the simplified shapes (GeoParquet) and a small JSON: the method, tolerance,
vertex counts and a digest of the source shapes (codes in order and geometry), so a caller
can tell whether the entry was made from exactly the villages it holds (any row order). Written atomically
(a reader never sees half an entry); an unreadable or unwritable cache is skipped: it only
saves time.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

from geo.common.lru import beyond_recent, partial_suffix
from geo.presentation import display

log = logging.getLogger(__name__)

#: entries kept; the least recently used beyond this are removed (each new file set, each
#: change of the drawing code is a new entry)
MAX_ENTRIES = 20
PREFIX = "display-"


def shapes_digest(villages: gpd.GeoDataFrame) -> str:
    """SHA-256 of the villages' codes and geometry (WKB), in code order (the analysed table
    comes in another row order than the layer it was made from: the same shapes)."""
    digest = hashlib.sha256()
    codes = villages["village_code"].astype("string").fillna("").to_numpy(dtype=object)
    blobs = shapely.to_wkb(np.asarray(villages.geometry.values, dtype=object))
    for i in np.argsort(codes, kind="stable"):
        digest.update(str(codes[i]).encode("utf-8") + b"\x1f")
        digest.update(b"\x00" if blobs[i] is None else blobs[i])
    return digest.hexdigest()


def _code_version() -> str:
    digest = hashlib.sha256(inspect.getsource(display).encode("utf-8"))
    digest.update(inspect.getsource(inspect.getmodule(_code_version)).encode("utf-8"))
    return digest.hexdigest()[:16]


def entry_paths(folder: Path, boundary_key: str) -> tuple[Path, Path]:
    stem = f"{PREFIX}{boundary_key[:40]}-{_code_version()}"
    return folder / f"{stem}.parquet", folder / f"{stem}.json"


def read_display(folder: Path, boundary_key: str) -> tuple[display.DisplayLayer, str] | None:
    """``(layer, source digest)`` of a stored entry, or None when there is none (or it is
    unreadable)."""
    shapes_path, info_path = entry_paths(Path(folder), boundary_key)
    if not (shapes_path.is_file() and info_path.is_file()):
        return None
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
        shapes = gpd.read_parquet(shapes_path)
        shapes["village_code"] = shapes["village_code"].astype(object)
        layer = display.DisplayLayer(shapes, info["method"], float(info["tolerance"]),
                                     int(info["vertices_in"]), int(info["vertices_out"]))
        source = str(info["source"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.info("display cache entry unreadable (%s)", type(exc).__name__)
        return None
    try:
        os.utime(info_path)  # recently used: kept when older entries are removed
    except OSError:
        pass
    return layer, source


def write_display(folder: Path, boundary_key: str, layer: display.DisplayLayer,
                  source: str) -> None:
    """Store a display layer (atomically; a failure is logged and ignored)."""
    shapes_path, info_path = entry_paths(Path(folder), boundary_key)
    unique = partial_suffix()
    shapes_tmp = shapes_path.with_name(shapes_path.name + unique)
    info_tmp = info_path.with_name(info_path.name + unique)
    try:
        shapes_path.parent.mkdir(parents=True, exist_ok=True)
        layer.shapes.to_parquet(shapes_tmp)
        info_tmp.write_text(json.dumps({"method": layer.method, "tolerance": layer.tolerance,
                                        "vertices_in": layer.vertices_in,
                                        "vertices_out": layer.vertices_out,
                                        "source": source}), encoding="utf-8")
        os.replace(shapes_tmp, shapes_path)
        os.replace(info_tmp, info_path)  # last: whoever sees the JSON finds the shapes
        _evict(info_path.parent)
    except Exception as exc:  # noqa: BLE001 - the cache only saves time
        log.info("display cache not written (%s: %s)", type(exc).__name__, exc)
    finally:
        shapes_tmp.unlink(missing_ok=True)
        info_tmp.unlink(missing_ok=True)


def _evict(folder: Path) -> None:
    """Remove the display entries beyond :data:`MAX_ENTRIES` (by last use). The shapes go
    first and the JSON last: entries are found by their JSON, so an eviction cut short leaves
    no shapes nobody would remove (a reader needs both files, so it never sees half)."""
    for info in beyond_recent(folder.glob(f"{PREFIX}*.json"), MAX_ENTRIES):
        info.with_suffix(".parquet").unlink(missing_ok=True)
        info.unlink(missing_ok=True)
