"""The wilayah_boundaries SQL dump reader: quirks on small hand-written dumps, real facts."""

from __future__ import annotations

import pytest
import shapely

from geo.boundaries.read import read_villages
from geo.common.errors import GeoInputError
from geo.boundaries.sqldump import read_sql_dump

SQUARE = "[[[-7.0,110.0],[-7.0,110.1],[-7.1,110.1],[-7.1,110.0],[-7.0,110.0]]]"
SQUARE_2 = "[[[-7.0,110.1],[-7.0,110.2],[-7.1,110.2],[-7.1,110.1],[-7.0,110.1]]]"
MULTI = ("[[[[-7.2,110.0],[-7.2,110.1],[-7.3,110.1],[-7.3,110.0],[-7.2,110.0]]],"
         "[[[-7.4,110.0],[-7.4,110.1],[-7.5,110.1],[-7.5,110.0],[-7.4,110.0]]]]")
# outline plus one true hole (inside) and one "hole" that lies outside: an island
HOLED = ("[[[-7.0,111.0],[-7.0,111.3],[-7.3,111.3],[-7.3,111.0],[-7.0,111.0]],"
         "[[-7.1,111.1],[-7.2,111.1],[-7.2,111.2],[-7.1,111.2],[-7.1,111.1]],"
         "[[-7.5,111.5],[-7.6,111.5],[-7.6,111.6],[-7.5,111.6],[-7.5,111.5]]]")

DUMP = f"""/*
header comment with a fake row ('99.99.99.9999','Ghost',0,0,'{SQUARE}');
*/
DELETE FROM wilayah_boundaries WHERE kode LIKE '33.01.%' AND LENGTH(kode)=13;
INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES
\t('33.01.01.2001','Palo''lo''an',-7.05,110.05,'{SQUARE}'),
-- ('33.01.01.2009','Commented',-7.0,110.0,'{SQUARE}'),
\t('33.01.01.2002','Dua', -7.05, 110.15, '{SQUARE_2}');
# ('33.01.01.2010','Hash comment',0,0,'{SQUARE}');
INSERT INTO wilayah_boundaries (kode,nama,lat,lng,path) VALUES
\t('33.01.02.1001','Multi',-7.3,110.05,'{MULTI}'),
\t/* ('33.01.02.1009','Inline comment',0,0,'{SQUARE}'), */
\t('33.01.02.1002','Berlubang',-7.15,111.15,'{HOLED}');
"""


@pytest.fixture
def dump(tmp_path):
    path = tmp_path / "wilayah_boundaries_kel_33.01.sql"
    path.write_text(DUMP, encoding="utf-8")
    return path


def test_rows_comments_quotes_and_both_insert_forms(dump):
    rows = read_sql_dump(dump).rows
    assert rows["kode"].tolist() == ["33.01.01.2001", "33.01.01.2002", "33.01.02.1001",
                                     "33.01.02.1002"]
    assert rows["nama"].tolist()[0] == "Palo'lo'an"
    assert rows["_problem"].isna().all()
    assert rows["_line"].tolist() == [6, 8, 11, 13]


def test_lat_lng_order_becomes_lon_lat(dump):
    first = read_sql_dump(dump).rows.geometry.iloc[0]
    assert first.bounds == pytest.approx((110.0, -7.1, 110.1, -7.0))


def test_depth_three_is_a_polygon_and_depth_four_a_multipolygon(dump):
    rows = read_sql_dump(dump).rows.set_index("kode")
    assert rows.geometry["33.01.01.2001"].geom_type == "Polygon"
    assert rows.geometry["33.01.02.1001"].geom_type == "MultiPolygon"
    assert len(rows.geometry["33.01.02.1001"].geoms) == 2


def test_holes_outside_the_outline_become_islands_and_real_holes_stay(dump):
    result = read_sql_dump(dump)
    geom = result.rows.set_index("kode").geometry["33.01.02.1002"]
    assert geom.geom_type == "MultiPolygon" and shapely.is_valid(geom)
    main, island = sorted(geom.geoms, key=lambda p: -p.area)
    assert len(main.interiors) == 1  # the hole inside the outline is still a hole
    assert island.bounds == pytest.approx((111.5, -7.6, 111.6, -7.5))
    assert result.islands_fixed == [{"village_code": "33.01.02.1002", "village_name": "Berlubang",
                                     "islands": 1, "source": dump.name, "line": 13}]


def test_unterminated_string_is_reported_as_truncated(tmp_path):
    path = tmp_path / "cut.sql"
    path.write_text(DUMP[: DUMP.index("110.15, '") + 20], encoding="utf-8")
    with pytest.raises(GeoInputError, match=r"cut\.sql: line 8: .*truncated"):
        read_sql_dump(path)


def test_file_ending_inside_an_insert_is_reported_as_truncated(tmp_path):
    path = tmp_path / "cut.sql"
    path.write_text(DUMP[: DUMP.index("-- ('33")], encoding="utf-8")  # ends after "),"
    with pytest.raises(GeoInputError, match="ends inside an INSERT statement begun at line 5"):
        read_sql_dump(path)


def test_a_file_without_rows_is_refused(tmp_path):
    path = tmp_path / "empty.sql"
    path.write_text(f"/* ('1','x',0,0,'{SQUARE}') */\nSELECT 1;\n", encoding="utf-8")
    with pytest.raises(GeoInputError, match="no INSERT INTO wilayah_boundaries rows"):
        read_sql_dump(path)


def test_a_row_with_a_broken_path_is_rejected_with_its_reason(tmp_path):
    path = tmp_path / "broken.sql"
    path.write_text(
        "INSERT INTO wilayah_boundaries(kode,nama,lat,lng,path) VALUES\n"
        f"('33.01.01.2001','Baik',0,0,'{SQUARE}'),\n"
        "('33.01.01.2002','Rusak',0,0,'[[[-7.0,110.0],[-7.0,110.1]'),\n"
        "('33.01.01.2003','Datar',0,0,'[[-7.0,110.0],[-7.0,110.1]]');\n", encoding="utf-8")
    villages, report = read_villages(path, check_quality=False)
    assert villages["village_code"].tolist() == ["33.01.01.2001"]
    from geo.common.messages import render_cell

    reasons = {r["village_code"]: render_cell(r["reason"], "en") for r in report.rejected}
    assert "not valid coordinate JSON" in reasons["33.01.01.2002"]
    assert "nesting depth 2" in reasons["33.01.01.2003"]
    assert [r["line"] for r in report.rejected] == [3, 4]
    assert report.features_in == 3 and report.features_out == 1


def test_kota_malang_has_57_kelurahan(malang_sql):
    rows = read_sql_dump(malang_sql).rows
    assert len(rows) == 57
    assert rows["kode"].str.slice(9, 10).eq("1").all()
    assert rows["_problem"].isna().all()


def test_kota_bontang_has_15_with_gunung_telihan(bontang_sql):
    rows = read_sql_dump(bontang_sql).rows
    assert len(rows) == 15
    assert rows.loc[rows["nama"] == "Gunung Telihan", "kode"].tolist() == ["64.74.03.1002"]


def test_randuboto_island_is_split_off(jatim_sqls):
    gresik = next(p for p in jatim_sqls if p.name.endswith("35.25.sql"))
    result = read_sql_dump(gresik)
    assert [r["village_code"] for r in result.islands_fixed] == ["35.25.09.2021"]
    geom = result.rows.set_index("kode").geometry["35.25.09.2021"]
    assert geom.geom_type == "MultiPolygon" and shapely.is_valid(geom)
