"""Write a :class:`~geo.convergence.measures.Convergence` as ``python -m geo convergence`` does."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from geo.convergence.measures import Convergence
from geo.common.atomic import write_text_atomic
from geo.common.safe_text import neutralise_frame
from geo.export.tables import neutralise

JSON_NAME = "convergence.json"
CSV_NAME = "convergence_villages.csv"
ASSIGNMENT_NAME = "assignment.csv"


def village_table(result: Convergence, min_households: int = 0):
    """``village_code``, ``untouched`` and per programme ``<name>_reached``, ``_exclusion``,
    ``_inclusion`` (``_eligible`` too); names neutralised against spreadsheet formulas.

    ``min_households``: every figure of a village with fewer households is left empty
    (small cells suppressed, as for viewers)."""
    table = result.villages.copy()
    if min_households:
        small = table["households"] < int(min_households)
        figures = [c for c in table.columns if c not in ("village_code", "need_effort")]
        table[figures] = table[figures].astype("float64").mask(small)
        table.loc[small, "need_effort"] = pd.NA
    table.columns = [neutralise(str(c)) for c in table.columns]
    table["village_code"] = table["village_code"].astype("string")
    return table


def write_convergence(result: Convergence, out_dir) -> dict[str, Path]:
    """``convergence.json`` and ``convergence_villages.csv`` in ``out_dir``, each written whole
    (a temporary file beside the target, then renamed)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = out / JSON_NAME, out / CSV_NAME
    write_text_atomic(json_path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
    write_text_atomic(csv_path, village_table(result).to_csv(index=False, lineterminator="\n"))
    return {JSON_NAME: json_path, CSV_NAME: csv_path}


def write_assignment(assignment, out_dir) -> Path:
    """``assignment.csv``: the proposed (or edited) bagi tugas, cells neutralised, whole."""
    path = Path(out_dir) / ASSIGNMENT_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    write_text_atomic(path, neutralise_frame(assignment).to_csv(index=False, lineterminator="\n"))
    return path
