"""Why a village profile can show "Ruta desil 1: 0" next to "Poin skor dari Ruta desil 1: 11,24".

The cause (issue 16, seen on Jawa Timur): ``percentile`` normalisation gives tied values their
*average* rank (``docs/ranking.md``). Where most scored villages share one value — on a
province where desil-1 households are 0 in nine villages of ten — every one of them sits at
the middle of the tie, ``(r - 1) / (m - 1)`` ≈ 0,45, and earns points for a zero. The points
are right by the documented rule; the profile must say so instead of looking inconsistent.
:func:`tie_notes` gives that sentence for each such indicator of one village.
"""

from __future__ import annotations

import pandas as pd

from geo.i18n import DEFAULT_LANGUAGE, percent, t
from geo.i18n.labels import indicator_label
from geo.presentation.views import number_text

MIN_TIE_SHARE = 0.05  # a tie smaller than this moves the points too little to mention


def _values(villages: pd.DataFrame, column: str, missing: str) -> pd.Series:
    values = pd.to_numeric(villages[column], errors="coerce")
    return values.fillna(0.0) if missing == "zero" else values


def tie_notes(villages: pd.DataFrame, code: str, indicators,
              lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """One sentence per ``percentile`` indicator where village ``code`` shares its value with
    at least :data:`MIN_TIE_SHARE` of the scored villages and still gets points for it.

    ``villages``: the whole scored table (``score``, ``why_<column>``); ``indicators``: the
    config's :class:`~geo.config.IndicatorSpec` list (``column``, ``normalisation``,
    ``missing``).
    """
    scored = villages[pd.to_numeric(villages["score"], errors="coerce").notna()]
    here = villages[villages["village_code"].astype(str) == str(code)]
    if here.empty or scored.empty:
        return []
    row = here.iloc[0]
    notes = []
    for spec in indicators:
        column, why = spec.column, f"why_{spec.column}"
        if spec.normalisation != "percentile" or column not in villages or why not in villages:
            continue
        value = _values(here, column, spec.missing).iloc[0]
        points = row[why]
        if pd.isna(value) or pd.isna(points) or points <= 0:
            continue
        share = float((_values(scored, column, spec.missing) == value).mean())
        if share < MIN_TIE_SHARE:
            continue
        notes.append(t("profile.percentile_tie", lang, indicator=indicator_label(column, lang),
                       value=number_text(column, value, lang), share=percent(share, lang),
                       points=number_text("score", points, lang)))
    return notes
