"""Join households to villages: one outcome per row, counts that sum, no personal data."""

from __future__ import annotations

import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely import Point, box

from geo.common.errors import GeoInputError
from geo.common.messages import render_cell, render_column
from geo.join.match import MATCHED, OUTCOMES, join_households, rejected_rows

# a 2 x 2 grid of one-degree villages; 1001 | 1002 on top of 1003 | 1004 (shared borders at
# longitude 113 and latitude -7)
CODES = ["35.73.01.1001", "35.73.01.1002", "35.73.01.1003", "35.73.01.1004"]
BOXES = [box(112, -7, 113, -6), box(113, -7, 114, -6), box(112, -8, 113, -7), box(113, -8, 114, -7)]
UNKNOWN = "35.73.09.9999"


@pytest.fixture(scope="module")
def villages() -> gpd.GeoDataFrame:
    # deliberately not in code order: the result must not depend on the layer's row order
    order = [3, 1, 0, 2]
    return gpd.GeoDataFrame(
        {"village_code": pd.array([CODES[i] for i in order], dtype="string")},
        geometry=[BOXES[i] for i in order],
        crs="EPSG:4326",
    )


def households(rows: list[dict]) -> pd.DataFrame:
    table = pd.DataFrame(
        {
            "household_id": pd.array([r.get("id") for r in rows], dtype="string"),
            "source_row": np.arange(1, len(rows) + 1),
            "village_code": pd.array([r.get("code") for r in rows], dtype="string"),
            "longitude": [r.get("x", np.nan) for r in rows],
            "latitude": [r.get("y", np.nan) for r in rows],
            "members": pd.array([3] * len(rows), dtype="Int64"),
            "problem": pd.array([r.get("problem") for r in rows], dtype="string"),
        }
    )
    return table


SCENARIOS = [
    # (row, outcome, assigned with prefer="code", assigned with prefer="location")
    ({"id": "h1", "code": CODES[0]}, "matched_code", CODES[0], CODES[0]),
    ({"id": "h2", "code": CODES[0], "x": 112.5, "y": -6.5}, "matched_code", CODES[0], CODES[0]),
    ({"id": "h3", "x": 113.5, "y": -7.5}, "matched_location", CODES[3], CODES[3]),
    ({"id": "h4", "code": UNKNOWN, "x": 113.5, "y": -6.5}, "matched_location", CODES[1], CODES[1]),
    ({"id": "h5", "code": CODES[0], "x": 113.5, "y": -7.5},
     "matched_code_location_disagree", CODES[0], CODES[3]),
    ({"id": "h6", "code": CODES[1], "x": 120.0, "y": -7.5},
     "matched_code_location_disagree", CODES[1], CODES[1]),
    ({"id": "h7", "code": UNKNOWN}, "unknown_code", None, None),
    ({"id": "h8", "code": UNKNOWN, "x": 120.0, "y": 0.0}, "unknown_code", None, None),
    ({"id": "h9", "x": 120.0, "y": 0.0}, "outside_villages", None, None),
    ({"id": "h10"}, "no_code_no_location", None, None),
    ({"id": "h11", "code": CODES[0], "problem": "desil 0 not in 1–10"}, "invalid", None, None),
    ({"id": "h1", "code": CODES[2]}, "duplicate_household", None, None),
    ({"code": CODES[2], "x": 112.5}, "matched_code", CODES[2], CODES[2]),  # half a point
]


@pytest.mark.parametrize("prefer", ["code", "location"])
def test_each_scenario_gets_its_outcome_and_village(villages, prefer):
    table = households([s[0] for s in SCENARIOS])
    joined, rec = join_households(table, villages, prefer=prefer)
    assert joined["outcome"].astype(str).tolist() == [s[1] for s in SCENARIOS]
    expected = [s[2] if prefer == "code" else s[3] for s in SCENARIOS]
    assert [None if pd.isna(c) else c for c in joined["village_code"]] == expected
    assert joined["village_code_given"].tolist()[:2] == [CODES[0], CODES[0]]
    assert rec.rows_in == len(SCENARIOS)
    assert set(rec.outcomes) == set(OUTCOMES) and sum(rec.outcomes.values()) == len(SCENARIOS)
    assert rec.outcomes["matched_code_location_disagree"] == 2


