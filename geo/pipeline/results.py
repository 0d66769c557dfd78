"""The result of one analysis run: what the app shows and every export writes."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd


@dataclass
class AnalysisResult:
    """Villages with indicators, scores and pockets, plus the accounting behind them.

    Attributes
    ----------
    villages
        Canonical village layer (EPSG:4326) joined with the village indicators and the
        columns ``score``, ``rank``, ``in_focus_list``, ``focus_reason``, ``quadrant``,
        ``pocket``, ``hotspot``. Aggregates only: never a household row.
    reconciliation
        ``Reconciliation.to_dict()``: ``rows_in``, ``outcomes``, ``examples``.
    boundary_report
        The quality report of the boundary layer (``features_in``, ``features_out``, ...).
    method
        What produced it: ``config`` (indicators, weights, normalisation, rules, k),
        ``sources`` (file names and SHA-256), ``created_at`` (ISO 8601), ``software_version``.
    households
        The joined household table (canonical columns + ``outcome``; personal columns were
        dropped at ingest). Kept in memory for the pilot-area grid; never displayed row by
        row and never exported.
    rejected
        One row per input row not used (``source_row``, ``outcome``, ``reason``) for download.
    """

    villages: gpd.GeoDataFrame
    reconciliation: dict = field(default_factory=dict)
    boundary_report: dict = field(default_factory=dict)
    method: dict = field(default_factory=dict)
    households: pd.DataFrame | None = None
    rejected: pd.DataFrame | None = None
