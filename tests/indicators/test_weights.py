from fractions import Fraction

import pytest

from geo.common.errors import GeoInputError
from geo.households.schema import GLOBAL_MPI_WEIGHTS
from geo.indicators.weights import reweight_missing


def test_nothing_missing_keeps_the_weights():
    weights, notes = reweight_missing(GLOBAL_MPI_WEIGHTS, GLOBAL_MPI_WEIGHTS)
    assert weights == GLOBAL_MPI_WEIGHTS and notes == []


def test_missing_nutrition_gives_its_weight_to_child_mortality():
    available = set(GLOBAL_MPI_WEIGHTS) - {"dep_nutrition"}
    weights, notes = reweight_missing(GLOBAL_MPI_WEIGHTS, available)
    assert weights["dep_child_mortality"] == Fraction(1, 3)   # health keeps its third
    assert weights["dep_schooling"] == Fraction(1, 6)
    assert sum(weights.values()) == 1
    assert len(notes) == 1 and "dep_nutrition" in notes[0]


def test_a_whole_missing_dimension_is_shared_among_the_others():
    available = set(GLOBAL_MPI_WEIGHTS) - {"dep_nutrition", "dep_child_mortality"}
    weights, _ = reweight_missing(GLOBAL_MPI_WEIGHTS, available)
    # education and living standards had 1/3 each: now 1/2 each
    assert weights["dep_schooling"] == Fraction(1, 4)
    assert weights["dep_water"] == Fraction(1, 12)
    assert sum(weights.values()) == 1


def test_no_indicator_at_all_is_a_user_error():
    with pytest.raises(GeoInputError, match="none of the weighted deprivation indicators"):
        reweight_missing(GLOBAL_MPI_WEIGHTS, [])
