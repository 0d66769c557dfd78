"""Why a village is, or is not, a poverty pocket: one sentence a planner can read out.

A pocket (*kantong kemiskinan*) is a High–High village of Local Moran's I: its own value and
its neighbours' are both high, beyond what chance arrangements of the same values give (the
permutation p-value, after the multiple-testing correction, at most ``alpha``). High–Low and
Low–High villages are outliers, Low–Low a cluster of low values. Gi* names the surroundings
(hot when the neighbours are significantly high, cold when low): for an outlier it is the
opposite of the village's own side, which the sentence says rather than leaving "cold" next
to a high village unexplained.
"""

from __future__ import annotations

from collections.abc import Mapping

from geo.common.columns import format_value
from geo.i18n import DEFAULT_LANGUAGE, number, t
from geo.i18n.labels import indicator_label

_MISSING = "–"


def _missing(value) -> bool:
    try:
        return value is None or bool(value != value)
    except (TypeError, ValueError):  # pd.NA
        return True


def _value(variable: str, value, lang: str) -> str:
    if _missing(value):
        return _MISSING
    try:
        return format_value(variable, value, lang=lang)
    except LookupError:  # a column the registry does not describe
        return number(float(value), lang)


def _p_text(p, correction: str, lang: str) -> str:
    shown = _MISSING if _missing(p) else number(float(p), lang, 4)
    return t(f"pocket_why.p.{correction}", lang, p=shown)


def pocket_sentence(row: Mapping, lang: str = DEFAULT_LANGUAGE, *,
                    settings: Mapping | None = None) -> str:
    """One sentence saying why the village of ``row`` is or is not a pocket, in ``lang``.

    Parameters
    ----------
    row : one village of the result (a Series or a dict): ``village_name`` (or
        ``village_code``), ``pocket``, ``hotspot``, ``lisa_p``, ``lisa_p_adj``, ``neighbours``,
        ``neighbour_mean`` and the pocket variable.
    settings : the pocket settings used (``Pockets.settings.to_dict()`` or the method's
        ``[pockets]``): ``variable``, ``alpha``, ``correction``, ``snap_tolerance_m``.

    Returns
    -------
    str
        Plain text (village names are data: escape it where Markdown renders it).
    """
    settings = dict(settings or {})
    variable = str(settings.get("variable") or "desil1_share")
    alpha = float(settings.get("alpha", 0.05))
    correction = str(settings.get("correction") or ("fdr" if settings.get("fdr") else "none"))
    if correction not in ("none", "fdr", "bonferroni"):
        correction = "none"
    name = row.get("village_name")
    name = str(row.get("village_code", "")) if _missing(name) else str(name)
    pocket = row.get("pocket")
    pocket = "no_data" if _missing(pocket) else str(pocket)
    hotspot = row.get("hotspot")
    hotspot = "ns" if _missing(hotspot) else str(hotspot)
    p = row.get("lisa_p_adj") if correction != "none" else row.get("lisa_p")
    if _missing(p):
        p = row.get("lisa_p")
    params = {
        "village": name,
        "variable": indicator_label(variable, lang),
        "value": _value(variable, row.get(variable), lang),
        "mean": _value(variable, row.get("neighbour_mean"), lang),
        "n": _count(row.get("neighbours")),
        "p": _p_text(p, correction, lang),
        "alpha": number(alpha, lang),
        "tolerance": number(float(settings.get("snap_tolerance_m", 5.0)), lang),
    }
    if pocket not in ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data"):
        pocket = "ns"
    key = f"pocket_why.{pocket}"
    if pocket in ("HL", "LH", "ns") and hotspot in ("hot", "cold"):
        key += f".{hotspot}"  # the outlier's surroundings, named by Gi*, in the same sentence
    return t(key, lang, **params)


def _count(value) -> int:
    return 0 if _missing(value) else int(value)
