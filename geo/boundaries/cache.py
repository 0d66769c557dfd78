"""Cache of canonical village layers, keyed by the files' contents and the reading options.

Reading all of Jawa Timur with its quality checks (overlaps, and gaps from one union of 8,494
villages) takes tens of seconds; the boundary files rarely change between two rankings. The
cache holds only boundary data (public administrative geometry and names, never household
data): one GeoParquet and one JSON report per key, under ``PPM_CACHE_DIR`` or
``~/.cache/poverty-pocket-map``. The key includes the SHA-256 of every source file, the
options, the software version, the source code of the reading modules and the SHA-256 of the
shipped Kemendagri table (the parent names come from it, :mod:`geo.boundaries.names`), so a
change in any of them misses the cache instead of serving a stale layer.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import logging
import os
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import geopandas as gpd

from geo import __version__
from geo.boundaries import names as boundary_names
from geo.boundaries import read as boundaries
from geo.boundaries import schema as boundary_schema
from geo.common import codes
from geo.common import crs
from geo.boundaries import cascade, quality
from geo.common.cores import yield_cores
from geo.boundaries import report as boundary_report
from geo.boundaries import sqldump
from geo.boundaries.report import BoundaryReport, PendingReport
from geo.common.fingerprint import file_sha256, source_files
from geo.common.lru import beyond_recent, partial_suffix, remove_abandoned
from geo.common.reading import library_errors
from geo.reference import table as reference_table

log = logging.getLogger(__name__)

_READER_MODULES = (boundaries, boundary_schema, codes, crs, quality, cascade, sqldump,
                   boundary_report, boundary_names, reference_table)


#: Entries kept; the least recently used beyond this are removed (each upload is a new key).
MAX_ENTRIES = 20
_KEY_NAME = re.compile(r"[0-9a-f]{64}")  # the stem of an entry's two files: its cache_key


def cache_dir() -> Path:
    """Where cached layers live (``PPM_CACHE_DIR`` or ``~/.cache/poverty-pocket-map``)."""
    return Path(os.environ.get("PPM_CACHE_DIR") or Path.home() / ".cache" / "poverty-pocket-map")


def _code_version() -> str:
    digest = hashlib.sha256(__version__.encode())
    for module in _READER_MODULES:
        digest.update(inspect.getsource(module).encode())
    digest.update(file_sha256(reference_table.CODES_FILE).encode())  # a rebuilt table: new names
    return digest.hexdigest()


def cache_key(sources, options: dict) -> str:
    """SHA-256 over the sources' contents, the options and the reader's code."""
    digest = hashlib.sha256(_code_version().encode())
    for source in sources:
        for path in source_files(source):  # a Shapefile's .dbf and .prj count too
            digest.update(path.suffix.lower().encode())
            digest.update(file_sha256(path).encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    return digest.hexdigest()


def read_villages_cached(sources, **options) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """:func:`geo.boundaries.read.read_villages` through the cache; same arguments, same result.

    The report of a cached layer says so (``report.cache == "hit"``). A cache that cannot
    be written (read-only home, full disk) is skipped silently: it only saves time.
    """
    sources = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    layer_path, report_path = _entry(sources, options)
    hit = _load(layer_path, report_path)
    if hit is not None:
        return hit
    villages, report = boundaries.read_villages(sources, **options)
    _store(villages, report, layer_path, report_path)
    return villages, report.with_cache("miss")


def _entry(sources: list, options: dict) -> tuple[Path, Path]:
    """The layer and report files of these sources read with these options."""
    key = cache_key(sources, options)
    folder = cache_dir()
    return folder / f"{key}.parquet", folder / f"{key}.json"


def _load(layer_path: Path, report_path: Path) -> tuple[gpd.GeoDataFrame, BoundaryReport] | None:
    """A stored entry, or None when there is none or it cannot be read."""
    if not (layer_path.is_file() and report_path.is_file()):
        return None
    key = layer_path.stem
    try:
        stored = json.loads(report_path.read_text(encoding="utf-8"))
        if not isinstance(stored, dict):  # valid JSON, but not a report: a miss
            raise TypeError(f"a cached report is a {type(stored).__name__}, not an object")
        report = BoundaryReport.from_dict(stored)
        villages = gpd.read_parquet(layer_path)
        report_path.touch()  # recently used: kept when older entries are removed
        log.debug("boundary cache hit %s", key[:12])
        return villages, report.with_cache("hit")
    except (OSError, ValueError, TypeError, KeyError, AttributeError) + library_errors() as exc:
        # a damaged or foreign entry: read afresh and overwrite it
        log.warning("boundary cache entry %s unreadable (%s); reading the sources again",
                    key[:12], type(exc).__name__)
        return None


def read_villages_checked_later(sources, *, defer: bool = False,
                                **options) -> tuple[gpd.GeoDataFrame, PendingReport]:
    """:func:`read_villages_cached`, except that on a miss the overlap and gap checks (most
    of a first read: about 5 s of Jawa Timur's 6) run on a thread of their own while the
    caller joins, scores and tests the layer; the entry is stored once they are done.

    Same layer, same report, same cache entry as :func:`read_villages_cached` with the same
    options. Only the report waits for the checks, and nothing the caller computes from the
    layer depends on them (``rank`` commits its files once they end). Their thread, and the
    threads it starts, run niced (:func:`geo.common.cores.yield_cores`): they take the cores
    the caller leaves idle instead of slowing its join and pockets (docs/boundaries.md).

    ``defer``: the checks start only when asked (:meth:`PendingReport.start`, or the first
    read of the report), not beside the caller's own work: the app publishes the analysis
    first and lets the checks finish behind the map (``ui.preparation``).
    """
    sources = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    layer_path, report_path = _entry(sources, options)  # the files are hashed once
    handed = _take_unchecked(layer_path.stem)  # taken (and let go) on every path
    hit = _load(layer_path, report_path)
    if hit is not None:
        return hit[0], PendingReport(report=hit[1])
    villages, unchecked = handed or boundaries.read_villages(
        sources, **{**options, "check_quality": False})
    if options.get("check_quality") is False:  # nothing slow to wait for
        _store(villages, unchecked, layer_path, report_path)
        return villages, PendingReport(report=unchecked.with_cache("miss"))
    check = boundaries.quality_check(villages)
    stored = villages.copy()  # the caller's layer is its own to change while the checks run

    def finish() -> BoundaryReport:
        yield_cores()
        report = check(unchecked)
        _store(stored, report, layer_path, report_path)
        return report.with_cache("miss")

    def start():
        pool = ThreadPoolExecutor(1, thread_name_prefix="quality")
        future = pool.submit(finish)
        pool.shutdown(wait=False)  # the thread ends with the checks; nobody waits here
        return future

    pending = PendingReport(so_far=unchecked.with_cache("miss"), start=start)
    if not defer:
        pending.start()
    return villages, pending


#: The layer :func:`read_villages_unchecked` last read from the files (cache key -> layer and
#: report), until a :func:`read_villages_checked_later` of the same files takes it: one entry.
_UNCHECKED: dict[str, tuple[gpd.GeoDataFrame, BoundaryReport]] = {}
_UNCHECKED_LOCK = threading.Lock()


def read_villages_unchecked(sources, **options) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """The layer at once, without waiting for overlap and gap checks: the cached entry when
    there is one, else the files read without the checks (``report.quality_checked`` false).

    Why: the app draws the village outlines before it analyses (``ui.preparation``). The
    layer read here is kept in this process for the next :func:`read_villages_checked_later`
    of the same files and options, which then runs the checks on it instead of reading the
    files again (about 4 s for Jawa Timur's 38 SQL dumps). It is the same call that function
    makes on a miss, so the layer and report are the same; files changed in between have
    another key and are read again. One entry is kept, and only boundary data.
    """
    sources = list(sources) if isinstance(sources, (list, tuple)) else [sources]
    layer_path, report_path = _entry(sources, options)
    hit = _load(layer_path, report_path)
    if hit is not None:
        return hit
    villages, unchecked = boundaries.read_villages(sources, **{**options, "check_quality": False})
    with _UNCHECKED_LOCK:
        _UNCHECKED.clear()
        _UNCHECKED[layer_path.stem] = villages.copy(), unchecked  # the caller may change its own
    return villages, unchecked.with_cache("miss")


def _take_unchecked(key: str) -> tuple[gpd.GeoDataFrame, BoundaryReport] | None:
    """The layer kept for ``key``, if any; whatever is kept is let go either way (it was
    meant for the read that follows the outline, with these files or not)."""
    with _UNCHECKED_LOCK:
        handed = _UNCHECKED.pop(key, None)
        _UNCHECKED.clear()
        return handed


def _store(villages: gpd.GeoDataFrame, report: BoundaryReport, layer_path: Path, report_path: Path) -> None:
    """Write one entry; each writer (process or app session thread) has its own temporary
    files, and the report is renamed into place last, so a reader sees whole entries only."""
    unique = partial_suffix()
    layer_tmp = layer_path.with_name(layer_path.name + unique)
    report_tmp = report_path.with_name(report_path.name + unique)
    try:
        layer_path.parent.mkdir(parents=True, exist_ok=True)
        villages.to_parquet(layer_tmp, index=False)
        report_tmp.write_text(json.dumps(report.to_dict(), default=str), encoding="utf-8")
        os.replace(layer_tmp, layer_path)
        os.replace(report_tmp, report_path)
        _evict(layer_path.parent)
    except Exception as exc:  # noqa: BLE001 - the cache only saves time; a failed write costs nothing
        log.info("boundary cache not written in %s (%s: %s)", layer_path.parent,
                 type(exc).__name__, exc)
        for partial in (layer_tmp, report_tmp):
            if partial.parent.is_dir():
                partial.unlink(missing_ok=True)


def _evict(folder: Path) -> None:
    """Remove the least recently used entries beyond :data:`MAX_ENTRIES` (by report time).

    Only this cache's own entries count (a report is named by its 64-hex key): the display
    layers and other files kept in the same folder have their own limits, and counting
    them pushed layers out early."""
    reports = (p for p in folder.glob("*.json") if _KEY_NAME.fullmatch(p.stem))
    for report in beyond_recent(reports, MAX_ENTRIES):
        # the layer first: entries are found by their report, so an eviction cut short
        # leaves no layer behind that no later eviction would see
        report.with_suffix(".parquet").unlink(missing_ok=True)
        report.unlink(missing_ok=True)
    remove_abandoned(folder)  # every cache in the folder writes through *.tmp files
