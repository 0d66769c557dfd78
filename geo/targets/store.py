"""The RPJMD target and the official BPS poverty rate of a region, kept in the workspace.

Tables ``region_target`` and ``official_rate`` of the workspace's ``decisions.sqlite`` (the
embedded database shared with saved decisions and the audit trail, :mod:`geo.access.db`).
Both are append-only, like decisions: setting a target again, or a year's rate again, adds a
row and the newest row wins; a rate is removed by a row without a value. So what was typed
survives a page change and a restart, and the history of who changed what stays readable.

Values are percentages of people (``3.77`` for 3.77 %), between 0 and 100; years between
:data:`MIN_YEAR` and :data:`MAX_YEAR`; a target's baseline year comes before its target year.
A region is its Kemendagri code: ``PP`` (province) or ``PP.KK`` (regency/city), dots optional.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from geo.access.db import connect
from geo.common.errors import GeoInputError

__all__ = ["MAX_YEAR", "MIN_YEAR", "OfficialRate", "Target", "TargetStore", "region_code",
           "region_of_villages"]

MIN_YEAR, MAX_YEAR = 1990, 2100
_REGION = re.compile(r"^(\d{2})(?:\.?(\d{2}))?$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS region_target (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code TEXT NOT NULL,
    value_pct REAL NOT NULL,
    target_year INTEGER,
    baseline_pct REAL,
    baseline_year INTEGER,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS official_rate (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    region_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    value_pct REAL,
    set_by TEXT NOT NULL,
    set_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS region_target_region ON region_target (region_code, id);
CREATE INDEX IF NOT EXISTS official_rate_region ON official_rate (region_code, year, id);
""" + "".join(
    f"CREATE TRIGGER IF NOT EXISTS {table}_no_{verb} BEFORE {verb.upper()} ON {table} "
    f"BEGIN SELECT RAISE(ABORT, 'targets are kept: add a new row instead'); END;\n"
    for table in ("region_target", "official_rate") for verb in ("update", "delete"))


@dataclass(frozen=True)
class Target:
    """A region's RPJMD target: ``value_pct`` by ``target_year``, from ``baseline_pct`` in
    ``baseline_year`` (both optional: without them there is no straight path to draw)."""

    region_code: str
    value_pct: float
    target_year: int | None = None
    baseline_pct: float | None = None
    baseline_year: int | None = None
    set_by: str = ""
    set_at: str = ""

    def to_dict(self) -> dict:
        return {"region_code": self.region_code, "value_pct": self.value_pct,
                "target_year": self.target_year, "baseline_pct": self.baseline_pct,
                "baseline_year": self.baseline_year, "set_by": self.set_by, "set_at": self.set_at}


@dataclass(frozen=True)
class OfficialRate:
    """The official (BPS) poverty rate of one year, in percent."""

    year: int
    value_pct: float

    def to_dict(self) -> dict:
        return {"year": self.year, "value_pct": self.value_pct}


def region_code(value) -> str:
    """``"3573"`` / ``"35.73"`` -> ``"35.73"``; ``"35"`` -> ``"35"``.

    Raises
    ------
    GeoInputError
        Anything that is not a province or regency/city code.
    """
    text = str(value if value is not None else "").strip()
    match = _REGION.match(text)
    if not match:
        raise GeoInputError("err.target_region", source="region", given=repr(text[:20]))
    return match.group(1) if match.group(2) is None else f"{match.group(1)}.{match.group(2)}"


def region_of_villages(villages) -> str | None:
    """The region a village layer covers: its one regency/city code, else its one province
    code, else None (several provinces: no single target applies)."""
    for column in ("regency_code", "province_code"):
        if column in villages.columns:
            codes = villages[column].astype("string").dropna().unique()
            if len(codes) == 1:
                try:
                    return region_code(codes[0])
                except GeoInputError:
                    return None
    if "village_code" in villages.columns and len(villages):
        heads = villages["village_code"].astype("string").str.slice(0, 5).dropna().unique()
        if len(heads) == 1:
            try:
                return region_code(heads[0])
            except GeoInputError:
                return None
    return None


