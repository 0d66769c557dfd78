"""Classes on zero-heavy indicators (issue 20 item 1): a zero class, then the scheme on the rest."""

import numpy as np
import pandas as pd
import pytest

from geo.presentation.display import SCHEMES, classify


def zero_heavy(n: int = 8494, share_zero: float = 0.86, seed: int = 0) -> pd.Series:
    """A Jawa Timur-like desil-1 share: most villages have none, a skewed tail has some."""
    rng = np.random.default_rng(seed)
    values = np.where(rng.random(n) < share_zero, 0.0, rng.beta(1, 8, n))
    values[:50] = np.nan
    return pd.Series(values)


@pytest.mark.parametrize("scheme", list(SCHEMES))
def test_zero_class_then_k_classes_of_the_rest(scheme):
    values = zero_heavy()
    classes = classify(values, scheme, 5, indicator="desil1_share", lang="id")
    zero, *rest, no_data = classes.legend
    assert zero.get("zero") and zero["label"] == "0,0 %"
    assert zero["count"] == int((values == 0).sum())
    assert no_data["no_data"] and no_data["count"] == 50
    assert len(rest) == 5 and classes.note == ""
    assert rest[0]["label"].startswith("> 0,0 % – ")  # not "0,0 % – 0,0 %"
    assert len({e["label"] for e in classes.legend}) == len(classes.legend)
    assert sum(e["count"] for e in classes.legend) == len(values)
    assert (classes.class_of[values == 0] == 0).all()
    assert (classes.class_of[values > 0] >= 1).all()


def test_few_distinct_values_give_a_note_in_both_languages():
    values = pd.Series([0, 0, 0, 0, 0.1, 0.2, 0.2, np.nan])
    en = classify(values, "quantiles", 5, indicator="desil1_share", lang="en")
    labels = [e["label"] for e in en.legend]
    assert labels == ["0.0 %", "10.0 %", "20.0 %", "no data"]
    assert "2 classes, not 5" in en.note and "2 distinct" in en.note
    ident = classify(values, "quantiles", 5, indicator="desil1_share", lang="id")
    assert "2 kelas, bukan 5" in ident.note


def test_bounds_that_round_alike_get_more_decimals():
    values = pd.Series([0.10001, 0.10002, 0.10004, 0.10005] * 3 + [0.1003])
    classes = classify(values, "equal_interval", 2, indicator="desil1_share", lang="en")
    for entry in classes.legend:
        parts = entry["label"].split(" – ")
        assert len(parts) == 1 or parts[0] != parts[1]


def test_head_tail_breaks_on_a_heavy_tail_caps_at_k():
    values = pd.Series(np.random.default_rng(1).pareto(1.2, 3000) + 1)  # no zeros
    classes = classify(values, "head_tail", 4, indicator="population", lang="en")
    assert 2 <= len(classes.legend) <= 4
    assert not any(e.get("zero") for e in classes.legend)
    counts = [e["count"] for e in classes.legend]
    assert counts[0] > counts[-1]  # head/tail: most values in the first class


def test_scores_have_no_zero_class():
    values = pd.Series([0.0, 0.0, 0.5, 1.0, 1.5, 2.0])
    classes = classify(values, "quantiles", 3, indicator="score", lang="en")
    assert not any(e.get("zero") for e in classes.legend)
