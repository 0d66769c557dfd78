"""Poverty pockets (*kantong kemiskinan*): where poor villages cluster.

Local Moran's I (Anselin 1995) on a village rate, contiguity neighbours, row-standardised
weights, labels each village ``HH`` (a pocket, *kantong*: high among high), ``LL``, ``HL`` (a
high outlier among low neighbours), ``LH`` (a low outlier among high neighbours) or ``ns``
(not significant). Getis-Ord Gi* (binary weights including the village itself) names the
neighbourhood: ``hot`` / ``cold`` spots. Conventions follow GeoDa: the folded pseudo p-value,
significant when ``p <= alpha``.

Inference is our own (:mod:`geo.spatial.inference`): conditional permutations drawn
independently for every village from one seeded generator, ties counted as at least as
extreme, p in float64, one rule for both statistics — not esda's ``p_sim`` (one shared
permutation matrix, strict inequality, float32; see that module). Rates are tested as
Empirical Bayes standardised rates by default (``smoothing="eb"``, :mod:`geo.spatial.rates`),
so villages with a handful of households do not make the extremes. ``correction`` chooses
the multiple-testing rule: ``"none"`` (each village at ``alpha``, as GeoDa and esda report),
``"fdr"`` (Benjamini–Hochberg) or ``"bonferroni"``.

Contiguity is the layer's one neighbour graph (:mod:`geo.spatial.neighbours`): polygons within
``snap_tolerance_m`` metres (5 m by default) in the layer's metric CRS, queen-style. The graph is
built once per layer and passed in (``graph=``), so the pockets, the pilot page and map clicks
see the same neighbours.

Villages with no neighbour are labelled ``isolated`` and left out of the statistics
(``isolated="label"``), or linked to their nearest village (``isolated="knn"``). Villages
without a value (no households) are labelled ``no_data`` and left out before the neighbours
are found. Leaving a village out changes the others' statistics a little (the mean and the
variance are of the villages tested), never their neighbours.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.config import RankConfig
from geo.common.errors import GeoInputError
from geo.common.messages import encode
from geo.spatial.inference import local_tests
from geo.spatial.neighbours import NEIGHBOUR_TOLERANCE_M, NeighbourGraph, graph_for
from geo.spatial.rates import eb_standardised, rate_base

LISA_LABELS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}  # esda's quadrant numbers ``q``
POCKET_LABELS = ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data")
HOTSPOT_LABELS = ("hot", "cold", "ns", "isolated", "no_data")
SIGNIFICANT_POCKETS = ("HH", "LL", "HL", "LH")
CORRECTIONS = ("none", "fdr", "bonferroni")
SMOOTHINGS = ("eb", "raw")
#: How ties between the observed statistic and a permutation count (the method sheet says so).
TIE_RULE = "at_least_as_extreme"
#: How the permutations are drawn (the method sheet says so).
DRAWS = "independent_per_village"


@dataclass(frozen=True)
class PocketSettings:
    """How the pockets were found (the ``[pockets]`` settings actually used).

    ``smoothing`` is what was applied: ``"eb"`` only for a rate with a ``base`` column
    (:func:`geo.spatial.rates.rate_base`), else ``"raw"`` (``base`` None).
    """

    variable: str | None
    permutations: int
    seed: int
    alpha: float
    correction: str
    snap_tolerance_m: float
    isolated: str
    smoothing: str = "raw"
    base: str | None = None

    def to_dict(self) -> dict:
        return {"variable": self.variable, "permutations": self.permutations, "seed": self.seed,
                "alpha": self.alpha, "correction": self.correction, "smoothing": self.smoothing,
                "base": self.base, "tie_rule": TIE_RULE, "draws": DRAWS,
                "snap_tolerance_m": self.snap_tolerance_m, "isolated": self.isolated}


@dataclass(frozen=True, eq=False)
class Pockets:
    """The result of :func:`find_pockets`.

    Attributes
    ----------
    table : one row per village (index of the layer): ``village_code``, ``pocket``,
        ``lisa_i``, ``lisa_p``, ``lisa_p_adj``, ``lisa_q``, ``gi_z``, ``gi_p``, ``hotspot``,
        ``neighbours``, ``neighbour_mean``.
    settings : the settings used.
    counts : villages per pocket label (every label of :data:`POCKET_LABELS`).
    hotspots : villages per hot-spot label (every label of :data:`HOTSPOT_LABELS`).
    notes : what a reader must know about these settings, as encoded messages
        (:mod:`geo.common.messages`), e.g. that Bonferroni cannot reach ``alpha`` with this
        many permutations.
    """

    table: pd.DataFrame
    settings: PocketSettings
    counts: dict[str, int]
    hotspots: dict[str, int]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """Settings, counts and notes, JSON-ready (the table is not included)."""
        return {**self.settings.to_dict(), "counts": dict(self.counts),
                "hotspots": dict(self.hotspots), "notes": list(self.notes)}


def adjusted_p(p: np.ndarray, correction: str) -> np.ndarray:
    """p-values adjusted for testing every village: ``"fdr"`` Benjamini–Hochberg,
    ``"bonferroni"`` p x m (at most 1), ``"none"`` unchanged. NaN stays NaN, not counted."""
    p = np.asarray(p, dtype=np.float64)
    out = p.copy()
    known = np.isfinite(p)
    if correction == "none" or not known.any():
        return out
    if correction == "fdr":
        from scipy.stats import false_discovery_control

        out[known] = false_discovery_control(p[known], method="bh")
    elif correction == "bonferroni":
        out[known] = np.minimum(p[known] * known.sum(), 1.0)
    else:
        raise GeoInputError("err.pockets_correction", source="correction", given=repr(correction))
    return out


def is_significant(p, alpha: float) -> np.ndarray:
    """The one significance rule of every label: ``p <= alpha`` in float64 (NaN: no)."""
    with np.errstate(invalid="ignore"):
        return np.asarray(p, dtype=np.float64) <= np.float64(alpha)


def find_pockets(villages: gpd.GeoDataFrame, values: pd.Series, *, permutations: int = 9999,
                 seed: int = 12345, alpha: float = 0.05, correction: str = "none",
                 smoothing: str = "raw", base: pd.Series | None = None,
                 snap_tolerance_m: float = NEIGHBOUR_TOLERANCE_M, isolated: str = "label",
                 graph: NeighbourGraph | None = None, refine: bool = True) -> Pockets:
    """Local Moran's I pockets and Getis-Ord Gi* hot spots of ``values`` over ``villages``.

    Parameters
    ----------
    villages : village polygons with a ``village_code`` column and a CRS.
    values : the rate to test (e.g. ``desil1_share``), indexed by village_code; NaN or absent
        means no data.
    permutations, seed : conditional permutations per village (independent draws); same
        seed, same result.
    alpha : significance level: a village is significant when its pseudo p-value, adjusted
        by ``correction``, is at most ``alpha``.
    correction : ``"none"``, ``"fdr"`` (Benjamini–Hochberg) or ``"bonferroni"``, over the
        villages tested.
    smoothing : ``"raw"`` tests the values as they are; ``"eb"`` tests their Empirical Bayes
        standardised rates (Assunção–Reis) over ``base``.
    base : the base of the rate per village_code (households, people); needed for ``"eb"``.
    snap_tolerance_m : polygons closer than this (metres) are neighbours; 0 = touching or
        overlapping only.
    isolated : ``"label"`` villages without neighbours as ``isolated``, or ``"knn"``: link
        each to its nearest village (both ways) and test it like the others.
    graph : the layer's neighbour graph (:func:`geo.spatial.neighbours.build_neighbours`);
        used when it was built for this layer with ``snap_tolerance_m``, else built here.
    refine : with ``correction="none"``, give villages whose p-value is close to ``alpha``
        ten times more permutations (:func:`geo.spatial.inference.local_tests`), so that
        the labels do not move with the seed; ``False`` keeps one stage (tests of the raw
        permutation p-values).

    Returns
    -------
    Pockets
        ``table``: index of ``villages``; ``village_code``, ``pocket`` (HH, LL, HL, LH, ns,
        isolated, no_data), ``lisa_i``, ``lisa_p`` (pseudo p-value), ``lisa_p_adj`` (adjusted
        by ``correction``; equal to ``lisa_p`` for ``"none"``), ``lisa_q`` (esda quadrant 1
        HH, 2 LH, 3 LL, 4 HL), ``gi_z`` (against the permutations), ``gi_p``, ``hotspot``
        (hot, cold, ns, isolated, no_data), ``neighbours`` (count used), ``neighbour_mean``
        (the neighbours' mean of ``values``, as they are); with the ``settings``, ``counts``
        and ``hotspots``.
    """
    if isolated not in ("label", "knn"):
        raise GeoInputError("err.pockets_isolated", source="isolated", given=repr(isolated))
    if correction not in CORRECTIONS:
        raise GeoInputError("err.pockets_correction", source="correction", given=repr(correction))
    if smoothing not in SMOOTHINGS:
        raise GeoInputError("err.pockets_smoothing", source="smoothing", given=repr(smoothing))
    if smoothing == "eb" and base is None:
        raise GeoInputError("err.pockets_no_base", source="base", variable=repr(values.name),
                            base="")
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
    y_all = _aligned(values, codes)
    if smoothing == "eb":
        if base.index.duplicated().any():
            raise GeoInputError("err.pockets_duplicate_values", source="base")
        y_test = eb_standardised(y_all, _aligned(base, codes))
    else:
        y_test = y_all
    graph = graph_for(villages, graph, tolerance_m=snap_tolerance_m)
    metric = graph.geometries
    has_data = np.isfinite(y_test) & ~shapely.is_missing(metric) & ~shapely.is_empty(metric)
    data_pos = np.flatnonzero(has_data)

    focal, neighbour = graph.subgraph(has_data)
    connected = np.zeros(len(data_pos), dtype=bool)
    connected[focal] = True
    if isolated == "knn" and (~connected).any() and len(data_pos) > 1:
        focal, neighbour = _link_nearest(metric[data_pos], focal, neighbour, ~connected)
        connected[:] = True
    n_neighbours = np.bincount(focal, minlength=len(data_pos))

    n = len(villages)
    stats = {k: np.full(n, np.nan) for k in ("lisa_i", "lisa_p", "lisa_p_adj", "gi_z", "gi_p",
                                             "neighbour_mean")}
    with np.errstate(invalid="ignore", divide="ignore"):
        sums = np.bincount(focal, weights=y_all[data_pos][neighbour], minlength=len(data_pos))
        stats["neighbour_mean"][data_pos] = np.where(n_neighbours > 0, sums / np.maximum(
            n_neighbours, 1), np.nan)
    quadrant = np.zeros(n, dtype=np.int64)
    side = np.zeros(n, dtype=np.int64)
    gi_adj = np.full(n, np.nan)
    tested = data_pos[connected]
    if len(tested) >= 3 and np.ptp(y_test[tested]) > 0:
        # the connected villages renumbered 0..m-1 in the order of ``tested``
        relabel = np.full(len(data_pos), -1)
        relabel[connected] = np.arange(connected.sum())
        tests = local_tests(y_test[tested], relabel[focal], relabel[neighbour],
                            permutations=permutations, seed=seed,
                            refine_at=alpha if refine and correction == "none" else None)
        silent = _no_events(y_all[data_pos], focal, neighbour, len(data_pos))[connected]
        lisa_p = np.where(silent, 1.0, tests.lisa_p)
        gi_p = np.where(silent, 1.0, tests.gi_p)
        stats["lisa_i"][tested] = tests.lisa_i
        stats["lisa_p"][tested] = lisa_p
        stats["lisa_p_adj"][tested] = adjusted_p(lisa_p, correction)
        stats["gi_z"][tested] = tests.gi_z
        stats["gi_p"][tested] = gi_p
        gi_adj[tested] = adjusted_p(gi_p, correction)
        quadrant[tested] = tests.quadrant
        side[tested] = tests.gi_side

    significant = is_significant(stats["lisa_p_adj"], alpha)
    pocket = np.full(n, "ns", dtype=object)
    for q, label in LISA_LABELS.items():
        pocket[significant & (quadrant == q)] = label
    gi_sig = is_significant(gi_adj, alpha)
    hotspot = np.full(n, "ns", dtype=object)
    hotspot[gi_sig & (side > 0)] = "hot"
    hotspot[gi_sig & (side < 0)] = "cold"
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
        "neighbour_mean": stats["neighbour_mean"],
    }, index=villages.index)
    out.loc[quadrant == 0, "lisa_q"] = pd.NA
    out.loc[~has_data, "neighbours"] = pd.NA
    out["village_code"] = out["village_code"].astype("string")
    settings = PocketSettings(variable=values.name, permutations=permutations, seed=seed,
                              alpha=alpha, correction=correction,
                              snap_tolerance_m=snap_tolerance_m, isolated=isolated,
                              smoothing=smoothing,
                              base=None if smoothing == "raw" else getattr(base, "name", None))
    return Pockets(table=out, settings=settings,
                   counts={label: int((pocket == label).sum()) for label in POCKET_LABELS},
                   hotspots={label: int((hotspot == label).sum()) for label in HOTSPOT_LABELS},
                   notes=_notes(len(tested), permutations, alpha, correction))


def pockets_for(villages: gpd.GeoDataFrame, indicators: pd.DataFrame,
                config: RankConfig, *, graph: NeighbourGraph | None = None) -> Pockets:
    """:func:`find_pockets` of the ``[pockets]`` variable, with the ``[pockets]`` settings.

    With ``smoothing = "eb"`` a rate is tested as its Empirical Bayes standardised rate over
    its base column (:func:`geo.spatial.rates.rate_base`: ``households`` for
    ``desil1_share``); a variable that is not a rate (a count, a score, ``mpi_m0``) is tested
    raw, and the settings say so.

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
        for an indicator outside the MPI), or its base is missing for ``smoothing = "eb"``.
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
    base_column = rate_base(variable) if settings.smoothing == "eb" else None
    if base_column is not None and base_column not in table.columns:
        raise GeoInputError("err.pockets_no_base", source="pockets.smoothing",
                            variable=repr(variable), base=repr(base_column))
    return find_pockets(villages, table[variable], permutations=settings.permutations,
                        seed=settings.seed, alpha=settings.alpha, correction=settings.correction,
                        smoothing="eb" if base_column else "raw",
                        base=table[base_column] if base_column else None,
                        snap_tolerance_m=settings.snap_tolerance_m, isolated=settings.isolated,
                        graph=graph)


