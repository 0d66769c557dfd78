"""Registry codes of other years, BPS codes and overlapping villages, on real boundary files."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from conftest import shared_file
from geo.common.errors import GeoInputError
from geo.common.messages import render_column
from geo.join.match import MATCHED, join_households
from geo.reference.crosswalk import read_bps_bridge, read_crosswalk

PERAK_TIMUR, PERAK_UTARA, TANJUNG_PERAK = "35.78.12.1004", "35.78.12.1005", "35.78.12.1006"
BONGKARAN = "35.78.12.1001"
MINDI = "35.15.04.1005"  # Sidoarjo, abolished under the Lapindo mudflow
MADE_UP = "35.78.31.1999"
KETRO, KETRO_HARJO = "35.01.10.2016", "35.01.10.2017"


@pytest.fixture(scope="module")
def surabaya() -> gpd.GeoDataFrame:
    from geo.boundaries.read import read_villages

    villages, _ = read_villages(shared_file("wilayah_boundaries_kel_35.78.sql"),
                                check_quality=False)
    return villages


def inside(villages, code):
    """A point inside the village (not on its border)."""
    geom = villages.loc[villages["village_code"] == code, "geometry"].iloc[0]
    point = shapely.point_on_surface(geom)
    return point.x, point.y


def registry(rows):
    frame = pd.DataFrame(rows, columns=["village_code", "longitude", "latitude"])
    frame.insert(0, "household_id", [f"h{i}" for i in range(len(frame))])
    frame["source_row"] = np.arange(1, len(frame) + 1)
    return frame


def test_a_surabaya_registry_coded_in_2022_is_matched_to_tanjung_perak(surabaya):
    assert TANJUNG_PERAK in set(surabaya["village_code"])
    assert not {PERAK_TIMUR, PERAK_UTARA} & set(surabaya["village_code"])
    x, y = inside(surabaya, TANJUNG_PERAK)
    table = registry([(PERAK_TIMUR, None, None), (PERAK_UTARA, None, None),
                      (PERAK_UTARA, x, y), (BONGKARAN, None, None)])
    joined, rec = join_households(table, surabaya)
    assert joined["outcome"].astype(str).tolist() == ["matched_successor_code"] * 3 + ["matched_code"]
    assert joined["village_code"].tolist() == [TANJUNG_PERAK] * 3 + [BONGKARAN]
    assert joined["village_code_via"].tolist()[:3] == ["kemendagri_2023"] * 3
    assert "matched_successor_code" in MATCHED
    assert rec.successors == {"kemendagri_2023": 3} and rec.matched_through_older_code() == 3
    assert rec.code_status == {"retired": 3}
    reason = render_column(joined["reason"], "en")
    assert reason[0] == (
        "village code 35.78.12.1004 (Perak Timur) is not in the boundary layer: retired, last "
        "listed by Kemendagri in 2022; its successor is 35.78.12.1006 Tanjung Perak (the only new "
        "village of the district when the old code left; decided by the Kemendagri 2023 table)")
    assert "Perak Utara" in reason[1] and "Tanjung Perak" in reason[1]
    assert "Perak Timur" in render_column(joined["reason"], "id")[0]
    assert len(rec.examples["matched_successor_code"]) == 3


def test_retired_and_made_up_codes_are_explained(surabaya):
    x, y = inside(surabaya, BONGKARAN)
    table = registry([(MINDI, None, None), (MADE_UP, None, None), (MINDI, x, y)])
    joined, rec = join_households(table, surabaya)
    assert joined["outcome"].astype(str).tolist() == ["unknown_code", "unknown_code",
                                                      "matched_location"]
    reason = render_column(joined["reason"], "en")
    assert reason[0] == ("village code 35.15.04.1005 (Mindi) is not in the boundary layer: "
                         "retired, last listed by Kemendagri in 2022")
    assert "was never a Kemendagri code (not in the 2022, 2023 or 2025 tables)" in reason[1]
    assert reason[2].endswith("matched by location") and "Mindi" in reason[2]
    assert rec.code_status == {"never_listed": 1, "retired": 2}
    assert rec.successors == {}


def test_a_point_in_another_village_makes_the_successor_disagree(surabaya):
    x, y = inside(surabaya, BONGKARAN)
    table = registry([(PERAK_TIMUR, x, y)])
    for prefer, village in (("code", TANJUNG_PERAK), ("location", BONGKARAN)):
        joined, _ = join_households(table, surabaya, prefer=prefer)
        assert joined["outcome"].astype(str).tolist() == ["matched_code_location_disagree"]
        assert joined["village_code"].tolist() == [village]
        reason = render_column(joined["reason"], "en")[0]
        assert f"village code {TANJUNG_PERAK} but the point lies in {BONGKARAN}" in reason


def test_without_the_tables_the_old_message_stays(surabaya):
    joined, rec = join_households(registry([(PERAK_TIMUR, None, None)]), surabaya,
                                  code_history=False)
    assert joined["outcome"].astype(str).tolist() == ["unknown_code"]
    assert render_column(joined["reason"], "en")[0] == (
        "village code 35.78.12.1004 is not in the boundary layer")
    assert rec.code_status == {}


def test_a_crosswalk_file_wins_over_the_tables(surabaya, tmp_path):
    path = tmp_path / "kode_2022_2025.csv"
    path.write_text("kode_lama;kode_baru\n3578121004;35.78.12.1001\n35.78.12.1002;35.78.12.1003\n"
                    "35.78.12.1005;35.78.99.2001\n", encoding="utf-8")
    crosswalk = read_crosswalk(path)
    assert crosswalk.mapping()[PERAK_TIMUR] == BONGKARAN
    table = registry([(PERAK_TIMUR, None, None), ("35.78.12.1002", None, None),
                      (PERAK_UTARA, None, None), (TANJUNG_PERAK, None, None)])
    joined, rec = join_households(table, surabaya, crosswalk=crosswalk)
    assert joined["outcome"].astype(str).tolist() == [
        "matched_successor_code", "matched_successor_code", "unknown_code", "matched_code"]
    assert joined["village_code"].tolist()[:2] == [BONGKARAN, "35.78.12.1003"]
    assert joined["village_code_via"].tolist()[:2] == ["crosswalk", "crosswalk"]
    reason = render_column(joined["reason"], "en")
    assert reason[0].endswith("its successor is 35.78.12.1001 (decided by the crosswalk file "
                              "kode_2022_2025.csv)")
    assert "names 35.78.99.2001, which is not in the boundary layer" in reason[2]
    assert rec.successors == {"crosswalk": 2} and rec.crosswalk == "kode_2022_2025.csv"


def test_crosswalk_files_in_xlsx_and_their_mistakes(tmp_path):
    xlsx = tmp_path / "crosswalk.xlsx"
    pd.DataFrame({"Kode Asal": [PERAK_TIMUR], "Kode Tujuan": [TANJUNG_PERAK]}).to_excel(
        xlsx, index=False)
    assert read_crosswalk(xlsx).mapping().to_dict() == {PERAK_TIMUR: TANJUNG_PERAK}
    twice = tmp_path / "twice.csv"
    twice.write_text(f"old_code,new_code\n{PERAK_TIMUR},{TANJUNG_PERAK}\n{PERAK_TIMUR},{BONGKARAN}\n")
    with pytest.raises(GeoInputError, match="mapped to several codes"):
        read_crosswalk(twice)
    bad = tmp_path / "bad.csv"
    bad.write_text(f"old_code,new_code\n{PERAK_TIMUR},3573014107800002\n")
    with pytest.raises(GeoInputError) as error:
        read_crosswalk(bad)
    assert "row 1, column new_code" in str(error.value)
    assert "3573014107800002" not in str(error.value)
    columns = tmp_path / "columns.csv"
    columns.write_text("a,b\n1,2\n")
    with pytest.raises(GeoInputError, match="old_code"):
        read_crosswalk(columns)


def test_a_split_is_decided_by_the_point_among_the_candidates(surabaya):
    """A 2022-style layer (Tanjung Perak cut back into Perak Timur and Perak Utara) and a
    registry with the 2023 code: two candidates; the point decides, else the row says which."""
    geom = surabaya.loc[surabaya["village_code"] == TANJUNG_PERAK, "geometry"].iloc[0]
    minx, miny, maxx, maxy = geom.bounds
    middle = (minx + maxx) / 2
    west = shapely.intersection(geom, shapely.box(minx, miny, middle, maxy))
    east = shapely.intersection(geom, shapely.box(middle, miny, maxx, maxy))
    others = surabaya[surabaya["village_code"] != TANJUNG_PERAK][["village_code", "geometry"]]
    older = gpd.GeoDataFrame(
        pd.concat([others, gpd.GeoDataFrame({"village_code": [PERAK_TIMUR, PERAK_UTARA]},
                                            geometry=[west, east], crs=surabaya.crs)],
                  ignore_index=True), crs=surabaya.crs)
    point = shapely.point_on_surface(east)
    table = registry([(TANJUNG_PERAK, None, None), (TANJUNG_PERAK, point.x, point.y)])
    joined, rec = join_households(table, older)
    assert joined["outcome"].astype(str).tolist() == ["unknown_code", "matched_successor_code"]
    assert joined["village_code"].tolist()[1] == PERAK_UTARA
    reason = render_column(joined["reason"], "en")
    assert ("several possible successors: 35.78.12.1004 Perak Timur, 35.78.12.1005 Perak Utara"
            in reason[0])
    assert reason[1].endswith("the point lies in 35.78.12.1005, one of them (decided by location)")
    assert rec.successors == {"location": 1}


# --- overlapping villages: Ketro Harjo inside Ketro (Pacitan) ---------------------------------


@pytest.fixture(scope="module")
def pacitan() -> gpd.GeoDataFrame:
    from geo.boundaries.read import read_villages

    villages, _ = read_villages(shared_file("wilayah_boundaries_kel_35.01.sql"),
                                check_quality=False)
    return villages


def test_each_overlap_rule_places_a_point_in_ketro_and_ketro_harjo(pacitan):
    from geo.common.crs import metric_crs

    both = pacitan.set_index("village_code").loc[[KETRO, KETRO_HARJO], "geometry"]
    point = shapely.point_on_surface(shapely.intersection(both.iloc[0], both.iloc[1]))
    assert both.contains(point).all()
    table = registry([(None, point.x, point.y), (KETRO_HARJO, point.x, point.y)])
    areas = both.to_crs(metric_crs(pacitan)).area
    largest = areas.idxmax()
    expected = {"smallest_code": KETRO, "newer_code": KETRO_HARJO, "largest_polygon": largest}
    for rule, village in expected.items():
        joined, rec = join_households(table, pacitan, overlap=rule)
        assert joined["village_code"].tolist() == [village, KETRO_HARJO], rule
        assert joined["outcome"].astype(str).tolist() == ["matched_location", "matched_code"]
        assert rec.overlap == rule
        assert rec.overlaps == {"points_in_several": 2, "decided_by_code": 1,
                                "decided_by_rule": 1}
    with pytest.raises(GeoInputError, match="overlap rule"):
        join_households(table, pacitan, overlap="biggest")


def test_the_overlap_rule_comes_from_the_config(pacitan, tmp_path):
    from geo.config import default_config
    from geo.config.models import JoinSettings
    from dataclasses import replace

    both = pacitan.set_index("village_code").loc[[KETRO, KETRO_HARJO], "geometry"]
    point = shapely.point_on_surface(shapely.intersection(both.iloc[0], both.iloc[1]))
    households = tmp_path / "hh.csv"
    households.write_text(f"bujur,lintang,jumlah_art,desil,dep_water\n{point.x},{point.y},3,1,1\n")
    dump = shared_file("wilayah_boundaries_kel_35.01.sql")
    from geo.pipeline.analysis import analyse

    config = replace(default_config(), join=JoinSettings(overlap="newer_code"))
    result = analyse(dump, households, config=config)
    assert result.households["village_code"].tolist() == [KETRO_HARJO]
    assert result.reconciliation.overlap == "newer_code"
    assert result.method.config["join"] == {"overlap": "newer_code"}


# --- BPS codes through a KUGI layer's bridge -----------------------------------------------------


def kugi_layer(bontang_sql, path):
    """A BIG/KUGI-style layer of the real Bontang villages: KDEPUM, KDEBPS (plausible 10-digit
    BPS codes PPKKCCCVVV), WADMKD, WADMKC."""
    from geo.boundaries.read import read_villages

    villages, _ = read_villages(bontang_sql, check_quality=False)
    district = villages["village_code"].str.slice(6, 8).astype(int)
    number = villages.groupby("district_code").cumcount() + 1
    bps = ("6474" + (district * 10).map("{:03d}".format) + number.map("{:03d}".format))
    layer = gpd.GeoDataFrame({"KDEPUM": villages["village_code"], "KDEBPS": bps,
                              "WADMKD": villages["village_name"], "WADMKC": "Bontang"},
                             geometry=villages.geometry, crs=villages.crs)
    layer.to_file(path, driver="GPKG", engine="pyogrio")
    return layer


def test_a_bps_coded_registry_joins_through_a_kugi_bridge(bontang_sql, tmp_path):
    from geo.boundaries.read import read_villages
    from geo.pipeline.analysis import analyse

    gpkg = tmp_path / "bontang_kugi.gpkg"
    layer = kugi_layer(bontang_sql, gpkg)
    villages, _ = read_villages(gpkg)
    assert villages["village_code_bps"].notna().all()
    pick = layer.iloc[[0, 3, 7]]
    rows = [f"{bps},{n},{d},1" for bps, n, d in zip(pick["KDEBPS"], (2, 4, 5), (1, 2, 3))]
    households = tmp_path / "dtks_bps.csv"
    households.write_text("kode_bps,jumlah_art,desil,dep_water\n" + "\n".join(rows)
                          + "\n6474999999,3,1,0\n")
    result = analyse(gpkg, households)
    joined = result.households
    assert joined["outcome"].astype(str).tolist() == ["matched_code"] * 3 + ["unknown_code"]
    assert joined["village_code"].tolist()[:3] == pick["KDEPUM"].tolist()
    assert result.reconciliation.bps_codes == {"bridged": 3, "not_in_bridge": 1}
    assert result.reconciliation.bps_bridge == "layer"
    reason = render_column(joined["reason"], "en")[3]
    assert reason == "BPS code 6474999999 is not in the BPS–Kemendagri bridge (layer)"
    counted = result.villages.set_index("village_code")["households"]
    assert counted[pick["KDEPUM"]].tolist() == [1, 1, 1]


def test_a_user_bridge_joins_a_bps_registry_to_a_layer_without_bps_codes(bontang_sql, tmp_path):
    from geo.pipeline.analysis import analyse

    layer = kugi_layer(bontang_sql, tmp_path / "kugi.gpkg")
    bridge = tmp_path / "jembatan.csv"
    pd.DataFrame({"kode_bps": layer["KDEBPS"], "kode_kemendagri": layer["KDEPUM"]}).to_csv(
        bridge, index=False)
    households = tmp_path / "hh.csv"
    households.write_text(f"kd_bps,jumlah_art,desil,dep_water\n{layer['KDEBPS'].iloc[2]},3,1,1\n")
    without = analyse(bontang_sql, households)
    assert without.households["outcome"].astype(str).tolist() == ["unknown_code"]
    assert "no BPS–Kemendagri bridge" in render_column(without.households["reason"], "en")[0]
    result = analyse(bontang_sql, households, bps_bridge=bridge)
    assert result.households["village_code"].tolist() == [layer["KDEPUM"].iloc[2]]
    assert result.reconciliation.bps_codes == {"bridged": 1, "not_in_bridge": 0}
    assert {s.role for s in result.method.sources} >= {"bps_bridge", "households"}
    from_layer_file = read_bps_bridge(tmp_path / "kugi.gpkg")
    assert len(from_layer_file.table) == len(layer)
