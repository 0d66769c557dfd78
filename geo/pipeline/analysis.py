"""One analysis run, end to end: boundaries + households -> indicators -> ranking -> pockets.

Each step is a function of its own module; this module only wires them in the order of
docs/ARCHITECTURE.md and records what produced the result (config, sources and their SHA-256,
time, software version) so that a saved decision or an export can be re-run and explained.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import __version__
from geo.boundaries.read import CANONICAL_COLUMNS, read_villages
from geo.config import RankConfig, default_config, load_config
from geo.common.errors import GeoInputError
from geo.common.fingerprint import file_fingerprint, source_files
from geo.ranking.focus import select_focus
from geo.boundaries.cache import read_villages_cached
from geo.households.schema import HOUSEHOLD_COLUMNS
from geo.households.read import read_households
from geo.indicators.village import village_indicators
from geo.join.match import join_households, rejected_rows
from geo.indicators.weights import reweight_missing
from geo.spatial.pockets import pockets_for
from geo.pipeline.results import AnalysisResult
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
        (:mod:`geo.dask_backend`) and ``households`` is a Parquet file, folder or glob. The
        joined households are then not kept, so the pilot-area grid is not available.
    cache : read the boundary layer through :mod:`geo.layer_cache` (same layer and report,
        computed once per set of files).

    Raises
    ------
    GeoInputError
        For any problem in the inputs, naming the file, row or column.
    """
    config = as_config(config)
    sources = _as_list(boundaries)
    reader = read_villages_cached if cache else read_villages
    villages, boundary_report = reader(
        sources, engine=engine, layer=layer, column_map=boundary_columns, crs=crs, swap_xy=swap_xy
    )
    method_sources = [{"role": "boundaries", **file_fingerprint(part)}
                      for p in sources for part in source_files(p)]
    indicators = None
    if households is not None and dask is not None:
        from geo.scale.dask_backend import registry_files, village_indicators_dask

        indicators, recon = village_indicators_dask(
            households, villages, scheduler=None if dask is True else dask,
            weights=config.mpi.weights, k=config.mpi.k, prefer=prefer,
            column_map=household_columns, reweight=True,
        )
        joined = rejected = None
        method_sources += [{"role": "households", **file_fingerprint(p)}
                           for p in registry_files(households)]
        recon = {**recon, "prefer": prefer, "backend": "dask"}
    elif households is not None:
        table, ingest = read_households(households, column_map=household_columns)
        joined, reconciliation = join_households(table, villages, prefer=prefer)
        rejected = rejected_rows(joined)
        method_sources.append({"role": "households", **file_fingerprint(households)})
        recon = {**reconciliation.to_dict(), "ingest": ingest, "prefer": prefer}
    else:
        joined = rejected = None
        recon = {}
    if indicators is not None:
        villages, used = _village_table(villages, None, config, indicators=indicators)
    result = AnalysisResult(
        villages=villages,
        reconciliation=recon,
        boundary_report=boundary_report,
        method={
            "sources": method_sources,
            "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "software_version": __version__,
        },
        households=joined,
        rejected=rejected,
    )
    if indicators is not None:
        result.method.update(used, config=config.to_dict())
    return rescore(result, config)


def _village_table(villages: gpd.GeoDataFrame, joined: pd.DataFrame | None,
                   config: RankConfig, *, indicators: pd.DataFrame | None = None
                   ) -> tuple[gpd.GeoDataFrame, dict]:
    """Canonical villages + indicators (MPI with the config's k and weights) + pocket labels.

    A weighted deprivation with no value anywhere in the household file has its weight moved
    to its dimension (:mod:`geo.mpi_weights`); the weights used are returned for the method.
    ``indicators`` computed elsewhere (the Dask back end) are used as they are.
    """
    weights, notes = dict(config.mpi.weights), []
    if indicators is not None and "mpi_weights_used" in indicators.attrs:
        weights, notes = indicators.attrs["mpi_weights_used"], indicators.attrs["mpi_notes"]
    if indicators is None:
        if joined is None:
            joined = pd.DataFrame({c: pd.Series(dtype="object")
                                   for c in (*HOUSEHOLD_COLUMNS, "outcome")})
        else:
            available = [d for d in weights if d in joined.columns and joined[d].notna().any()]
            weights, notes = reweight_missing(weights, available)
        indicators = village_indicators(joined, villages, weights=weights, k=config.mpi.k)
    table = villages.merge(indicators, on="village_code", how="left", validate="one_to_one")
    pockets = pockets_for(table, table, config)
    pockets = pockets.reset_index(drop="village_code" in pockets.columns)
    table = table.merge(pockets, on="village_code", how="left", validate="one_to_one")
    used = {"mpi_weights_used": {name: str(w) for name, w in weights.items()}, "mpi_notes": notes}
    return gpd.GeoDataFrame(table, geometry="geometry", crs=villages.crs), used


def _data_settings(config_dict: dict) -> tuple:
    """The parts of a config that change indicators or pockets (not only the ranking)."""
    return (config_dict.get("mpi"), config_dict.get("pockets"))


def rescore(result: AnalysisResult, config: RankConfig) -> AnalysisResult:
    """New weights or focus rules on the same data: score, rank, focus list, quadrant.

    Only when the MPI or pocket settings changed are the indicators and pockets recomputed
    (from the joined households kept in memory); a weight slider costs milliseconds.
    """
    new_config = config.to_dict()
    method = {**result.method, "config": new_config}
    villages = result.villages
    if "mpi_weights_used" not in method or _data_settings(new_config) != _data_settings(
            result.method.get("config", {})):
        if result.households is None and result.reconciliation:
            raise GeoInputError("err.rescore_dask", source="config")
        villages, used = _village_table(villages[CANONICAL_COLUMNS], result.households, config)
        method.update(used)
    villages = villages.drop(
        columns=[c for c in villages.columns if c in _RANKING_COLUMNS or str(c).startswith("why_")]
    )
    scored = score_villages(villages, config)
    focused = select_focus(scored, config.focus)
    focused = gpd.GeoDataFrame(focused, geometry="geometry", crs=result.villages.crs)
    return replace(result, villages=focused, method=method)


def run_rank(result: AnalysisResult, out_dir: str | Path) -> dict[str, Path]:
    """Write what ``python -m geo rank`` promises into ``out_dir``.

    ``reconciliation.json`` (rows_in, outcomes, examples), ``villages.geojson`` (RFC 7946,
    every village with indicators, score, rank, in_focus_list, pocket) and ``focus_list.csv``.
    """
    import json

    from geo.export import build_layers
    from geo.export.gis import write_geojson
    from geo.export.tables import write_ranked_table

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    recon_path = out / "reconciliation.json"
    recon_path.write_text(
        json.dumps(result.reconciliation, indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    written["reconciliation"] = recon_path
    layers = build_layers(result)
    for path in [*write_geojson(layers, out), *write_ranked_table(layers, out, formats=("csv",))]:
        written[path.name] = path
    return written
