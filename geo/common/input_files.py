"""Input files checked before a byte is read (issue 18): regular files only, within a size cap.

A FIFO given as the household file would block the read forever, ``/dev/zero`` would be read
until memory runs out, and a 5 GB file would be loaded whole: each is one line instead. The cap
is the app's upload cap (:data:`geo.pipeline.sources.MAX_UPLOAD_MB`, ``server.maxUploadSize``),
so the command line accepts what the app accepts; a deployment with larger registries raises it
with the environment variable ``PPM_MAX_INPUT_MB`` (or splits them for :mod:`geo.scale`).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from geo.common.errors import GeoInputError

#: The app's upload cap in MB (``server.maxUploadSize`` in ``.streamlit/config.toml``).
MAX_INPUT_MB = 200
LIMIT_VARIABLE = "PPM_MAX_INPUT_MB"


def max_input_mb(environ=None) -> int:
    """The cap in MB: ``PPM_MAX_INPUT_MB`` when it is a positive whole number, else 200."""
    value = (os.environ if environ is None else environ).get(LIMIT_VARIABLE, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else MAX_INPUT_MB


def check_input_file(path, *, limit: bool = True) -> Path:
    """``path`` when it is an existing regular file (below the cap when ``limit``).

    Raises
    ------
    GeoInputError
        Not found; a folder; a FIFO, device or socket (never opened: opening a FIFO blocks);
        larger than :func:`max_input_mb`.
    """
    path = Path(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise GeoInputError("err.file_not_found", source=str(path)) from None
    except OSError as exc:
        raise GeoInputError("err.file_unreadable", source=str(path),
                            detail=str(exc.strerror or type(exc).__name__)) from None
    if stat.S_ISDIR(info.st_mode):
        raise GeoInputError("err.file_is_folder", source=str(path))
    if not stat.S_ISREG(info.st_mode):
        raise GeoInputError("err.file_not_regular", source=str(path))
    cap = max_input_mb()
    if limit and info.st_size > cap * 1024 * 1024:
        raise GeoInputError("err.file_too_large", source=str(path),
                            size=round(info.st_size / 2**20), limit=cap, variable=LIMIT_VARIABLE)
    return path
