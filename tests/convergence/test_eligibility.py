"""Eligibility expressions: parsed against a whitelist, evaluated on whole columns (issue 14)."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.common.errors import GeoInputError
from geo.convergence.eligibility import Eligibility, parse

HOUSEHOLDS = pd.DataFrame({
    "desil": pd.array([1, 4, 5, None, 9], dtype="Int64"),
    "dep_housing": pd.array([1, 0, 1, 1, 0], dtype="Int64"),
    "village_code": pd.array(["A", "A", "B", "B", None], dtype="string"),
})


@pytest.mark.parametrize("expression, expected", [
    ("desil <= 4", [True, True, False, False, False]),
    ("desil > 4", [False, False, True, False, True]),
    ("not desil <= 4", [False, False, True, True, True]),  # a missing desil is not <= 4
    ("desil <= 4 and dep_housing == 1", [True, False, False, False, False]),
    ("desil <= 4 or dep_housing == 1", [True, True, True, True, False]),
    ("2 <= desil <= 5", [False, True, True, False, False]),
    ("village_code == 'B'", [False, False, True, True, False]),
    ("village_code != 'A' and not (desil == 9)", [False, False, True, True, False]),
    ("desil >= -1", [True, True, True, False, True]),
])
def test_evaluates_on_whole_columns(expression, expected):
    got = Eligibility(expression).evaluate(HOUSEHOLDS)
    assert got.dtype == bool
    assert got.tolist() == expected


@pytest.mark.parametrize("expression, what", [
    ("__import__('os')", "Call"),
    ("__import__('os').system('true')", "Call"),
    ("desil.real > 1", "Attribute"),
    ("().__class__", "Attribute"),
    ("len(desil) > 0", "Call"),
    ("open('x')", "Call"),
    ("desil + 1 > 3", "BinOp"),
    ("desil[0] == 1", "Subscript"),
    ("lambda: 1", "Lambda"),
    ("desil in [1, 2]", "In"),
    ("desil is None", "Is"),
    ("__builtins__ == 1", "__builtins__"),
    ("[x for x in desil]", "ListComp"),
    ("desil <= ", "syntax"),
    ("", "empty"),
])
def test_refuses_anything_else_naming_the_expression(expression, what):
    with pytest.raises(GeoInputError) as caught:
        parse(expression)
    assert caught.value.message.code == "err.eligible_expression"
    assert caught.value.message.params["what"] == what
    assert caught.value.message.params["expression"] == expression


def test_unknown_column_is_named():
    with pytest.raises(GeoInputError) as caught:
        Eligibility("income < 5").evaluate(HOUSEHOLDS)
    assert caught.value.message.params["column"] == "income"
    assert "income < 5" in str(caught.value)


def test_number_against_text_is_refused():
    with pytest.raises(GeoInputError):
        Eligibility("village_code < 3").evaluate(HOUSEHOLDS)


def test_columns_read():
    assert Eligibility("desil <= 4 and (dep_housing == 1 or desil == 1)").columns == (
        "desil", "dep_housing")
