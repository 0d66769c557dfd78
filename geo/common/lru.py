"""Which cache entries to remove: those beyond the most recently used few, and temporary
files no writer finished.

Why here: the boundary layers, their display layers, the neighbour pairs and the exported
geometry text are cached side by side in one folder (:func:`geo.boundaries.cache.cache_dir`),
each with its own limit. Each cache names its own files, so each counts only those; a reader
touches an entry it uses, so the modification time is the time of last use.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterable
from pathlib import Path

#: a temporary file untouched this long is no write under way (a write takes seconds)
ABANDONED_AFTER_S = 3600


def beyond_recent(paths: Iterable[Path], keep: int) -> list[Path]:
    """The entries of ``paths`` beyond the ``keep`` most recently used, oldest last.

    A file another process removed meanwhile counts as the oldest (it is gone either way)."""
    return sorted(paths, key=_last_used, reverse=True)[keep:]


def _last_used(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0


#: how the caches name a file while writing it (:func:`partial_suffix`)
PARTIAL_NAME = re.compile(r".+\.\d+\.[0-9a-f]{32}\.tmp")


def partial_suffix() -> str:
    """What a cache appends to an entry's file name while it writes it, renamed into place
    when whole: ``.<process id>.<32 hex>.tmp``, one writer's own, and the form
    :func:`remove_abandoned` recognises."""
    return f".{os.getpid()}.{uuid.uuid4().hex}.tmp"


def remove_abandoned(folder: Path) -> None:
    """Remove temporary files no writer finished: a killed process (power cut, out of memory,
    an interrupted command that exits at once) leaves its half-written entry behind, and
    nothing else would ever remove it. Only the caches' own temporary files
    (:data:`PARTIAL_NAME`: the folder may be shared with other programs), and only those
    older than :data:`ABANDONED_AFTER_S`."""
    limit = time.time() - ABANDONED_AFTER_S
    for partial in folder.glob("*.tmp"):
        if PARTIAL_NAME.fullmatch(partial.name) and 0 < _last_used(partial) < limit:
            partial.unlink(missing_ok=True)
