"""Reading the Kemendagri code-table dumps (``wilayah_YYYY.sql``) and building the shipped table.

The public ``cahyadsn/wilayah`` dataset (MIT) publishes the code and name of every province,
regency/city, district and village as MySQL dumps, one per Kepmendagri edition, and a dump of
2025 population per province and regency. The project ships a compact derivative in
``data/reference/`` (:func:`build_reference`), so names and code history need no network and no
``../shared`` folder at run time. The dumps are parsed here rather than through a SQL engine:
they are plain ``INSERT ... VALUES ('kode','nama'), ...;`` text and a regular expression over
the quoted literals is exact for that format (an embedded quote is doubled).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd

from geo.common.errors import GeoInputError

#: Kepmendagri editions the shipped table holds, oldest first.
YEARS = (2022, 2023, 2025)

_COMMENT = re.compile(r"/\*.*?\*/|^--[^\n]*$", re.S | re.M)
_LITERAL = r"'((?:[^']|'')*)'"
_PAIR = re.compile(r"\(\s*" + _LITERAL + r"\s*,\s*" + _LITERAL + r"\s*\)")
_POPULATION = re.compile(r"\(\s*" + r"\s*,\s*".join([_LITERAL] * 5) + r"\s*\)")

#: Level of a dotted code by its number of parts.
LEVELS = {1: "province", 2: "regency", 3: "district", 4: "village"}


def _statements(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise GeoInputError("err.file_not_found", source=str(path)) from None
    return _COMMENT.sub("", text)


def read_code_dump(path: str | Path) -> pd.DataFrame:
    """``code``, ``name`` of every row of a ``wilayah_YYYY.sql`` dump (all levels)."""
    path = Path(path)
    rows = [(code, name.replace("''", "'")) for code, name in _PAIR.findall(_statements(path))]
    if not rows:
        raise GeoInputError("err.reference_empty_dump", source=str(path))
    frame = pd.DataFrame(rows, columns=["code", "name"], dtype="string")
    return frame.drop_duplicates("code", keep="last")


def read_population_dump(path: str | Path) -> pd.DataFrame:
    """``code``, ``name``, ``male``, ``female``, ``total`` of ``wilayah_penduduk_2025.sql``."""
    path = Path(path)
    rows = _POPULATION.findall(_statements(path))
    if not rows:
        raise GeoInputError("err.reference_empty_dump", source=str(path))
    frame = pd.DataFrame(rows, columns=["code", "name", "male", "female", "total"])
    frame["name"] = frame["name"].str.replace("''", "'")
    for column in ("male", "female", "total"):
        frame[column] = pd.to_numeric(frame[column]).astype("int64")
    return frame.drop_duplicates("code", keep="last")


def code_history(folder: str | Path) -> pd.DataFrame:
    """One row per (code, name) listed in any edition, with ``in_<year>`` flags.

    A code renamed between editions has a row per name; a retired code has no ``in_2025``.
    """
    folder = Path(folder)
    editions = []
    for year in YEARS:
        table = read_code_dump(folder / f"wilayah_{year}.sql")
        editions.append(table.assign(year=year))
    long = pd.concat(editions, ignore_index=True)
    flags = (long.assign(listed=True)
             .pivot_table(index=["code", "name"], columns="year", values="listed",
                          aggfunc="any", fill_value=False))
    flags.columns = [f"in_{year}" for year in flags.columns]
    out = flags.reset_index()
    out["level"] = out["code"].str.count(r"\.").add(1).astype("int8")
    return out.sort_values(["code", "name"], kind="stable").reset_index(drop=True)


def build_reference(source: str | Path, out: str | Path) -> dict[str, Path]:
    """Write ``kemendagri_codes.csv.gz``, ``population_2025.csv`` and the licence into ``out``.

    ``source`` is the folder of the dumps (``../shared/data/wilayah_codes``). The output is
    deterministic (sorted, gzip without a timestamp), so a rebuild from the same dumps gives the
    same bytes.
    """
    import gzip
    import io

    source, out = Path(source), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    history = code_history(source)
    columns = ["code", "name", "level", *[f"in_{y}" for y in YEARS]]
    text = history[columns].astype({f"in_{y}": "int8" for y in YEARS}).to_csv(
        index=False, lineterminator="\n")
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", mtime=0, filename="") as gz:
        gz.write(text.encode("utf-8"))
    codes_path = out / "kemendagri_codes.csv.gz"
    codes_path.write_bytes(buffer.getvalue())
    population = read_population_dump(source / "wilayah_penduduk_2025.sql")
    population_path = out / "population_2025.csv"
    population[["code", "name", "male", "female", "total"]].to_csv(
        population_path, index=False, lineterminator="\n")
    licence_path = out / "LICENSE"
    shutil.copyfile(source / "LICENSE", licence_path)
    return {"codes": codes_path, "population": population_path, "licence": licence_path}
