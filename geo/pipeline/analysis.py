"""One analysis run, end to end: boundaries + households -> indicators -> ranking -> pockets.

Each step is a function of its own module; this module only wires them in the order of
docs/ARCHITECTURE.md and records what produced the result (config, sources and their SHA-256,
time, software version) so that a saved decision or an export can be re-run and explained.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import __version__
from geo.boundaries.read import CANONICAL_COLUMNS, read_villages
from geo.config import RankConfig, default_config, load_config
from geo.config.models import JoinSettings
from geo.common.errors import GeoInputError
from geo.common.fingerprint import file_fingerprint, source_files
from geo.ranking.focus import select_focus
from geo.boundaries.cache import read_villages_checked_later
from geo.boundaries.report import BoundaryReport, PendingReport, final_report
from geo.households.schema import HOUSEHOLD_COLUMNS
from geo.households.read import read_households
from geo.indicators.village import village_indicators
from geo.join.match import join_households, rejected_rows
from geo.indicators.sample import mpi_sample
from geo.indicators.weights import reweight_missing
from geo.spatial.neighbours import build_neighbours, graph_for
from geo.spatial.pockets import Pockets, pockets_for
from geo.pipeline.results import AnalysisResult, Method, SourceFile
from geo.ranking.scoring import score_villages

DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "boundaries"

#: Columns the ranking adds; dropped before re-scoring so that nothing stale survives.
_RANKING_COLUMNS = ("score", "rank", "in_focus_list", "focus_reason", "quadrant", "vs_previous")


def demo_sources() -> tuple[Path, Path]:
    """The built-in synthetic demo region: (boundaries, households) in ``data/boundaries/``."""
    return DEMO_DIR / "demo_villages.geojson", DEMO_DIR / "demo_households.csv"


def as_config(config: RankConfig | str | Path | None) -> RankConfig:
    """A validated config from a ``RankConfig``, a TOML/YAML path, or ``None`` (the default)."""
    if config is None:
        return default_config()
    if isinstance(config, RankConfig):
        return config
    return load_config(config)


def _as_list(sources) -> list:
    return list(sources) if isinstance(sources, (list, tuple)) else [sources]


def boundary_read_options(*, engine: str = "pyogrio", layer: str | None = None,
                          boundary_columns: dict | None = None, crs=None,
                          swap_xy: bool = False) -> dict:
    """The options :func:`analyse` reads the boundaries with. The layer cache keys on them:
    whoever reads the same layer first (a benchmark, the app's outline, ``geo waves``) with
    these options fills the entry ``rank`` then finds."""
    return {"engine": engine, "layer": layer, "column_map": boundary_columns, "crs": crs,
            "swap_xy": swap_xy}


def analyse(
    boundaries,
    households=None,
    *,
    config: RankConfig | str | Path | None = None,
    engine: str = "pyogrio",
    boundary_columns: dict | None = None,
    household_columns: dict | None = None,
    prefer: str = "code",
    layer: str | None = None,
    crs: str | None = None,
    swap_xy: bool = False,
    dask=None,
    cache: bool = True,
    crosswalk=None,
    bps_bridge=None,
    defer_checks: bool = False,
    wait_for_checks: bool = True,
) -> AnalysisResult:
    """Run the whole analysis on files.

    Parameters
    ----------
    boundaries : path or list of paths of boundary layers (any supported format).
    households : path of the household table, or None for boundaries only.
    config : ranking config (``RankConfig``, a path, or None for ``config/default.toml``).
    engine : ``"pyogrio"`` or ``"fiona"`` for the boundary files.
    boundary_columns, household_columns : explicit column maps (canonical -> source column).
    prefer : which village wins when a household's code and location disagree.
    layer, crs, swap_xy : passed to :func:`geo.boundaries.read.read_villages` (GeoPackage layer;
        the CRS of a file without one; swap latitude/longitude read in the wrong order).
    dask : None (in memory), True (a local Dask cluster) or a scheduler address
        (``"tcp://host:8786"``): the household side runs on Dask
        (:mod:`geo.scale.dask_backend`) and ``households`` is a Parquet file, folder or glob.
        The joined households are then not kept, so the pilot-area grid is not available.
    cache : read the boundary layer through :mod:`geo.layer_cache` (same layer and report,
        computed once per set of files).
    crosswalk : a user's old → new village code table (path, or a
        :class:`geo.reference.crosswalk.Crosswalk`): registry codes of another year; it wins
        over the shipped Kemendagri tables.
    bps_bridge : a BPS → Kemendagri code table or KUGI layer (path, or a
        :class:`geo.reference.crosswalk.BpsBridge`) for registries keyed by BPS codes; a KUGI
        boundary layer's own ``KDEBPS`` column is used too. Both files are recorded in the
        method. The config's ``[join] overlap`` places a point lying in several villages.
    defer_checks : on boundary files the cache has not seen, start the overlap and gap checks
        only when the result is ready, and return it without waiting for them: its
        ``boundary_report`` is then a :class:`geo.boundaries.report.PendingReport` (reading
        it waits; ``so_far`` does not). The app shows the map first this way; by default the
        checks run beside the analysis and the report is final.
    wait_for_checks : False: the checks run beside the analysis as by default, but the result
        does not wait for them; its ``boundary_report`` is the
        :class:`~geo.boundaries.report.PendingReport`. ``rank`` writes its files meanwhile
        (they do not carry the report) and commits them once the checks end
        (:func:`run_rank`).

    Raises
    ------
    GeoInputError
        For any problem in the inputs, naming the file, row or column.
    """
    config = as_config(config)
    sources = _as_list(boundaries)
    options = boundary_read_options(engine=engine, layer=layer,
                                    boundary_columns=boundary_columns, crs=crs, swap_xy=swap_xy)
    if cache:  # a first read's overlap and gap checks run while the households are joined
        villages, boundary_report = read_villages_checked_later(sources, defer=defer_checks,
                                                                **options)
    else:
        villages, report = read_villages(sources, **options)
        boundary_report = PendingReport(report=report)
    leave_pending = defer_checks or not wait_for_checks  # the result carries running checks
    with boundary_report:  # a failure below still lets the checks finish and be stored
        method_sources = [SourceFile.from_dict({"role": "boundaries", **file_fingerprint(part)})
                          for p in sources for part in source_files(p)]
        graph = build_neighbours(villages, tolerance_m=config.pockets.snap_tolerance_m)
        code_tables = _code_tables(crosswalk, bps_bridge)
        method_sources += [SourceFile.from_dict({"role": role, **file_fingerprint(path)})
                           for role, path in code_tables.pop("files")]
        join_options = {"prefer": prefer, "overlap": config.join.overlap, **code_tables}
        if households is not None and dask is not None:
            from geo.scale.dask_backend import registry_files, village_indicators_dask

            on_dask = village_indicators_dask(
                households, villages, scheduler=None if dask is True else dask,
                weights=config.mpi.weights, k=config.mpi.k, column_map=household_columns,
                reweight=True, missing=config.mpi.missing, **join_options,
            )
            method_sources += [SourceFile.from_dict({"role": "households", **file_fingerprint(p)})
                               for p in registry_files(households)]
            method = _method(method_sources, config, on_dask.weights_used, on_dask.notes,
                             mpi_sample(on_dask.indicators, config.mpi.missing))
            table, pockets = _village_table(villages, on_dask.indicators, config, graph)
            result = AnalysisResult(villages=table, reconciliation=on_dask.reconciliation,
                                    boundary_report=_report(boundary_report, leave_pending),
                                    method=method,
                                    pockets=pockets, neighbours=graph)
            return _started(_ranked(result, config), boundary_report)
        if households is not None:
            household_table, ingest = read_households(households, column_map=household_columns)
            joined, reconciliation = join_households(household_table, villages, **join_options)
            reconciliation = replace(reconciliation, ingest=ingest)
            rejected = rejected_rows(joined)
            method_sources.append(SourceFile.from_dict({"role": "households",
                                                        **file_fingerprint(households)}))
        else:
            joined = rejected = reconciliation = None
        indicators, weights, notes = _indicators(villages, joined, config)
        sample = None if joined is None else mpi_sample(indicators, config.mpi.missing)
        table, pockets = _village_table(villages, indicators, config, graph)
        result = AnalysisResult(
            villages=table,
            reconciliation=reconciliation,
            boundary_report=_report(boundary_report, leave_pending),
            method=_method(method_sources, config, weights, notes, sample),
            households=joined,
            rejected=rejected,
            pockets=pockets,
            neighbours=graph,
        )
        return _started(_ranked(result, config), boundary_report)


def _report(pending: PendingReport, leave_pending: bool) -> BoundaryReport | PendingReport:
    """The report the result carries: the final one, unless checks still to come may be left
    to its reader (checks already over, even failed, are settled here)."""
    return pending if leave_pending and not pending.done else pending.result()


def _started(result: AnalysisResult, pending: PendingReport) -> AnalysisResult:
    """The result, once its deferred checks have started (no-op otherwise): last, so that
    they take no core from the analysis."""
    pending.start()
    return result


def _code_tables(crosswalk, bps_bridge) -> dict:
    """The user's crosswalk and BPS bridge read (paths) or taken as they are, and the files
    to record in the method (``"files"``: (role, path) pairs)."""
    from geo.reference.crosswalk import read_bps_bridge, read_crosswalk

    files = []
    if isinstance(crosswalk, (str, Path)):
        files.append(("crosswalk", crosswalk))
        crosswalk = read_crosswalk(crosswalk)
    if isinstance(bps_bridge, (str, Path)):
        files.append(("bps_bridge", bps_bridge))
        bps_bridge = read_bps_bridge(bps_bridge)
    return {"crosswalk": crosswalk, "bps_bridge": bps_bridge, "files": files}


def _method(sources, config: RankConfig, weights: dict, notes, sample=None) -> Method:
    return Method(
        sources=tuple(sources),
        created_at=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        software_version=__version__,
        config=config.to_dict(),
        mpi_weights_used={name: str(w) for name, w in weights.items()},
        mpi_notes=tuple(notes),
        mpi_sample=sample,
    )


def _indicators(villages: gpd.GeoDataFrame, joined: pd.DataFrame | None,
                config: RankConfig) -> tuple[pd.DataFrame, dict, list]:
    """Village indicators (MPI with the config's k, weights and missing rule) from the joined
    households.

    A weighted deprivation with no value anywhere in the household file has its weight moved
    to its dimension (:mod:`geo.indicators.weights`); the weights used and the notes saying
    so are returned for the method.
    """
    weights, notes = dict(config.mpi.weights), []
    if joined is None:
        joined = pd.DataFrame({c: pd.Series(dtype="object")
                               for c in (*HOUSEHOLD_COLUMNS, "outcome")})
    else:
        available = [d for d in weights if d in joined.columns and joined[d].notna().any()]
        weights, notes = reweight_missing(weights, available)
    indicators = village_indicators(joined, villages, weights=weights, k=config.mpi.k,
                                    missing=config.mpi.missing)
    return indicators, weights, notes


def _village_table(villages: gpd.GeoDataFrame, indicators: pd.DataFrame, config: RankConfig,
                   graph) -> tuple[gpd.GeoDataFrame, Pockets]:
    """Canonical villages + indicators + pocket labels (on the layer's neighbour graph)."""
    table = villages[CANONICAL_COLUMNS].merge(indicators, on="village_code", how="left",
                                              validate="one_to_one")
    return _with_pockets(gpd.GeoDataFrame(table, geometry="geometry", crs=villages.crs),
                         config, graph)


def _with_pockets(table: gpd.GeoDataFrame, config: RankConfig,
                  graph) -> tuple[gpd.GeoDataFrame, Pockets]:
    """``table`` with the pocket columns of the config's ``[pockets]`` settings (replaced)."""
    pockets = pockets_for(table, table, config, graph=graph)
    labels = pockets.table.reset_index(drop=True)
    base = table.drop(columns=[c for c in labels.columns if c != "village_code" and c in table])
    merged = base.merge(labels, on="village_code", how="left", validate="one_to_one")
    return gpd.GeoDataFrame(merged, geometry="geometry", crs=table.crs), pockets


def _data_settings(config_dict: dict | None) -> tuple:
    """The parts of a config that change indicators or pockets (not only the ranking)."""
    config_dict = config_dict or {}
    return (config_dict.get("mpi"), config_dict.get("pockets"))


def rescore(result: AnalysisResult, config: RankConfig) -> AnalysisResult:
    """New weights or focus rules on the same data: score, rank, focus list, quadrant.

    Everything needed is a field of ``result``: the village indicators (in ``villages``),
    the neighbour graph (``neighbours``) and the method. A weight slider costs milliseconds.
    Changed ``[pockets]`` settings recompute the pockets from the village indicators and the
    graph. Only changed ``[mpi]`` settings need the households (``result.households``);
    without them (Dask, or a result whose household table was dropped) that is a user error
    that says to run the analysis again.
    """
    old = result.method.config
    new = config.to_dict()
    if old is not None and (old.get("join") or asdict(JoinSettings())) != new["join"] \
            and result.reconciliation is not None:
        raise GeoInputError("err.rescore_join", source="config")  # the households are joined
    villages, pockets, graph = result.villages, result.pockets, result.neighbours
    method = replace(result.method, config=new)
    if old is None or _data_settings(old)[0] != _data_settings(new)[0]:
        if result.households is None and result.reconciliation is not None:
            raise GeoInputError("err.rescore_dask", source="config")
        graph = graph_for(villages, graph, tolerance_m=config.pockets.snap_tolerance_m)
        indicators, weights, notes = _indicators(villages, result.households, config)
        villages, pockets = _village_table(villages, indicators, config, graph)
        method = replace(method, mpi_weights_used={n: str(w) for n, w in weights.items()},
                         mpi_notes=tuple(notes),
                         mpi_sample=None if result.households is None
                         else mpi_sample(indicators, config.mpi.missing))
    elif pockets is None or _data_settings(old)[1] != _data_settings(new)[1]:
        graph = graph_for(villages, graph, tolerance_m=config.pockets.snap_tolerance_m)
        villages, pockets = _with_pockets(villages, config, graph)
    return _ranked(replace(result, villages=villages, method=method, pockets=pockets,
                           neighbours=graph), config)


def _ranked(result: AnalysisResult, config: RankConfig) -> AnalysisResult:
    """Score, rank, focus list and quadrant of ``result.villages`` under ``config``."""
    villages = result.villages.drop(columns=[
        c for c in result.villages.columns if c in _RANKING_COLUMNS or str(c).startswith("why_")])
    scored = score_villages(villages, config)
    focused = select_focus(scored, config.focus)
    focused = gpd.GeoDataFrame(focused, geometry="geometry", crs=result.villages.crs)
    graph = result.neighbours
    if graph is not None:  # in the rows' new order, so every reader takes it as it is
        graph = graph.reordered(focused["village_code"]) or graph
    return replace(result, villages=focused, neighbours=graph,
                   method=replace(result.method, config=config.to_dict()))


def run_rank(result: AnalysisResult, out_dir: str | Path) -> dict[str, Path]:
    """Write what ``python -m geo rank`` promises into ``out_dir``.

    ``reconciliation.json`` (rows_in, outcomes, examples), ``villages.geojson`` (RFC 7946,
    every village with indicators, score, rank, in_focus_list, pocket) and ``focus_list.csv``,
    with ``manifest.json`` (names, bytes, SHA-256): written into a staging folder and moved into
    ``out_dir`` only when complete (:func:`geo.common.atomic.atomic_output`).
    """

    from geo.common.atomic import atomic_output

    target = Path(out_dir)
    with atomic_output(target, command="rank") as out:  # whole or not at all (issue 18)
        written = _write_rank(result, out)
        # checks still running beside (analyse(wait_for_checks=False)) end before the files
        # are committed: their entry is stored, and their failure leaves no outputs
        final_report(result.boundary_report)
    return {name: target / path.name for name, path in written.items()}


def _write_rank(result: AnalysisResult, out: Path) -> dict[str, Path]:
    import json

    from geo.export import build_layers
    from geo.export.gis import write_geojson
    from geo.export.tables import write_ranked_table

    written = {}
    recon_path = out / "reconciliation.json"
    recon = result.reconciliation.to_dict() if result.reconciliation is not None else {}
    recon_path.write_text(
        json.dumps(recon, indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    written["reconciliation"] = recon_path
    layers = build_layers(result)
    for path in [*write_geojson(layers, out), *write_ranked_table(layers, out, formats=("csv",))]:
        written[path.name] = path
    return written
