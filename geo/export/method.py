"""The method table: how a ranking was made, as key/value rows any reader can open.

Written as the non-spatial ``method`` table of the GeoPackage, the ``Metode``/``Method``
sheet of the XLSX and ``method.csv`` in the Shapefile zip, so a GIS analyst or an auditor
can tell from the file alone which config, weights, rules and data (with SHA-256) produced
it, when, with which software version, and how every household row was accounted for.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime, timezone
from fractions import Fraction
from pathlib import PurePath

import pandas as pd

import geo
from geo.common.messages import render_nested
from geo.pipeline.results import AnalysisResult

SUPPRESSION_RULE = (
    "villages with fewer households than the minimum keep code, name, geometry, rank, score, "
    "focus and pocket class; every household-derived count and rate is left empty"
)


_MAX_TEXT = 10_000  # an XLSX cell holds 32,767 characters; a reader needs far fewer


def _text(value) -> str:
    value = render_nested(value, "en")  # notes and warnings stored as message codes
    if isinstance(value, (dict, list, tuple)):
        text = json.dumps(value, ensure_ascii=False, default=str)
        return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"
    if isinstance(value, Fraction):
        return f"{value} ({float(value):.6g})"
    if value is None:
        return ""
    return str(value)


def _flatten(prefix: str, value, rows: list[tuple[str, str]], *, max_list: int = 50) -> None:
    """Leaves of nested dicts/lists as ``prefix.key.0.key`` rows; long lists as one JSON text."""
    if isinstance(value, dict):
        for key, item in value.items():
            _flatten(f"{prefix}.{key}", item, rows, max_list=max_list)
    elif isinstance(value, (list, tuple)) and value and any(isinstance(v, (dict, list)) for v in value):
        if len(value) > max_list:
            rows.append((prefix, f"{len(value)} entries (not listed)"))
            return
        for i, item in enumerate(value):
            _flatten(f"{prefix}.{i}", item, rows, max_list=max_list)
    else:
        rows.append((prefix, _text(value)))


def _ingest_rows(ingest) -> list[tuple[str, str]]:
    """Counts from reading the household file; dropped personal columns only as a number."""
    if not isinstance(ingest, dict):
        return []
    rows = [(f"ingest.{key}", _text(ingest[key]))
            for key in ("file", "format", "rows_read", "rows_with_problem") if key in ingest]
    _flatten("ingest.problems", ingest.get("problems") or {}, rows)
    dropped = ingest.get("personal_columns_dropped")
    if dropped is not None:
        rows.append(("ingest.personal_columns_dropped", f"{len(dropped)} (names not listed)"))
    return rows


def _weight_rows(config) -> list[tuple[str, str]]:
    """``weight.<indicator>`` rows as shares of 1 (config weights are relative)."""
    specs = [s for s in (config.get("indicator") or []) if isinstance(s, dict)] if isinstance(config, dict) else []
    try:
        total = sum(float(s.get("weight", 0)) for s in specs)
    except (TypeError, ValueError):
        return []
    if not total:
        return []
    return [(f"weight.{s.get('column')}", f"{float(s.get('weight', 0)) / total:.4g}") for s in specs]


def plain_config(config) -> dict:
    """The config as a plain dict (a dataclass such as ``RankConfig`` is converted)."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    return config if isinstance(config, dict) else {}


def source_names(method: dict) -> tuple[str, ...]:
    """File names of the data sources in ``method['sources']`` (dict or list of dicts)."""
    sources = method.get("sources") or {}
    items = sources.items() if isinstance(sources, dict) else enumerate(sources)
    names = []
    for key, value in items:
        if isinstance(value, dict):
            path = value.get("path") or value.get("file") or value.get("name") or key
        elif isinstance(key, str):
            path = key
        else:
            path = value
        names.append(PurePath(str(path)).name)
    return tuple(names)


def method_table(
    result: AnalysisResult, *, counts: dict[str, int], min_households: int | None
) -> pd.DataFrame:
    """Key/value rows stating the method, data sources, accounting and export settings.

    Parameters
    ----------
    result
        Its ``method``, ``reconciliation`` (``rows_in`` and outcome counts only, not the
        example rows) and ``boundary_report`` (lists of examples only counted) are written.
    counts
        Feature counts of the exported layers.
    min_households
        Minimum cell size applied, or None.

    Returns
    -------
    pandas.DataFrame
        Columns ``key`` and ``value`` (both text).
    """
    method = result.method or {}
    rows: list[tuple[str, str]] = [
        ("title", "Peta kantong kemiskinan / poverty-pocket map: village ranking (lokus) and pockets"),
        ("description", "Village aggregates only; no household row or personal data is exported."),
        ("created_at", _text(method.get("created_at", ""))),
        ("software_version", _text(method.get("software_version", geo.__version__))),
        ("exported_at", datetime.now(timezone.utc).replace(microsecond=0).isoformat()),
        ("export_software_version", geo.__version__),
        ("crs", "EPSG:4326 (WGS 84 longitude/latitude)"),
    ]
    rows += [(f"count.{name}", str(value)) for name, value in counts.items()]
    rows.append(("min_households", "" if min_households is None else str(min_households)))
    rows.append(("suppression_rule", SUPPRESSION_RULE if min_households else "none"))
    config = method.get("config")
    if config is not None:
        config = plain_config(config) or config
        rows.append(("config", _text(config)))
        rows += _weight_rows(config)
        _flatten("config", config, rows)
    _flatten("sources", method.get("sources") or {}, rows)
    for key, value in method.items():
        if key not in {"config", "sources", "created_at", "software_version"}:
            _flatten(key, value, rows)
    reconciliation = result.reconciliation or {}
    if reconciliation:
        rows.append(("reconciliation.rows_in", _text(reconciliation.get("rows_in", ""))))
        _flatten("reconciliation.outcomes", reconciliation.get("outcomes") or {}, rows)
        if reconciliation.get("prefer"):
            rows.append(("reconciliation.prefer", _text(reconciliation["prefer"])))
        rows += _ingest_rows(reconciliation.get("ingest"))
    _flatten("boundary_report", result.boundary_report or {}, rows, max_list=0)
    return pd.DataFrame(rows, columns=["key", "value"]).astype("string")
