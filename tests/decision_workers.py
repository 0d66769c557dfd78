"""Decisions the decision tests save, and the worker the two-process test spawns.

A top-level module on the test path (not ``tests.decisions.…``): a process started by the spawn
method imports its target by module name, and an installed package may also be called ``tests``
(pygeoapi 0.21's wheel ships one), which would hide ours from the child.
"""

from __future__ import annotations

import pandas as pd

from geo.config import default_config
from geo.decisions.store import Decision, DecisionStore

CODES = ["35.73.01.1001", "35.73.01.1002", "35.73.02.1003"]


def focus_list(n: int = 3, tag: str = "") -> pd.DataFrame:
    return pd.DataFrame({
        "village_code": CODES[:n],
        "village_name": ["Balearjosari", "Arjosari", "Klojen"][:n],
        "rank": list(range(1, n + 1)),
        "score": [91.5, 80.25, 77.0][:n],
        "focus_reason": [f"top 10{tag}"] * n,
    })


def decision(title="Lokus desa miskin 2026", by="Sekda", n=3, tag="") -> Decision:
    return Decision(title=title, decided_by=by, focus_list=focus_list(n, tag),
                    pins=[{"village_code": CODES[0], "action": "in", "reason": "pilot",
                           "by": "TKPK"}],
                    config_text=default_config().to_json(),
                    sources={"households.csv": "ab" * 32, "kel.sql": "cd" * 32})



def save_many(workspace: str, who: str, count: int, start, results) -> None:
    store = DecisionStore(workspace)
    start.wait()  # both processes begin saving at the same moment
    results.put((who, [store.save(decision(by=who, tag=f" {who} {i}")) for i in range(count)]))
