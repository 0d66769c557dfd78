"""Alkire–Foster multidimensional poverty (the method behind the global MPI), over people.

Each household member carries the household's deprivations, so household size (``members``)
weights every figure. A person's deprivation score is ``c_i = sum_j w_j g_ij``; the person is
poor when ``c_i >= k``. From there (Alkire & Foster 2011):

- ``H = q / n`` headcount ratio, ``A`` = mean score of the poor (intensity), ``M0 = H * A``;
- censored headcount ``h_j`` = share of people who are poor *and* deprived in ``j``, so that
  ``M0 = sum_j w_j h_j``; the contribution of ``j`` is ``w_j h_j / M0``;
- ``vulnerable``: share with ``1/5 <= c_i < k``; ``severe``: share with ``c_i >= 1/2``.

Scores are compared with the cut-offs exactly: weights and ``k`` become :class:`Fraction`
and every score is an integer count of ``1/D``, ``D`` the least common multiple of the
denominators, so ``1/6 + 1/6`` reaches ``k = 1/3`` without a float tolerance.

Missing answers (a household that did not answer one indicator) follow one of three rules,
chosen with ``missing=`` (the config's ``[mpi] missing``; OPHI's terms):

- ``"not_deprived"`` (the default): a missing answer counts as *not deprived*; the score is a
  lower bound, nobody is called poor on what they did not answer, and every household with at
  least one answer stays in ``n`` (a registry is a census: dropping households would shrink
  the poor-people counts of the villages with the most gaps);
- ``"complete_case"``: a household with any missing weighted indicator is left out of the
  measure (its people are not in ``n``), as the global MPI does with survey samples;
- ``"reweight"``: each household's score is the weighted share of deprivation over the
  indicators it answered (its answered weights rescaled to sum to 1). The score
  ``s / a`` (both in units of ``1/D``) is compared with ``k`` as ``s * k.denominator >=
  k.numerator * a``, and summed in units of ``1/L``, ``L`` the least common multiple of every
  possible answered weight, so it stays exact too.

Under every rule a household with every weighted indicator missing is left out. The
households with any missing weighted indicator and the households left out are counted
(``mpi_missing_households``, ``mpi_households``), so the sample loss can be reported.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from fractions import Fraction

import numpy as np
import pandas as pd

from geo.common.errors import GeoInputError
from geo.i18n import Message
from geo.households.schema import GLOBAL_MPI_K, SEVERE_FROM, VULNERABLE_FROM

_MAX_UNITS = 2**53  # scores stay exact in int64 and in the float sums built from them

#: How a missing answer enters the MPI (see the module notes); ``[mpi] missing`` in a config.
MISSING_RULES = ("not_deprived", "complete_case", "reweight")
DEFAULT_MISSING_RULE = "not_deprived"


@dataclass(frozen=True)
class MPIResult:
    """Alkire–Foster figures for one population; attribute names follow the paper.

    Attributes
    ----------
    n : people in the measure (rows left out by the missing rule are not counted)
    q : poor people (``c_i >= k``)
    H, A, M0 : headcount ratio, intensity among the poor (0 when nobody is poor, so that
        ``M0 = H * A`` still holds), adjusted headcount ratio; NaN when ``n`` is 0
    vulnerable, severe : shares of ``n`` with ``1/5 <= c_i < k`` and with ``c_i >= 1/2``
    censored : indicator -> censored headcount ``h_j``
    contribution : indicator -> ``w_j h_j / M0`` (NaN when nobody is poor)
    missing : indicator -> number of rows whose value was missing
    no_data : rows with every indicator missing (left out under every rule)
    k, weights : the cut-off and the weights used, as fractions written ``"1/6"``
    missing_rule : ``not_deprived``, ``complete_case`` or ``reweight`` (module notes)
    rows : rows given (households, or people when each row is a person)
    missing_rows : rows with at least one missing weighted indicator
    left_out : rows left out of the measure by the missing rule (the sample loss)
    """

    n: float
    q: float
    H: float
    A: float
    M0: float
    vulnerable: float
    severe: float
    censored: dict[str, float] = field(default_factory=dict)
    contribution: dict[str, float] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    no_data: int = 0
    k: str = ""
    weights: dict[str, str] = field(default_factory=dict)
    missing_rule: str = DEFAULT_MISSING_RULE
    rows: int = 0
    missing_rows: int = 0
    left_out: int = 0

    def to_dict(self) -> dict:
        """JSON-serialisable copy (NaN stays NaN; callers writing strict JSON map it to null)."""
        return asdict(self)


def as_fraction(value, *, name: str = "value") -> Fraction:
    """An exact fraction from a Fraction, int, float, or a string such as ``"1/6"`` or ``"0.25"``.

    Floats go through their shortest decimal text, then ``limit_denominator(10**6)``, so the
    float ``1/6`` of a YAML/TOML config becomes exactly ``Fraction(1, 6)``.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool):
        raise GeoInputError("err.mpi_not_number", source=name, name=name, given=repr(value))
    try:
        text = str(value).strip()
        return Fraction(text).limit_denominator(10**6)
    except (ValueError, ZeroDivisionError, TypeError):
        raise GeoInputError("err.mpi_not_fraction", source=name, name=name,
                            given=repr(value)) from None


