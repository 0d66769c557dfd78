"""Poverty pockets (*kantong kemiskinan*): where poor villages cluster, with PySAL esda.

Local Moran's I (Anselin 1995) on a village rate, queen contiguity, row-standardised weights,
conditional permutations with a fixed seed, labels each village ``HH`` (a pocket: high among
high), ``LL``, ``HL`` (a high outlier among low neighbours), ``LH`` or ``ns`` (not
significant). Getis-Ord Gi* (binary weights including the village itself) gives ``hot`` /
``cold`` spots as a second view. Conventions follow GeoDa.

Contiguity is the layer's one neighbour graph (:mod:`geo.spatial.neighbours`): polygons within
``snap_tolerance_m`` metres (5 m by default) in the layer's metric CRS, queen-style. The graph is
built once per layer and passed in (``graph=``), so the pockets, the pilot page and map clicks
see the same neighbours.

Villages with no neighbour are labelled ``isolated`` and left out of the statistics
(``isolated="label"``), or linked to their nearest village (``isolated="knn"``). Villages
without a value (no households) are labelled ``no_data`` and left out before the neighbours
are found.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.config import RankConfig
from geo.common.errors import GeoInputError
from geo.spatial.neighbours import NEIGHBOUR_TOLERANCE_M, NeighbourGraph, graph_for

LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}  # esda's quadrant numbers ``q``
POCKET_LABELS = ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data")
HOTSPOT_LABELS = ("hot", "cold", "ns", "isolated", "no_data")


@dataclass(frozen=True)
class PocketSettings:
    """How the pockets were found (the ``[pockets]`` settings actually used)."""

    variable: str | None
    permutations: int
    seed: int
    alpha: float
    fdr: bool
    snap_tolerance_m: float
    isolated: str

    def to_dict(self) -> dict:
        return {"variable": self.variable, "permutations": self.permutations, "seed": self.seed,
                "alpha": self.alpha, "fdr": self.fdr, "snap_tolerance_m": self.snap_tolerance_m,
                "isolated": self.isolated}


@dataclass(frozen=True, eq=False)
class Pockets:
    """The result of :func:`find_pockets`.

    Attributes
    ----------
    table : one row per village (index of the layer): ``village_code``, ``pocket``,
        ``lisa_i``, ``lisa_p``, ``lisa_p_adj``, ``lisa_q``, ``gi_z``, ``gi_p``, ``hotspot``,
        ``neighbours``.
    settings : the settings used.
    counts : villages per pocket label (every label of :data:`POCKET_LABELS`).
    hotspots : villages per hot-spot label (every label of :data:`HOTSPOT_LABELS`).
    """

    table: pd.DataFrame
    settings: PocketSettings
    counts: dict[str, int]
    hotspots: dict[str, int]

    def to_dict(self) -> dict:
        """Settings and counts, JSON-ready (the table is not included)."""
        return {**self.settings.to_dict(), "counts": dict(self.counts),
                "hotspots": dict(self.hotspots)}


def find_pockets(villages: gpd.GeoDataFrame, values: pd.Series, *, permutations: int = 999,
                 seed: int = 12345, alpha: float = 0.05, fdr: bool = False,
                 snap_tolerance_m: float = NEIGHBOUR_TOLERANCE_M, isolated: str = "label",
                 graph: NeighbourGraph | None = None) -> Pockets:
    """Local Moran's I pockets and Getis-Ord Gi* hot spots of ``values`` over ``villages``.

    Parameters
    ----------
    villages : village polygons with a ``village_code`` column and a CRS.
    values : the rate to test (e.g. ``desil1_share``), indexed by village_code; NaN or absent
        means no data.
    permutations, seed : conditional permutation inference (esda); same seed, same result.
    alpha : significance level: a village is significant when its pseudo p-value (or, with
        ``fdr``, its BH-adjusted p-value) is at most ``alpha``.
    fdr : control the false discovery rate (Benjamini–Hochberg) instead of testing each
        village at ``alpha``.
    snap_tolerance_m : polygons closer than this (metres) are neighbours; 0 = touching or
        overlapping only.
    isolated : ``"label"`` villages without neighbours as ``isolated``, or ``"knn"``: link
        each to its nearest village (both ways) and test it like the others.
    graph : the layer's neighbour graph (:func:`geo.spatial.neighbours.build_neighbours`);
        used when it was built for this layer with ``snap_tolerance_m``, else built here.

    Returns
    -------
    Pockets
        ``table``: index of ``villages``; ``village_code``, ``pocket`` (HH, LL, HL, LH, ns,
        isolated, no_data), ``lisa_i``, ``lisa_p`` (pseudo p-value), ``lisa_p_adj``
        (BH-adjusted), ``lisa_q`` (esda quadrant 1 HH, 2 LH, 3 LL, 4 HL), ``gi_z``, ``gi_p``,
        ``hotspot`` (hot, cold, ns, isolated, no_data), ``neighbours`` (count used); with the
        ``settings``, ``counts`` and ``hotspots``.
    """
    import esda
    from libpysal.graph import Graph

    if isolated not in ("label", "knn"):
        raise GeoInputError("err.pockets_isolated", source="isolated", given=repr(isolated))
    if "village_code" not in villages.columns:
        raise GeoInputError("err.join_no_village_code", source="village_code")
    if villages.crs is None:
        raise GeoInputError("err.pockets_no_crs", source="crs")
    codes = villages["village_code"].astype("string")
    if codes.duplicated().any():
        dup = codes[codes.duplicated()].iloc[0]
        raise GeoInputError("err.pockets_duplicate", source="village_code", code=str(dup))
    if values.index.duplicated().any():
        raise GeoInputError("err.pockets_duplicate_values", source="values")
    y_all = pd.to_numeric(values, errors="coerce").reindex(codes.to_numpy()).to_numpy(
        dtype=float, na_value=np.nan)
    graph = graph_for(villages, graph, tolerance_m=snap_tolerance_m)
    metric = graph.geometries
    has_data = np.isfinite(y_all) & ~shapely.is_missing(metric) & ~shapely.is_empty(metric)
    data_pos = np.flatnonzero(has_data)

    focal, neighbour = graph.subgraph(has_data)
    connected = np.zeros(len(data_pos), dtype=bool)
    connected[focal] = True
    if isolated == "knn" and (~connected).any() and len(data_pos) > 1:
        focal, neighbour = _link_nearest(metric[data_pos], focal, neighbour, ~connected)
        connected[:] = True
    n_neighbours = np.bincount(focal, minlength=len(data_pos))

    n = len(villages)
    stats = {k: np.full(n, np.nan) for k in ("lisa_i", "lisa_p", "lisa_p_adj", "gi_z", "gi_p")}
    quadrant = np.zeros(n, dtype=np.int64)
    tested = data_pos[connected]
    y = y_all[tested]
    if len(tested) >= 3 and np.ptp(y) > 0:
        # relabel the connected villages 0..m-1 so the graph's order is the order of y
        relabel = np.full(len(data_pos), -1)
        relabel[connected] = np.arange(connected.sum())
        graph = Graph.from_arrays(relabel[focal], relabel[neighbour], np.ones(len(focal)))
        order = np.asarray(graph.unique_ids)
        y = y[order]
        rows = tested[order]
        with warnings.catch_warnings():
            # esda 2.9 announces a two-sided default for the future but its Moran_Local and
            # G_Local do not accept ``alternative`` yet; we keep today's folded (GeoDa) p_sim
            warnings.filterwarnings("ignore", message="The alternative hypothesis",
                                    category=DeprecationWarning)
            lisa = esda.Moran_Local(y, graph, transformation="r", permutations=permutations,
                                    seed=seed, n_jobs=1, keep_simulations=False)
            gi = esda.G_Local(y, graph, transform="B", star=True, permutations=permutations,
                              seed=seed, n_jobs=1, keep_simulations=False)
        stats["lisa_i"][rows] = lisa.Is
        stats["lisa_p"][rows] = lisa.p_sim
        stats["lisa_p_adj"][rows] = _benjamini_hochberg(lisa.p_sim)
        stats["gi_z"][rows] = gi.Zs
        stats["gi_p"][rows] = gi.p_sim
        quadrant[rows] = lisa.q
        gi_sig = np.zeros(n, dtype=bool)
        gi_sig[rows] = (_benjamini_hochberg(gi.p_sim) if fdr else gi.p_sim) <= alpha
    else:
        gi_sig = np.zeros(n, dtype=bool)

    p_test = stats["lisa_p_adj"] if fdr else stats["lisa_p"]
    with np.errstate(invalid="ignore"):
        significant = p_test <= alpha
    pocket = np.full(n, "ns", dtype=object)
    for q, label in LISA_LABELS.items():
        pocket[significant & (quadrant == q)] = label
    hotspot = np.full(n, "ns", dtype=object)
    hotspot[gi_sig & (stats["gi_z"] > 0)] = "hot"
    hotspot[gi_sig & (stats["gi_z"] < 0)] = "cold"
    lonely = data_pos[~connected]
    for labels in (pocket, hotspot):
        labels[lonely] = "isolated"
        labels[~has_data] = "no_data"
    neighbours = np.zeros(n, dtype=np.int64)
    neighbours[data_pos] = n_neighbours

    out = pd.DataFrame({
        "village_code": codes.to_numpy(),
        "pocket": pd.array(pocket, dtype="string"),
        **{k: stats[k] for k in ("lisa_i", "lisa_p", "lisa_p_adj")},
        "lisa_q": pd.array(np.where(quadrant > 0, quadrant, 0), dtype="Int64"),
        "gi_z": stats["gi_z"],
        "gi_p": stats["gi_p"],
        "hotspot": pd.array(hotspot, dtype="string"),
        "neighbours": pd.array(neighbours, dtype="Int64"),
    }, index=villages.index)
    out.loc[quadrant == 0, "lisa_q"] = pd.NA
    out.loc[~has_data, "neighbours"] = pd.NA
    out["village_code"] = out["village_code"].astype("string")
    settings = PocketSettings(variable=values.name, permutations=permutations, seed=seed,
                              alpha=alpha, fdr=fdr, snap_tolerance_m=snap_tolerance_m,
                              isolated=isolated)
    return Pockets(table=out, settings=settings,
                   counts={label: int((pocket == label).sum()) for label in POCKET_LABELS},
                   hotspots={label: int((hotspot == label).sum()) for label in HOTSPOT_LABELS})


def pockets_for(villages: gpd.GeoDataFrame, indicators: pd.DataFrame,
                config: RankConfig, *, graph: NeighbourGraph | None = None) -> Pockets:
    """:func:`find_pockets` of the ``[pockets]`` variable, with the ``[pockets]`` settings.

    Parameters
    ----------
    villages : village polygons with ``village_code`` and a CRS.
    indicators : the village indicators (``village_code`` column or index); may be the
        village layer itself once the indicators are merged into it.
    config : the ranking config; ``config.pockets`` names the variable and the settings.
    graph : the layer's neighbour graph, reused when it fits (see :func:`find_pockets`).

    Returns
    -------
    Pockets
        As :func:`find_pockets`: ``table`` indexed like ``villages``, with ``village_code``.

    Raises
    ------
    GeoInputError
        When the variable is not a column of ``indicators``, e.g. ``cens_dep_assets`` while
        ``dep_assets`` has no weight in ``[mpi.weights]`` (no censored headcount is computed
        for an indicator outside the MPI).
    """
    settings = config.pockets
    table = (indicators.set_index("village_code") if "village_code" in indicators.columns
             else indicators)
    variable = settings.variable
    if variable not in table.columns:
        dep = variable.removeprefix("cens_").removeprefix("contrib_")
        code = ("err.pockets_variable_unweighted" if dep != variable and dep.startswith("dep_")
                else "err.pockets_variable")
        raise GeoInputError(code, source="pockets.variable", variable=repr(variable), dep=dep)
    return find_pockets(villages, table[variable], permutations=settings.permutations,
                        seed=settings.seed, alpha=settings.alpha, fdr=settings.fdr,
                        snap_tolerance_m=settings.snap_tolerance_m, isolated=settings.isolated,
                        graph=graph)


def _link_nearest(geoms, focal, neighbour, lonely) -> tuple[np.ndarray, np.ndarray]:
    """Add a link (both ways) from each village without neighbours to its nearest village."""
    idx = np.flatnonzero(lonely)
    tree = shapely.STRtree(geoms)
    source, nearest = tree.query_nearest(geoms[idx], exclusive=True, all_matches=False)
    a, b = idx[source], nearest
    pairs = np.unique(np.column_stack([np.r_[focal, a, b], np.r_[neighbour, b, a]]), axis=0)
    return pairs[:, 0], pairs[:, 1]


def _benjamini_hochberg(p: np.ndarray) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (compare with alpha to control the FDR)."""
    from scipy.stats import false_discovery_control

    return false_discovery_control(np.asarray(p, dtype=float), method="bh")
