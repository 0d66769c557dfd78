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

import pandas as pd

import geo
from geo.households.report import IngestReport
from geo.i18n import t
from geo.common.messages import encode, render_cell, render_column, render_nested
from geo.pipeline.results import AnalysisResult

#: Rows of the method table whose value is prose: written in English in the GIS tables (a
#: stable record) and in the reader's language on the XLSX "Metode" sheet (:func:`method_rows`).
PROSE_ROWS = {"title": "method.title", "description": "method.description",
              "crs": "method.crs", "suppression_rule": "method.suppression_rule"}
SUPPRESSION_RULE = t("method.suppression_rule", "en")


_MAX_TEXT = 10_000  # an XLSX cell holds 32,767 characters; a reader needs far fewer


def _text(value) -> str:
    """A value as the method table's text; message codes stay codes (rendered by the reader:
    English in GIS files, :func:`gis_method`; the reader's language on the XLSX sheet)."""
    if isinstance(value, (dict, list, tuple)):
        value = render_nested(value, "en")  # a whole structure (the config) as one JSON text
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
            rows.append((prefix, encode("method.entries_not_listed", n=len(value))))
            return
        for i, item in enumerate(value):
            _flatten(f"{prefix}.{i}", item, rows, max_list=max_list)
    elif isinstance(value, (list, tuple)) and value and all(isinstance(v, str) for v in value):
        for i, item in enumerate(value):  # notes and warnings: one row each
            rows.append((f"{prefix}.{i}", item))
    else:
        rows.append((prefix, _text(value)))


def _ingest_rows(ingest: IngestReport | None) -> list[tuple[str, str]]:
    """Counts from reading the household file; dropped personal columns only as a number."""
    if ingest is None:
        return []
    ingest = ingest.to_dict()
    rows = [(f"ingest.{key}", _text(ingest[key]))
            for key in ("file", "format", "rows_read", "rows_with_problem") if key in ingest]
    _flatten("ingest.problems", ingest.get("problems") or {}, rows)
    dropped = ingest.get("personal_columns_dropped")
    if dropped is not None:
        rows.append(("ingest.personal_columns_dropped",
                     encode("method.names_not_listed", n=len(dropped))))
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


def _mpi_rows(method) -> list[tuple[str, str]]:
    """The MPI missing-answer rule in words (``mpi_missing_rule``) and, with households, the
    region's sample loss (``mpi_sample.*``: households with a gap, households left out)."""
    config = method.config if isinstance(method.config, dict) else {}
    sample = method.mpi_sample
    rule = sample.rule if sample is not None else (config.get("mpi") or {}).get("missing")
    if rule is None:
        return []
    rows = [("mpi_missing_rule", encode(f"method.mpi_missing.{rule}"))]
    if sample is not None:
        rows.append(("mpi_sample_loss", sample.note()))
    return rows


def _pocket_rows(result: AnalysisResult) -> list[tuple[str, str]]:
    """``pockets.*`` rows: how the pockets were tested, as used (permutations, seed, draws,
    tie rule, significance rule, multiple-testing correction, smoothing and its base)."""
    if result.pockets is not None:
        used = result.pockets.settings.to_dict()
        notes = result.pockets.notes
    else:
        used, notes = dict(result.method.pocket_settings), ()
    if not used:
        return []
    correction = used.get("correction") or ("fdr" if used.get("fdr") else "none")
    smoothing, base = used.get("smoothing") or "raw", used.get("base")
    asked = result.method.pocket_settings.get("smoothing")
    if smoothing == "eb" and base:
        smoothed = encode("method.pockets.smoothing.eb", base=str(base))
    elif asked == "eb":  # asked for, but the variable is not a rate of households or people
        smoothed = encode("method.pockets.smoothing.not_a_rate", variable=str(used.get("variable")))
    else:
        smoothed = encode("method.pockets.smoothing.raw")
    rows = [
        ("pockets.variable", _text(used.get("variable"))),
        ("pockets.permutations", _text(used.get("permutations"))),
        ("pockets.seed", _text(used.get("seed"))),
        ("pockets.draws", encode("method.pockets.draws")),
        ("pockets.tie_rule", encode("method.pockets.tie_rule")),
        ("pockets.rule", encode("method.pockets.rule", alpha=float(used.get("alpha", 0.05)))),
        ("pockets.correction", encode(f"method.pockets.correction.{correction}")),
        ("pockets.smoothing", smoothed),
        ("pockets.base", _text(base)),
    ]
    rows += [(f"pockets.notes.{i}", note) for i, note in enumerate(notes)]
    return rows