def test_reasons_say_what_to_fix(villages):
    table = households([s[0] for s in SCENARIOS])
    joined, rec = join_households(table, villages)
    reason = dict(zip(joined["source_row"], render_column(joined["reason"], "en").astype(object)))
    assert reason[1] is pd.NA or pd.isna(reason[1])  # a clean match needs no reason
    assert reason[4] == (f"village code {UNKNOWN} is not in the boundary layer and was never a "
                         "Kemendagri code (not in the 2022, 2023 or 2025 tables); matched by location")
    assert reason[5] == f"village code {CODES[0]} but the point lies in {CODES[3]}; code used"
    assert "outside every village; code used" in reason[6]
    assert reason[11] == "desil 0 not in 1–10"
    assert reason[12] == "household_id already used in source row 1"
    example = rec.examples["invalid"][0]
    assert {**example, "reason": render_cell(example["reason"], "en")} == {
        "source_row": 11, "reason": "desil 0 not in 1–10", "village_code": CODES[0]}
    indonesian = dict(zip(joined["source_row"], render_column(joined["reason"], "id")))
    assert indonesian[4] == (
        f"kode desa {UNKNOWN} tidak ada di lapisan batas wilayah dan tidak pernah menjadi kode "
        "Kemendagri (tidak tercantum di tabel 2022, 2023 maupun 2025); dicocokkan lewat lokasi")
    assert rec.examples["no_code_no_location"][0]["village_code"] is None


def test_duplicate_keeps_the_first_valid_occurrence(villages):
    table = households(
        [
            {"id": "k", "code": CODES[0], "problem": "members 0 must be at least 1"},
            {"id": "k", "code": CODES[1]},
            {"id": "k", "code": CODES[2]},
            {"code": CODES[3]},  # no id: never a duplicate
            {"code": CODES[3]},
        ]
    )
    joined, _ = join_households(table, villages)
    assert joined["outcome"].astype(str).tolist() == [
        "invalid", "matched_code", "duplicate_household", "matched_code", "matched_code"
    ]
    assert render_column(joined["reason"], "en").iloc[2] == "household_id already used in source row 2"


def test_shared_border_is_deterministic_and_respects_the_code(villages):
    corner = {"x": 113.0, "y": -7.0}  # touches all four villages
    edge = {"x": 113.0, "y": -6.5}  # on the border of 1001 and 1002
    table = households(
        [{"id": "a", **corner}, {"id": "b", **edge}, {"id": "c", "code": CODES[1], **edge},
         {"id": "d", "code": CODES[3], **corner}]
    )
    joined, _ = join_households(table, villages, prefer="location")
    assert joined["village_code"].tolist() == [CODES[0], CODES[0], CODES[1], CODES[3]]
    assert joined["outcome"].astype(str).tolist() == [
        "matched_location", "matched_location", "matched_code", "matched_code"
    ]
    reversed_layer = villages.iloc[::-1].reset_index(drop=True)
    again, _ = join_households(table, reversed_layer, prefer="location")
    assert again["village_code"].tolist() == joined["village_code"].tolist()


def test_projected_layer_gives_the_same_join(villages):
    table = households([s[0] for s in SCENARIOS])
    joined, rec = join_households(table, villages)
    utm, rec_utm = join_households(table, villages.to_crs("EPSG:32749"))
    assert utm["outcome"].tolist() == joined["outcome"].tolist()
    assert rec_utm.to_dict() == rec.to_dict()


def test_reconciliation_is_json_and_free_of_personal_data(villages):
    table = households([s[0] for s in SCENARIOS])
    table["household_id"] = pd.array(
        [f"3573010101800001-{i}" for i in range(len(table))], dtype="string"
    )  # as if an id were a NIK: it must not appear in what is shown or downloaded
    table.loc[11, "household_id"] = table.loc[0, "household_id"]
    # columns that ingest should have dropped: even if they slip through, nothing echoes them
    table["nama"] = "Siti Rahayu"
    table["nik"] = "3573014107800002"
    joined, rec = join_households(table, villages)
    text = json.dumps(rec.to_dict())
    for secret in ("3573010101800001", "Siti Rahayu", "3573014107800002"):
        assert secret not in text
        assert secret not in rejected_rows(joined).to_csv()
    assert json.loads(text)["rows_in"] == len(table)
    rejected = rejected_rows(joined)
    assert list(rejected.columns) == ["source_row", "outcome", "reason"]
    assert "3573010101800001" not in rejected.to_csv()
    not_used = ~joined["outcome"].isin(MATCHED)
    assert rejected["source_row"].tolist() == joined.loc[not_used, "source_row"].tolist()
    assert rejected["reason"].notna().all()


