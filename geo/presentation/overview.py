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

from geo.boundaries.report import BoundaryReport, so_far
from geo.common.messages import MESSAGE_COLUMNS, render_cell
from geo.i18n import DEFAULT_LANGUAGE, has_text, render, t
from geo.i18n.labels import indicator_label, report_label, value_label
from geo.join.match import MATCHED as USED_OUTCOMES  # outcomes that put a row into the analysis
from geo.join.match import Reconciliation
from geo.presentation.region import RegionPopulation, region_title
from geo.presentation.views import MISSING, cell_text


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
    # no household data: no rate, even against a population (0 poor of 191,811 is not a rate)
    counted = bool(figures["households"] > 0)
    for key in ("desil1_people", "desil14_people", "mpi_poor_people"):
        figures[key.replace("_people", "_rate")] = (
            figures[key] / denominator if counted and denominator and not math.isnan(figures[key])
            else float("nan"))
    figures["poverty_rate"] = (total(poor_column) / denominator if counted and denominator
                               else float("nan"))
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


def region_label(villages: pd.DataFrame, lang: str = DEFAULT_LANGUAGE) -> str:
    """The region's name for the title ("Kota Bontang", "Jawa Timur", "5 kabupaten/kota di
    Jawa Timur"): :func:`geo.presentation.region.region_title`."""
    return region_title(villages, lang)


def population_note(population: RegionPopulation, region: str, demo: bool = False,
                    lang: str = DEFAULT_LANGUAGE) -> str:
    """Where the Overview's default population comes from, or why there is none (the demo
    region is synthetic; codes outside the 2025 table; only part of a regency shown)."""
    year = str(population.year)  # a year, not a quantity: no grouping
    if population.total is not None:
        return t("population.reference", lang, region=region, year=year, n=population.total)
    if demo:
        return t("population.demo", lang)
    if population.reason == "partial":
        return t("population.partial", lang, regencies=", ".join(population.partial), year=year)
    return t("population.unknown_codes", lang, year=year)


def outcome_table(reconciliation: Reconciliation | None) -> pd.DataFrame:
    """One row per reconciliation outcome: ``outcome``, ``count`` (empty without households)."""
    outcomes = reconciliation.outcomes if reconciliation is not None else {}
    return pd.DataFrame({"outcome": pd.Series(list(outcomes), dtype="string"),
                         "count": pd.Series(list(outcomes.values()), dtype="int64")})


def unused_rows(reconciliation: Reconciliation | None) -> int:
    """Household rows that did not reach the analysis (every outcome but the matched ones)."""
    outcomes = reconciliation.outcomes if reconciliation is not None else {}
    return int(sum(n for outcome, n in outcomes.items() if outcome not in USED_OUTCOMES))


