"""Composite score, deterministic rank, and the per-indicator "why"."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.config import RankConfig, default_config
from geo.common.errors import GeoInputError
from geo.ranking.scoring import explain, prepare_scores, score_villages


def config(*indicators, **extra) -> RankConfig:
    return RankConfig.from_dict({"indicator": list(indicators), **extra})


def table(**columns) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"village_code": [f"35.73.01.{1001 + i}" for i in range(n)], "households": [10] * n}
    return pd.DataFrame({**base, **columns})


def test_minmax_scores_by_hand():
    # x: 0, 5, 10 -> 0, .5, 1 (higher is worse); y: 4, 2, 0 with higher_is_better -> 0, .5, 1
    df = table(mpi_m0=[0.0, 5.0, 10.0], cov_pkh=[4.0, 2.0, 0.0])
    cfg = config({"column": "mpi_m0", "weight": 3},
                 {"column": "cov_pkh", "weight": 1, "direction": "higher_is_better"})
    scored = score_villages(df, cfg)
    assert scored["score"].tolist() == pytest.approx([0.0, 50.0, 100.0])
    assert scored["why_mpi_m0"].tolist() == pytest.approx([0.0, 37.5, 75.0])
    assert scored["why_cov_pkh"].tolist() == pytest.approx([0.0, 12.5, 25.0])
    assert scored["rank"].tolist() == [3, 2, 1]
    assert list(scored.index) == list(df.index)  # same rows, same order


def test_percentile_and_zscore_by_hand():
    df = table(desil1_households=[10.0, 40.0, 20.0, 30.0, 20.0], mpi_m0=[1.0, 1.0, 1.0, 1.0, 11.0])
    pct = score_villages(df, config({"column": "desil1_households", "weight": 1,
                                     "normalisation": "percentile"}))
    # ranks 1, 5, 2.5, 4, 2.5 -> (r - 1) / 4
    assert pct["score"].tolist() == pytest.approx([0.0, 100.0, 37.5, 75.0, 37.5])
    z = score_villages(df, config({"column": "mpi_m0", "weight": 1, "normalisation": "zscore"}))
    # mean 3, population SD 4: z = -0.5 and 2 -> (z + 3) / 6
    assert z["score"].tolist() == pytest.approx([250 / 6] * 4 + [500 / 6])


def test_zscore_is_clipped_at_three_sd():
    values = [0.0] * 99 + [100.0]  # the outlier is 9.95 SD above the mean
    scored = score_villages(table(mpi_m0=values), config({"column": "mpi_m0", "weight": 1,
                                                          "normalisation": "zscore"}))
    assert scored["score"].iloc[-1] == pytest.approx(100.0)
    assert scored["score"].iloc[0] == pytest.approx(100 * (3 - 0.1005) / 6, abs=0.01)


@pytest.mark.parametrize(("policy", "expected"), [
    ("worst", 100.0), ("zero", 0.0), ("median", 50.0),
])
def test_missing_value_policies(policy, expected):
    df = table(mpi_m0=[0.0, 0.5, 1.0, np.nan])
    scored = score_villages(df, config({"column": "mpi_m0", "weight": 1, "missing": policy}))
    assert scored["score"].iloc[3] == pytest.approx(expected)
    assert scored["rank"].notna().all()


def test_exclude_shares_the_missing_weight_among_the_other_indicators():
    df = table(mpi_m0=[0.0, 1.0, np.nan], desil1_share=[0.0, 0.2, 0.4])
    cfg = config({"column": "mpi_m0", "weight": 1, "missing": "exclude"},
                 {"column": "desil1_share", "weight": 1})
    scored = score_villages(df, cfg)
    # village 3: only desil1_share counts, with the full weight: normalised 1.0 -> 100 points
    assert scored["score"].iloc[2] == pytest.approx(100.0)
    assert scored["why_mpi_m0"].iloc[2] == 0.0
    assert scored["score"].iloc[1] == pytest.approx(50 * 1.0 + 50 * 0.5)
    rows = {c.indicator: c for c in explain(scored, "35.73.01.1003", cfg)}
    assert rows["desil1_share"].weight == pytest.approx(1.0) and rows["mpi_m0"].weight == 0.0


def test_ties_go_to_more_desil1_households_then_lower_code():
    df = pd.DataFrame({
        "village_code": ["35.73.01.1004", "35.73.01.1002", "35.73.01.1003", "35.73.01.1001"],
        "households": [10, 10, 10, 10],
        "mpi_m0": [0.5, 0.5, 0.5, 0.1],
        "desil1_households": [3, 7, 3, 9],
    })
    scored = score_villages(df, config({"column": "mpi_m0", "weight": 1}))
    by_code = scored.set_index("village_code")["rank"].to_dict()
    assert by_code == {"35.73.01.1002": 1, "35.73.01.1003": 2, "35.73.01.1004": 3,
                       "35.73.01.1001": 4}


def test_villages_without_households_are_not_ranked_unless_configured():
    df = table(mpi_m0=[0.2, 0.4, np.nan, 0.3])
    df.loc[2, "households"] = 0
    cfg = config({"column": "mpi_m0", "weight": 1, "missing": "worst"})
    scored = score_villages(df, cfg)
    assert scored["rank"].isna().tolist() == [False, False, True, False]
    assert np.isnan(scored["score"].iloc[2]) and np.isnan(scored["why_mpi_m0"].iloc[2])
    assert sorted(scored["rank"].dropna().tolist()) == [1, 2, 3]
    everyone = score_villages(df, config({"column": "mpi_m0", "weight": 1, "missing": "worst"},
                                         scoring={"rank_empty_villages": True}))
    # missing counts as worst (100, tied with the highest value; the lower code wins the tie)
    assert everyone["score"].iloc[2] == pytest.approx(100.0)
    assert everyone["rank"].tolist() == [4, 1, 2, 3]


def test_empty_villages_do_not_stretch_the_scale():
    df = table(mpi_m0=[0.2, 0.4, 5.0])
    df.loc[2, "households"] = 0
    scored = score_villages(df, config({"column": "mpi_m0", "weight": 1}))
    assert scored["score"].iloc[:2].tolist() == pytest.approx([0.0, 100.0])


def test_contributions_sum_to_score_and_explain_the_rank():
    rng = np.random.default_rng(7)
    n = 200
    hh = rng.integers(1, 300, n)
    d1 = rng.binomial(hh, 0.15)
    df = table(mpi_m0=rng.beta(1, 5, n), desil1_share=d1 / hh, desil1_households=d1,
               mpi_poor_people=rng.integers(0, 500, n))
    df["households"] = hh
    scored = score_villages(df, default_config())
    why = scored.filter(like="why_").sum(axis=1)
    assert np.allclose(why, scored["score"])
    assert scored["score"].between(0, 100).all()
    assert sorted(scored["rank"].tolist()) == list(range(1, n + 1))
    assert (scored.sort_values("rank")["score"].diff().dropna() <= 1e-9).all()
    third = scored.loc[scored["rank"] == 3, "village_code"].iloc[0]
    row = scored.loc[scored["rank"] == 3].iloc[0]
    rows = explain(scored, third, default_config())
    assert [r.indicator for r in rows] == sorted((r.indicator for r in rows),
                                                 key=lambda name: -row[f"why_{name}"])
    assert sum(r.points for r in rows) == pytest.approx(row["score"])
    for r in rows:
        assert r.points == pytest.approx(100 * r.weight * r.normalised)
        assert r.value == pytest.approx(df.loc[df["village_code"] == third, r.indicator].iloc[0])


def test_default_surfaces_small_high_rate_and_large_many_poor_villages():
    rng = np.random.default_rng(11)
    n = 30
    hh = rng.integers(100, 200, n)
    share = rng.uniform(0.10, 0.20, n)
    df = table(desil1_households=np.round(hh * share), desil1_share=share,
               mpi_m0=rng.uniform(0.05, 0.10, n), mpi_poor_people=np.round(hh * share * 3))
    df["households"] = hh
    small = {"households": 10, "desil1_households": 9, "desil1_share": 0.9, "mpi_m0": 0.6,
             "mpi_poor_people": 20}
    large = {"households": 2000, "desil1_households": 300, "desil1_share": 0.15, "mpi_m0": 0.08,
             "mpi_poor_people": 900}
    df.loc[5, list(small)] = list(small.values())
    df.loc[17, list(large)] = list(large.values())
    scored = score_villages(df, default_config())
    # worst on both depth indicators, or on both size indicators: at least half the points
    assert scored.loc[5, "score"] >= 50 and scored.loc[17, "score"] >= 50
    assert scored.loc[5, "rank"] <= 5 and scored.loc[17, "rank"] <= 5


def test_prepared_inputs_give_the_same_result_after_a_weight_change():
    rng = np.random.default_rng(3)
    df = table(mpi_m0=rng.random(50), desil1_share=rng.random(50),
               desil1_households=rng.integers(0, 50, 50), mpi_poor_people=rng.integers(0, 90, 50))
    base = default_config()
    prepared = prepare_scores(df, base)
    changed = base.with_weights({"mpi_m0": 3.0})
    pd.testing.assert_frame_equal(score_villages(df, changed, prepared=prepared),
                                  score_villages(df, changed))
    # a different normalisation is not served from the stale matrix
    other = RankConfig.from_dict({**base.to_dict(), "indicator": [
        {**base.to_dict()["indicator"][0], "normalisation": "percentile"}]})
    pd.testing.assert_frame_equal(score_villages(df, other, prepared=prepared),
                                  score_villages(df, other))


def test_rescoring_a_scored_table_and_index_codes():
    df = table(mpi_m0=[0.1, 0.3, 0.2])
    cfg = config({"column": "mpi_m0", "weight": 1})
    once = score_villages(df, cfg)
    twice = score_villages(once, cfg)
    assert list(twice.columns) == list(once.columns)
    indexed = score_villages(df.set_index("village_code"), cfg)
    assert indexed["rank"].tolist() == once["rank"].tolist()


def test_user_errors():
    df = table(mpi_m0=[0.1, 0.3])
    with pytest.raises(GeoInputError, match="desil1_share"):
        score_villages(df, config({"column": "desil1_share", "weight": 1}))
    with pytest.raises(GeoInputError, match="village_code"):
        score_villages(df.drop(columns="village_code"), config({"column": "mpi_m0", "weight": 1}))
    only_m0 = config({"column": "mpi_m0", "weight": 1})
    scored = score_villages(df, only_m0)
    with pytest.raises(GeoInputError, match="not in the ranking"):
        explain(scored, "35.73.99.9999", only_m0)