def test_bad_arguments_are_user_errors(villages):
    with pytest.raises(GeoInputError, match="prefer"):
        join_households(households([{"id": "a"}]), villages, prefer="nearest")
    with pytest.raises(GeoInputError, match="village_code"):
        join_households(households([{"id": "a"}]),
                        villages.rename(columns={"village_code": "kode"}))


def test_empty_table_and_layer_without_geometry(villages):
    joined, rec = join_households(households([]), villages)
    assert len(joined) == 0 and rec.rows_in == 0 and sum(rec.outcomes.values()) == 0
    # a layer of codes only cannot place a point: coordinates are ignored, codes still match
    rows = [{"id": "a", "x": 112.5, "y": -6.5}, {"id": "b", "code": CODES[1]},
            {"id": "c", "code": CODES[1], "x": 112.5, "y": -6.5}]
    empty_geometry = villages.assign(geometry=None)
    for layer in (pd.DataFrame({"village_code": CODES}), empty_geometry):
        joined, rec = join_households(households(rows), layer)
        assert joined["outcome"].astype(str).tolist() == [
            "no_code_no_location", "matched_code", "matched_code"]
        assert render_column(joined["reason"], "en").iloc[0] == (
            "no village code; coordinates not used: the village layer has no polygons")
        assert rec.outcomes["outside_villages"] == rec.outcomes[
            "matched_code_location_disagree"] == 0


def test_unusable_code_from_ingest_is_placed_by_location(villages):
    note = "village code is not a Kemendagri village code: the village part must start with 1"
    table = households([{"id": "a", "x": 113.5, "y": -6.5}, {"id": "b", "x": 120.0, "y": 0.0},
                        {"id": "c"}, {"id": "d", "x": 113.5, "y": -6.5}])
    table["code_note"] = pd.array([note, note, note, None], dtype="string")
    joined, _ = join_households(table, villages)
    assert joined["outcome"].astype(str).tolist() == [
        "matched_location", "outside_villages", "no_code_no_location", "matched_location"]
    assert joined["village_code"].iloc[0] == CODES[1]
    reason = render_column(joined["reason"], "en").tolist()
    assert reason[0] == note + "; matched by location"
    assert reason[1] == note + "; the point is outside every village too"
    assert reason[2] == note + "; no coordinates"
    assert pd.isna(reason[3])


def test_long_numbers_are_masked_even_when_the_table_skipped_ingest(villages):
    table = households([{"id": "a", "code": "3573014107800002"},
                        {"id": "b", "problem": "members 3573014107800002 is odd"}])
    joined, rec = join_households(table, villages)
    text = json.dumps(rec.to_dict()) + rejected_rows(joined).to_csv()
    assert "3573014107800002" not in text and "[number removed]" in text


# --- property: every row gets exactly one outcome, and the accounting always sums ------------

coordinate = st.one_of(
    st.sampled_from([112.0, 113.0, 114.0, -6.0, -7.0, -8.0, np.nan]),  # borders, corners, missing
    st.floats(111.0, 115.0),
)
row_strategy = st.fixed_dictionaries(
    {
        "id": st.one_of(st.none(), st.sampled_from(["a", "b", "c", "d", "e"])),
        "code": st.one_of(st.none(), st.sampled_from(CODES + [UNKNOWN, "35.74.01.2001"])),
        "x": coordinate,
        "y": st.one_of(st.floats(-9.0, -5.0), st.sampled_from([-6.0, -7.0, -8.0, np.nan])),
        "problem": st.one_of(st.none(), st.just("members 0 must be at least 1")),
    }
)


