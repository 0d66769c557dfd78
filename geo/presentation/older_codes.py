"""How registry codes met the boundary layer, for the Data page and the method sheet.

One table (``what``, ``count``) from a :class:`geo.join.match.Reconciliation`: rows matched
through an older code and what decided (the crosswalk file, the Kemendagri table of a year, the
location), rows whose code the layer lacks by what the Kemendagri tables say (retired, renamed,
a current code of another area, never listed), BPS codes bridged, and points lying in several
villages with the overlap rule that placed them.
"""

from __future__ import annotations

import pandas as pd

from geo.i18n import DEFAULT_LANGUAGE, t

#: Reconciliation count groups shown, in order.
GROUPS = ("successors", "code_status", "bps_codes", "overlaps")


def older_code_label(group: str, name: str, lang: str = DEFAULT_LANGUAGE,
                     rule: str | None = None) -> str:
    """``("successors", "kemendagri_2023")`` -> "Matched through an older code: decided by the
    Kemendagri 2023 table"; ``rule``: the overlap rule named by ``overlaps.decided_by_rule``."""
    if group == "successors" and name.startswith("kemendagri_"):
        return t("codes.successors.kemendagri", lang, year=name.rsplit("_", 1)[1])
    if group == "overlaps" and name == "decided_by_rule" and rule:
        return t("codes.overlaps.decided_by_rule", lang, rule=t(f"codes.rule.{rule}", lang))
    key = f"codes.{group}.{name}"
    from geo.i18n import has_text

    return t(key, lang) if has_text(key) else f"{group}: {name}"


def older_code_table(reconciliation, lang: str = DEFAULT_LANGUAGE) -> pd.DataFrame:
    """``what`` / ``count`` rows of the code counts (empty when there are none)."""
    rows: list[tuple[str, int]] = []
    if reconciliation is not None:
        for group in GROUPS:
            for name, n in dict(getattr(reconciliation, group, {}) or {}).items():
                rows.append((older_code_label(group, name, lang, reconciliation.overlap), int(n)))
    table = pd.DataFrame(rows, columns=["what", "count"])
    return table.astype({"what": "string", "count": "int64"})


def code_tables_used(reconciliation, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Sentences naming the crosswalk file and the BPS bridge used, if any."""
    if reconciliation is None:
        return []
    out = []
    if getattr(reconciliation, "crosswalk", None):
        out.append(t("codes.crosswalk_used", lang, file=reconciliation.crosswalk))
    if getattr(reconciliation, "bps_bridge", None):
        out.append(t("codes.bridge_used", lang, source=reconciliation.bps_bridge))
    return out
