"""``[[programme]]`` tables in the config (issue 14): optional, checked at load."""

from __future__ import annotations

import pytest

from geo.common.errors import GeoInputError
from geo.config import default_config
from geo.config.load import config_from_text

ONLY_PROGRAMMES = """
[[programme]]
name = "RTLH"
agency = "Dinas Perumahan"
eligible = "dep_housing == 1 and desil <= 5"
strategy = "reduce_burden"
budget_tag = "langsung"
"""


def test_a_config_of_programme_tables_only_takes_defaults_for_the_rest():
    config = config_from_text(ONLY_PROGRAMMES)
    assert [p.name for p in config.programmes] == ["RTLH"]
    assert config.indicators == default_config().indicators
    assert default_config().programmes == ()
    again = config_from_text(config.to_json())  # to_dict reads back, programmes included
    assert again.programmes == config.programmes


@pytest.mark.parametrize("line, word", [
    ('eligible = "__import__(\'os\')"', "eligible"),
    ('eligible = "desil.real < 3"', "eligible"),
    ('eligible = "desil <= 4"\nstrategy = "give_money"', "strategy"),
    ('eligible = "desil <= 4"\nbudget_tag = "besar"', "budget_tag"),
])
def test_bad_programme_tables_are_refused_naming_the_key(line, word):
    text = f'[[programme]]\nname = "X"\nagency = "Y"\n{line}\n'
    with pytest.raises(GeoInputError) as caught:
        config_from_text(text)
    assert f"programme[1].{word}" in str(caught.value)


def test_a_programme_twice_is_refused():
    with pytest.raises(GeoInputError, match="programme 'RTLH' is listed twice"):
        config_from_text(ONLY_PROGRAMMES + ONLY_PROGRAMMES)