def exact_weights(weights: Mapping[str, object]) -> dict[str, Fraction]:
    """Indicator weights as fractions that sum to exactly 1.

    Decimals rounded by hand (``0.1667`` four times and ``0.0556`` six times) are snapped to the
    nearby simple fractions (denominator <= 100) when those sum to exactly 1 and each moves by
    less than 0.001; otherwise the weights must sum to 1 as given.

    Raises
    ------
    GeoInputError
        When there are no weights, a weight is negative, or they do not sum to 1.
    """
    if not weights:
        raise GeoInputError("err.mpi_no_weights", source="weights")
    exact = {str(name): as_fraction(w, name=Message("err.weight_of", {"indicator": name}))
             for name, w in weights.items()}
    negative = [name for name, w in exact.items() if w < 0]
    if negative:
        raise GeoInputError("err.mpi_negative", source="weights", names=", ".join(negative))
    above = [name for name, w in exact.items() if w > 1]  # "1e400" is a fraction, not a float
    if above:
        raise GeoInputError("err.mpi_weight_above_one", source="weights", names=", ".join(above))
    if sum(exact.values()) == 1:
        return exact
    snapped = {name: w.limit_denominator(100) for name, w in exact.items()}
    close = all(abs(snapped[name] - w) < Fraction(1, 1000) for name, w in exact.items())
    if close and sum(snapped.values()) == 1:
        return snapped
    listing = ", ".join(f"{name}={float(w):g}" for name, w in exact.items())
    raise GeoInputError("err.mpi_sum", source="weights",
                        total=f"{float(sum(exact.values())):.6g}", listing=listing)


def exact_k(k) -> Fraction:
    """The poverty cut-off ``k`` as a fraction in (0, 1]."""
    value = as_fraction(k, name="k")
    if not 0 < value <= 1:
        raise GeoInputError("err.mpi_k", source="k", given=repr(k))
    return value


