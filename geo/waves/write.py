"""Write a :class:`~geo.waves.movement.Waves` result: ``waves.json`` and ``waves_villages.csv``.

Each file is written to a temporary file beside its target and renamed into place, so a
reader sees the whole file or none. No household key or personal value is written: the JSON
holds counts, the CSV one row per village.
"""

from __future__ import annotations

import json
from pathlib import Path

from geo.common.atomic import write_text_atomic
from geo.common.errors import GeoInputError
from geo.export.tables import neutralise
from geo.waves.movement import Waves

__all__ = ["write_waves"]

JSON_NAME = "waves.json"
CSV_NAME = "waves_villages.csv"



def write_waves(result: Waves, out_dir) -> dict[str, Path]:
    """``{"waves": .../waves.json, "villages": .../waves_villages.csv}``.

    Raises
    ------
    GeoInputError
        The folder cannot be made or written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        table = result.villages.copy()
        table["village_code"] = table["village_code"].astype("string").map(neutralise)
        json_path, csv_path = out / JSON_NAME, out / CSV_NAME
        write_text_atomic(json_path, json.dumps(result.to_dict(), indent=2, ensure_ascii=False) + "\n")
        write_text_atomic(csv_path, table.to_csv(index=False))
    except OSError as exc:
        raise GeoInputError("err.cli_write_file", source=str(out), option="--out",
                            detail=str(exc.strerror or exc)) from exc
    return {"waves": json_path, "villages": csv_path}
