"""Outputs written whole or not at all: a staging folder beside the target, then one commit.

:func:`atomic_output` gives a command a private staging folder beside ``target`` (same file
system). Everything is written there; only when the block ends without an error are the files
checked into ``manifest.json`` (name, bytes, SHA-256) and moved into ``target`` with
``os.replace`` while SIGINT/SIGTERM are held back, so the commit cannot be cut in half by Ctrl+C.
Files of the previous run that the new run does not write (listed in the old manifest) are
removed in the same commit (only when the manifest is of the same command: ``rank`` and
``export`` may share a folder; the manifest then lists the last one); other files in ``target``
are never touched.

On an error or an interrupt before the commit, the staging folder is deleted and ``target`` keeps
the previous outputs. A full disk becomes ``err.disk_full`` (one line, no traceback).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from geo.common.errors import GeoInputError

MANIFEST_NAME = "manifest.json"
#: below this many free bytes after a failed write, the failure is taken as a full disk
_FULL_DISK_BYTES = 4 << 20
_HELD = {signal.SIGINT, signal.SIGTERM}


def write_text_atomic(path: Path, text: str) -> None:
    """One text file written whole: a temporary file beside ``path``, then renamed over it."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_bytes_atomic(path: Path, *parts) -> None:
    """One binary file written whole from ``parts`` (bytes-like, in order): a temporary file
    beside ``path``, then renamed over it."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            for part in parts:
                stream.write(part)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(folder) -> dict:
    """The manifest of an output folder (``{}`` when there is none or it is unreadable)."""
    try:
        data = json.loads((Path(folder) / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else {}


def verify_manifest(folder) -> bool:
    """Whether every file the manifest lists is there with its size and SHA-256."""
    manifest = read_manifest(folder)
    if not manifest:
        return False
    for name, entry in manifest["files"].items():
        path = Path(folder) / name
        if not path.is_file() or path.stat().st_size != entry.get("bytes") \
                or sha256_of(path) != entry.get("sha256"):
            return False
    return True


def check_output_folder(target) -> Path:
    """``target`` as an output folder: refused at once when it is an existing file."""
    target = Path(target)
    if target.exists() and not target.is_dir():
        raise GeoInputError("err.export_out_is_file", source=str(target))
    return target


def _disk_full(exc: BaseException, where: Path) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    try:
        return shutil.disk_usage(where).free < _FULL_DISK_BYTES
    except OSError:
        return False


@contextmanager
def _signals_held():
    """SIGINT and SIGTERM held back (delivered after the block) in the main thread."""
    main = threading.current_thread() is threading.main_thread()
    if main:
        signal.pthread_sigmask(signal.SIG_BLOCK, _HELD)
    try:
        yield
    finally:
        if main:
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _HELD)


def _commit(staging: Path, target: Path, command: str) -> None:
    names = sorted(p.name for p in staging.iterdir() if p.is_file() and p.name != MANIFEST_NAME)
    files = {name: {"bytes": (staging / name).stat().st_size, "sha256": sha256_of(staging / name)}
             for name in names}
    manifest = {"command": command, "created_at": datetime.now(timezone.utc).isoformat(
        timespec="seconds"), "files": files}
    (staging / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    old = read_manifest(target)
    with _signals_held():
        target.mkdir(parents=True, exist_ok=True)
        (target / MANIFEST_NAME).unlink(missing_ok=True)  # no manifest while the set changes
        for name in names:
            os.replace(staging / name, target / name)
        stale = old.get("files", {}) if old.get("command") == command else {}
        for name in stale:  # the previous run's files of this command that this run does not write
            if name not in files and "/" not in name and name != MANIFEST_NAME:
                (target / name).unlink(missing_ok=True)
        os.replace(staging / MANIFEST_NAME, target / MANIFEST_NAME)


@contextmanager
def atomic_output(target, *, command: str = "geo"):
    """Write a command's outputs into a staging folder; commit them to ``target`` at the end.

    >>> with atomic_output("out", command="rank") as staging:  # doctest: +SKIP
    ...     (staging / "focus_list.csv").write_text("...")
    """
    target = check_output_folder(target)
    parent = target.absolute().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.staging-", dir=parent))
    except OSError as exc:
        if _disk_full(exc, parent):
            raise GeoInputError("err.disk_full", source=str(target)) from None
        raise
    try:
        yield staging
        _commit(staging, target, command)
    except BaseException as exc:
        if not isinstance(exc, GeoInputError) and _disk_full(exc, parent):
            shutil.rmtree(staging, ignore_errors=True)
            raise GeoInputError("err.disk_full", source=str(target)) from None
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
