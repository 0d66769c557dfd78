"""How many households the MPI rests on: the sample loss of its missing-answer rule.

A household that did not answer an MPI indicator enters the measure by the config's
``[mpi] missing`` rule (:mod:`geo.indicators.mpi`). Whatever the rule, a reader must see how
many households had a gap and how many the rule left out of the MPI, for the region as a whole
(the method table, the app's Overview and Data pages) and per village
(``mpi_missing_households``, ``mpi_households``). Only counts: never which household.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import pandas as pd

from geo.common.messages import encode
from geo.indicators.mpi import DEFAULT_MISSING_RULE


@dataclass(frozen=True)
class MpiSample:
    """The region's MPI sample under its missing rule.

    Attributes
    ----------
    rule : ``not_deprived``, ``complete_case`` or ``reweight``.
    households : households placed in a village (those the indicators count).
    missing_households : households with at least one missing weighted indicator.
    measured_households : households in the MPI under ``rule``.
    """

    rule: str = DEFAULT_MISSING_RULE
    households: int = 0
    missing_households: int = 0
    measured_households: int = 0

    @property
    def left_out_households(self) -> int:
        """Households the rule left out of the MPI (the sample loss)."""
        return self.households - self.measured_households

    @property
    def left_out_share(self) -> float | None:
        """:attr:`left_out_households` as a share of :attr:`households` (None without any)."""
        return self.left_out_households / self.households if self.households else None

    @property
    def missing_share(self) -> float | None:
        """:attr:`missing_households` as a share of :attr:`households` (None without any)."""
        return self.missing_households / self.households if self.households else None

    def note(self) -> str:
        """The sample loss as one encoded message (:mod:`geo.common.messages`) for readers."""
        return encode(f"note.mpi_missing.{self.rule}", households=self.households,
                      missing=self.missing_households, left_out=self.left_out_households,
                      missing_share=_percent(self.missing_share),
                      left_out_share=_percent(self.left_out_share))

    def to_dict(self) -> dict:
        return {"rule": self.rule, "households": self.households,
                "missing_households": self.missing_households,
                "measured_households": self.measured_households,
                "left_out_households": self.left_out_households,
                "left_out_share": _rounded(self.left_out_share),
                "missing_share": _rounded(self.missing_share)}

    @classmethod
    def from_dict(cls, data: Mapping) -> MpiSample:
        return cls(rule=str(data.get("rule") or DEFAULT_MISSING_RULE),
                   households=int(data.get("households") or 0),
                   missing_households=int(data.get("missing_households") or 0),
                   measured_households=int(data.get("measured_households") or 0))


def mpi_sample(indicators: pd.DataFrame, rule: str = DEFAULT_MISSING_RULE) -> MpiSample:
    """The region's :class:`MpiSample` from the village indicator table (the villages' sums).

    ``indicators`` needs ``households``, ``mpi_households`` and ``mpi_missing_households``
    (:func:`geo.indicators.village.village_indicators`, either path).
    """
    def total(name: str) -> int:
        if name not in indicators.columns:
            return 0
        return int(pd.to_numeric(indicators[name], errors="coerce").fillna(0).sum())

    return MpiSample(rule=rule, households=total("households"),
                     missing_households=total("mpi_missing_households"),
                     measured_households=total("mpi_households"))


def _rounded(share: float | None) -> float | None:
    return None if share is None else round(share, 6)


def _percent(share: float | None) -> float:
    """A share as a percentage with one decimal (the message formats it for the language)."""
    return 0.0 if share is None else round(100 * share, 1)
