"""The profile's note on percentile ties (the Jawa Timur "0 households, 11 points" case)."""

import pandas as pd

from geo.config import default_config
from geo.presentation.profile_notes import tie_notes
from geo.ranking.scoring import score_villages


def _villages(zeros: int, others: int) -> pd.DataFrame:
    n = zeros + others
    return pd.DataFrame({
        "village_code": [f"35.{i:04d}" for i in range(n)],
        "households": [100] * n,
        "desil1_households": [0] * zeros + list(range(1, others + 1)),
        "desil1_share": [0.0] * zeros + [0.1] * others,
        "mpi_m0": [0.05] * n,
        "mpi_poor_people": list(range(n)),
    })


def test_a_zero_shared_by_most_villages_earns_points_and_the_profile_says_why():
    config = default_config()
    scored = score_villages(_villages(zeros=90, others=10), config)
    zero = scored.iloc[0]
    assert zero["desil1_households"] == 0
    assert zero["why_desil1_households"] > 10  # the inconsistency seen on Jawa Timur
    notes = tie_notes(scored, zero["village_code"], config.indicators, "en")
    assert len(notes) == 1
    assert notes[0].startswith("Desil-1 households = 0 is shared by 90.0 %")
    # 90 tied zeros of 100: average rank 45.5, (45.5 - 1) / 99 * 25 points = 11.24, the
    # very figure of the Jawa Timur profile in issue 16
    assert f"{zero['why_desil1_households']:.2f}" == "11.24"
    assert "11.24 score points" in notes[0]


def test_no_note_without_a_large_tie():
    config = default_config()
    scored = score_villages(_villages(zeros=2, others=98), config)
    top = scored.sort_values("rank").iloc[0]
    assert tie_notes(scored, top["village_code"], config.indicators, "en") == []
