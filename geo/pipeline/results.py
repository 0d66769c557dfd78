"""The result of one analysis run: what the app shows and every export writes.

Every part is typed (frozen dataclasses with named fields, each with ``to_dict()`` for the
files that record it): the stages hand these to each other, never plain dicts or
``DataFrame.attrs``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from geo.boundaries.report import BoundaryReport, PendingReport
from geo.common.contracts import fields_dict, plain
from geo.indicators.sample import MpiSample
from geo.join.match import Reconciliation
from geo.spatial.neighbours import NeighbourGraph
from geo.spatial.pockets import Pockets


@dataclass(frozen=True)
class SourceFile:
    """One input file: its role (``boundaries`` / ``households``), name, size and SHA-256."""

    role: str
    file: str
    sha256: str
    bytes: int | None = None

    def to_dict(self) -> dict:
        out = {"role": self.role, "file": self.file}
        if self.bytes is not None:
            out["bytes"] = int(self.bytes)
        out["sha256"] = self.sha256
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> SourceFile:
        return cls(role=str(data.get("role", "")), file=str(data.get("file", "")),
                   sha256=str(data.get("sha256", "")), bytes=data.get("bytes"))


@dataclass(frozen=True)
class Method:
    """What produced a result (provenance), so that it can be re-run and explained.

    Attributes
    ----------
    sources : the input files with their SHA-256.
    created_at : when the analysis ran (ISO 8601, UTC).
    software_version : ``geo.__version__`` of the run.
    config : the ranking config used (``RankConfig.to_dict()``: indicators, weights,
        normalisation, focus rules, ``[mpi]`` k and weights, ``[pockets]`` settings).
    mpi_weights_used : the MPI weights actually used (text fractions): a deprivation with no
        value in the household file gives its weight to its dimension.
    mpi_notes : why ``mpi_weights_used`` differ from the config (texts or
        :class:`geo.i18n.Message` items).
    mpi_sample : the MPI missing rule and its sample loss for the region
        (:class:`geo.indicators.sample.MpiSample`); None without households.
    """

    sources: tuple[SourceFile, ...] = ()
    created_at: str = ""
    software_version: str = ""
    config: Mapping | None = None
    mpi_weights_used: Mapping[str, str] | None = None
    mpi_notes: tuple[object, ...] = ()
    mpi_sample: MpiSample | None = None

    @property
    def pocket_settings(self) -> Mapping:
        """The ``[pockets]`` part of :attr:`config` (empty without a config)."""
        return dict((self.config or {}).get("pockets") or {})

    def sha256_of(self) -> dict[str, str]:
        """File name -> SHA-256 of every source (what a saved decision records)."""
        return {s.file: s.sha256 for s in self.sources if s.sha256}

    def to_dict(self) -> dict:
        """JSON-ready; the keys of the method table (``sources``, ``created_at``,
        ``software_version``, ``config``, ``mpi_weights_used``, ``mpi_notes``,
        ``mpi_sample``)."""
        return fields_dict(self, skip_none=("config", "mpi_weights_used", "mpi_sample"))

    @classmethod
    def from_dict(cls, data: Mapping) -> Method:
        return cls(sources=tuple(SourceFile.from_dict(s) for s in data.get("sources") or ()),
                   created_at=str(data.get("created_at") or ""),
                   software_version=str(data.get("software_version") or ""),
                   config=data.get("config"), mpi_weights_used=data.get("mpi_weights_used"),
                   mpi_notes=tuple(data.get("mpi_notes") or ()),
                   mpi_sample=(MpiSample.from_dict(data["mpi_sample"])
                               if data.get("mpi_sample") else None))


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """Villages with indicators, scores and pockets, plus the accounting behind them.

    Attributes
    ----------
    villages
        Canonical village layer (EPSG:4326) joined with the village indicators and the
        columns ``score``, ``rank``, ``in_focus_list``, ``focus_reason``, ``quadrant``,
        ``pocket``, ``hotspot``. Aggregates only: never a household row.
    reconciliation
        Where every household row went (:class:`geo.join.match.Reconciliation`, with its
        ``ingest`` report); None without households.
    boundary_report
        The quality report of the boundary layer (:class:`geo.boundaries.report.BoundaryReport`);
        from ``analyse(defer_checks=True)`` on files not seen before, a
        :class:`geo.boundaries.report.PendingReport` whose fields wait for the overlap and gap
        checks (:func:`geo.boundaries.report.so_far`: what is known without waiting).
    method
        What produced it (:class:`Method`).
    households
        The joined household table (canonical columns + ``outcome``; personal columns were
        dropped at ingest). Kept in memory for the pilot-area grid and for re-computing the
        indicators when the MPI settings change; never displayed row by row and never
        exported. None on Dask, or when the caller dropped it: :func:`geo.pipeline.analysis.rescore`
        then works from the fields below.
    rejected
        One row per input row not used (``source_row``, ``outcome``, ``reason``) for download.
    pockets
        The pockets of the current ``[pockets]`` settings (:class:`geo.spatial.pockets.Pockets`;
        its table's columns are also in ``villages``).
    neighbours
        The layer's one neighbour graph (:class:`geo.spatial.neighbours.NeighbourGraph`),
        built once and reused by the pockets, the pilot page and map clicks.
    """

    villages: gpd.GeoDataFrame
    reconciliation: Reconciliation | None = None
    boundary_report: BoundaryReport | PendingReport = field(default_factory=BoundaryReport)
    method: Method = field(default_factory=Method)
    households: pd.DataFrame | None = None
    rejected: pd.DataFrame | None = None
    pockets: Pockets | None = None
    neighbours: NeighbourGraph | None = None

    def to_dict(self) -> dict:
        """The typed parts as JSON (``report.json``): reconciliation, boundary report,
        method, pocket settings and counts, neighbour summary. No table is included."""
        return {
            "reconciliation": self.reconciliation.to_dict() if self.reconciliation else {},
            "boundary_report": self.boundary_report.to_dict(),
            "method": self.method.to_dict(),
            "pockets": self.pockets.to_dict() if self.pockets else None,
            "neighbours": self.neighbours.to_dict() if self.neighbours else None,
        }


__all__ = ["AnalysisResult", "Method", "SourceFile", "plain"]
