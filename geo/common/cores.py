"""How many cores this process may use (its CPU affinity, which containers and ``taskset``
narrow, not the machine's count)."""

from __future__ import annotations

import os


def usable_cores() -> int:
    """Cores this process may run on (at least 1)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


def yield_cores(niceness: int = 19) -> None:
    """Let the calling thread (and the threads it starts) give way to the rest of the process
    on a busy machine: background checks then take the cores the analysis leaves idle. Linux
    only (a thread's own nice value); elsewhere nothing happens."""
    import threading

    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, max(os.getpriority(os.PRIO_PROCESS, tid), niceness))
    except (AttributeError, OSError):
        pass
