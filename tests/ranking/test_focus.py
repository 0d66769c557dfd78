"""Focus list rules, pins, quadrants and year-on-year comparison."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.config import FocusRules, Pin, RankConfig
from geo.common.messages import render_column
from geo.common.errors import GeoInputError
from geo.ranking.focus import compare_lists, focus_codes, quadrant_split, select_focus
from geo.ranking.scoring import score_villages

CONFIG = RankConfig.from_dict({"indicator": [{"column": "desil1_share", "weight": 1}]})


def english(frame):
    """The table with its focus reasons as an English reader sees them."""
    return frame.assign(focus_reason=render_column(frame["focus_reason"], "en"))


def scored_table(desil1_households, households, districts=None) -> pd.DataFrame:
    """Villages scored on the desil-1 share alone (so rank follows the share)."""
    n = len(households)
    districts = districts or ["01"] * n
    hh = np.asarray(households, dtype=float)
    d1 = np.asarray(desil1_households, dtype=float)
    df = pd.DataFrame({
        "village_code": [f"35.73.{d}.{1001 + i}" for i, d in enumerate(districts)],
        "households": hh,
        "desil1_households": d1,
        "desil1_share": np.where(hh > 0, d1 / np.where(hh > 0, hh, 1), np.nan),
    })
    return score_villages(df, CONFIG)


def pin(code, action, reason="field visit"):
    return Pin(village_code=code, action=action, reason=reason, by="TKPK")


def in_focus(selected) -> set[str]:
    return set(focus_codes(selected))


def test_top_n_and_reason():
    scored = scored_table([9, 1, 5, 3, 7], [10] * 5)
    out = select_focus(scored, FocusRules(top_n=2))
    assert in_focus(out) == {"35.73.01.1001", "35.73.01.1005"}
    assert set(english(out).loc[out["in_focus_list"], "focus_reason"]) == {"top 2"}
    assert english(out).loc[~out["in_focus_list"], "focus_reason"].isna().all()
    assert out["in_focus_list"].tolist()[:2] == [True, True]  # the list comes first


def test_score_threshold():
    scored = scored_table([9, 1, 5, 3, 7], [10] * 5)  # scores 100, 0, 50, 25, 75
    out = select_focus(scored, FocusRules(score_threshold=50))
    assert in_focus(out) == {"35.73.01.1001", "35.73.01.1003", "35.73.01.1005"}
    reason = english(out).loc[out["village_code"] == "35.73.01.1003", "focus_reason"].iloc[0]
    assert reason == "score at least 50"


def test_rules_combine_with_or_and_name_every_reason():
    scored = scored_table([9, 1, 5, 3, 7], [10] * 5)
    out = select_focus(scored, FocusRules(top_n=1, score_threshold=75)).set_index("village_code")
    assert english(out).loc["35.73.01.1001", "focus_reason"] == "top 1; score at least 75"
    assert english(out).loc["35.73.01.1005", "focus_reason"] == "score at least 75"


@pytest.mark.parametrize(("share", "expected"),
                         [(0.75, 2), (0.85, 3), (0.9, 3), (0.91, 4), (1.0, 5)])
def test_cover_extreme_poor_takes_the_fewest_villages(share, expected):
    counts = [10, 50, 5, 30, 5]  # total 100
    scored = scored_table(counts, [100] * 5)
    out = select_focus(scored, FocusRules(cover_extreme_poor=share))
    chosen = out[out["in_focus_list"]]
    assert len(chosen) == expected
    assert chosen["desil1_households"].sum() >= share * 100
    assert (english(chosen)["focus_reason"] == f"covers {100 * share:.0f} % of the extreme poor").all()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 60), min_size=1, max_size=9), st.floats(0.05, 1.0))
def test_greedy_cover_is_the_minimum_cardinality_set(counts, share):
    scored = scored_table(counts, [100] * len(counts))
    out = select_focus(scored, FocusRules(cover_extreme_poor=share))
    target = share * sum(counts)
    if sum(counts) == 0:
        assert not out["in_focus_list"].any()
        return
    fewest = next(k for k in range(1, len(counts) + 1)
                  if any(sum(c) >= target - 1e-9 for c in itertools.combinations(counts, k)))
    assert out["in_focus_list"].sum() == fewest


def test_pinned_out_never_appears_and_pinned_in_always_does():
    scored = scored_table([9, 1, 5, 3, 0], [10, 10, 10, 10, 0])  # the last has no households
    rules = FocusRules(top_n=2, cover_extreme_poor=1.0,
                       pins=(pin("35.73.01.1001", "out", "already funded by CSR"),
                             pin("35.73.01.1005", "in", "pilot kelurahan")))
    out = select_focus(scored, rules).set_index("village_code")
    assert not out.loc["35.73.01.1001", "in_focus_list"]
    assert english(out).loc["35.73.01.1001", "focus_reason"] == "pinned out: already funded by CSR (by TKPK)"
    assert out.loc["35.73.01.1005", "in_focus_list"]  # unranked, but pinned in
    assert "pinned in: pilot kelurahan (by TKPK)" in english(out).loc["35.73.01.1005", "focus_reason"]
    assert out.loc["35.73.01.1003", "in_focus_list"] and out.loc["35.73.01.1004", "in_focus_list"]


def test_pinned_out_villages_free_their_top_n_place():
    """ "top 3" gives three villages besides those pinned out: the next ones move up."""
    scored = scored_table([9, 8, 7, 6, 5, 4], [10] * 6)  # ranks follow the list order
    rules = FocusRules(top_n=3, pins=(pin("35.73.01.1001", "out", "funded by CSR"),
                                      pin("35.73.01.1003", "out", "funded by CSR")))
    out = select_focus(scored, rules)
    assert in_focus(out) == {"35.73.01.1002", "35.73.01.1004", "35.73.01.1005"}
    assert set(english(out).loc[out["in_focus_list"], "focus_reason"]) == {"top 3"}
    pinned_in = rules.pins + (pin("35.73.01.1006", "in", "pilot"),)
    both = select_focus(scored, FocusRules(top_n=3, pins=pinned_in))
    assert in_focus(both) == in_focus(out) | {"35.73.01.1006"}  # pins in come on top


def test_pinned_out_best_village_of_a_district_passes_to_the_next():
    scored = scored_table([9, 8, 1, 2], [10] * 4, districts=["01", "01", "02", "02"])
    rules = FocusRules(top_n=1, min_per_district=True,
                       pins=(pin("35.73.02.1004", "out", "already a pilot"),))
    out = select_focus(scored, rules).set_index("village_code")
    assert out.loc["35.73.02.1003", "in_focus_list"]
    assert english(out).loc["35.73.02.1003", "focus_reason"] == "best in district 35.73.02"


def test_cover_ties_at_the_cut_go_to_the_better_rank():
    # counts 5, 5, 5, 10 (total 25): 60 % = 15 needs the 10 and one of the three 5s;
    # shares .05, .25, .10, .10, so among the 5s the second village ranks best
    scored = scored_table([5, 5, 5, 10], [100, 20, 50, 100])
    out = select_focus(scored, FocusRules(cover_extreme_poor=0.6))
    assert in_focus(out) == {"35.73.01.1002", "35.73.01.1004"}


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_pins_always_win_whatever_the_rules(data):
    n = data.draw(st.integers(3, 12))
    counts = data.draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    scored = scored_table(counts, [20] * n, districts=[f"0{i % 3 + 1}" for i in range(n)])
    codes = scored["village_code"].tolist()
    chosen = data.draw(st.lists(st.sampled_from(codes), unique=True, max_size=n))
    split = data.draw(st.integers(0, len(chosen)))
    pins = tuple(pin(c, "out") for c in chosen[:split])
    pins += tuple(pin(c, "in") for c in chosen[split:])
    rules = FocusRules(top_n=data.draw(st.integers(0, n)),
                       score_threshold=data.draw(st.none() | st.floats(0, 100)),
                       cover_extreme_poor=data.draw(st.none() | st.floats(0.1, 1.0)),
                       min_per_district=data.draw(st.booleans()), pins=pins)
    listed = in_focus(select_focus(scored, rules))
    assert listed.isdisjoint(chosen[:split])
    assert set(chosen[split:]) <= listed


def test_unknown_pinned_code_is_a_user_error():
    scored = scored_table([1, 2], [10, 10])
    with pytest.raises(GeoInputError, match="35.73.09.9999"):
        select_focus(scored, FocusRules(pins=(pin("35.73.09.9999", "in"),)))


def test_at_least_one_village_per_district():
    scored = scored_table([9, 8, 7, 1, 2, 0], [10] * 6,
                          districts=["01", "01", "01", "02", "02", "03"])
    scored["district_name"] = scored["village_code"].str.slice(6, 8).map(
        {"01": "Blimbing", "02": "Klojen", "03": "Sukun"})
    out = select_focus(scored, FocusRules(top_n=2, min_per_district=True)).set_index("village_code")
    listed = out[out["in_focus_list"]]
    assert set(listed.index) == {"35.73.01.1001", "35.73.01.1002", "35.73.02.1005", "35.73.03.1006"}
    assert english(out).loc["35.73.02.1005", "focus_reason"] == "best in district Klojen"
    assert out.loc["35.73.01.1003", "in_focus_list"] == False  # noqa: E712 (district already in)


def test_quadrants_against_medians_and_high_high_first():
    # households 100 each; counts 40, 30, 2, 1, 20 with households varied for the rate
    df_counts = [40, 30, 2, 1, 20]
    households = [50, 300, 4, 100, 100]  # rates .8, .1, .5, .01, .2
    scored = scored_table(df_counts, households)
    out = select_focus(scored, FocusRules(top_n=5)).set_index("village_code")
    # medians: count 20, rate .2 ; "high" is strictly above
    assert out["quadrant"].to_dict() == {
        "35.73.01.1001": "high-high", "35.73.01.1002": "high-low", "35.73.01.1003": "low-high",
        "35.73.01.1004": "low-low", "35.73.01.1005": "low-low"}
    assert quadrant_split(scored) == {"by": "median", "desil1_households": 20.0,
                                      "desil1_share": 0.2}
    order = select_focus(scored, FocusRules(top_n=5))["quadrant"].tolist()
    assert order == ["high-high", "high-low", "low-high", "low-low", "low-low"]
    by_mean = quadrant_split(scored, "mean")
    assert by_mean["desil1_households"] == pytest.approx(18.6)


def test_compare_with_previous_year():
    assert compare_lists(["a", "b", "c"], ["b", "c", "d"]) == {
        "entered": ["a"], "stayed": ["b", "c"], "left": ["d"]}
    scored = scored_table([9, 1, 5, 3, 7], [10] * 5)
    out = select_focus(scored, FocusRules(top_n=2),
                       previous=["35.73.01.1001", "35.73.01.1002"]).set_index("village_code")
    assert out.loc["35.73.01.1001", "vs_previous"] == "stayed"
    assert out.loc["35.73.01.1005", "vs_previous"] == "entered"
    assert out.loc["35.73.01.1002", "vs_previous"] == "left"
    assert out.loc[["35.73.01.1003", "35.73.01.1004"], "vs_previous"].isna().all()


def test_needs_a_scored_table():
    with pytest.raises(GeoInputError, match="score the villages first"):
        select_focus(pd.DataFrame({"village_code": ["35.73.01.1001"]}), FocusRules(top_n=1))
