"""What the pilot page shows beside its map: the pilot villages' own figures and the legend.

The figures are those of the Map page's village profile (:func:`views.profile_rows`), one
column per pilot village, written as the reader writes numbers.
"""

from __future__ import annotations

import pandas as pd

from geo.i18n import t
from geo.i18n.labels import indicator_label
from geo.presentation.printmap import GRID_COLOUR, PILOT_STYLE, print_text
from geo.presentation.views import number_text, profile_rows

PROFILE_HEAD = ("rank", "score", "households")


def pilot_profile(villages: pd.DataFrame, codes, lang: str) -> pd.DataFrame:
    """Indicator rows x pilot villages: rank, score, households, then the profile indicators."""
    chosen = villages[villages["village_code"].isin([str(c) for c in codes])]
    if chosen.empty:
        return pd.DataFrame()
    first = chosen.iloc[0]
    rows = [c for c in PROFILE_HEAD if c in chosen] + [
        c for c in profile_rows(first, "indicators") if c not in PROFILE_HEAD]
    table = {t("indicator", lang): [indicator_label(c, lang) for c in rows]}
    for _, row in chosen.iterrows():  # a handful of pilot villages, not the layer
        name = row["village_name"] if "village_name" in row and pd.notna(row["village_name"]) \
            else row["village_code"]
        table[str(name)] = [number_text(c, row[c], lang) for c in rows]
    return pd.DataFrame(table)


def pilot_legend(n_pilot: int, n_neighbours: int, n_candidates: int, n_cells: int,
                 lang: str) -> list[dict]:
    """Legend entries (``colour``, ``outline``, ``label``, ``count``) of the pilot map."""
    entries = [(PILOT_STYLE["pilot"], "pilot_pilot", n_pilot),
               (PILOT_STYLE["neighbour"], "pilot_neighbour", n_neighbours),
               (PILOT_STYLE["candidate"], "pilot_candidate", n_candidates)]
    legend = [{"colour": fill, "outline": edge, "label": print_text(key, lang), "count": n}
              for (fill, edge, _), key, n in entries]
    legend.append({"colour": GRID_COLOUR, "outline": "#800026",
                   "label": t("pilot_grid_legend", lang), "count": n_cells})
    return legend
