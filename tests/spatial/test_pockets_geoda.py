"""Our pockets against GeoDa's own core (pygeoda / libgeoda) on real boundaries, same weights.

The weights are our neighbour graph (5 m rule) written as a GAL file and read by pygeoda, so
both sides test the same neighbours. Local Moran's I (raw and EB rates) must be equal; the
labels agree wherever both p-values are clearly on one side of alpha (the two draw different
random permutations).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pygeoda
import pytest

from geo.boundaries.read import read_villages
from geo.spatial.neighbours import build_neighbours
from geo.spatial.pockets import find_pockets

GEODA_CLUSTERS = {0: "ns", 1: "HH", 2: "LL", 3: "LH", 4: "HL"}


def geoda_weights(graph, path):
    n = len(graph)
    with open(path, "w", encoding="ascii") as gal:
        gal.write(f"0 {n} villages id\n")
        for i in range(n):
            neighbours = graph.neighbour[graph.focal == i]
            gal.write(f"{i + 1} {len(neighbours)}\n{' '.join(str(j + 1) for j in neighbours)}\n")
    return pygeoda.read_gal(str(path), [str(i) for i in range(1, n + 1)])


def regional_values(villages, seed):
    rng = np.random.default_rng(seed)
    x = villages.geometry.representative_point().x.to_numpy()
    share = 0.05 + 0.1 * (x - x.min()) / (x.max() - x.min()) + rng.normal(0, 0.02, len(x))
    return share.clip(0.001, 0.9)


@pytest.mark.parametrize("source", ["malang_sql", "bontang_sql"])
def test_local_moran_and_labels_agree_with_geoda(source, request, tmp_path):
    villages, _ = read_villages([request.getfixturevalue(source)])
    graph = build_neighbours(villages)
    assert graph.counts().min() > 0  # no island in either city: every village is tested
    w = geoda_weights(graph, tmp_path / "w.gal")
    assert w.num_obs == len(villages)
    codes = villages["village_code"].to_numpy()
    y = regional_values(villages, 3)
    ours = find_pockets(villages, pd.Series(y, index=codes), permutations=9999, graph=graph).table
    geoda = pygeoda.local_moran(w, list(y), permutations=9999, seed=1, cpu_threads=1)
    assert ours["lisa_i"].to_numpy() == pytest.approx(geoda.lisa_values(), rel=1e-12, abs=1e-12)
    theirs = pd.Series(geoda.lisa_clusters()).map(GEODA_CLUSTERS).to_numpy()
    p_theirs = np.array(geoda.lisa_pvalues())
    clear = (np.abs(ours["lisa_p"] - 0.05) > 0.04).to_numpy() & (np.abs(p_theirs - 0.05) > 0.04)
    assert clear.sum() >= 0.6 * len(villages)
    assert (ours["pocket"].to_numpy()[clear] == theirs[clear]).all()
    significant_both = (ours["lisa_p"].to_numpy() <= 0.05) & (p_theirs <= 0.05)
    assert (ours["pocket"].to_numpy()[significant_both] == theirs[significant_both]).all()


def test_eb_rate_local_moran_is_geodas(malang_sql, tmp_path):
    libgeoda = pygeoda.libgeoda
    villages, _ = read_villages([malang_sql])
    graph = build_neighbours(villages)
    w = geoda_weights(graph, tmp_path / "w.gal")
    rng = np.random.default_rng(9)
    households = rng.integers(5, 200, len(villages)).astype(float)
    desil1 = np.round(regional_values(villages, 4) * households)
    codes = villages["village_code"].to_numpy()
    ours = find_pockets(villages, pd.Series(desil1 / households, index=codes), graph=graph,
                        smoothing="eb", base=pd.Series(households, index=codes),
                        permutations=999).table
    lisa = pygeoda.lisa(libgeoda.gda_localmoran_eb(
        w.gda_w, libgeoda.VecDouble(list(desil1)), libgeoda.VecDouble(list(households)), 0.05, 1,
        999, "complete", 1))
    assert ours["lisa_i"].to_numpy() == pytest.approx(lisa.lisa_values(), rel=1e-12, abs=1e-12)
