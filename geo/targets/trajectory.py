"""The official series against the straight path from the baseline to the RPJMD target.

The path is the straight line from (baseline year, baseline rate) to (target year, target):
the same reduction every year, ``planned_per_year = (baseline - target) / (target year -
baseline year)`` points. Without a stored baseline the earliest official rate before the
target year is the baseline (the trajectory says so: ``baseline_from_series``).

Against it, the newest official rate (``latest``): ``gap_pp`` = latest - path in that year
(positive: above the path, behind schedule), ``on_track`` = gap <= 0, ``met`` = latest <=
target, and ``needed_per_year`` = (latest - target) / (target year - latest year), the
reduction per year still needed to reach the target on time (0 when met; None once the
target year is reached and the target not met, nothing is left to spread it over).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo.targets.store import OfficialRate, Target

__all__ = ["Trajectory", "path_value", "trajectory"]

_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Trajectory:
    """See the module notes; ``points`` has one row per year of the series, the baseline and
    the target: ``year``, ``official_pct`` (None where not published), ``path_pct``."""

    region_code: str
    target_pct: float
    target_year: int | None
    baseline_pct: float | None
    baseline_year: int | None
    baseline_from_series: bool = False
    planned_per_year: float | None = None
    latest_year: int | None = None
    latest_pct: float | None = None
    path_at_latest: float | None = None
    gap_pp: float | None = None
    on_track: bool | None = None
    met: bool | None = None
    needed_per_year: float | None = None
    points: tuple[dict, ...] = field(default_factory=tuple)

    @property
    def has_path(self) -> bool:
        return self.planned_per_year is not None

    def frame(self) -> pd.DataFrame:
        """``points`` as a frame indexed by year (``official_pct``, ``path_pct``), for a chart."""
        table = pd.DataFrame(list(self.points), columns=["year", "official_pct", "path_pct"])
        return table.set_index("year").astype(float)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in (
            "region_code", "target_pct", "target_year", "baseline_pct", "baseline_year",
            "baseline_from_series", "planned_per_year", "latest_year", "latest_pct",
            "path_at_latest", "gap_pp", "on_track", "met", "needed_per_year")} | {
            "points": [dict(p) for p in self.points]}


def path_value(year: float, baseline_year: int, baseline_pct: float, target_year: int,
               target_pct: float) -> float:
    """The straight path's rate in ``year`` (held at the baseline before it and at the target
    after the target year)."""
    if year <= baseline_year:
        return float(baseline_pct)
    if year >= target_year:
        return float(target_pct)
    step = (baseline_pct - target_pct) / (target_year - baseline_year)
    return float(baseline_pct - step * (year - baseline_year))


def trajectory(target: Target, rates: list[OfficialRate]) -> Trajectory:
    """The series ``rates`` against ``target``'s straight path (module notes)."""
    series = {int(r.year): float(r.value_pct) for r in rates}
    base_year, base_pct = target.baseline_year, target.baseline_pct
    from_series = False
    year = target.target_year
    if base_year is None and year is not None:
        earlier = [y for y in sorted(series) if y < year]
        if earlier:
            base_year, base_pct, from_series = earlier[0], series[earlier[0]], True
    has_path = year is not None and base_year is not None and base_year < year
    planned = (base_pct - target.value_pct) / (year - base_year) if has_path else None

    def path(y):
        return path_value(y, base_year, base_pct, year, target.value_pct) if has_path else None

    if series:
        latest_year = max(series)
        latest = series[latest_year]
    elif base_year is not None:
        latest_year, latest = base_year, base_pct
    else:
        latest_year = latest = None
    at_latest = path(latest_year) if latest_year is not None else None
    gap = None if at_latest is None else latest - at_latest
    met = None if latest is None else bool(latest <= target.value_pct + _TOLERANCE)
    needed = None
    if latest is not None and year is not None:
        if met:
            needed = 0.0
        elif year > latest_year:
            needed = (latest - target.value_pct) / (year - latest_year)
    years = sorted(set(series) | {y for y in (base_year, year) if y is not None})
    points = tuple({"year": y, "official_pct": series.get(y, base_pct if (y == base_year and
                                                                          y not in series) else None),
                    "path_pct": path(y)} for y in years)
    return Trajectory(region_code=target.region_code, target_pct=target.value_pct,
                      target_year=year, baseline_pct=base_pct, baseline_year=base_year,
                      baseline_from_series=from_series, planned_per_year=planned,
                      latest_year=latest_year, latest_pct=latest, path_at_latest=at_latest,
                      gap_pp=gap, on_track=None if gap is None else bool(gap <= _TOLERANCE),
                      met=met, needed_per_year=needed, points=points)