def alkire_foster(
    deprivations,
    weights: Mapping[str, object],
    k=GLOBAL_MPI_K,
    people=None,
    groups=None,
    missing: str = DEFAULT_MISSING_RULE,
) -> MPIResult | pd.DataFrame:
    """Alkire–Foster MPI over people, for one population or per group.

    Parameters
    ----------
    deprivations : DataFrame or 2-D array of 0/1 (NA allowed)
        One row per household (or person); 1 = deprived. A DataFrame needs a column per weight
        name; an array has its columns in the order of ``weights``.
    weights : mapping indicator -> weight
        Fractions, numbers or strings (``"1/6"``); must sum to 1.
    k : the poverty cut-off, in (0, 1]; the global MPI's 1/3 by default.
    people : array-like, optional
        People per row (household ``members``); every row counts as one person when omitted.
    groups : array-like, optional
        Group label per row (e.g. village codes). A ``pd.Categorical`` gives one result row per
        category, empty ones included; other labels give one row per label present, sorted.
        Rows with a missing label are left out.
    missing : ``"not_deprived"`` (default), ``"complete_case"`` or ``"reweight"``: how a
        missing answer enters the measure (module notes).

    Returns
    -------
    MPIResult
        Without ``groups``.
    DataFrame
        With ``groups``: indexed by group, columns ``mpi_people`` (n), ``mpi_poor_people`` (q),
        ``mpi_h``, ``mpi_a``, ``mpi_m0``, ``mpi_vulnerable``, ``mpi_severe``, ``cens_<j>``,
        ``contrib_<j>``, ``mpi_households`` (rows in the measure) and
        ``mpi_missing_households`` (rows with a missing weighted indicator). Rates are NaN for
        a group with nobody in the measure.

    Notes
    -----
    Missing values follow ``missing`` (module notes); ``MPIResult.missing`` reports how many
    rows each indicator lacked and ``left_out`` the rows the rule left out. A row with every
    indicator missing is left out of the measure altogether rather than counted as a non-poor
    person. ``h_j`` is always the share of people poor *and* answered deprived in ``j``; under
    ``"reweight"`` the weights differ per household, so ``M0 = sum_j w_j h_j`` no longer
    holds, and the contribution of ``j`` is its share of the poor's reweighted scores (the
    contributions still sum to 1).

    Examples
    --------
    >>> r = alkire_foster(np.array([[0, 0, 0, 0], [1, 1, 0, 0], [1, 1, 1, 1], [0, 0, 0, 1]]),
    ...                   {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}, k=0.5)
    >>> r.H, r.A, r.M0
    (0.5, 0.75, 0.375)
    """
    w = exact_weights(weights)
    cutoff = exact_k(k)
    names = list(w)
    g, gaps = _deprivation_matrix(deprivations, names)
    n_rows = g.shape[0]
    if groups is None:
        codes, labels = np.zeros(n_rows, np.int64), None
    else:
        codes, labels = _group_codes(groups, n_rows)
    rule = check_missing_rule(missing)
    sums = _sums(g, gaps, w, cutoff, _people(people, n_rows), codes,
                 1 if labels is None else len(labels), rule)
    table = mpi_from_sums(sums, w, cutoff, missing=rule)

    if groups is None:
        row = table.iloc[0]
        any_gap, _ = _rows_in_measure(gaps, w, cutoff, rule)
        return MPIResult(
            n=float(row["mpi_people"]), q=float(row["mpi_poor_people"]), H=float(row["mpi_h"]),
            A=float(row["mpi_a"]), M0=float(row["mpi_m0"]),
            vulnerable=float(row["mpi_vulnerable"]), severe=float(row["mpi_severe"]),
            censored={j: float(row[f"cens_{j}"]) for j in names},
            contribution={j: float(row[f"contrib_{j}"]) for j in names},
            missing={j: int(gaps[:, i].sum()) for i, j in enumerate(names)},
            no_data=int(gaps.all(axis=1).sum()), k=str(cutoff),
            weights={j: str(v) for j, v in w.items()},
            missing_rule=rule, rows=n_rows, missing_rows=int(any_gap.sum()),
            left_out=n_rows - int(row["mpi_households"]),
        )
    table.index = labels
    return table


