"""A second registry wave of the demo households, with movement, for ``python -m geo waves``.

The wave starts from the demo's own households (:func:`geo.demo.region.build_demo`, same seed,
same ``id_keluarga``) and, drawn with its own seed: shifts the desil of a share of households by
one or two deciles (within 1–10; their other answers become those of a household of the new
desil, so their MPI status can move too), drops a few households (left the registry), moves a few to
another village (code and coordinates of a household there) and adds a few new households
(copies of existing rows under new ``DEMO2-`` ids). All of it is SYNTHETIC.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from geo.demo.region import SEED, build_demo

__all__ = ["demo_wave", "write_demo_wave"]

MOVED_DESIL = 0.15
DROPPED = 0.03
MOVED_VILLAGE = 0.02
ADDED = 0.03
_KEPT = ("id_keluarga", "kode_desa", "jumlah_art", "desil", "lintang", "bujur")


def demo_wave(seed: int = 2025, *, demo_seed: int = SEED, shift_share: float = MOVED_DESIL) -> pd.DataFrame:
    """The second wave as a registry-like table (the demo file's columns)."""
    table = build_demo(demo_seed).households.copy()
    rng = np.random.default_rng([seed, 15])
    n = len(table)
    desil = pd.to_numeric(table["desil"], errors="coerce")
    valid = desil.between(1, 10).to_numpy()
    shift = valid & (rng.random(n) < shift_share)
    step = rng.choice([-2, -1, 1, 2], size=n)
    new_desil = np.clip(desil[shift].to_numpy() + step[shift], 1, 10).astype(int)
    table.loc[shift, "desil"] = new_desil
    # a household whose desil moved answers like a household of its new desil (so MPI moves too)
    answers = [c for c in table.columns if c not in _KEPT]
    rows = np.nonzero(shift)[0]
    for value in np.unique(new_desil):
        pool = np.nonzero(valid & (desil.to_numpy() == value))[0]
        targets = rows[new_desil == value]
        if len(pool) and len(targets):
            donors = pool[rng.integers(0, len(pool), len(targets))]
            table.iloc[targets, [table.columns.get_loc(c) for c in answers]] = \
                table.iloc[donors][answers].to_numpy()
    move = rng.random(n) < MOVED_VILLAGE
    donor = rng.integers(0, n, n)
    for column in ("kode_desa", "lintang", "bujur"):
        table.loc[move, column] = table[column].to_numpy()[donor[move]]
    added = table.iloc[np.nonzero(rng.random(n) < ADDED)[0]].copy()
    added["id_keluarga"] = [f"DEMO2-{i + 1:05d}" for i in range(len(added))]
    kept = table[rng.random(n) >= DROPPED]
    return pd.concat([kept, added], ignore_index=True)


def write_demo_wave(path, seed: int = 2025, **options) -> Path:
    """Write :func:`demo_wave` as CSV to ``path`` (temp file beside it, then renamed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        demo_wave(seed, **options).to_csv(tmp, index=False, lineterminator="\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