def plain_config(config) -> dict:
    """The config as a plain dict (a dataclass such as ``RankConfig`` is converted)."""
    if dataclasses.is_dataclass(config) and not isinstance(config, type):
        return dataclasses.asdict(config)
    return config if isinstance(config, dict) else {}


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
    method = result.method
    rows: list[tuple[str, str]] = [
        ("title", t(PROSE_ROWS["title"], "en")),
        ("description", t(PROSE_ROWS["description"], "en")),
        ("created_at", _text(method.created_at)),
        ("software_version", _text(method.software_version or geo.__version__)),
        ("exported_at", datetime.now(timezone.utc).replace(microsecond=0).isoformat()),
        ("export_software_version", geo.__version__),
        ("crs", t(PROSE_ROWS["crs"], "en")),
    ]
    rows += [(f"count.{name}", str(value)) for name, value in counts.items()]
    rows.append(("min_households", "" if min_households is None else str(min_households)))
    rows.append(("suppression_rule", SUPPRESSION_RULE if min_households else "none"))
    config = method.config
    if config is not None:
        config = plain_config(config) or config
        rows.append(("config", _text(config)))
        rows += _weight_rows(config)
        _flatten("config", config, rows)
    rows += _mpi_rows(method)
    rows += _pocket_rows(result)
    _flatten("sources", [s.to_dict() for s in method.sources], rows)
    for key, value in method.to_dict().items():
        if key not in {"config", "sources", "created_at", "software_version"}:
            _flatten(key, value, rows)
    reconciliation = result.reconciliation
    if reconciliation is not None:
        rows.append(("reconciliation.rows_in", _text(reconciliation.rows_in)))
        _flatten("reconciliation.outcomes", dict(reconciliation.outcomes), rows)
        if reconciliation.prefer:
            rows.append(("reconciliation.prefer", _text(reconciliation.prefer)))
        rows += _older_code_rows(reconciliation)
        rows += _ingest_rows(reconciliation.ingest)
    _flatten("boundary_report", result.boundary_report.to_dict(), rows, max_list=0)
    return pd.DataFrame(rows, columns=["key", "value"]).astype("string")


_OLDER_KEYS = tuple(f"reconciliation.{k}." for k in
                    ("successors", "code_status", "bps_codes", "overlaps"))


def _overlap_rule(method: pd.DataFrame) -> str | None:
    found = method.loc[method["key"] == "reconciliation.overlap", "value"]
    return str(found.iloc[0]) if len(found) else None


def _older_code_rows(reconciliation) -> list[tuple[str, str]]:
    """Rows matched through an older code and what decided (``successors.<decided by>``),
    rows whose code the layer lacks by status (``code_status.<status>``), BPS codes bridged,
    points in several villages and the overlap rule, and the code tables used."""
    rows = [("reconciliation.matched_through_older_code",
             _text(reconciliation.matched_through_older_code()))]
    for key in ("successors", "code_status", "bps_codes", "overlaps"):
        rows += [(f"reconciliation.{key}.{name}", _text(n))
                 for name, n in dict(getattr(reconciliation, key)).items()]
    for key in ("overlap", "crosswalk", "bps_bridge"):
        if getattr(reconciliation, key):
            rows.append((f"reconciliation.{key}", _text(getattr(reconciliation, key))))
    return rows


def method_rows(method: pd.DataFrame, lang: str) -> list[tuple[str, str, str]]:
    """The method table for people: ``(key, value, meaning)`` rows in ``lang``.

    Keys stay the stable English keys of the GIS ``method`` tables (an auditor can match the
    files); the prose rows (title, description, CRS, suppression rule) are written in ``lang``
    and known keys get a readable meaning (``count.villages`` -> "Jumlah fitur: villages").
    """
    from geo.i18n import has_text
    from geo.i18n.labels import indicator_label, value_label
    from geo.presentation.older_codes import older_code_label

    rows = []
    for key, value in method.itertuples(index=False, name=None):
        key, value = str(key), "" if value is None or value is pd.NA else str(value)
        value = render_cell(value, lang)  # notes and warnings stored as message codes
        if key in PROSE_ROWS and value and value != "none":
            value = t(PROSE_ROWS[key], lang)
        elif key == "suppression_rule":
            value = t("method.none", lang)
        head, _, rest = key.partition(".")
        if has_text(f"method.key.{key}"):
            meaning = t(f"method.key.{key}", lang)
        elif head == "count" and rest:
            meaning = t("method.key.count", lang, layer=rest)
        elif head == "weight" and rest:
            meaning = t("method.key.weight", lang, indicator=indicator_label(rest, lang))
        elif key.startswith("reconciliation.outcomes."):
            meaning = value_label("outcome", key.rsplit(".", 1)[1], lang)
        elif key.startswith(_OLDER_KEYS):
            meaning = older_code_label(*key.split(".")[1:3], lang, rule=_overlap_rule(method))
        else:
            meaning = ""
        rows.append((key, value, meaning))
    return rows


def gis_method(method: pd.DataFrame) -> pd.DataFrame:
    """The method table as GIS files carry it: message codes written as English text (a layer
    is exchanged between offices, the same whoever exported it)."""
    return method.assign(value=render_column(method["value"], "en"))