def mpi_sums(deprivations, weights: Mapping[str, object], k=GLOBAL_MPI_K, people=None,
             codes=None, n_groups: int = 1, missing: str = DEFAULT_MISSING_RULE
             ) -> pd.DataFrame:
    """Additive Alkire–Foster totals per group: the part of the MPI that can be summed.

    Every MPI figure is a ratio of people counts, so a large registry can be measured in
    pieces (files, Dask partitions): sum these tables element-wise, then call
    :func:`mpi_from_sums`. With whole ``people`` the totals are integers held exactly in
    float64 (below 2**53), so the pieces give bit-for-bit the figures of one pass.

    Parameters
    ----------
    deprivations, weights, k, people, missing : as in :func:`alkire_foster`.
    codes : int array, optional
        Group number (0 .. ``n_groups - 1``) of each row; ``-1`` leaves the row out. All rows
        in group 0 when omitted.
    n_groups : number of groups (rows of the result).

    Returns
    -------
    DataFrame
        One row per group: ``mpi_people`` (n), ``mpi_poor_people`` (q), ``mpi_poor_units``
        (sum of the poor people's scores in units of ``1/D``, see the module notes),
        ``mpi_vulnerable_people``, ``mpi_severe_people``, ``poor_<j>`` (people poor and
        deprived in ``j``), ``mpi_households`` (rows in the measure) and
        ``mpi_missing_households`` (rows with a missing weighted indicator); with
        ``missing="reweight"`` the poor units are in ``1/L`` (module notes) and
        ``poor_units_<j>`` holds each indicator's part of them.
    """
    w = exact_weights(weights)
    cutoff = exact_k(k)
    rule = check_missing_rule(missing)
    g, gaps = _deprivation_matrix(deprivations, list(w))
    n_rows = g.shape[0]
    codes = np.zeros(n_rows, np.int64) if codes is None else np.asarray(codes, dtype=np.int64)
    if codes.shape != (n_rows,):
        raise GeoInputError("err.mpi_groups", source="groups", n=n_rows)
    return _sums(g, gaps, w, cutoff, _people(people, n_rows), codes, n_groups, rule)


def mpi_from_sums(sums: pd.DataFrame, weights: Mapping[str, object], k=GLOBAL_MPI_K,
                  missing: str = DEFAULT_MISSING_RULE) -> pd.DataFrame:
    """The MPI figures from (summed) :func:`mpi_sums` totals; same index as ``sums``.

    Columns ``mpi_people``, ``mpi_poor_people``, ``mpi_h``, ``mpi_a``, ``mpi_m0``,
    ``mpi_vulnerable``, ``mpi_severe``, ``cens_<j>``, ``contrib_<j>``, ``mpi_households``,
    ``mpi_missing_households`` (see :func:`alkire_foster`); ``missing`` must be the rule the
    sums were made with.
    """
    w = exact_weights(weights)
    cutoff = exact_k(k)
    rule = check_missing_rule(missing)
    units, scale = _integer_units(w, cutoff)
    if rule == "reweight":
        scale = _reweight_scale(units)
    n = sums["mpi_people"].to_numpy(dtype=float)
    q = sums["mpi_poor_people"].to_numpy(dtype=float)
    poor_score = sums["mpi_poor_units"].to_numpy(dtype=float) / scale
    with np.errstate(invalid="ignore", divide="ignore"):
        H = q / n
        A = poor_score / q
        M0 = poor_score / n
        vuln = sums["mpi_vulnerable_people"].to_numpy(dtype=float) / n
        sev = sums["mpi_severe_people"].to_numpy(dtype=float) / n
        cens = {j: sums[f"poor_{j}"].to_numpy(dtype=float) / n for j in w}
        if rule == "reweight":  # each household's own weights: shares of the poor's scores
            units_poor = sums["mpi_poor_units"].to_numpy(dtype=float)
            contrib = {j: sums[f"poor_units_{j}"].to_numpy(dtype=float) / units_poor for j in w}
        else:
            contrib = {j: float(w[j]) * cens[j] / M0 for j in w}
    A = np.where(q > 0, A, np.where(n > 0, 0.0, np.nan))  # nobody poor: intensity 0 by convention
    table = {
        "mpi_people": n, "mpi_poor_people": q, "mpi_h": H, "mpi_a": A, "mpi_m0": M0,
        "mpi_vulnerable": vuln, "mpi_severe": sev,
        **{f"cens_{j}": v for j, v in cens.items()},
        **{f"contrib_{j}": v for j, v in contrib.items()},
        "mpi_households": sums["mpi_households"].to_numpy(),
        "mpi_missing_households": sums["mpi_missing_households"].to_numpy(),
    }
    return pd.DataFrame(table, index=sums.index)


