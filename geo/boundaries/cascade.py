"""The holes of the union of many villages, as GEOS's ``union_all`` finds them, in less time.

``shapely.union_all`` (GEOS ``CascadedPolygonUnion``) orders the polygons along an STR tree
(node capacity 10) and unions them pairwise in a balanced binary tree. On a layer whose
neighbours' edges cross (every polygon simplified on its own) some of those unions fall back
from floating-point noding to snapping, which moves nearby vertices of *every* ring in its
inputs; the holes found therefore depend on the exact order of the unions (a union in four
chunks found 38,701 gaps on Jawa Timur instead of 38,616). So this module does the same unions
in the same order, with two differences that change no hole:

* the unions of one level of the tree are independent, so they run in threads (GEOS releases
  the GIL);
* a hole is taken out of a partial union (and set aside) as soon as it is final: no polygon
  outside the subtree comes within :data:`SNAP_MARGIN_M` of it, no polygon lies inside it,
  and no other ring (nor the hole's own ring) comes within that margin of it. Such a hole
  meets nothing in any later union, and no snapping (at most 10⁻⁵ m at these coordinates)
  can reach it, so it would have come out of ``union_all`` unchanged; carrying it through
  the upper levels is what made the whole-layer union slow (issue 19).

Where GEOS's order cannot be reproduced for certain (two different polygons with the same
box centre), :func:`union_holes` uses ``union_all`` itself. The result is tested against
``union_all`` on hand-made layers and on the four real boundary files.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import shapely

from geo.common.cores import usable_cores

#: Node capacity of GEOS's STR tree in ``CascadedPolygonUnion``.
STR_NODE_CAPACITY = 10
#: A hole is set aside only when nothing else comes this close (metres): far above any
#: snapping tolerance GEOS's overlay may fall back to at UTM coordinates.
SNAP_MARGIN_M = 0.05
#: Final holes are looked for every this many levels (each look costs about as much as it
#: saves when done at every level; measured on Jawa Timur).
PRUNE_EVERY = 3
#: Threads for the unions of one level (GEOS releases the GIL).
THREADS = min(2, usable_cores())


def union_holes(polygons: np.ndarray, *, threads: int = THREADS) -> np.ndarray:
    """Holes of the union of ``polygons`` (valid, metric, none missing or empty), as polygons
    made of each hole's ring (an island inside a hole counts as part of the hole)."""
    parts = shapely.get_parts(np.asarray(polygons, dtype=object))
    order = str_order(parts) if len(parts) > 2 and not shapely.is_empty(parts).any() else None
    if order is None:
        return _holes(np.array([shapely.union_all(parts)], dtype=object))
    return _Cascade(parts[order], threads).holes()


def str_order(parts: np.ndarray, capacity: int = STR_NODE_CAPACITY) -> np.ndarray | None:
    """The order of GEOS's ``TemplateSTRtree::items()``: sorted by box centre x, cut into
    ⌈√⌈n/capacity⌉⌉ slices, each sorted by box centre y. ``None`` when ties between
    different polygons make that order ambiguous (``std::sort`` is not stable)."""
    bounds = shapely.bounds(parts)
    cx, cy = bounds[:, 0] + bounds[:, 2], bounds[:, 1] + bounds[:, 3]
    n = len(parts)
    per = math.ceil(n / math.ceil(math.sqrt(math.ceil(n / capacity))))
    by_x = np.argsort(cx, kind="stable")
    slices = []
    for start in range(0, n, per):
        if start and cx[by_x[start - 1]] == cx[by_x[start]] and not _identical(
                parts, by_x, cx[by_x], cx[by_x[start]]):
            return None  # which of the tied polygons ends the slice is GEOS's choice
        piece = by_x[start:start + per]
        piece = piece[np.argsort(cy[piece], kind="stable")]
        tied = np.flatnonzero(np.diff(cy[piece]) == 0)
        for k in tied:
            if not _identical(parts, piece, cy[piece], cy[piece[k]]):
                return None
        slices.append(piece)
    return np.concatenate(slices)


def _identical(parts, index, keys, value) -> bool:
    """Whether all polygons with this sort key are the same, vertex for vertex (then their
    order does not matter)."""
    group = shapely.to_wkb(parts[index[keys == value]])
    return len(set(group)) == 1


def _holes(geoms: np.ndarray) -> np.ndarray:
    rings, owner = _interior_rings(geoms)
    return shapely.polygons(rings)


