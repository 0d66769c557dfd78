"""Background work gives way: a thread that yields its cores runs niced, and so do the threads
it starts (the quality checks' cascade), while the rest of the process keeps its priority."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from geo.common.cores import usable_cores, yield_cores


def _nice() -> int:
    return os.getpriority(os.PRIO_PROCESS, threading.get_native_id())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_a_yielding_thread_and_its_children_are_niced_the_caller_is_not():
    before = _nice()
    seen = {}

    def child():
        seen["child"] = _nice()

    def background():
        yield_cores()
        seen["self"] = _nice()
        inner = threading.Thread(target=child)
        inner.start()
        inner.join()

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert seen["self"] >= max(before, 10) and seen["child"] == seen["self"]
    assert _nice() == before


def test_yielding_twice_never_raises_a_priority():
    seen = []

    def background():
        yield_cores(19)
        yield_cores(5)  # lowering the nice value needs privileges: never attempted
        seen.append(_nice())

    worker = threading.Thread(target=background)
    worker.start()
    worker.join()
    assert seen and (seen[0] == 19 or not sys.platform.startswith("linux"))
    assert usable_cores() >= 1
