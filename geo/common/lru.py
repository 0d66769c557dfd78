"""Which cache entries to remove: those beyond the most recently used few.

Why here: the boundary layers, their display layers, the neighbour pairs and the exported
geometry text are cached side by side in one folder (:func:`geo.boundaries.cache.cache_dir`),
each with its own limit. Each cache names its own files, so each counts only those; a reader
touches an entry it uses, so the modification time is the time of last use.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path


def beyond_recent(paths: Iterable[Path], keep: int) -> list[Path]:
    """The entries of ``paths`` beyond the ``keep`` most recently used, oldest last.

    A file another process removed meanwhile counts as the oldest (it is gone either way)."""
    return sorted(paths, key=_last_used, reverse=True)[keep:]


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
