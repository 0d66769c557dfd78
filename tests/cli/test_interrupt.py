"""Ctrl-C ends a command at once, even with work still running on other threads.

A first ``rank`` on new boundary files runs the overlap and gap checks on threads of their
own (``geo.boundaries.cache.read_villages_checked_later``); Python waits for such threads
before it exits, so an interrupted ``rank`` on Jawa Timur kept the terminal for the rest of
the checks. Here a command leaves a thread-pool task that never ends and is interrupted.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import threading
from concurrent.futures import ThreadPoolExecutor
import geo.__main__ as cli
import geo.cli.demo

never = threading.Event()

def run(args):
    pool = ThreadPoolExecutor(1)
    pool.submit(never.wait)  # like the checks still running: Python would wait at exit
    pool.submit(never.wait)
    raise KeyboardInterrupt

geo.cli.demo.run = run
cli.exit_with(cli.main(["--lang", "en", "demo", "--out", {out!r}]))
"""


def test_an_interrupted_command_exits_without_waiting_for_its_threads(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(out=str(tmp_path / "demo"))],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 130
    assert done.stderr.strip().splitlines() == [
        "interrupted: the previous outputs are untouched (or the new set is complete, "
        "see manifest.json)"]


def test_a_command_that_ends_normally_keeps_its_exit_status(tmp_path):
    done = subprocess.run([sys.executable, "-m", "geo", "--lang", "en", "rank", "--boundaries",
                           str(tmp_path / "absent.gpkg"), "--households",
                           str(tmp_path / "absent.csv"), "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "Traceback" not in done.stderr
