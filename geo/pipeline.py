"""One analysis run, end to end: boundaries + households -> indicators -> ranking -> pockets.

Each step is a function of its own module; this module only wires them in the order of
docs/ARCHITECTURE.md and records what produced the result (config, sources and their SHA-256,
time, software version) so that a saved decision or an export can be re-run and explained.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import geopandas as gpd
import pandas as pd

from geo import __version__
from geo.boundaries import read_villages
from geo.config import RankConfig, default_config, load_config
from geo.focus import select_focus
from geo.households import read_households
from geo.indicators import village_indicators
from geo.join import join_households, rejected_rows
from geo.pockets import find_pockets
from geo.results import AnalysisResult
from geo.scoring import score_villages

DEMO_DIR = Path(__file__).resolve().parents[1] / "data" / "boundaries"

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


def file_fingerprint(path: str | Path) -> dict:
    """Name, size and SHA-256 of an input file: enough to prove which data a list came from."""
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return {"file": path.name, "bytes": path.stat().st_size, "sha256": digest.hexdigest()}


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
    layer, crs, swap_xy : passed to :func:`geo.boundaries.read_villages` (GeoPackage layer;
        the CRS of a file without one; swap latitude/longitude read in the wrong order).

    Raises
    ------
    GeoInputError
        For any problem in the inputs, naming the file, row or column.
    """
    config = as_config(config)
    sources = _as_list(boundaries)
    villages, boundary_report = read_villages(
        sources, engine=engine, layer=layer, column_map=boundary_columns, crs=crs, swap_xy=swap_xy
    )
    method_sources = [{"role": "boundaries", **file_fingerprint(p)} for p in sources]
    if households is not None:
        table, ingest = read_households(households, column_map=household_columns)
        joined, reconciliation = join_households(table, villages, prefer=prefer)
        rejected = rejected_rows(joined)
        method_sources.append({"role": "households", **file_fingerprint(households)})
        recon = {**reconciliation.to_dict(), "ingest": ingest, "prefer": prefer}
    else:
        joined = rejected = None
        recon = {}
    indicators = village_indicators(
        joined if joined is not None else _no_households(),
        villages,
        weights=config.mpi.weights,
        k=config.mpi.k,
    )
    base = villages.merge(indicators, on="village_code", how="left", validate="one_to_one")
    base = _with_pockets(base, config)
    result = AnalysisResult(
        villages=base,
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
    return rescore(result, config)


def _no_households() -> pd.DataFrame:
    """An empty joined table, so that a boundaries-only run still gets indicator columns."""
    from geo.household_schema import HOUSEHOLD_COLUMNS

    return pd.DataFrame({c: pd.Series(dtype="object") for c in HOUSEHOLD_COLUMNS} | {
        "outcome": pd.Series(dtype="string")})


def _with_pockets(villages: gpd.GeoDataFrame, config: RankConfig) -> gpd.GeoDataFrame:
    """Add the pocket labels for the configured variable (they don't depend on weights)."""
    settings = config.pockets
    values = villages.set_index("village_code")[settings.variable]
    pockets = find_pockets(
        villages,
        values,
        permutations=settings.permutations,
        seed=settings.seed,
        alpha=settings.alpha,
        fdr=settings.fdr,
        isolated=settings.isolated,
        snap_tolerance_m=settings.snap_tolerance_m,
    )
    stale = [c for c in pockets.columns if c in villages.columns and c != "village_code"]
    return villages.drop(columns=stale).merge(
        pockets.reset_index() if "village_code" not in pockets.columns else pockets,
        on="village_code", how="left", validate="one_to_one",
    )


def rescore(result: AnalysisResult, config: RankConfig) -> AnalysisResult:
    """New weights or focus rules on the same data: score, rank, focus list, quadrant.

    Pockets depend only on the data and the pocket settings, so they are kept; if those
    settings changed, call :func:`analyse` again.
    """
    villages = result.villages.drop(
        columns=[c for c in result.villages.columns
                 if c in _RANKING_COLUMNS or str(c).startswith("why_")]
    )
    scored = score_villages(villages, config)
    focused = select_focus(scored, config.focus)
    focused = gpd.GeoDataFrame(focused, geometry="geometry", crs=result.villages.crs)
    method = {**result.method, "config": config.to_dict()}
    return replace(result, villages=focused, method=method)


FOCUS_LIST_COLUMNS = ("rank", "village_code", "village_name", "district_name", "score",
                      "focus_reason", "quadrant", "pocket")


def focus_list(result: AnalysisResult) -> pd.DataFrame:
    """The villages in the focus list (lokus), ordered by rank: what leadership signs."""
    villages = result.villages
    chosen = villages[villages["in_focus_list"].fillna(False).astype(bool)]
    chosen = chosen.sort_values(["rank", "village_code"], na_position="last")
    columns = [c for c in FOCUS_LIST_COLUMNS if c in chosen.columns]
    table = pd.DataFrame(chosen[columns]).reset_index(drop=True)
    if "score" in table:
        table["score"] = table["score"].round(2)
    return table


def run_rank(result: AnalysisResult, out_dir: str | Path) -> dict[str, Path]:
    """Write what ``python -m geo rank`` promises into ``out_dir``.

    ``reconciliation.json`` (rows_in, outcomes, examples), ``villages.geojson`` (RFC 7946,
    every village with indicators, score, rank, in_focus_list, pocket) and ``focus_list.csv``.
    """
    import json

    from geo.export import build_layers
    from geo.export.gis import write_geojson

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    recon_path = out / "reconciliation.json"
    recon_path.write_text(
        json.dumps(result.reconciliation, indent=2, ensure_ascii=False, default=str),
        encoding="utf-8",
    )
    written["reconciliation"] = recon_path
    for path in write_geojson(build_layers(result), out):
        written[path.stem] = path
    focus_path = out / "focus_list.csv"
    focus_list(result).to_csv(focus_path, index=False, encoding="utf-8")
    written["focus_list"] = focus_path
    return written
