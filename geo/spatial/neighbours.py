"""One neighbour graph per village layer, shared by pockets, the pilot area and map clicks.

Two villages are neighbours when their polygons come within :data:`NEIGHBOUR_TOLERANCE_M`
metres of each other in the layer's metric CRS (its own CRS when projected, else its UTM zone
from :func:`geo.common.crs.metric_crs`). Any contact counts, even at a corner, as in queen
contiguity. The tolerance is not zero because the polygons of public sources were simplified
one by one: shared edges do not match, they overlap in slivers or leave gaps of a few metres.
On Jawa Timur (8,494 villages) 5 m leaves exactly the 16 island villages without a neighbour
(``docs/ranking.md``). Such villages are explicit: :attr:`NeighbourGraph.islands`.

The graph is built once per layer (:func:`build_neighbours`, an STRtree ``dwithin`` query)
and kept on the analysis result (``AnalysisResult.neighbours``); the pockets
(:func:`geo.spatial.pockets.find_pockets`), the pilot page's neighbours and expansion
candidates (:mod:`geo.spatial.pilot`) and a map click (:func:`village_at`) all read it.

Examples
--------
>>> graph = build_neighbours(villages)            # doctest: +SKIP
>>> graph.of("64.74.03.1002")                      # doctest: +SKIP
('64.74.03.1001', '64.74.03.1003', ...)
"""

from __future__ import annotations

import hashlib
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.common.crs import metric_crs
from geo.common.errors import GeoInputError
from geo.common.lru import beyond_recent, partial_suffix

log = logging.getLogger(__name__)

#: Polygons within this distance (metres) are neighbours; see the module docstring.
NEIGHBOUR_TOLERANCE_M = 5.0
#: A click this close (metres) to a village's edge, outside every village, selects it.
CLICK_TOLERANCE_M = 50.0