def _notes(tested: int, permutations: int, alpha: float, correction: str) -> tuple[str, ...]:
    """Encoded notes on settings that cannot find anything (Bonferroni, too few permutations)."""
    if correction == "bonferroni" and tested and tested / (permutations + 1) > alpha:
        needed = int(np.ceil(tested / alpha)) - 1
        return (encode("pockets.bonferroni_unreachable", villages=tested,
                       permutations=permutations, needed=needed),)
    return ()


def _aligned(values: pd.Series, codes: pd.Series) -> np.ndarray:
    """``values`` (indexed by village code) in the order of ``codes``, as float64 (NaN: none)."""
    return pd.to_numeric(values, errors="coerce").reindex(codes.to_numpy()).to_numpy(
        dtype=float, na_value=np.nan)


def _no_events(values: np.ndarray, focal: np.ndarray, neighbour: np.ndarray, n: int) -> np.ndarray:
    """Villages whose value and every neighbour's value are zero: nothing to test (p = 1).

    Such a neighbourhood holds no poor household at all, so it carries no evidence of a
    cluster, high or low. The raw-rate test already finds its ties (p near 1), but after
    Empirical Bayes smoothing the zeros are no longer tied: a zero village's standardised rate
    is ``-b / sqrt(a + b / n_i)``, ordered by its base ``n_i`` alone, and the test would label
    large zero villages among zero neighbours Low-Low by their size. The rule is the same
    whatever the smoothing, so a planner never sees a "cold spot" where nobody is poor.
    """
    zero = values == 0
    with_events = np.bincount(focal, weights=~zero[neighbour], minlength=n)
    linked = np.bincount(focal, minlength=n) > 0
    return zero & linked & (with_events == 0)


def _link_nearest(geoms, focal, neighbour, lonely) -> tuple[np.ndarray, np.ndarray]:
    """Add a link (both ways) from each village without neighbours to its nearest village."""
    idx = np.flatnonzero(lonely)
    tree = shapely.STRtree(geoms)
    source, nearest = tree.query_nearest(geoms[idx], exclusive=True, all_matches=False)
    a, b = idx[source], nearest
    pairs = np.unique(np.column_stack([np.r_[focal, a, b], np.r_[neighbour, b, a]]), axis=0)
    return pairs[:, 0], pairs[:, 1]