def field_label(name: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a field inside a quality report (``crs_in`` -> ``CRS berkas``)."""
    if has_text(f"report.field.{name}"):
        return t(f"report.field.{name}", lang)
    label = indicator_label(name, lang)
    return label if label != name else report_label(name, lang)


def _report_value(key: str, value, lang: str) -> str:
    if isinstance(value, str) and has_text(f"report.value.{value}"):
        return t(f"report.value.{value}", lang)
    return cell_text(key, value, lang)


def report_table(report: BoundaryReport | None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The boundary report as ``key``, ``value`` rows for a table, in ``lang``.

    ``key`` is the readable name of the item, ``value`` its text: numbers per locale, yes/no,
    ``–`` when missing; lists (rejected features, repairs, overlaps...) by their length, so the
    table stays short (their rows are in :func:`detail_table`); a small dict as ``name: value``
    parts; ``per_source`` and ``warnings`` are left out (shown on their own).
    """
    rows = []
    for key, value in (report.to_dict() if report is not None else {}).items():
        if key in ("per_source", "warnings"):
            continue
        if isinstance(value, list):
            text = cell_text("count", len(value), lang)
        elif isinstance(value, dict):
            text = "; ".join(f"{field_label(k, lang)}: {_report_value(k, v, lang)}"
                             for k, v in value.items() if not isinstance(v, (list, dict))) or MISSING
        else:
            text = _report_value(key, value, lang)
        rows.append((report_label(key, lang), text))
    return pd.DataFrame(rows, columns=["key", "value"])


def detail_table(value, lang: str = DEFAULT_LANGUAGE, *, key_field: str = "source") -> pd.DataFrame:
    """One detail of a quality report (a list of entries, or entries per file) as a table.

    Column headers are readable names in ``lang`` and every cell is text as the reader reads
    it (nested lists joined with commas, nested dicts as ``a = b`` parts), never JSON.
    ``key_field`` names the column that holds the keys of a dict of entries (file names).
    """
    if isinstance(value, dict):
        if all(isinstance(v, dict) for v in value.values()):
            entries = [{key_field: k, **v} for k, v in value.items()]
        else:
            entries = [{"item": field_label(k, lang), "value": v} for k, v in value.items()]
    elif isinstance(value, (list, tuple)):
        entries = [v if isinstance(v, dict) else {"value": v} for v in value]
    else:
        entries = [{"value": value}]
    frame = pd.DataFrame(entries)
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        header = t(f"detail.{column}", lang) if has_text(f"detail.{column}") else field_label(column, lang)
        out[header] = [_detail_cell(column, v, lang) for v in frame[column]]
    return out.reset_index(drop=True)


def _detail_cell(column: str, value, lang: str) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k} = {_detail_cell(k, v, lang)}" for k, v in value.items()) or MISSING
    if isinstance(value, (list, tuple)):
        return ", ".join(_detail_cell(column, v, lang) for v in value) or MISSING
    if hasattr(value, "render"):
        return render(value, lang) or MISSING
    if column in MESSAGE_COLUMNS and isinstance(value, str):  # message codes (geo.common.messages)
        return render_cell(value, lang) or MISSING
    if column == "source_row" and isinstance(value, (int, np.integer)):
        return str(value)  # a row number, not a quantity: no grouping
    return _report_value(column, value, lang)


def report_details(report: BoundaryReport | None) -> list[tuple[str, list | dict]]:
    """The report items that deserve their own table (:func:`detail_table`): non-empty lists
    (rejected features, repairs, overlaps...) and entries per file. Small dicts of numbers are
    already written out in :func:`report_table`; ``warnings`` are shown as warnings."""
    return [(key, value) for key, value in (report.to_dict() if report is not None else {}).items()
            if key != "warnings" and value
            and (isinstance(value, list)
                 or (isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())))]


def examples_table(examples: dict | None, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """The reconciliation's example rows (per outcome) as one readable table.

    Columns: outcome, row in the file, village code, reason; the reconciliation keeps no
    personal value in its examples, and only these columns are shown.
    """
    rows = []
    for outcome, entries in (examples or {}).items():
        for entry in entries or []:
            rows.append({"outcome": value_label("outcome", outcome, lang),
                         "source_row": entry.get("source_row"),
                         "village_code": entry.get("village_code"),
                         "reason": entry.get("reason")})
    if not rows:
        return pd.DataFrame(columns=[t("detail.outcome", lang)])
    return detail_table(rows, lang)


def quality_notes(result, lang: str = DEFAULT_LANGUAGE) -> dict[str, list[str]]:
    """Notes a reader must see before trusting the figures.

    Returns
    -------
    dict
        ``mpi_notes``: MPI indicators the household file lacks and where their weight went
        (``result.method.mpi_notes``); ``boundary_warnings``: the boundary report's
        warnings (CRS assumed, features outside Indonesia, ...; they come from the read, so
        they are there before the overlap and gap checks end). Empty lists when all is well.
        Notes are :class:`geo.i18n.Message` items or cells of message codes
        (:mod:`geo.common.messages`), written in ``lang``.
    """
    return {"mpi_notes": [_note(n, lang) for n in result.method.mpi_notes],
            "boundary_warnings": [_note(w, lang) for w in so_far(result.boundary_report).warnings]}


def mpi_sample_note(result, lang: str = DEFAULT_LANGUAGE) -> str | None:
    """The MPI missing-answer rule and the region's sample loss in ``lang`` (households with a
    gap, households left out); None when the analysis had no households."""
    sample = result.method.mpi_sample
    return None if sample is None else render_cell(sample.note(), lang)


def _note(note, lang: str) -> str:
    return render(note, lang) if hasattr(note, "render") else render_cell(str(note), lang)