def _interior_rings(geoms: np.ndarray):
    polys, polygon_owner = shapely.get_parts(geoms, return_index=True)
    rings, ring_owner = shapely.get_rings(polys, return_index=True)
    interior = np.r_[False, ring_owner[1:] == ring_owner[:-1]] if rings.size else np.zeros(0, bool)
    return rings[interior], polygon_owner[ring_owner[interior]]


class _Cascade:
    """GEOS's ``binaryUnion`` over the STR-ordered parts, level by level, final holes set
    aside."""

    def __init__(self, items: np.ndarray, threads: int):
        self.items = items
        self.tree = shapely.STRtree(items)
        self.threads = threads
        self.levels: dict[int, list[tuple[int, int, int, int, int]]] = {}
        self.size = len(items)
        self.root = self._plan(0, len(items))[0]
        self.store = np.empty(self.size, dtype=object)
        self.store[:len(items)] = items
        self.set_aside: list[np.ndarray] = []
        self.prune_at = {h for h in self.levels if h % PRUNE_EVERY == 0}

    def _plan(self, start: int, end: int) -> tuple[int, int]:
        """Node id and height of ``binaryUnion(start, end)``; records each union by height."""
        if end - start == 1:
            return start, 0
        if end - start == 2:
            left, right = (start, 0), (start + 1, 0)
        else:
            mid = (start + end) // 2
            left, right = self._plan(start, mid), self._plan(mid, end)
        height = max(left[1], right[1]) + 1
        node, self.size = self.size, self.size + 1
        self.levels.setdefault(height, []).append((left[0], right[0], node, start, end))
        return node, height

    def holes(self) -> np.ndarray:
        with ThreadPoolExecutor(self.threads) as pool:
            for height in sorted(self.levels):
                left, right, node, start, end = np.array(self.levels[height]).T
                chunks = np.array_split(np.arange(len(node)), min(self.threads, len(node)))
                prune = height in self.prune_at
                work = [(self.store[left[c]], self.store[right[c]], start[c], end[c], prune)
                        for c in chunks]
                if len(work) == 1:
                    done = [self._union(*work[0])]
                else:
                    done = list(pool.map(lambda w: self._union(*w), work))
                self.store[node] = np.concatenate([d[0] for d in done])
                self.set_aside += [d[1] for d in done]
        return np.concatenate([_holes(self.store[[self.root]])] + self.set_aside)

    def _union(self, a, b, start, end, prune):
        merged = shapely.union(a, b)
        if not prune:
            return merged, np.empty(0, dtype=object)
        return self._take_final_holes(merged, start, end)

    def _take_final_holes(self, merged, start, end):
        """``merged`` without its final holes, and those holes (see the module notes)."""
        polys, polygon_owner = shapely.get_parts(merged, return_index=True)
        rings, ring_owner = shapely.get_rings(polys, return_index=True)
        interior = np.flatnonzero(np.r_[False, ring_owner[1:] == ring_owner[:-1]])
        if not interior.size:
            return merged, np.empty(0, dtype=object)
        holes = shapely.polygons(rings[interior])
        owner = polygon_owner[ring_owner[interior]]
        lo, hi = start[owner], end[owner]
        keep = ~(shapely.minimum_clearance(holes) >= SNAP_MARGIN_M)
        box = shapely.bounds(holes)
        near = box + np.array([-SNAP_MARGIN_M, -SNAP_MARGIN_M, SNAP_MARGIN_M, SNAP_MARGIN_M])
        hole, item = self.tree.query(shapely.box(*near.T))
        inner = shapely.bounds(self.items[item])
        inside = ((inner[:, 0] >= box[hole, 0]) & (inner[:, 1] >= box[hole, 1])
                  & (inner[:, 2] <= box[hole, 2]) & (inner[:, 3] <= box[hole, 3]))
        np.logical_or.at(keep, hole, (item < lo[hole]) | (item >= hi[hole]) | inside)
        # the prepared (query) side is each ring, so a long outer ring is indexed once
        ring, hole = shapely.STRtree(rings[interior]).query(rings, predicate="dwithin",
                                                             distance=SNAP_MARGIN_M)
        np.logical_or.at(keep, hole, ring != interior[hole])
        final = ~keep
        if not final.any():
            return merged, np.empty(0, dtype=object)
        kept = np.ones(len(rings), dtype=bool)
        kept[interior[final]] = False
        polys = shapely.polygons(rings[kept], indices=ring_owner[kept])
        merged = shapely.multipolygons(polys, indices=polygon_owner)
        single = shapely.get_num_geometries(merged) == 1
        merged[single] = shapely.get_geometry(merged[single], 0)
        return merged, holes[final]
