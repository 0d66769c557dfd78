"""Change between waves, diverging classes, trends, focus against similar villages (issue 15)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from geo.waves.change import DIVERGING, diverging_classes, village_change, village_trend
from geo.waves.focus import focus_against_decision, focus_vs_similar, persisted_pockets


def _table():
    return pd.DataFrame({"village_code": ["a", "b", "c"],
                         "desil1_share_q1": [0.25, 0.10, np.nan],
                         "desil1_share_q2": [0.20, 0.10, 0.5],
                         "desil1_share_q3": [0.30, 0.05, 0.4],
                         "m0_q1": [0.12, 0.02, np.nan], "m0_q3": [0.10, 0.05, 0.2]})


def test_village_change_in_points_and_m0():
    change = village_change(_table(), "q1", "q3")
    assert change["change_desil1_share"].tolist()[:2] == pytest.approx([5.0, -5.0])
    assert math.isnan(change["change_desil1_share"].iloc[2])  # no households in q1
    assert change["change_m0"].tolist()[:2] == pytest.approx([-0.02, 0.03])
    # a table without M0 columns still gives the share change
    no_m0 = village_change(_table().drop(columns=["m0_q1", "m0_q3"]), "q1", "q3")
    assert no_m0["change_m0"].isna().all()


def test_diverging_classes_are_symmetric_thirds_of_sevenths():
    # m = 7: cuts at -5, -3, -1, 1, 3, 5, 7 (upper edges, inclusive)
    classes = diverging_classes(pd.Series([-7.0, -4.0, -1.0, 0.5, 2.0, 6.0, np.nan]))
    assert classes.bins == pytest.approx((-5, -3, -1, 1, 3, 5, 7))
    assert classes.class_of.tolist() == [0, 1, 2, 3, 4, 6, -1]
    assert classes.colours.iloc[0] == DIVERGING[0] and classes.colours.iloc[5] == DIVERGING[6]
    assert [e["count"] for e in classes.legend] == [1, 1, 1, 1, 1, 0, 1, 1]
    assert classes.legend[-1]["lower"] is None  # no data last


def test_no_change_is_one_middle_class():
    classes = diverging_classes(pd.Series([0.0, 0.0]), lang="en")
    assert classes.class_of.tolist() == [3, 3] and len(classes.legend) == 1
    assert "unchanged" in classes.legend[0]["label"]


def test_village_trend_for_the_profile():
    trend = village_trend(_table(), "a", ["q1", "q2", "q3"])
    assert trend["desil1_share"].tolist() == [0.25, 0.20, 0.30]
    assert trend["m0"].tolist()[0] == 0.12 and math.isnan(trend["m0"].iloc[1])
    assert village_trend(_table(), "zz", ["q1"]).empty


def test_focus_against_similar_villages_by_hand():
    # ten villages, baseline shares 0.05 .. 0.50, two nearest not chosen per focus village
    codes = [f"v{i:02d}" for i in range(10)]
    change = pd.DataFrame({"village_code": codes,
                           "desil1_share_first": [0.05 * (i + 1) for i in range(10)],
                           "change_desil1_share": [1, 3, -2, 0, 4, 2, -6, -2, -3, 1]})
    result = focus_vs_similar(change, ["v01", "v06", "v07"], nearest=2)
    # v01 (0.10): v00, v02 (both 0.05 away; code order) -> (1 - 2) / 2 = -0.5; 3 - -0.5 = 3.5
    # v06 (0.35; v07 is chosen): v05 (0.05), v04 (0.10, before v08 by code) -> 3; -6 - 3 = -9
    # v07 (0.40): v08 (0.05), v05 (0.10, before v09) -> -0.5; -2 - -0.5 = -1.5
    rows = result.villages.set_index("village_code")
    assert rows["similar"].tolist() == ["v00, v02", "v05, v04", "v08, v05"]
    assert rows["difference_pp"].tolist() == pytest.approx([3.5, -9.0, -1.5])
    assert (result.focus, result.compared, result.unmatched) == (3, 3, 0)
    assert result.difference_pp == pytest.approx(-7 / 3)
    assert result.focus_change_pp == pytest.approx(-5 / 3)
    assert result.similar_change_pp == pytest.approx(2 / 3)
    assert result.focus_change_pp - result.similar_change_pp == pytest.approx(result.difference_pp)
    # baselines: focus (0.10 + 0.35 + 0.40) / 3, matches (0.10 + 0.275 + 0.375) / 3
    assert result.baseline_gap_pp == pytest.approx((0.85 - 0.75) / 3 * 100)
    assert result.to_dict()["villages"][0]["similar"] == "v00, v02"


def test_the_top_villages_still_find_comparisons():
    # the focus list is the top of the baseline (as a ranking by share makes it)
    codes = [f"v{i:02d}" for i in range(10)]
    change = pd.DataFrame({"village_code": codes, "desil1_share_first": [i / 10 for i in range(10)],
                           "change_desil1_share": [0.0] * 7 + [-3.0, -3.0, -3.0]})
    result = focus_vs_similar(change, ["v07", "v08", "v09"])
    assert result.compared == 3 and result.difference_pp == pytest.approx(-3.0)
    assert result.baseline_gap_pp > 0  # the matches start lower: said, not hidden


def test_villages_without_both_shares_are_left_out():
    change = pd.DataFrame({"village_code": ["a", "b", "c"], "desil1_share_first": [0.1, np.nan, 0.3],
                           "change_desil1_share": [1.0, 2.0, np.nan]})
    result = focus_vs_similar(change, ["b", "a"])
    assert result.compared == 0 and result.unmatched == 2 and math.isnan(result.difference_pp)


def test_persisted_pockets_from_given_labels(villages):
    table = pd.DataFrame({"village_code": villages["village_code"]})
    codes = list(villages["village_code"])
    both = persisted_pockets(villages, table, "a", "b",
                             pockets_first=pd.Series(["HH", "HH"], index=codes),
                             pockets_last=pd.Series(["HH", "ns"], index=codes))
    assert both.persisted == (codes[0],) and both.gone == (codes[1],) and both.new == ()


def test_focus_against_last_decision():
    from geo.decisions.store import Decision

    before = Decision("Lokus 2025", "tkpk", pd.DataFrame({"village_code": ["a", "b"],
                                                          "rank": [1, 2]}))
    now = pd.DataFrame({"village_code": ["b", "c"], "rank": [1, 2]})
    comparison = focus_against_decision(before, now)
    assert comparison.entered == ("c",) and comparison.left == ("a",)
    assert focus_against_decision(None, now) is None
