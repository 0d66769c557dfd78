"""Names shared by every step that touches households: deprivations, programmes, MPI weights.

The default indicators and weights are the global MPI's (Alkire–Foster): health and education
1/6 each, six living-standard indicators 1/18 each, poverty cut-off k = 1/3. Weights are
``Fraction`` so that 1/6 + 1/6 reaches exactly 1/3.
"""

from __future__ import annotations

from fractions import Fraction

DEPRIVATIONS: tuple[str, ...] = (
    "dep_nutrition",
    "dep_child_mortality",
    "dep_schooling",
    "dep_attendance",
    "dep_cooking_fuel",
    "dep_sanitation",
    "dep_water",
    "dep_electricity",
    "dep_housing",
    "dep_assets",
)

PROGRAMMES: tuple[str, ...] = ("recv_pkh", "recv_bpnt", "recv_pbi")

GLOBAL_MPI_WEIGHTS: dict[str, Fraction] = {
    "dep_nutrition": Fraction(1, 6),
    "dep_child_mortality": Fraction(1, 6),
    "dep_schooling": Fraction(1, 6),
    "dep_attendance": Fraction(1, 6),
    **{name: Fraction(1, 18) for name in DEPRIVATIONS[4:]},
}
GLOBAL_MPI_K = Fraction(1, 3)
VULNERABLE_FROM = Fraction(1, 5)
SEVERE_FROM = Fraction(1, 2)

HOUSEHOLD_COLUMNS: tuple[str, ...] = (
    "household_id",
    "source_row",
    "village_code",
    "village_code_bps",
    "longitude",
    "latitude",
    "members",
    "desil",
    *DEPRIVATIONS,
    *PROGRAMMES,
    "problem",
    "code_note",
)