def _percent(value, name: str) -> float:
    try:
        number = float(str(value).strip().replace(",", ".")) if isinstance(value, str) else float(value)
    except (TypeError, ValueError):
        raise GeoInputError("err.target_percent", source=name, given=repr(str(value)[:20])) from None
    if not math.isfinite(number) or not 0 <= number <= 100:
        raise GeoInputError("err.target_percent", source=name, given=repr(str(value)[:20]))
    return number


def _year(value, name: str) -> int:
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise GeoInputError("err.target_year", source=name, given=repr(str(value)[:20]),
                            low=str(MIN_YEAR), high=str(MAX_YEAR)) from None
    if not math.isfinite(number) or number != int(number) or not MIN_YEAR <= number <= MAX_YEAR:
        raise GeoInputError("err.target_year", source=name, given=repr(str(value)[:20]),
                            low=str(MIN_YEAR), high=str(MAX_YEAR))
    return int(number)


def _optional(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value == ""


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


class TargetStore:
    """Targets and official rates in ``<workspace>/decisions.sqlite`` (one connection per call)."""

    def __init__(self, workspace):
        self.workspace = workspace
        with connect(workspace, _SCHEMA):
            pass

    def set_target(self, region, value_pct, target_year=None, baseline_pct=None,
                   baseline_year=None, *, by: str = "-") -> Target:
        """Validate and store a region's target; returns it as stored.

        Raises
        ------
        GeoInputError
            A value outside 0–100 %, a year outside :data:`MIN_YEAR`–:data:`MAX_YEAR`, a
            baseline given without its year (or the other way round), a baseline year not
            before the target year.
        """
        code = region_code(region)
        value = _percent(value_pct, "target")
        year = None if _optional(target_year) else _year(target_year, "target_year")
        base = None if _optional(baseline_pct) else _percent(baseline_pct, "baseline")
        base_year = None if _optional(baseline_year) else _year(baseline_year, "baseline_year")
        if (base is None) != (base_year is None):
            raise GeoInputError("err.target_baseline_pair", source="baseline")
        if base_year is not None and year is not None and base_year >= year:
            raise GeoInputError("err.target_baseline_year", source="baseline_year",
                                baseline=str(base_year), year=str(year))
        target = Target(code, value, year, base, base_year, str(by or "-")[:80], _now())
        with connect(self.workspace, _SCHEMA) as db:
            db.execute("INSERT INTO region_target (region_code, value_pct, target_year, "
                       "baseline_pct, baseline_year, set_by, set_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (code, value, year, base, base_year, target.set_by, target.set_at))
        return target

    def target(self, region) -> Target | None:
        """The region's newest target, or None."""
        code = region_code(region)
        with connect(self.workspace, _SCHEMA) as db:
            row = db.execute("SELECT region_code, value_pct, target_year, baseline_pct, "
                             "baseline_year, set_by, set_at FROM region_target WHERE "
                             "region_code = ? ORDER BY id DESC LIMIT 1", (code,)).fetchone()
        return None if row is None else Target(*row)

    def set_rates(self, region, rates, *, by: str = "-") -> list[OfficialRate]:
        """Store official rates ``{year: percent}`` (``None`` as the value removes that year).

        All are validated first; one bad value stores none of them.
        """
        code = region_code(region)
        rows = []
        for year, value in dict(rates).items():
            y = _year(year, "year")
            rows.append((y, None if _optional(value) else _percent(value, f"rate {y}")))
        at, who = _now(), str(by or "-")[:80]
        with connect(self.workspace, _SCHEMA) as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany("INSERT INTO official_rate (region_code, year, value_pct, set_by, "
                               "set_at) VALUES (?, ?, ?, ?, ?)",
                               [(code, y, v, who, at) for y, v in rows])
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        return [OfficialRate(y, v) for y, v in rows if v is not None]

    def rates(self, region) -> list[OfficialRate]:
        """The region's official series, oldest year first (newest row per year; removed years
        left out)."""
        code = region_code(region)
        with connect(self.workspace, _SCHEMA) as db:
            rows = db.execute(
                "SELECT year, value_pct FROM official_rate o WHERE region_code = ? AND id = "
                "(SELECT MAX(id) FROM official_rate i WHERE i.region_code = o.region_code "
                "AND i.year = o.year) ORDER BY year", (code,)).fetchall()
        return [OfficialRate(int(y), float(v)) for y, v in rows if v is not None]
