"""What the pages show: district filters, the ranked table, pocket and robustness tables."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.presentation.views import (ALL_DISTRICTS, ALL_REGENCIES, district_choices, district_column,
                                    districts, focus_table, in_area, in_district, place_columns,
                                    regency_choices,
                       neighbour_table, numeric_indicators, pocket_counts, pocket_table,
                       profile_rows, public_rejected, ranked_table, robustness_table,
                       stability_counts, village_choices, with_values)


def _villages() -> gpd.GeoDataFrame:
    codes = [f"99.71.0{d}.100{i}" for d in (1, 2) for i in (1, 2, 3)]
    frame = gpd.GeoDataFrame({
        "village_code": codes,
        "village_name": ["A", "B", "C", "D", "E", "F"],
        "district_code": [c[:8] for c in codes],
        "district_name": ["Utara"] * 3 + ["Timur"] * 3,
        "rank": [3.0, 1.0, np.nan, 2.0, 5.0, 4.0],
        "score": [60.0, 90.0, np.nan, 70.0, 10.0, 20.0],
        "in_focus_list": [True, True, False, True, False, False],
        "focus_reason": ["top 3", "top 3", None, "top 3", None, None],
        "pocket": ["HH", "HH", "no_data", "ns", "LL", "HH"],
        "hotspot": ["hot", "hot", "no_data", "ns", "cold", "ns"],
        "desil1_share": [0.3, 0.5, np.nan, 0.2, 0.05, 0.25],
        "neighbours": [2, 2, 1, 2, 2, 1],
        "lisa_p": [0.01] * 6,
    }, geometry=[shapely.box(i, 0, i + 1, 1) for i in range(6)], crs="EPSG:4326")
    return frame


def test_district_filter_and_choices():
    villages = _villages()
    assert district_column(villages) == "district_name"
    assert districts(villages) == ["Timur", "Utara"]
    assert in_district(villages, "Timur")["village_name"].tolist() == ["D", "E", "F"]
    assert len(in_district(villages, ALL_DISTRICTS)) == 6
    unnamed = villages.assign(district_name=pd.NA)
    assert district_column(unnamed) == "district_code"
    assert village_choices(villages)["99.71.01.1001"] == "A — Utara (99.71.01.1001)"


def test_regency_and_district_choices_are_codes_labelled_by_names():
    villages = _villages()
    two = pd.concat([villages.assign(regency_code="99.71", regency_name="Kota Contoh"),
                     villages.assign(village_code=villages["village_code"].str.replace("99.71", "99.02"),
                                     district_code=villages["district_code"].str.replace("99.71", "99.02"),
                                     regency_code="99.02", regency_name="Kabupaten Contoh")],
                    ignore_index=True)
    assert regency_choices(villages.assign(regency_code="99.71")) == {"99.71": "99.71"}
    assert regency_choices(two) == {"99.02": "Kabupaten Contoh", "99.71": "Kota Contoh"}
    # district names repeat across regencies: each carries its regency, values stay codes
    assert district_choices(two) == {"99.02.02": "Timur — Kabupaten Contoh",
                                     "99.71.02": "Timur — Kota Contoh",
                                     "99.02.01": "Utara — Kabupaten Contoh",
                                     "99.71.01": "Utara — Kota Contoh"}
    assert district_choices(two, "99.71") == {"99.71.02": "Timur", "99.71.01": "Utara"}
    assert in_area(two, "99.02")["regency_name"].unique().tolist() == ["Kabupaten Contoh"]
    assert in_area(two, "99.02", "99.02.01")["village_name"].tolist() == ["A", "B", "C"]
    assert in_area(two, ALL_REGENCIES, "99.71.02")["village_code"].str.startswith("99.71.02").all()
    assert in_area(two, "99.02", "99.71.01").empty  # a district of another regency
    assert len(in_area(two)) == 12
    assert place_columns(two) == ("district_name", "regency_name")
    assert place_columns(villages) == ("district_name",)
    assert village_choices(two)["99.02.01.1001"] == "A — Utara, Kabupaten Contoh (99.02.01.1001)"
    unnamed = villages.assign(district_name=pd.NA)
    assert district_choices(unnamed) == {"99.71.01": "99.71.01", "99.71.02": "99.71.02"}
    assert village_choices(unnamed)["99.71.01.1001"] == "A — 99.71.01 (99.71.01.1001)"


def test_same_name_villages_of_kabupaten_pekalongan_are_told_apart(pekalongan_sql):
    from geo.boundaries.read import read_villages

    villages, _ = read_villages(pekalongan_sql, check_quality=False)
    labels = village_choices(villages)
    assert len(set(labels.values())) == len(labels) == 285
    sawangan = sorted(v for v in labels.values() if v.startswith("Sawangan "))
    assert len(sawangan) == 2
    districts_named = {v.split(" — ")[1].split(" (")[0] for v in sawangan}
    assert len(districts_named) == 2 and not any(d.startswith("33.") for d in districts_named)


def test_ranked_and_pocket_tables_name_the_regency_only_when_there_are_several():
    villages = _villages().assign(regency_code="99.71", regency_name="Kota Contoh")
    assert "regency_name" not in ranked_table(villages).columns
    two = villages.assign(regency_code=["99.71"] * 3 + ["99.02"] * 3)
    assert ranked_table(two).columns.tolist()[:5] == ["rank", "village_code", "village_name",
                                                     "district_name", "regency_name"]
    assert "regency_name" in pocket_table(two, "desil1_share").columns


def test_numeric_indicators_leave_out_ids_and_statistics():
    columns = numeric_indicators(_villages())
    assert "desil1_share" in columns and "score" in columns
    assert not {"neighbours", "lisa_p", "in_focus_list", "village_code"} & set(columns)


def test_ranked_table_orders_by_rank_with_unranked_last():
    table = ranked_table(_villages(), ["desil1_share", "score"])
    assert table["village_name"].tolist() == ["B", "D", "A", "F", "E", "C"]
    assert list(table.columns)[:3] == ["rank", "village_code", "village_name"]
    assert table.columns.tolist().count("score") == 1
    assert focus_table(table)["village_name"].tolist() == ["B", "D", "A"]


def test_pocket_table_keeps_only_high_high_highest_first():
    villages = _villages()
    table = pocket_table(villages, "desil1_share")
    assert table["village_name"].tolist() == ["B", "A", "F"]
    counts = pocket_counts(villages, ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data"))
    assert counts.values.tolist() == [["HH", 3], ["LL", 1], ["ns", 1], ["no_data", 1]]


def test_robustness_table_and_counts():
    villages = _villages()
    stability = pd.DataFrame({"village_code": villages["village_code"],
                              "in_focus_share": [0.95, 1.0, 0.0, 0.5, 0.0, 0.05],
                              "stability": ["solid in", "solid in", "solid out",
                                            "depends on weights", "solid out", "solid out"]})
    table = robustness_table(villages, stability)
    assert table["village_name"].tolist() == ["B", "A", "D", "F"]
    assert stability_counts(stability) == {"solid in": 2, "depends on weights": 1, "solid out": 3}


def test_with_values_joins_current_values_onto_display_shapes():
    villages = _villages()
    shapes = villages[["village_code", "village_name", "district_name", "geometry"]]
    drawn = with_values(shapes, in_district(villages, "Utara"), ["desil1_share", "district_name"])
    assert drawn["village_code"].tolist() == ["99.71.01.1001", "99.71.01.1002", "99.71.01.1003"]
    assert drawn["desil1_share"].iloc[1] == 0.5
    assert isinstance(drawn, gpd.GeoDataFrame) and drawn.index.tolist() == [0, 1, 2]


def test_profile_rows_and_neighbours():
    row = pd.Series({"people": 10, "mpi_m0": 0.1, "why_score": 3.0, "contrib_dep_water": 0.2})
    assert profile_rows(row, "indicators") == ["people", "mpi_m0"]
    assert profile_rows(row, "why") == ["why_score"]
    assert profile_rows(row, "mpi_breakdown") == ["contrib_dep_water"]
    near = neighbour_table(_villages())
    assert near["village_name"].tolist() == ["B", "D", "A", "F", "E", "C"]


def test_public_rejected_rows_carry_no_personal_data():
    rejected = pd.DataFrame({"source_row": [4], "outcome": ["invalid"], "reason": ["desil 0"],
                             "nik": ["3573010101010001"], "nama": ["Budi"]})
    public = public_rejected(rejected)
    assert list(public.columns) == ["source_row", "outcome", "reason"]
    assert public_rejected(None) is None


# --- tables as the reader reads them ---------------------------------------------------------

def test_screen_table_formats_per_language_and_hides_missing_values():
    from geo.presentation.views import MISSING, screen_table

    frame = pd.DataFrame({"households": [4449, None], "desil1_share": [0.1263, float("nan")],
                          "score": [87.34, None], "pocket": ["HH", None],
                          "in_focus_list": [True, False], "village_name": ["Sukun", ""]})
    indonesian = screen_table(frame, "id")
    assert indonesian.iloc[0].tolist() == ["4.449", "12,6 %", "87,34",
                                           "Kantong kemiskinan (Tinggi–Tinggi)", "Ya", "Sukun"]
    assert indonesian.iloc[1].tolist() == [MISSING, MISSING, MISSING, MISSING, "Tidak", MISSING]
    english = screen_table(frame, "en")
    assert english.iloc[0].tolist()[:4] == ["4,449", "12.6 %", "87.34", "Poverty pocket (High–High)"]
    assert list(indonesian.columns) == list(frame.columns)  # headers come from screen_headers
    assert frame["pocket"].iloc[0] == "HH"  # the stored values are untouched


def test_screen_headers_are_labels_with_overrides():
    from geo.i18n.labels import indicator_label
    from geo.presentation.views import screen_headers

    headers = screen_headers(["village_code", "count"], "id", {"count": "Jumlah"})
    assert headers == {"village_code": indicator_label("village_code", "id"), "count": "Jumlah"}


def test_markdown_text_shows_names_as_typed():
    from geo.presentation.views import markdown_text

    assert markdown_text("Sukun") == "Sukun"
    escaped = markdown_text("**Kauman** [x](javascript:1) $a$ <b>")
    assert "**" not in escaped.replace("\\*", "") and "\\[" in escaped and "\\$" in escaped
    assert escaped.replace("\\", "") == "**Kauman** [x](javascript:1) $a$ <b>"


def test_every_stored_value_has_both_languages():
    from geo.i18n import catalogue
    from geo.i18n.labels import VALUE_CODES, value_id, value_label

    for column, codes in VALUE_CODES.items():
        for code in codes:
            entry = catalogue()[value_id(column, code)]
            assert entry["id"] and entry["en"], (column, code)
            assert value_label(column, code, "en") == entry["en"]
    assert value_label("pocket", "not-a-code", "id") == "not-a-code"
    assert value_label("pocket", None, "id") is None


def test_robustness_columns_have_headers_not_raw_keys():
    from geo.presentation.views import column_header

    for lang in ("id", "en"):
        for column in ("rank_p5", "rank_median", "rank_p95", "in_focus_share", "stability"):
            assert column_header(column, lang) != column, (column, lang)
    assert column_header("rank_p5", "id") != column_header("rank_p5", "en")


# --- issue 19: a province's table written fast, the same text --------------------------

def test_screen_table_writes_each_cell_as_cell_text_does():
    """screen_table writes each distinct value of a column once; every cell still reads as
    cell_text reads it alone (what screen_table did cell by cell before): numbers, shares, flags, codes, messages, missing values, the
    negative zero ("-0,0 %"), mixed and unhashable cells, after a reorder and a language."""
    from geo.common.messages import encode
    from geo.presentation.views import cell_text, screen_table

    rng = np.random.default_rng(19)
    n = 400
    frame = pd.DataFrame({
        "rank": pd.array(list(range(1, n)) + [None], dtype="Int64"),
        "score": np.round(rng.random(n) * 100, 3),
        "desil1_share": np.where(rng.random(n) < 0.1, np.nan, rng.beta(2, 18, n)),
        "in_focus_list": pd.array(rng.random(n) < 0.3, dtype="boolean"),
        "village_name": rng.choice(["Dinoyo", "Sukamaju", None], n),
        "quadrant": rng.choice(["HH", "LL", "HL", None], n),
        "focus_reason": [encode("reason.top_n", n=5) if i % 3 else None for i in range(n)],
        "mixed": [True if i % 4 == 0 else (1 if i % 4 == 1 else ("x" if i % 4 == 2 else None))
                  for i in range(n)],
        "listed": [[1, 2] if i % 2 else None for i in range(n)],
    })
    frame.loc[3, "desil1_share"] = -0.0
    frame.loc[5, "desil1_share"] = 0.0
    for lang in ("id", "en"):
        for table in (frame, frame.sample(frac=1, random_state=1)):
            shown = screen_table(table, lang)
            for column in table.columns:
                expected = table[column].map(lambda v, c=column, la=lang: cell_text(c, v, la)).tolist()
                assert shown[column].tolist() == expected, (column, lang)
            assert shown.index.equals(table.index)
