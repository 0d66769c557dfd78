"""The Overview's figures: headline counts and rates, the region's name, data-quality notes.

Leadership reads one page before anything else: how many poor people, how far from the RPJMD
target, and whether the data can be trusted (rows not used, boundary warnings, MPI indicators
the household file lacks). Everything here is summed or collected from an
:class:`geo.pipeline.results.AnalysisResult`; the app only draws it.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.join.match import MATCHED as USED_OUTCOMES  # outcomes that put a row into the analysis


def overview_figures(villages: pd.DataFrame, *, population: float | None = None,
                     poor_column: str = "desil1_people") -> dict:
    """Headline figures for the overview page, summed over villages.

    Parameters
    ----------
    villages
        The analysed villages (``households``, ``people``, ``desil1_*``, ``desil14_*``,
        ``mpi_poor_people``).
    population
        The region's total population (BPS); when given, rates are of the population,
        otherwise of the people in the household register.
    poor_column
        Which people count is compared with the poverty target.
    """
    def total(col):
        return float(pd.to_numeric(villages[col], errors="coerce").fillna(0).sum()) \
            if col in villages else float("nan")

    people = total("people")
    denominator = float(population) if population else people
    figures = {
        "villages": int(len(villages)),
        "villages_with_households": int((pd.to_numeric(villages.get("households", pd.Series(
            dtype=float)), errors="coerce").fillna(0) > 0).sum()),
        "households": total("households"),
        "people": people,
        "desil1_households": total("desil1_households"),
        "desil1_people": total("desil1_people"),
        "desil14_households": total("desil14_households"),
        "desil14_people": total("desil14_people"),
        "mpi_poor_people": total("mpi_poor_people"),
        "denominator": denominator,
        "denominator_is_population": bool(population),
    }
    for key in ("desil1_people", "desil14_people", "mpi_poor_people"):
        figures[key.replace("_people", "_rate")] = (
            figures[key] / denominator if denominator and not math.isnan(figures[key]) else float("nan"))
    figures["poverty_rate"] = (total(poor_column) / denominator if denominator else float("nan"))
    return figures


def target_gap(poverty_rate: float, target_pct: float, denominator: float) -> dict:
    """How far the poverty rate is above the RPJMD target, in percentage points and people.

    ``people_to_lift`` is the number of people who would have to leave poverty (on the same
    denominator) for the rate to reach the target; 0 when it is already met. ``met`` is None
    when there is no rate to compare (no households and no population entered).
    """
    rate_pct = poverty_rate * 100
    gap = rate_pct - float(target_pct)
    if not np.isfinite(gap):  # no households (and no population): nothing to compare
        return {"rate_pct": rate_pct, "gap_pp": gap, "met": None, "people_to_lift": 0.0}
    return {"rate_pct": rate_pct, "gap_pp": gap, "met": bool(gap <= 0),
            "people_to_lift": max(gap, 0.0) / 100 * denominator}


def region_label(villages: pd.DataFrame, limit: int = 3) -> str:
    """The region's name(s): regency and province names, else regency codes."""
    names = [str(name) for col in ("regency_name", "province_name") if col in villages
             for name in villages[col].dropna().unique()[:limit]]
    if not names and "regency_code" in villages:
        names = [str(code) for code in villages["regency_code"].dropna().unique()[:limit + 2]]
    return ", ".join(names)


def outcome_table(reconciliation: dict | None) -> pd.DataFrame:
    """One row per reconciliation outcome: ``outcome``, ``count`` (empty without households)."""
    outcomes = (reconciliation or {}).get("outcomes", {})
    return pd.DataFrame({"outcome": pd.Series(list(outcomes), dtype="string"),
                         "count": pd.Series(list(outcomes.values()), dtype="int64")})


def unused_rows(reconciliation: dict | None) -> int:
    """Household rows that did not reach the analysis (every outcome but the matched ones)."""
    outcomes = (reconciliation or {}).get("outcomes", {})
    return int(sum(n for outcome, n in outcomes.items() if outcome not in USED_OUTCOMES))


def report_table(report: dict | None) -> pd.DataFrame:
    """The boundary report as ``key``, ``value`` rows for a table.

    Numbers and texts are shown as they are; lists (rejected features, repairs, overlaps...)
    by their length, so the table stays short; ``per_source`` and ``warnings`` are left out
    (shown on their own).
    """
    rows = []
    for key, value in (report or {}).items():
        if key in ("per_source", "warnings"):
            continue
        if isinstance(value, list):
            value = len(value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}: {v}" for k, v in value.items() if not isinstance(v, (list, dict)))
        rows.append((key, str(value)))
    return pd.DataFrame(rows, columns=["key", "value"])


def quality_notes(result, lang: str = "en") -> dict[str, list[str]]:
    """Notes a reader must see before trusting the figures.

    Returns
    -------
    dict
        ``mpi_notes``: MPI indicators the household file lacks and where their weight went
        (``result.method["mpi_notes"]``); ``boundary_warnings``: the boundary report's
        warnings (CRS assumed, features outside Indonesia, ...). Empty lists when all is well.
        Notes stored as message codes are rendered in ``lang``.
    """
    from geo.common.messages import render_cell

    method = result.method or {}
    report = result.boundary_report or {}
    return {"mpi_notes": [render_cell(str(n), lang) for n in method.get("mpi_notes", []) or []],
            "boundary_warnings": [render_cell(str(w), lang)
                                  for w in report.get("warnings", []) or []]}
