"""Reader for the open ``wilayah_boundaries`` MySQL dumps (github.com/cahyadsn/wilayah_boundaries).

Each dump holds ``INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES (...), ...;``
statements. The quirks handled here (see ``data/wilayah_boundaries/README.md``):

- ``path`` is JSON with coordinates in **[latitude, longitude]** order; nesting depth 3 is one
  polygon, depth 4 a multipolygon;
- strings are single-quoted with embedded quotes doubled (``'Palo''lo''an'``), backslash escapes
  are accepted too;
- ``/* */``, ``--`` and ``#`` comments may hold commented-out rows, which are ignored;
- the column list may be written ``wilayah_boundaries(`` or ``wilayah_boundaries (`` or left out;
- some "holes" lie outside their polygon's outline: they are islands and become separate parts.

Speed: one regular-expression tokenizer pass over the text, then GEOS parses every path at once
(:func:`shapely.from_geojson` on the path wrapped as a GeoJSON geometry) and the axes are swapped
in one vectorised transform. All of Jawa Timur (38 files, 830k vertices) takes about a second.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.common.errors import GeoInputError
from geo.common.messages import encode

TABLE = "wilayah_boundaries"
DEFAULT_COLUMNS = ("kode", "nama", "lat", "lng", "path")

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<str>'[^'\\]*(?:(?:''|\\.)[^'\\]*)*'|"[^"\\]*(?:(?:""|\\.)[^"\\]*)*")
    | (?P<comment>/\*.*?\*/|--[^\n]*|\#[^\n]*)
    | (?P<num>[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)
    | (?P<word>`[^`]*`|[A-Za-z_][\w$]*(?:\.(?:`[^`]*`|[A-Za-z_][\w$]*))*)
    | (?P<punct>[(),;])
    | (?P<op>[^\s\w'"`(),;/]|/(?!\*))
    | (?P<bad>.)
    """,
    re.S | re.X,
)
_ESCAPE = re.compile(r"''|\"\"|\\(.)", re.S)
_BACKSLASH = {"n": "\n", "t": "\t", "r": "\r", "0": "\0"}
_LEADING_BRACKETS = re.compile(r"(?:\[\s*)+")


@dataclass
class SqlDump:
    """The rows of one dump as a GeoDataFrame plus what had to be fixed or rejected.

    Attributes
    ----------
    rows
        GeoDataFrame (EPSG:4326, longitude/latitude order) with ``kode``, ``nama``, ``_row``
        (1-based row number in the file), ``_line`` (line of the row) and ``_problem`` (why
        the row's geometry could not be read, else ``<NA>``; geometry is then None).
    islands_fixed
        ``{"village_code", "village_name", "islands"}`` for rows whose "holes" lay outside the
        outline and were made separate polygons.
    """

    rows: gpd.GeoDataFrame
    islands_fixed: list[dict] = field(default_factory=list)


