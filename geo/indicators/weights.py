"""MPI weights when the household file lacks an indicator altogether.

DTSEN/DTKS extracts rarely carry nutrition or child mortality. Counting a missing column as
"nobody deprived" silently lowers the MPI; the practice of national MPIs (Alkire & Santos) is
to give a missing indicator's weight to the other indicators of the *same dimension*, and to
share a wholly missing dimension's weight among the remaining dimensions in proportion. The
result is recorded in the method so that nobody mistakes it for the global MPI.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Mapping

from geo.common.errors import GeoInputError
from geo.common.messages import encode
from geo.i18n import Message, has_text

#: The global MPI's dimensions (health, education, living standards).
DIMENSIONS: dict[str, tuple[str, ...]] = {
    "health": ("dep_nutrition", "dep_child_mortality"),
    "education": ("dep_schooling", "dep_attendance"),
    "living_standards": ("dep_cooking_fuel", "dep_sanitation", "dep_water",
                         "dep_electricity", "dep_housing", "dep_assets"),
}


def _dimension_message(dimension: str):
    """The dimension's name as a message (``dim.living_standards``), or as it is when unknown."""
    code = f"dim.{dimension}"
    return Message(code) if has_text(code) else dimension.replace("_", " ")


def _dimension_of(indicator: str) -> str:
    for name, members in DIMENSIONS.items():
        if indicator in members:
            return name
    return indicator  # an indicator outside the global MPI is a dimension of its own


def reweight_missing(weights: Mapping[str, Fraction], available) -> tuple[dict[str, Fraction], list[str]]:
    """Weights over the indicators the data has, keeping each dimension's share where possible.

    Parameters
    ----------
    weights : indicator -> weight (Fractions summing to 1).
    available : the indicators that have at least one value in the data.

    Returns
    -------
    weights : indicator -> weight over the available indicators (sums to 1; unchanged when
        nothing is missing).
    notes : one message per change (encoded, :mod:`geo.common.messages`; ``render_cell``
        gives the sentence in a language), for the method record and the Overview page.

    Raises
    ------
    GeoInputError
        When none of the weighted indicators has any data.
    """
    available = set(available)
    missing = [name for name, w in weights.items() if w and name not in available]
    if not missing:
        return dict(weights), []
    kept = {name: Fraction(w) for name, w in weights.items() if name in available and w}
    if not kept:
        raise GeoInputError("err.mpi_no_indicators", source="households",
                            indicators=", ".join(weights))
    by_dimension: dict[str, Fraction] = {}
    for name, w in weights.items():
        by_dimension[_dimension_of(name)] = by_dimension.get(_dimension_of(name), 0) + Fraction(w)
    kept_share: dict[str, Fraction] = {}
    for name, w in kept.items():
        kept_share[_dimension_of(name)] = kept_share.get(_dimension_of(name), 0) + w
    present_total = sum(by_dimension[d] for d in kept_share)
    result = {}
    for name, w in kept.items():
        dimension = _dimension_of(name)
        # scale within the dimension back to its full share, then share out absent dimensions
        result[name] = w / kept_share[dimension] * by_dimension[dimension] / present_total
    notes = [encode("note.weight_moved_within", indicator=name, weight=str(weights[name]),
                    dimension=_dimension_message(_dimension_of(name)))
             if _dimension_of(name) in kept_share else
             encode("note.weight_moved_across", indicator=name)
             for name in missing]
    return result, notes