def check_missing_rule(missing) -> str:
    """``missing`` if it is one of :data:`MISSING_RULES`, else an input error naming them."""
    if missing not in MISSING_RULES:
        raise GeoInputError("err.mpi_missing_rule", source="missing", given=repr(missing),
                            rules=", ".join(MISSING_RULES))
    return missing


def _rows_in_measure(gaps, w, cutoff, rule) -> tuple[np.ndarray, np.ndarray]:
    """Rows with any missing *weighted* indicator, and the rows the rule keeps."""
    units, _ = _integer_units(w, cutoff)
    weighted = gaps[:, units > 0]
    any_gap = weighted.any(axis=1)
    kept = ~any_gap if rule == "complete_case" else ~weighted.all(axis=1)
    return any_gap, kept


def _sums(g, gaps, w, cutoff, p, codes, n_groups, rule) -> pd.DataFrame:
    """Per-group totals from the 0/1 matrix; rows with ``codes < 0`` are left out."""
    units, scale = _integer_units(w, cutoff)
    any_gap, has_data = _rows_in_measure(gaps, w, cutoff, rule)
    score = _weighted_sum(g, units)  # exact: integer multiples of 1/scale
    if rule == "reweight":
        answered = _weighted_sum(~gaps, units)  # the weight each row answered, in 1/scale

        def reaches(cut: Fraction) -> np.ndarray:  # score / answered >= cut, in integers
            return score * cut.denominator >= cut.numerator * answered

        big = _reweight_scale(units)
        per_unit = np.where(has_data, big // np.maximum(answered, 1), 0)  # 1/scale -> 1/L
        poor = has_data & reaches(cutoff)
        vulnerable = has_data & ~poor & reaches(VULNERABLE_FROM)
        severe = has_data & reaches(SEVERE_FROM)
        units_of = score * per_unit  # the reweighted score in units of 1/L
    else:
        poor = has_data & (score >= int(cutoff * scale))
        vulnerable = has_data & ~poor & (score >= int(VULNERABLE_FROM * scale))
        severe = has_data & (score >= int(SEVERE_FROM * scale))
        per_unit, units_of = None, score
    keep = codes >= 0
    if not keep.all():
        codes, g, p, units_of = codes[keep], g[keep], p[keep], units_of[keep]
        has_data, poor, any_gap = has_data[keep], poor[keep], any_gap[keep]
        vulnerable, severe = vulnerable[keep], severe[keep]
        per_unit = None if per_unit is None else per_unit[keep]

    def total(weights_):
        return np.bincount(codes, weights=weights_, minlength=n_groups)

    def count(mask):
        return np.bincount(codes[mask], minlength=n_groups)

    poor_p = p * poor
    table = {
        "mpi_people": total(p * has_data),
        "mpi_poor_people": total(poor_p),
        "mpi_poor_units": total(poor_p * units_of),
        "mpi_vulnerable_people": total(p * vulnerable),
        "mpi_severe_people": total(p * severe),
        **{f"poor_{j}": total(poor_p * g[:, i]) for i, j in enumerate(w)},
        "mpi_households": count(has_data),
        "mpi_missing_households": count(any_gap),
    }
    if per_unit is not None:
        table.update({f"poor_units_{j}": total(poor_p * g[:, i] * (units[i] * per_unit))
                      for i, j in enumerate(w)})
    return pd.DataFrame(table)


def _weighted_sum(flags: np.ndarray, units: np.ndarray) -> np.ndarray:
    """``flags @ units`` in int64, column by column (no int64 copy of the whole matrix)."""
    total = np.zeros(flags.shape[0], dtype=np.int64)
    for i, unit in enumerate(units):
        total += unit * flags[:, i]
    return total


def _reweight_scale(units: np.ndarray) -> int:
    """``L``: the least common multiple of every weight a row can have answered (in units of
    ``1/D``), so that each reweighted score ``s / a`` is a whole number of ``1/L``."""
    answered = {0}
    for unit in (int(u) for u in units if u > 0):
        answered |= {a + unit for a in answered}
    big = math.lcm(*(a for a in answered if a))
    if big > _MAX_UNITS:
        raise GeoInputError("err.mpi_too_fine", source="weights", scale=str(big))
    return big


def _integer_units(weights: dict[str, Fraction], k: Fraction) -> tuple[np.ndarray, int]:
    """Weights as integer multiples of ``1/scale``, where every cut-off is a whole number too."""
    dens = [v.denominator for v in weights.values()]
    scale = math.lcm(*dens, k.denominator, VULNERABLE_FROM.denominator, SEVERE_FROM.denominator)
    if scale > _MAX_UNITS:
        raise GeoInputError("err.mpi_too_fine", source="weights", scale=str(scale))
    return np.array([int(v * scale) for v in weights.values()], dtype=np.int64), scale


def _deprivation_matrix(deprivations, names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """0/1 int8 matrix (missing -> 0) and the boolean mask of missing values."""
    if isinstance(deprivations, pd.DataFrame):
        absent = [j for j in names if j not in deprivations.columns]
        if absent:
            raise GeoInputError("err.mpi_absent", source="weights", names=", ".join(absent))
        columns = [deprivations[j] for j in names]
    else:
        array = np.asarray(deprivations, dtype=float, order="F")
        if array.ndim != 2 or array.shape[1] != len(names):
            raise GeoInputError("err.mpi_array_shape", source="deprivations", n=len(names),
                                shape=str(array.shape))
        columns = None
    if columns is not None:
        array = np.empty((len(deprivations), len(names)), order="F")
        for i, (name, column) in enumerate(zip(names, columns)):
            numbers = pd.to_numeric(column, errors="coerce")
            array[:, i] = numbers.to_numpy(dtype=float, na_value=np.nan)
            unreadable = np.isnan(array[:, i]) & column.notna().to_numpy()
            if unreadable.any():
                row = int(np.nonzero(unreadable)[0][0])
                raise GeoInputError("err.mpi_flag", source=name, name=name,
                                    value=_shown(column.iloc[row]), row=row + 1)
    deprived = array == 1
    missing = np.isnan(array)
    bad = ~(deprived | missing | (array == 0))
    if bad.any():
        row, col = (int(i[0]) for i in np.nonzero(bad))
        raise GeoInputError("err.mpi_flag", source=names[col], name=names[col],
                            value=f"{array[row, col]:g}", row=row + 1)
    return deprived.view(np.int8), missing


def _shown(value) -> str:
    return repr(value) if isinstance(value, str) else str(value)


def _people(people, n_rows: int) -> np.ndarray:
    if people is None:
        return np.ones(n_rows)
    p = pd.to_numeric(pd.Series(people, copy=False), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan
    )
    if p.shape != (n_rows,):
        raise GeoInputError("err.mpi_people_shape", source="members", n=n_rows,
                            shape=str(p.shape))
    bad = ~np.isfinite(p) | (p < 0)
    if bad.any():
        row = int(np.nonzero(bad)[0][0])
        raise GeoInputError("err.mpi_members", source="members", row=row + 1,
                            value=f"{p[row]:g}")
    return p


def _group_codes(groups, n_rows: int) -> tuple[np.ndarray, pd.Index]:
    if isinstance(groups, pd.Categorical) or isinstance(
        getattr(groups, "dtype", None), pd.CategoricalDtype
    ):
        cat = pd.Categorical(groups)
        codes, labels = cat.codes.astype(np.int64), pd.Index(cat.categories)
    else:
        codes, labels = pd.factorize(pd.Series(groups, copy=False), sort=True)
        codes = codes.astype(np.int64)
    if codes.shape != (n_rows,):
        raise GeoInputError("err.mpi_groups", source="groups", n=n_rows)
    return codes, pd.Index(labels)