def read_sql_dump(path: str | Path) -> SqlDump:
    """Read one ``wilayah_boundaries`` dump.

    Parameters
    ----------
    path
        The ``.sql`` file.

    Returns
    -------
    SqlDump

    Raises
    ------
    GeoInputError
        When the file cannot be read, is truncated (ends inside a string, a comment or an
        INSERT statement) or holds no ``wilayah_boundaries`` rows.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        text = path.read_text(encoding="latin-1")
    except OSError as exc:
        raise GeoInputError("err.sql_unreadable", source=str(path),
                            detail=str(exc.strerror or exc)) from exc
    records, columns = _parse_inserts(text, str(path))
    return _build(records, columns, str(path))


def _unquote(literal: str) -> str:
    body = literal[1:-1]
    if literal[0] not in body and "\\" not in body:
        return body
    return _ESCAPE.sub(lambda m: m.group()[0] if m.group(1) is None
                       else _BACKSLASH.get(m.group(1), m.group(1)), body)


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def _tokens(text: str, source: str) -> list[tuple[str, str, int]]:
    """Significant tokens ``(kind, text, offset)``; whitespace and comments dropped."""
    out = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind in ("ws", "comment"):
            continue
        if kind == "bad":
            pos = match.start()
            line = _line_of(text, pos)
            if text[pos] in "'\"`":
                raise GeoInputError("err.sql_open_string", source=source, line=line)
            if text.startswith("/*", pos):
                raise GeoInputError("err.sql_open_comment", source=source, line=line)
            raise GeoInputError("err.sql_unexpected_char", source=source, line=line,
                                char=repr(text[pos]), table=TABLE)
        out.append((kind, match.group(), match.start()))
    return out


def _parse_inserts(text: str, source: str) -> tuple[list[tuple[int, list]], tuple[str, ...]]:
    """Rows ``(offset, values)`` of every ``INSERT INTO wilayah_boundaries`` statement."""
    toks = _tokens(text, source)
    n = len(toks)
    records: list[tuple[int, list]] = []
    columns: tuple[str, ...] | None = None
    i = 0

    def truncated(start: int, what: str) -> GeoInputError:
        return GeoInputError("err.sql_truncated", source=source, line=_line_of(text, start))

    def expect(j: int, value: str, start: int) -> int:
        if j >= n:
            raise truncated(start, "an INSERT statement")
        if toks[j][1] != value:
            raise GeoInputError("err.sql_expected", source=source, line=_line_of(text, toks[j][2]),
                                expected=repr(value), found=repr(toks[j][1][:40]))
        return j + 1

    while i < n:
        kind, word, start = toks[i]
        if kind == "word" and word.upper() in ("INSERT", "REPLACE"):
            j = i + 1
            while j < n and toks[j][0] == "word" and toks[j][1].upper() in ("IGNORE", "INTO",
                                                                            "LOW_PRIORITY",
                                                                            "DELAYED"):
                j += 1
            if j >= n:
                raise truncated(start, "an INSERT statement")
            table = toks[j][1].split(".")[-1].strip("`")
            j += 1
            if table.lower() != TABLE:
                i = _skip_statement(toks, j)
                continue
            stmt_columns = DEFAULT_COLUMNS
            if j < n and toks[j][1] == "(":
                names = []
                j += 1
                while j < n and toks[j][1] != ")":
                    if toks[j][0] == "word":
                        names.append(toks[j][1].strip("`").lower())
                    j += 1
                j = expect(j, ")", start)
                stmt_columns = tuple(names)
            if j >= n:
                raise truncated(start, "an INSERT statement")
            if toks[j][1].upper() not in ("VALUES", "VALUE"):
                raise GeoInputError("err.sql_only_values", source=source,
                                    line=_line_of(text, toks[j][2]))
            j += 1
            while True:
                row_start = toks[j][2] if j < n else start
                j = expect(j, "(", start)
                values = []
                while True:
                    if j >= n:
                        raise truncated(start, "an INSERT statement")
                    kind_v, value, _ = toks[j]
                    if kind_v == "str":
                        values.append(_unquote(value))
                    elif kind_v == "num":
                        values.append(value)
                    elif kind_v == "word" and value.upper() == "NULL":
                        values.append(None)
                    else:
                        raise GeoInputError("err.sql_unexpected_value", source=source,
                                            line=_line_of(text, toks[j][2]),
                                            found=repr(value[:40]))
                    j += 1
                    if j >= n:
                        raise truncated(start, "an INSERT statement")
                    if toks[j][1] == ",":
                        j += 1
                        continue
                    j = expect(j, ")", start)
                    break
                records.append((row_start, values))
                if columns is None:
                    columns = stmt_columns
                elif stmt_columns != columns:
                    records[-1] = (row_start, _reorder(values, stmt_columns, columns))
                if j >= n:
                    raise truncated(start, "an INSERT statement")
                if toks[j][1] == ",":
                    j += 1
                    continue
                j = expect(j, ";", start)
                break
            i = j
        else:
            i = _skip_statement(toks, i)
    if not records:
        raise GeoInputError("err.sql_no_rows", source=source, table=TABLE)
    missing = {"kode", "path"} - set(columns)
    if missing:
        raise GeoInputError("err.sql_missing_columns", source=source,
                            missing=", ".join(sorted(missing)), columns=", ".join(columns))
    # line numbers: count newlines between consecutive rows (one pass over the text)
    lines, line, prev = [], 1, 0
    for offset, _ in records:
        line += text.count("\n", prev, offset)
        prev = offset
        lines.append(line)
    return [(line, values) for line, (_, values) in zip(lines, records)], columns


def _reorder(values: list, have: tuple[str, ...], want: tuple[str, ...]) -> list:
    lookup = dict(zip(have, values))
    return [lookup.get(name) for name in want]


def _skip_statement(toks: list, i: int) -> int:
    """Index after the next ``;`` (statements other than our INSERTs are ignored)."""
    n = len(toks)
    while i < n and toks[i][1] != ";":
        i += 1
    return i + 1


def _build(records: list[tuple[int, list]], columns: tuple[str, ...], source: str) -> SqlDump:
    width = len(columns)
    pos = {name: k for k, name in enumerate(columns)}
    kode, nama, paths, lines, problems = [], [], [], [], []
    for line, values in records:
        lines.append(line)
        if len(values) != width:
            kode.append(values[0] if values else None)
            nama.append(None)
            paths.append(None)
            problems.append(encode("row.sql_width", values=len(values), width=width))
            continue
        kode.append(values[pos["kode"]])
        nama.append(values[pos["nama"]] if "nama" in pos else None)
        paths.append(values[pos["path"]])
        problems.append(None)
    geoms, path_problems = paths_to_geometries(paths)
    problems = [p or q for p, q in zip(problems, path_problems)]
    geoms, islands = _split_outside_holes(geoms)
    frame = gpd.GeoDataFrame(
        {
            "kode": pd.array(kode, dtype="string"),
            "nama": pd.array(nama, dtype="string"),
            "_row": np.arange(1, len(kode) + 1),
            "_line": lines,
            "_problem": pd.array(problems, dtype="string"),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    fixed = [
        {"village_code": frame["kode"].iat[k], "village_name": frame["nama"].iat[k],
         "islands": int(count), "source": Path(source).name, "line": int(lines[k])}
        for k, count in islands
    ]
    return SqlDump(rows=frame, islands_fixed=fixed)


def paths_to_geometries(paths: list[str | None]) -> tuple[np.ndarray, list[str | None]]:
    """Turn ``path`` JSON strings ([lat, lng] order) into shapely geometries (lng, lat).

    Returns the geometries (None where unreadable) and, per path, why it could not be read.
    """
    docs = np.empty(len(paths), dtype=object)
    problems: list[str | None] = [None] * len(paths)
    for k, text in enumerate(paths):
        if text is None:
            problems[k] = encode("row.sql_no_path")
            continue
        text = text.strip()
        lead = _LEADING_BRACKETS.match(text)
        depth = lead.group().count("[") if lead else 0
        if depth == 3:
            docs[k] = '{"type":"Polygon","coordinates":' + text + "}"
        elif depth == 4:
            docs[k] = '{"type":"MultiPolygon","coordinates":' + text + "}"
        else:
            problems[k] = encode("row.sql_depth", depth=depth)
    geoms = shapely.from_geojson(docs, on_invalid="ignore")
    for k in np.flatnonzero(pd.isna(geoms) & pd.notna(docs)):
        try:
            shapely.from_geojson(docs[k])
        except shapely.errors.GEOSException as exc:
            problems[k] = encode("row.sql_bad_json", detail=str(exc)[:120])
        else:  # pragma: no cover - GEOS accepted it on its own
            geoms[k] = shapely.from_geojson(docs[k])
    geoms = shapely.transform(geoms, lambda xy: xy[:, ::-1])
    return geoms, problems


def _split_outside_holes(geoms: np.ndarray) -> tuple[np.ndarray, list[tuple[int, int]]]:
    """Make "holes" whose interior does not meet their outline's interior separate polygons.

    Returns the geometries and ``(row, islands)`` for each row changed.
    """
    parts, owner = shapely.get_parts(geoms, return_index=True)
    holed = np.flatnonzero(shapely.get_num_interior_rings(parts) > 0)
    if holed.size == 0:
        return geoms, []
    rings, ring_part = shapely.get_rings(parts[holed], return_index=True)
    first = np.r_[True, ring_part[1:] != ring_part[:-1]]
    holes, hole_part = rings[~first], ring_part[~first]
    shells = shapely.polygons(shapely.get_exterior_ring(parts[holed]))
    outside = shapely.relate_pattern(shells[hole_part], shapely.polygons(holes), "F********")
    if not outside.any():
        return geoms, []
    geoms = geoms.copy()
    changed = []
    for row in np.unique(owner[holed[hole_part[outside]]]):
        new_parts, islands = [], 0
        for p in np.flatnonzero(owner == row):
            k = np.searchsorted(holed, p)
            if k >= holed.size or holed[k] != p:
                new_parts.append(parts[p])
                continue
            mine = hole_part == k
            keep = holes[mine & ~outside]
            moved = holes[mine & outside]
            new_parts.append(shapely.polygons(shapely.get_exterior_ring(parts[p]), keep))
            new_parts.extend(shapely.polygons(moved))
            islands += int(moved.size)
        geoms[row] = shapely.multipolygons(new_parts)
        changed.append((int(row), islands))
    return geoms, changed
