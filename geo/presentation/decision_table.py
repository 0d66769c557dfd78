"""The one table of the decision screen: the proposed villages and everything said about them.

Per village of the focus list: rank, score, each indicator's points (``why_<column>``, which
add up to the score), why it is in (``focus_reason``: rules, or a pin with its reason and who),
how robust (``in_focus_share``: the share of weight draws that keep it in), its pocket label,
and ``decision_change``: new / kept / moved from rank N against the last saved decision, as a
message code (:mod:`geo.common.messages`) rendered in the reader's language by
:func:`geo.presentation.views.screen_table`.
"""

from __future__ import annotations

import pandas as pd

from geo.common.messages import encode
from geo.decisions.history import compare

DECISION_COLUMNS = ("rank", "village_code", "village_name", "district_name", "regency_name",
                    "score")
TAIL_COLUMNS = ("focus_reason", "in_focus_share", "pocket", "decision_change")


def change_cells(proposed: pd.DataFrame, last) -> pd.Series:
    """``decision_change`` per row of ``proposed`` (``village_code``, ``rank``) against ``last``
    (a saved :class:`~geo.decisions.store.Decision`, or ``None``: nothing saved, all missing)."""
    codes = proposed["village_code"].astype(str)
    if last is None:
        return pd.Series(pd.NA, index=proposed.index, dtype="string")
    change = compare(last, proposed[["village_code", "rank"]])
    moved = {m.village_code: m.rank_before for m in change.moved}
    entered = set(change.entered)

    def cell(code: str) -> str:
        if code in entered:
            return encode("decision.change_new")
        if code in moved:
            before = moved[code]
            return (encode("decision.change_moved", before=before) if before is not None
                    else encode("decision.change_ranked"))
        return encode("decision.change_kept")

    return pd.Series([cell(c) for c in codes], index=proposed.index, dtype="string")


def decision_table(villages: pd.DataFrame, indicators, stability: pd.DataFrame | None = None,
                   last=None) -> pd.DataFrame:
    """The focus-list villages by rank with points, reason, robustness, pocket and change.

    ``villages``: the analysed villages (``in_focus_list``, ``rank``, ``score``, ``why_*``);
    ``indicators``: the config's indicator columns (their ``why_<column>`` points are shown in
    that order); ``stability``: :func:`geo.ranking.robustness.focus_stability` (or ``None``:
    the robustness column is left out); ``last``: the latest saved decision (or ``None``).
    Only the regency column of a table with one regency is dropped.
    """
    chosen = villages[villages["in_focus_list"].fillna(False).astype(bool)]
    chosen = chosen.sort_values(["rank", "village_code"], na_position="last")
    points = [f"why_{c}" for c in indicators if f"why_{c}" in chosen]
    head = [c for c in DECISION_COLUMNS if c in chosen]
    if "regency_name" in head and chosen["regency_name"].nunique() <= 1:
        head.remove("regency_name")
    out = pd.DataFrame(chosen[head + points + [c for c in ("focus_reason", "pocket")
                                               if c in chosen]]).reset_index(drop=True)
    if stability is not None:
        share = stability.set_index(stability["village_code"].astype(str))["in_focus_share"]
        out["in_focus_share"] = out["village_code"].astype(str).map(share)
    out["decision_change"] = change_cells(out, last)
    tail = [c for c in TAIL_COLUMNS if c in out]
    return out[head + points + tail]


FOCUS_COLOUR = "#b2182b"  # the proposed villages on the decision map
OTHER_COLOUR = "#f0f0f0"  # every other village


def focus_colours(shapes: pd.DataFrame, codes) -> pd.Series:
    """Fill colour per row of ``shapes``: the proposed villages dark red, the rest pale grey
    (for :func:`geo.presentation.webmap.choropleth_map`)."""
    chosen = shapes["village_code"].astype(str).isin({str(c) for c in codes})
    return pd.Series([FOCUS_COLOUR if c else OTHER_COLOUR for c in chosen], index=shapes.index)


def focus_legend(shapes: pd.DataFrame, codes, lang: str) -> list[dict]:
    """Two legend entries (proposed / other villages) with counts, labels in ``lang``."""
    from geo.i18n import t

    inside = int(shapes["village_code"].astype(str).isin({str(c) for c in codes}).sum())
    return [{"colour": FOCUS_COLOUR, "label": t("decision.map_focus", lang), "count": inside},
            {"colour": OTHER_COLOUR, "label": t("decision.map_other", lang),
             "count": len(shapes) - inside}]