@dataclass(frozen=True, eq=False)
class NeighbourGraph:
    """Symmetric neighbour pairs of one village layer (positions in the layer's row order).

    Attributes
    ----------
    codes : the layer's ``village_code`` values, in row order.
    focal, neighbour : equal-length arrays of positions; each pair appears both ways, never
        a village with itself.
    tolerance_m : the distance rule used (metres).
    metric_crs : the CRS the distances were measured in (WKT/authority string).
    geometries : the polygons in ``metric_crs`` (for nearest-village links and clicks).
    """

    codes: tuple[str, ...]
    focal: np.ndarray
    neighbour: np.ndarray
    tolerance_m: float
    metric_crs: str
    geometries: np.ndarray = field(repr=False)
    _tree: shapely.STRtree = field(repr=False, default=None)

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree over :attr:`geometries` (metric CRS), built once, when first needed."""
        if self._tree is None:
            object.__setattr__(self, "_tree", shapely.STRtree(self.geometries))
        return self._tree

    def __len__(self) -> int:
        return len(self.codes)

    def counts(self) -> np.ndarray:
        """Number of neighbours of each village, in row order."""
        return np.bincount(self.focal, minlength=len(self.codes))

    @property
    def islands(self) -> tuple[str, ...]:
        """Codes of the villages with no neighbour (islands, or slivers far from the rest)."""
        return tuple(self.codes[i] for i in np.flatnonzero(self.counts() == 0))

    def position(self, code: str) -> int:
        """Row position of ``code``; unknown codes are the user's to fix."""
        try:
            return self._index[str(code)]
        except KeyError:
            raise GeoInputError("err.pilot_unknown", source="village_code", codes=str(code)) from None

    @property
    def _index(self) -> dict[str, int]:
        index = self.__dict__.get("_index_cache")
        if index is None:
            index = {code: i for i, code in enumerate(self.codes)}
            object.__setattr__(self, "_index_cache", index)
        return index

    def of(self, code: str) -> tuple[str, ...]:
        """The neighbours of one village, sorted by code."""
        pos = self.position(code)
        return tuple(sorted(self.codes[j] for j in self.neighbour[self.focal == pos]))

    def around(self, codes: Iterable[str]) -> tuple[str, ...]:
        """Villages neighbouring any of ``codes``, the ``codes`` themselves excluded."""
        chosen = {self.position(c) for c in codes}
        mask = np.isin(self.focal, list(chosen))
        found = set(self.neighbour[mask].tolist()) - chosen
        return tuple(sorted(self.codes[j] for j in found))

    def subgraph(self, keep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Pairs among the rows where ``keep`` is true, renumbered 0..keep.sum()-1."""
        keep = np.asarray(keep, dtype=bool)
        renumber = np.full(len(self.codes), -1)
        renumber[keep] = np.arange(int(keep.sum()))
        both = keep[self.focal] & keep[self.neighbour]
        return renumber[self.focal[both]], renumber[self.neighbour[both]]

    def matches(self, codes) -> bool:
        """True when ``codes`` (a layer's village_code column) is this graph's layer, in order."""
        codes = tuple(pd.Series(codes, dtype="string").fillna("").tolist())
        return codes == self.codes

    def reordered(self, codes) -> NeighbourGraph | None:
        """The same graph for the same villages in another row order (no geometry work), or
        None when ``codes`` are not exactly this layer's villages."""
        codes = tuple(pd.Series(codes, dtype="string").fillna("").tolist())
        if len(codes) != len(self.codes) or set(codes) != set(self.codes) or \
                len(set(codes)) != len(codes):
            return None
        if codes == self.codes:
            return self
        old_of_new = np.array([self._index[c] for c in codes])
        new_of_old = np.empty_like(old_of_new)
        new_of_old[old_of_new] = np.arange(len(codes))
        return NeighbourGraph(codes=codes, focal=new_of_old[self.focal],
                              neighbour=new_of_old[self.neighbour], tolerance_m=self.tolerance_m,
                              metric_crs=self.metric_crs, geometries=self.geometries[old_of_new])

    def to_dict(self) -> dict:
        """A JSON-ready summary: the rule, the number of pairs and the island villages."""
        return {"tolerance_m": float(self.tolerance_m), "metric_crs": self.metric_crs,
                "villages": len(self.codes), "pairs": int(len(self.focal) // 2),
                "islands": list(self.islands)}


def layer_metric_crs(villages: gpd.GeoDataFrame) -> pyproj.CRS:
    """The layer's own CRS when it is projected, else its UTM zone (never degrees)."""
    if villages.crs is None:
        raise GeoInputError("err.pockets_no_crs", source="crs")
    if not villages.crs.is_geographic:
        return pyproj.CRS(villages.crs)
    return metric_crs(villages)


def build_neighbours(villages: gpd.GeoDataFrame, *,
                     tolerance_m: float = NEIGHBOUR_TOLERANCE_M) -> NeighbourGraph:
    """The neighbour graph of a village layer: polygons within ``tolerance_m`` metres.

    Parameters
    ----------
    villages : village polygons with a ``village_code`` column and a CRS.
    tolerance_m : 0 means touching or overlapping only.

    Returns
    -------
    NeighbourGraph
        Aligned with the rows of ``villages``. Missing or empty geometries have no neighbour.
    """
    if "village_code" not in villages.columns:
        raise GeoInputError("err.join_no_village_code", source="village_code")
    if tolerance_m < 0:
        raise GeoInputError("err.neighbour_distance", source="snap_tolerance_m")
    crs = layer_metric_crs(villages)
    geoms = np.asarray(villages.geometry.to_crs(crs).array, dtype=object)
    usable = ~shapely.is_missing(geoms) & ~shapely.is_empty(geoms)
    geoms = np.where(usable, geoms, None)
    entry = _pairs_entry(geoms, crs, tolerance_m)
    pairs = _cached_pairs(entry, len(geoms))
    tree = None
    if pairs is None:
        tree = shapely.STRtree(geoms)
        if tolerance_m > 0:
            focal, neighbour = tree.query(geoms, predicate="dwithin", distance=tolerance_m)
        else:
            focal, neighbour = tree.query(geoms, predicate="intersects")
        keep = focal != neighbour
        pairs = focal[keep], neighbour[keep]
        _store_pairs(entry, *pairs)
    codes = tuple(villages["village_code"].astype("string").fillna("").tolist())
    return NeighbourGraph(codes=codes, focal=pairs[0], neighbour=pairs[1],
                          tolerance_m=float(tolerance_m), metric_crs=crs.to_string(),
                          geometries=geoms, _tree=tree)


#: Neighbour pairs kept on disk (per geometry set, CRS and tolerance); the oldest beyond go.
PAIRS_SUFFIX = ".neighbours.npz"
MAX_PAIR_ENTRIES = 20


def _pairs_entry(geoms: np.ndarray, crs: pyproj.CRS, tolerance_m: float) -> Path:
    """Where the pairs of these very polygons under this rule are kept: the boundary cache
    folder, named by a digest of the polygons' WKB, the CRS and the tolerance. The STRtree
    query costs about 0.7 s on Jawa Timur; the digest about 0.05 s. Geometry only, no names."""
    from geo.boundaries.cache import cache_dir

    digest = hashlib.blake2b(f"neighbours 1 {float(tolerance_m)!r} {crs.to_string()}\n".encode(),
                             digest_size=20)
    for wkb in shapely.to_wkb(geoms).tolist():
        digest.update(b"-" if wkb is None else len(wkb).to_bytes(8, "little") + wkb)
    return cache_dir() / f"{digest.hexdigest()}{PAIRS_SUFFIX}"


def _cached_pairs(entry: Path, villages: int) -> tuple[np.ndarray, np.ndarray] | None:
    """The stored pairs, or None (absent, damaged, or not for ``villages`` polygons)."""
    try:
        with np.load(entry, allow_pickle=False) as stored:
            focal, neighbour = stored["focal"].astype(np.int64), stored["neighbour"].astype(np.int64)
    except (OSError, ValueError, KeyError, EOFError):
        return None
    fits = (focal.shape == neighbour.shape and focal.ndim == 1
            and (focal.size == 0 or (min(focal.min(), neighbour.min()) >= 0
                                     and max(focal.max(), neighbour.max()) < villages)))
    if not fits:
        return None
    os.utime(entry)  # recently used: kept when older entries go
    return focal, neighbour


def _store_pairs(entry: Path, focal: np.ndarray, neighbour: np.ndarray) -> None:
    """Write the pairs whole (a temporary file renamed into place); a cache that cannot be
    written only costs the query next time."""
    partial = entry.with_name(entry.name + partial_suffix())
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        with open(partial, "wb") as handle:
            np.savez(handle, focal=focal, neighbour=neighbour)
        os.replace(partial, entry)
        for old in beyond_recent(entry.parent.glob(f"*{PAIRS_SUFFIX}"), MAX_PAIR_ENTRIES):
            old.unlink(missing_ok=True)
    except OSError as exc:
        log.info("neighbour pairs not cached in %s (%s)", entry.parent, type(exc).__name__)
        partial.unlink(missing_ok=True)


def graph_for(villages: gpd.GeoDataFrame, graph: NeighbourGraph | None = None, *,
              tolerance_m: float | None = NEIGHBOUR_TOLERANCE_M) -> NeighbourGraph:
    """``graph`` when it was built for these villages with this rule (put in the layer's row
    order if needed), else a new one. ``tolerance_m=None`` accepts the graph's own rule
    (default 5 m if one is built)."""
    if graph is not None and (tolerance_m is None or graph.tolerance_m == float(tolerance_m)):
        same = graph.reordered(villages["village_code"])
        if same is not None:
            return same
    return build_neighbours(villages, tolerance_m=NEIGHBOUR_TOLERANCE_M if tolerance_m is None
                            else tolerance_m)


def village_at(layer: gpd.GeoDataFrame | NeighbourGraph, lon: float, lat: float, *,
               tolerance_m: float = CLICK_TOLERANCE_M,
               among: Iterable[str] | None = None) -> str | None:
    """The ``village_code`` of the village under a clicked point (WGS 84), or None.

    A point inside a village gives that village; a point in a gap between villages gives the
    nearest village within ``tolerance_m`` metres; farther away, None. ``layer`` is a
    :class:`NeighbourGraph` (its STRtree is reused) or a village layer. ``among`` limits the
    answer to these codes (the villages drawn on the map).
    """
    if lon is None or lat is None:
        return None
    if isinstance(layer, NeighbourGraph):
        codes, geoms, tree, crs = layer.codes, layer.geometries, layer.tree, layer.metric_crs
    else:
        if layer.empty:
            return None
        crs = layer_metric_crs(layer)
        geoms = np.asarray(layer.geometry.to_crs(crs).array, dtype=object)
        codes = tuple(layer["village_code"].astype("string").fillna("").tolist())
        tree = shapely.STRtree(geoms)
    if len(codes) == 0:
        return None
    to_metric = pyproj.Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    point = shapely.Point(*to_metric.transform(float(lon), float(lat)))
    allowed = None
    if among is not None:
        wanted = {str(c) for c in among}
        allowed = np.array([c in wanted for c in codes], dtype=bool)
    hits = tree.query(point, predicate="intersects")
    if allowed is not None:
        hits = hits[allowed[hits]]
    if len(hits) == 0:
        hits = tree.query(point, predicate="dwithin", distance=tolerance_m)
        if allowed is not None:
            hits = hits[allowed[hits]]
        if len(hits) == 0:
            return None
    distances = shapely.distance(geoms[hits], point)
    return codes[int(hits[int(np.argmin(distances))])]
