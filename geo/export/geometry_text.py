"""GeoJSON text of layer geometries, serialised once and kept beside the boundary cache.

Turning Jawa Timur's 8,494 village polygons (830,000 coordinates) into GeoJSON text costs about
half a second, yet the geometry is the same in the four GeoJSON layers of a run (the focus list
and the pockets are subsets of the villages) and in every run on the same boundary files. Each
geometry is known by a digest of its WKB, so a text is reused only for the very same geometry,
whatever the row order (the ranking reorders rows) and whoever changed the layer before.

The text is RFC 7946 geometry as GDAL's ``RFC7946=YES`` writes it: exterior rings
counter-clockwise, holes clockwise, coordinates rounded to :data:`PRECISION` decimals. One entry
per layer (``<key>.geometry.txt``, one text per line) lives in the boundary layer cache's folder
(:func:`geo.boundaries.cache.cache_dir`); it holds public boundary geometry only, never household
data. An entry that cannot be read or written costs time only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path

import numpy as np
import shapely

from geo.common.lru import beyond_recent, partial_suffix

log = logging.getLogger(__name__)

#: decimals of the coordinates (about 0.1 m at the equator), as GDAL's ``COORDINATE_PRECISION``
PRECISION = 6
#: raised whenever the text of a geometry changes, so old entries are not served
FORMAT_VERSION = 1
ENTRY_SUFFIX = ".geometry.txt"
#: entries kept in the cache folder; the least recently used beyond this are removed
MAX_ENTRIES = 20


def _digest(wkb: bytes | None) -> bytes | None:
    return None if wkb is None else hashlib.blake2b(wkb, digest_size=16).digest()


def _round(xy: np.ndarray) -> np.ndarray:
    """Coordinates rounded to :data:`PRECISION` decimals exactly as ``printf("%.6f")`` (GDAL)
    rounds them: ``np.round`` scales first, which can tip a value lying within a rounding
    error of a half the other way; those few are rounded from their decimal text instead."""
    scale = 10.0 ** PRECISION
    scaled = xy * scale
    out = np.rint(scaled) / scale
    near_half = np.abs(scaled - np.floor(scaled) - 0.5) < 1e-6
    for index in zip(*np.nonzero(near_half)):
        out[index] = float(f"{xy[index]:.{PRECISION}f}")
    return out


def serialise(geometries) -> list[str]:
    """RFC 7946 GeoJSON text of each geometry (``"null"`` for a missing one), no cache.

    Rings are oriented and coordinates rounded here, so the text is the same whether or not
    the caller oriented them. An empty geometry is written as GDAL writes it
    (``{"type": "Polygon", "coordinates": []}``), not as GEOS does (``[[]]``).
    """
    geoms = np.asarray(geometries, dtype=object)
    oriented = shapely.orient_polygons(geoms, exterior_cw=False)
    rounded = shapely.transform(oriented, _round)
    texts = shapely.to_geojson(rounded)
    out = ["null" if text is None else text for text in texts.tolist()]
    for i in np.flatnonzero(shapely.is_empty(rounded)):
        kind = shapely.get_type_id(rounded[i])
        member = "geometries" if kind == shapely.GeometryType.GEOMETRYCOLLECTION else "coordinates"
        out[i] = json.dumps({"type": rounded[i].geom_type, member: []}, separators=(",", ":"))
    return out


class GeometryTexts:
    """GeoJSON geometry texts of one run, shared by its layers (an in-memory map by digest).

    ``texts(geometries, store=True)`` also reads and fills the cache entry of that set of
    geometries (use it for the full village layer; its subsets then come from memory).
    """

    def __init__(self, folder: Path | None = None):
        self._folder = folder
        self._known: dict[bytes, str] = {}

    def folder(self) -> Path:
        if self._folder is None:
            from geo.boundaries.cache import cache_dir

            self._folder = cache_dir()
        return self._folder

    def texts(self, geometries, *, store: bool = False) -> list[str]:
        """One GeoJSON text per geometry, in the order given."""
        geoms = np.asarray(geometries, dtype=object)
        digests = [_digest(w) for w in shapely.to_wkb(geoms).tolist()]
        unique = sorted({d for d in digests if d is not None})
        entry = self._entry_path(unique) if store and unique else None
        if entry is not None and any(d not in self._known for d in unique):
            self._load(entry, unique)
        missing = [i for i, d in enumerate(digests) if d is not None and d not in self._known]
        if missing:
            for i, text in zip(missing, serialise(geoms[missing])):
                self._known[digests[i]] = text
            if entry is not None:
                self._store(entry, unique)
        return ["null" if d is None else self._known[d] for d in digests]

    def _entry_path(self, unique: list[bytes]) -> Path:
        key = hashlib.sha256(f"geometry-text {FORMAT_VERSION} {PRECISION}\n".encode())
        for digest in unique:
            key.update(digest)
        return self.folder() / f"{key.hexdigest()}{ENTRY_SUFFIX}"

    def _load(self, entry: Path, unique: list[bytes]) -> None:
        try:
            lines = entry.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            return
        if len(lines) != len(unique) or not all(line.startswith("{") for line in lines):
            log.warning("geometry text entry %s does not match its layer; made again", entry.name)
            return
        self._known.update(zip(unique, lines))
        try:
            os.utime(entry)  # recently used: kept when older entries are removed
        except OSError:
            pass

    def _store(self, entry: Path, unique: list[bytes]) -> None:
        temp = entry.with_name(entry.name + partial_suffix())
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temp.write_text("\n".join(self._known[d] for d in unique), encoding="utf-8")
            os.replace(temp, entry)
            _evict(entry.parent)
        except OSError as exc:  # a read-only or full cache folder only costs time
            log.info("geometry text entry not written in %s (%s)", entry.parent, exc)
            temp.unlink(missing_ok=True)


def _evict(folder: Path) -> None:
    """Remove the least recently used entries beyond :data:`MAX_ENTRIES`."""
    for entry in beyond_recent(folder.glob(f"*{ENTRY_SUFFIX}"), MAX_ENTRIES):
        entry.unlink(missing_ok=True)
