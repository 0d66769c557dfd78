"""The built-in synthetic demo: reproducible, clean coverage, planted pockets, bad rows."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from geo.cli import demo as demo_cli
from geo.demo.region import FILES
from geo.households.read import read_households

COMMITTED = Path(__file__).resolve().parents[2] / "data" / "boundaries"


@pytest.fixture(scope="session")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    parser = argparse.ArgumentParser()
    demo_cli.add_arguments(parser)
    assert demo_cli.run(parser.parse_args(["--out", str(out)])) == 0
    return out


@pytest.fixture(scope="session")
def meta():
    return json.loads((COMMITTED / FILES["metadata"]).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def villages():
    return gpd.read_file(COMMITTED / FILES["villages"])


@pytest.fixture(scope="session")
def households():
    table, report = read_households(COMMITTED / FILES["households"])
    return table, report


@pytest.fixture(scope="session")
def shares(households):
    table, _ = households
    valid = table[table["problem"].isna()]
    grouped = valid.groupby("village_code")["desil"]
    return pd.DataFrame({"households": grouped.size(), "desil1": grouped.apply(lambda d: (d == 1).mean())})


@pytest.mark.parametrize("role", list(FILES))
def test_committed_files_are_what_the_generator_makes(regenerated, role):
    committed = (COMMITTED / FILES[role]).read_bytes()
    assert committed == (regenerated / FILES[role]).read_bytes()
    assert len(committed) < 1_000_000


def test_region_is_synthetic_and_shaped_like_a_city(villages, meta):
    assert meta["synthetic"] is True and "SYNTHETIC" in (COMMITTED / FILES["readme"]).read_text()
    assert 40 <= len(villages) <= 60 and villages["village_code"].is_unique
    assert villages["village_code"].str.fullmatch(r"99\.71\.0[1-3]\.[12]\d{3}").all()
    assert villages["district_code"].nunique() == 3
    assert set(villages["village_type"]) == {"kelurahan", "desa"}
    kind = villages["village_code"].str.slice(9, 10).map({"1": "kelurahan", "2": "desa"})
    assert (kind == villages["village_type"]).all()
    assert villages["province_name"].eq("Provinsi Contoh (sintetis)").all()
    assert villages.crs.to_epsg() == 4326
    lon, lat = villages.union_all().centroid.coords[0]
    assert 116 < lon < 119 and -1 < lat < 1  # East Kalimantan, not the ocean off Africa


def test_villages_share_borders_exactly(villages):
    geoms = villages.geometry.to_numpy()
    assert shapely.is_valid(geoms).all()
    assert shapely.coverage_is_valid(geoms)  # no overlaps, edges match vertex for vertex
    union = shapely.union_all(geoms)
    assert union.geom_type == "Polygon" and len(union.interiors) == 0  # no gaps
    ccw = shapely.is_ccw(shapely.get_exterior_ring(geoms))
    assert ccw.all()  # GeoJSON ring order


def test_pilot_village_is_marked_once(villages, meta):
    pilot = villages[villages["is_pilot"]]
    assert len(pilot) == 1
    assert pilot["village_name"].iloc[0] == meta["pilot_village"]["name"] == "Contoh Telihan"
    assert pilot["village_type"].iloc[0] == "kelurahan"
    assert pilot["village_code"].iloc[0] == meta["pilot_village"]["code"]


def test_registry_reads_without_configuration(households):
    table, report = households
    assert 3000 <= report.rows_read == len(table) <= 6000
    assert list(report.personal_columns_dropped) == []
    assert sorted(report.derived_flags) == sorted(
        f for f in table.columns if f.startswith("dep_"))
    assert list(report.missing_flags) == [] and list(report.unknown_columns) == []


def _touching(villages, codes):
    geoms = villages.set_index("village_code").geometry
    return {(a, b) for a in codes for b in codes if a < b and geoms[a].touches(geoms[b])}


def test_pocket_is_a_connected_cluster_of_high_desil1_shares(villages, meta, shares):
    pocket = meta["pocket_villages"]
    assert 5 <= len(pocket) <= 7 and meta["pilot_village"]["code"] in pocket
    assert (shares.loc[pocket, "desil1"] >= 0.3).all()
    others = shares.drop(index=pocket + [meta["high_low_outlier"]] + meta["large_moderate_villages"])
    assert others["desil1"].max() < 0.12
    edges = _touching(villages, pocket)
    reached, frontier = {pocket[0]}, {pocket[0]}
    while frontier:
        frontier = {b for a, b in edges if a in frontier and b not in reached} | {
            a for a, b in edges if b in frontier and a not in reached}
        reached |= frontier
    assert reached == set(pocket)


def test_lone_outlier_among_low_neighbours(villages, meta, shares):
    outlier = meta["high_low_outlier"]
    geoms = villages.set_index("village_code").geometry
    neighbours = [c for c in geoms.index if c != outlier and geoms[c].touches(geoms[outlier])]
    assert sorted(neighbours) == meta["outlier_neighbours"] and len(neighbours) >= 3
    assert shares.loc[outlier, "desil1"] >= 0.35
    assert (shares.loc[neighbours, "desil1"] < 0.06).all()
    assert not set(neighbours) & set(meta["pocket_villages"])


def test_large_villages_have_many_poor_at_a_moderate_rate(meta, shares):
    large = shares.loc[meta["large_moderate_villages"]]
    typical = shares.drop(index=large.index)
    assert (large["households"] >= 300).all()
    assert large["desil1"].between(0.1, 0.2).all()
    poor_count = large["households"] * large["desil1"]
    assert (poor_count > (typical["households"] * typical["desil1"]).median() * 3).all()


def test_points_lie_in_their_village_except_the_planted_outliers(villages, meta, households):
    table, _ = households
    with_point = table.dropna(subset=["longitude", "latitude"])
    points = gpd.GeoDataFrame(with_point, geometry=gpd.points_from_xy(
        with_point["longitude"], with_point["latitude"]), crs="EPSG:4326")
    joined = gpd.sjoin(points, villages[["village_code", "geometry"]].rename(
        columns={"village_code": "located_in"}), how="left", predicate="within")
    assert len(joined) == len(points)  # no point on two villages
    same = (joined["located_in"] == joined["village_code"]).fillna(False).astype(bool)
    wrong = joined[~same]
    planted = {kind: [r["source_row"] for r in rows] for kind, rows in meta["deliberate_rows"].items()}
    expected = planted["outside_villages"] + planted["code_location_disagree"]
    assert sorted(wrong["source_row"]) == sorted(expected)
    outside = joined[joined["source_row"].isin(planted["outside_villages"])]
    assert outside["located_in"].isna().all()


def test_deliberate_bad_rows_are_where_the_metadata_says(meta, households):
    table, _ = households
    row = {kind: [r["source_row"] - 1 for r in rows] for kind, rows in meta["deliberate_rows"].items()}
    from geo.common.messages import render_column

    problem = render_column(table["problem"], "en")
    assert "desil 0" in problem[row["desil_0"][0]]
    assert "members 0" in problem[row["members_0"][0]]
    assert "lost digits in a spreadsheet" in problem[row["mangled_code"][0]]
    assert problem[row["no_code_no_location"][0]] == "no village code and no coordinates"
    assert table.loc[row["unknown_code"][0], "village_code"] == "99.71.04.1001"
    dup = table.loc[row["duplicate_household"][0], "household_id"]
    assert (table["household_id"] == dup).sum() == 2
    raw = pd.read_csv(COMMITTED / FILES["households"], dtype=str)
    assert raw.loc[row["undotted_code"], "kode_desa"].str.fullmatch(r"\d{10}").all()
    assert table.loc[row["undotted_code"], "village_code"].notna().all()
    assert problem.notna().sum() == 4  # only those four are invalid at ingest; the join finds the rest


def test_deprivation_and_targeting_look_like_a_registry(households):
    table, _ = households
    valid = table[table["problem"].isna()]
    deps = valid[[c for c in valid.columns if c.startswith("dep_")]].astype("float")
    count = deps.sum(axis=1)
    by_desil = count.groupby(valid["desil"]).mean()
    assert by_desil[1] > 2 * by_desil[5] > 0 and by_desil[10] < 0.5
    poor, rich = valid[valid["desil"] <= 4], valid[valid["desil"] >= 6]
    for programme in ("recv_pkh", "recv_bpnt", "recv_pbi"):
        cover_poor, cover_rich = poor[programme].mean(), rich[programme].mean()
        assert 0.2 < cover_poor < 0.95  # exclusion error: not every poor household reached
        assert 0 < cover_rich < cover_poor / 3  # inclusion error: a few richer recipients
    assert np.isclose(valid["members"].mean(), 3.7, atol=0.6)