def oracle(rows: list[dict], prefer: str) -> list[tuple[str, str | None]]:
    """Row-by-row reference: plain Python and shapely scalar predicates."""
    seen, out = set(), []
    for r in rows:
        if r["problem"]:
            out.append(("invalid", None))
            continue
        if r["id"] is not None and r["id"] in seen:
            out.append(("duplicate_household", None))
            continue
        if r["id"] is not None:
            seen.add(r["id"])
        has_point = not (np.isnan(r["x"]) or np.isnan(r["y"]))
        covering = sorted(
            c for c, b in zip(CODES, BOXES) if has_point and b.covers(Point(r["x"], r["y"]))
        )
        known = r["code"] in CODES
        if known and has_point and r["code"] not in covering:
            out.append(("matched_code_location_disagree",
                        covering[0] if prefer == "location" and covering else r["code"]))
        elif known:
            out.append(("matched_code", r["code"]))
        elif covering:
            out.append(("matched_location", covering[0]))
        elif r["code"] is not None:
            out.append(("unknown_code", None))
        elif has_point:
            out.append(("outside_villages", None))
        else:
            out.append(("no_code_no_location", None))
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(row_strategy, max_size=30), st.sampled_from(["code", "location"]))
def test_accounting_always_sums_and_matches_a_row_by_row_reference(villages, rows, prefer):
    joined, rec = join_households(households(rows), villages, prefer=prefer)
    assert len(joined) == len(rows) == rec.rows_in
    assert sum(rec.outcomes.values()) == rec.rows_in
    assert set(rec.outcomes) == set(OUTCOMES)
    assert joined["outcome"].notna().all() and set(joined["outcome"].astype(str)) <= set(OUTCOMES)
    expected = oracle(rows, prefer)
    assert joined["outcome"].astype(str).tolist() == [o for o, _ in expected]
    got = [None if pd.isna(c) else c for c in joined["village_code"].astype(object)]
    assert got == [c for _, c in expected]
    for outcome, count in rec.outcomes.items():
        assert count == sum(o == outcome for o, _ in expected)
        if outcome not in ("matched_code", "matched_location"):
            assert len(rec.examples[outcome]) == min(count, 5)


# --- real boundaries: Kota Malang (57 villages, one MultiPolygon) -----------------------------


@pytest.fixture(scope="module")
def malang(malang_sql) -> gpd.GeoDataFrame:
    from geo.boundaries.read import read_villages

    villages, _ = read_villages([malang_sql])
    return villages


def test_real_boundaries_agree_with_geopandas_sjoin(malang):
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = malang.total_bounds
    n = 5000  # random points over the city's bounding box: most inside, some outside
    x, y = rng.uniform(minx, maxx, n), rng.uniform(miny, maxy, n)
    table = households([{"id": f"p{i}", "x": a, "y": b} for i, (a, b) in enumerate(zip(x, y))])
    joined, rec = join_households(table, malang)

    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(x, y), crs="EPSG:4326")
    hits = gpd.sjoin(points, malang[["village_code", "geometry"]], predicate="intersects")
    expected = hits.groupby(level=0)["village_code"].min().reindex(range(n))
    got = joined["village_code"]
    assert (got.isna().to_numpy() == expected.isna().to_numpy()).all()
    assert (got.dropna() == expected.dropna()).all()
    assert rec.outcomes["matched_location"] == expected.notna().sum()
    assert rec.outcomes["outside_villages"] == expected.isna().sum() > 0

    # every village's representative point, with its own code, then with its neighbour's code
    inside = malang.representative_point()
    codes = malang["village_code"].tolist()
    shifted = codes[1:] + codes[:1]
    rows = [{"id": f"own{i}", "code": c, "x": p.x, "y": p.y}
            for i, (c, p) in enumerate(zip(codes, inside))]
    rows += [{"id": f"other{i}", "code": c, "x": p.x, "y": p.y}
             for i, (c, p) in enumerate(zip(shifted, inside))]
    joined, rec = join_households(households(rows), malang, prefer="location")
    assert rec.outcomes["matched_code"] == len(codes)
    assert rec.outcomes["matched_code_location_disagree"] == len(codes)
    assert joined["village_code"].tolist() == codes + codes  # the location won every time


def test_reconciliation_is_frozen_and_round_trips():
    import dataclasses

    from geo.households.report import IngestReport
    from geo.join.match import Reconciliation

    households = pd.DataFrame({"household_id": ["a", "b"], "village_code": ["99.71.01.1001", None],
                               "members": [2, 3], "desil": [1, 2]})
    villages = gpd.GeoDataFrame({"village_code": ["99.71.01.1001"]},
                                geometry=[box(0, 0, 1, 1)], crs="EPSG:4326")
    _, rec = join_households(households, villages, prefer="location")
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.rows_in = 0
    assert rec.prefer == "location" and rec.ingest is None and rec.backend is None
    with_ingest = dataclasses.replace(rec, ingest=IngestReport(rows_read=2))
    data = with_ingest.to_dict()
    assert list(data) == ["rows_in", "outcomes", "examples", "ingest", "prefer", "overlap"]
    assert json.loads(json.dumps(data)) == data
    assert Reconciliation.from_dict(data).to_dict() == data
    assert sum(data["outcomes"].values()) == data["rows_in"] == 2
