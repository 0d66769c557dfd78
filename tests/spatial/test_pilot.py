"""Pilot area: neighbours, the aggregated household grid (never single homes), expansion candidates."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.common.errors import GeoInputError
from geo.spatial.pilot import (default_pilot, expansion_candidates, household_grid, neighbours,
                       profile_distance)

STEP = 0.01  # degrees, ~1.1 km near the equator


def _grid_villages(n: int = 3, gap: float = 0.0) -> gpd.GeoDataFrame:
    """An n x n chessboard of square villages near 117.4 E, 0.1 N; code 99.71.01.1<row><col>."""
    rows = []
    for r in range(n):
        for c in range(n):
            x0, y0 = 117.4 + c * (STEP + gap), 0.1 + r * (STEP + gap)
            rows.append({"village_code": f"99.71.01.1{r}{c}0"[:13], "village_name": f"V{r}{c}",
                         "district_name": "D", "geometry": shapely.box(x0, y0, x0 + STEP, y0 + STEP)})
    gdf = gpd.GeoDataFrame(rows, crs="EPSG:4326")
    gdf["village_code"] = [f"99.71.01.1{r}{c}0" for r in range(n) for c in range(n)]
    return gdf


CENTRE = "99.71.01.1110"


def test_neighbours_of_the_centre_are_its_eight_queen_neighbours():
    villages = _grid_villages()
    near = neighbours(villages, [CENTRE])
    assert len(near) == 8
    assert CENTRE not in set(near["village_code"])


def test_small_gaps_still_count_as_neighbours_but_large_ones_do_not():
    # 0.00002 degrees ~ 2 m: a sliver gap of a real layer, within the 5 m rule
    assert len(neighbours(_grid_villages(gap=0.00002), [CENTRE])) == 8
    # 0.0002 degrees ~ 22 m apart: beyond the one neighbour rule (5 m) the pockets use too
    assert len(neighbours(_grid_villages(gap=0.0002), [CENTRE])) == 0


def test_unknown_or_missing_pilot_is_a_user_error():
    villages = _grid_villages()
    with pytest.raises(GeoInputError, match="99.99.99.9999"):
        neighbours(villages, ["99.99.99.9999"])
    with pytest.raises(GeoInputError, match="at least one"):
        neighbours(villages, [])


def _households(points, desil, outcome="matched_code"):
    return pd.DataFrame({"longitude": [p[0] for p in points], "latitude": [p[1] for p in points],
                         "desil": pd.array(desil, dtype="Int64"), "outcome": outcome})


def test_grid_shows_dense_cells_and_hides_single_homes():
    villages = _grid_villages()
    x0, y0 = 117.4 + STEP + 0.001, 0.1 + STEP + 0.001  # inside the centre village
    cluster = [(x0 + 0.00001 * i, y0 + 0.00001 * i) for i in range(12)]   # within ~15 m
    lonely = [(x0 + 0.008, y0 + 0.008)]                                   # ~800 m away
    households = _households(cluster + lonely, [1] * 12 + [2])
    grid = household_grid(households, villages, [CENTRE], cell_m=250, min_households=5,
                          merge_levels=0)
    assert grid.cells["poor_households"].sum() == 12
    assert (grid.cells["poor_households"] >= 5).all()
    assert grid.placed == 13 and grid.hidden_poor == 1
    # cells are ~250 m squares (side checked in metres)
    side = np.sqrt(grid.cells.to_crs(grid.cells.estimate_utm_crs()).area)
    assert np.allclose(side, 250, rtol=0.01)


def test_small_cells_merge_into_parent_squares_without_overlap():
    villages = _grid_villages()
    x0, y0 = 117.4 + STEP + 0.0005, 0.1 + STEP + 0.0005
    # 4 households in each of several neighbouring 250 m cells: too few alone, enough merged
    points = [(x0 + dx * 0.00225 + 0.0001 * i, y0 + dy * 0.00225)
              for dx in range(2) for dy in range(2) for i in range(4)]
    households = _households(points, [3] * len(points))
    alone = household_grid(households, villages, [CENTRE], cell_m=250, min_households=5,
                           merge_levels=0)
    merged = household_grid(households, villages, [CENTRE], cell_m=250, min_households=5,
                            merge_levels=2)
    assert alone.cells.empty and alone.hidden_poor == 16
    assert merged.cells["poor_households"].sum() == 16
    assert (merged.cells["poor_households"] >= 5).all() and (merged.cells["cell_m"] > 250).all()
    metric = merged.cells.to_crs(merged.cells.estimate_utm_crs())
    assert shapely.union_all(metric.geometry.values).area == pytest.approx(metric.area.sum(), rel=1e-6)


def test_grid_ignores_unmatched_rows_missing_coordinates_and_other_villages():
    villages = _grid_villages()
    inside = (117.4 + STEP + 0.002, 0.1 + STEP + 0.002)
    other_village = (117.4 + 0.002, 0.1 + 0.002)
    households = pd.concat([
        _households([inside] * 6, [1] * 6),
        _households([inside] * 6, [1] * 6, outcome="outside_villages"),
        _households([(np.nan, np.nan)] * 6, [1] * 6),
        _households([other_village] * 6, [1] * 6),
    ], ignore_index=True)
    grid = household_grid(households, villages, [CENTRE])
    assert grid.placed == 6
    assert grid.cells["poor_households"].sum() == 6
    assert household_grid(None, villages, [CENTRE]).cells.empty


def test_grid_counts_only_desil_1_to_4_as_poor():
    villages = _grid_villages()
    spot = (117.4 + STEP + 0.002, 0.1 + STEP + 0.002)
    households = _households([spot] * 10, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    grid = household_grid(households, villages, [CENTRE], min_households=4)
    assert grid.cells["households"].tolist() == [10] and grid.cells["poor_households"].tolist() == [4]


def test_expansion_candidates_are_neighbours_and_lookalikes():
    villages = _grid_villages(n=4)
    pilot = "99.71.01.1000"  # a corner: 3 neighbours
    rate = np.linspace(0.05, 0.2, len(villages))
    villages["desil1_share"] = rate
    villages["mpi_m0"] = rate / 2
    twin = "99.71.01.1330"  # the far corner, given exactly the pilot's profile
    pilot_row = villages["village_code"] == pilot
    villages.loc[villages["village_code"] == twin, ["desil1_share", "mpi_m0"]] = \
        villages.loc[pilot_row, ["desil1_share", "mpi_m0"]].to_numpy()
    table = expansion_candidates(villages, [pilot], ["desil1_share", "mpi_m0"], n_similar=1)
    assert set(table.loc[table["neighbour"], "village_code"]) == {
        "99.71.01.1010", "99.71.01.1100", "99.71.01.1110"}
    similar = table.loc[table["similar"]]
    assert similar["village_code"].tolist() == [twin]
    assert similar["distance"].iloc[0] == 0
    assert pilot not in set(table["village_code"])


def test_profile_distance_is_standardised():
    frame = pd.DataFrame({"village_code": ["a", "b", "c"], "big": [0, 1000, 2000],
                          "small": [0.0, 0.1, 0.2]})
    d = profile_distance(frame, ["a"], ["big", "small"])
    # both indicators move one standard deviation per step: equal contributions
    assert d.iloc[1] == pytest.approx(np.sqrt(2) * 1 / np.std([0, 1, 2]))
    with pytest.raises(GeoInputError, match="indicators"):
        profile_distance(frame, ["a"], ["nothing"])


def test_bontang_pilot_neighbours(bontang_sql):
    from geo.boundaries.read import read_villages

    villages, _ = read_villages([bontang_sql])
    near = neighbours(villages, ["64.74.03.1002"])  # Gunung Telihan, the 2022 pilot
    assert 1 <= len(near) < len(villages) - 1
    assert near["village_code"].str.startswith("64.74.").all()
    assert "64.74.03.1002" not in set(near["village_code"])


def test_pilot_neighbours_are_the_pockets_neighbours(bontang_sql):
    """One rule: the pilot page and the pockets see the same neighbours of a village."""
    from geo.boundaries.read import read_villages
    from geo.spatial.neighbours import build_neighbours
    from geo.spatial.pockets import find_pockets

    villages, _ = read_villages([bontang_sql], check_quality=False)
    graph = build_neighbours(villages)
    values = pd.Series(np.linspace(0, 1, len(villages)), index=villages["village_code"].to_numpy())
    pockets = find_pockets(villages, values, permutations=99, graph=graph).table
    for code in villages["village_code"]:
        near = neighbours(villages, [code], graph=graph)
        counted = pockets.loc[pockets["village_code"] == code, "neighbours"].item()
        assert len(near) == counted
        assert tuple(sorted(near["village_code"])) == graph.of(code)
    # without a graph given, both build the same 5 m rule
    assert set(neighbours(villages, ["64.74.03.1002"])["village_code"]) == set(
        graph.of("64.74.03.1002"))


def test_default_pilot_is_the_planted_one_else_the_top_ranked():
    villages = _grid_villages()
    villages["rank"] = [5.0, 3.0, np.nan, 1.0, 2.0, 4.0, 6.0, 7.0, 8.0]
    top = villages.loc[villages["rank"] == 1, "village_code"].item()
    assert default_pilot(villages) == [top]
    assert default_pilot(villages, [CENTRE]) == [CENTRE]
    assert default_pilot(villages, ["35.73.01.1001"]) == [top]  # planted code not in this layer
    villages["rank"] = np.nan
    assert default_pilot(villages) == []


def test_demo_metadata_names_the_planted_pilot():
    from geo.demo.region import demo_metadata, demo_pilot_codes

    meta = demo_metadata()
    assert meta["synthetic"] is True
    assert demo_pilot_codes() == ["99.71.01.1005"]  # Kelurahan Contoh Telihan
    assert meta["pilot_village"]["name"] == "Contoh Telihan"
