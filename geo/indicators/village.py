"""Village (and district / regency) indicators from the joined households.

Only households whose ``outcome`` is a match count. Everything is weighted the way planners
read it:

- ``households``, ``people`` (sum of ``members``);
- desil (DTSEN welfare decile, 1 = poorest 10 %): ``desil1_*`` and ``desil14_*`` households and
  people, with ``*_share`` = share of *households*;
- ``rate_<dep>``: share of people deprived in ``dep`` among people whose value is known;
- the Alkire–Foster MPI over people (:mod:`geo.mpi`): ``mpi_people`` (people measured: those
  kept by the MPI missing rule), ``mpi_h``, ``mpi_a``, ``mpi_m0``, ``mpi_vulnerable``,
  ``mpi_severe``, ``mpi_poor_people``, ``cens_<dep>``, ``contrib_<dep>``, and for the sample
  loss ``mpi_households`` (households in the MPI) and ``mpi_missing_households`` (households
  with any missing weighted deprivation flag);
- programme targeting ("tepat sasaran"): ``cov_<programme>`` = share of desil 1–4 households
  receiving it; ``poor_unreached`` = desil 1–4 households receiving none (exclusion), with
  ``exclusion_rate``; ``inclusion_error`` = households in desil >= 6 receiving any programme,
  with ``inclusion_error_rate`` = share of all recipient households.

``mpi_a`` is 0 where people were measured and nobody is poor (so ``M0 = H x A`` holds) and
``contrib_<dep>`` is NaN there (no poverty to decompose). A missing deprivation flag enters the
MPI by the ``missing`` rule (``not_deprived`` by default, ``complete_case`` or ``reweight``: see
:mod:`geo.indicators.mpi`) and is left out of ``rate_<dep>``.
A missing programme flag counts as "not receiving" (registries record receipt, not its
absence); a programme column absent from the table gives NaN coverage. Aggregates at district or
regency level are recomputed from the households, never averaged from village figures.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from geo.common.codes import parent_codes
from geo.common.errors import GeoInputError
from geo.households.schema import DEPRIVATIONS, GLOBAL_MPI_K, GLOBAL_MPI_WEIGHTS, PROGRAMMES
from geo.join.match import MATCHED, code_index
from geo.indicators.mpi import DEFAULT_MISSING_RULE, mpi_from_sums, mpi_sums

LEVELS = ("village", "district", "regency")
MPI_COLUMNS = (
    "mpi_people", "mpi_h", "mpi_a", "mpi_m0", "mpi_vulnerable", "mpi_severe", "mpi_poor_people",
    "mpi_households", "mpi_missing_households",
)


def village_indicators(
    joined: pd.DataFrame, villages: pd.DataFrame, *, weights=None, k=None, level: str = "village",
    missing: str = DEFAULT_MISSING_RULE,
) -> pd.DataFrame:
    """One row per village (or district / regency) of the layer, with every indicator.

    Parameters
    ----------
    joined : output of :func:`geo.join.match.join_households` (needs ``outcome`` and the assigned
        ``village_code``; ``members``, ``desil``, ``dep_*``, ``recv_*`` as in the canonical table).
    villages : the village layer (GeoDataFrame or DataFrame with ``village_code``).
    weights : indicator -> weight for the MPI; the global MPI's by default.
    k : MPI poverty cut-off; 1/3 by default.
    level : ``"village"``, ``"district"`` or ``"regency"`` (parent codes from :mod:`geo.codes`).
    missing : the MPI missing rule (``not_deprived``, ``complete_case``, ``reweight``).

    Returns
    -------
    DataFrame
        Column ``<level>_code`` then the indicators, one row per unit in layer order. Units with
        no households have 0 counts and NaN rates.
    """
    if level not in LEVELS:
        raise GeoInputError("err.ind_level", source="level", levels=", ".join(LEVELS),
                            given=repr(level))
    layer = _layer_codes(villages)
    if level == "village":
        unit_of_village = layer
    else:
        unit_of_village = parent_codes(layer)[f"{level}_code"]
    units = pd.Index(unit_of_village.drop_duplicates().tolist())
    village_unit = units.get_indexer(unit_of_village.tolist())

    used = _used(joined)
    groups = village_unit[_village_index(joined, layer, used)]
    table = _aggregate(joined, used, groups, units, weights, k, missing)
    table.insert(0, f"{level}_code", pd.array(units.tolist(), dtype="string"))
    return table.reset_index(drop=True)


def region_summary(joined: pd.DataFrame, *, weights=None, k=None,
                   missing: str = DEFAULT_MISSING_RULE) -> dict:
    """Headline figures for the whole region (the overview page), from matched households.

    Returns a JSON-ready dict: the village indicator columns for the region as one unit, plus
    ``desil1_rate`` and ``desil14_rate`` (share of *people*). NaN becomes ``None``.
    """
    used = _used(joined)
    groups = np.zeros(int(used.sum()), dtype=np.int64)
    totals = _aggregate(joined, used, groups, pd.Index(["region"]), weights, k, missing)
    out = {name: _plain(totals[name].iloc[0]) for name in totals.columns}
    people = out["people"]
    out["desil1_rate"] = out["desil1_people"] / people if people else None
    out["desil14_rate"] = out["desil14_people"] / people if people else None
    return out


def _used(joined: pd.DataFrame) -> np.ndarray:
    if "outcome" not in joined.columns:
        raise GeoInputError("err.ind_not_joined", source="outcome")
    return joined["outcome"].isin(MATCHED).to_numpy(dtype=bool)


def village_sums(joined: pd.DataFrame, villages: pd.DataFrame, *, weights=None, k=None,
                 missing: str = DEFAULT_MISSING_RULE) -> pd.DataFrame:
    """Additive per-village totals behind every indicator, indexed by ``village_code``.

    Every indicator is a ratio of counts (households, people, people deprived, poor people's
    scores in exact integer units, programme receipt...). Tables from separate pieces of a
    registry (files, Dask partitions, each joined on its own) can be added element-wise and
    finished with :func:`indicators_from_sums`, giving exactly :func:`village_indicators` of
    the whole registry: the totals are integers, held exactly in float64.

    Parameters
    ----------
    joined, villages, weights, k, missing : as in :func:`village_indicators` (village level).

    Returns
    -------
    DataFrame
        One row per village of the layer, in layer order; columns are counts and sums.
    """
    weights, k = _settings(weights, k)
    layer = _layer_codes(villages)
    used = _used(joined)
    groups = _village_index(joined, layer, used)
    sums = _sums(joined, used, groups, len(layer), weights, k, missing)
    sums.index = pd.Index(layer.tolist(), name="village_code")
    return sums


def indicators_from_sums(sums: pd.DataFrame, *, weights=None, k=None,
                         missing: str = DEFAULT_MISSING_RULE) -> pd.DataFrame:
    """The village indicator table from (added-up) :func:`village_sums` totals.

    Same columns and values as :func:`village_indicators` (``village_code`` first, one row
    per row of ``sums``); ``weights``, ``k`` and ``missing`` must be the ones the sums were
    made with.
    """
    weights, k = _settings(weights, k)
    table = _finalise(sums, weights, k, missing)
    table.insert(0, "village_code", pd.array([str(c) for c in sums.index], dtype="string"))
    return table.reset_index(drop=True)


def _settings(weights, k) -> tuple[dict, object]:
    return dict(GLOBAL_MPI_WEIGHTS if weights is None else weights), (GLOBAL_MPI_K if k is None
                                                                      else k)


def _layer_codes(villages) -> pd.Series:
    if "village_code" not in villages.columns:
        raise GeoInputError("err.join_no_village_code", source="village_code")
    return villages["village_code"].astype("string").dropna().drop_duplicates()


def _village_index(joined, layer, used) -> np.ndarray:
    village_idx = code_index(joined["village_code"], layer.tolist())[used]
    if (village_idx < 0).any():
        raise GeoInputError("err.ind_other_layer", source="village_code")
    return village_idx


def _aggregate(joined, used, groups, units, weights, k, missing) -> pd.DataFrame:
    """All indicators per unit; ``groups`` is the unit index of each used row."""
    weights, k = _settings(weights, k)
    sums = _sums(joined, used, groups, len(units), weights, k, missing)
    table = _finalise(sums, weights, k, missing)
    table.index = units
    return table


def _sums(joined, used, groups, n_units, weights, k, missing) -> pd.DataFrame:
    """Additive totals per unit (counts as int64, people sums as integer-valued float64)."""
    n_used = int(used.sum())

    def total(values):
        return np.bincount(groups, weights=values, minlength=n_units)

    def count(mask):
        return np.bincount(groups[mask], minlength=n_units)

    members = _numbers(joined, "members", used, default=1.0)
    members = np.where(np.isnan(members), 0.0, members)
    desil = _numbers(joined, "desil", used)
    d1, d14, rich = desil == 1, desil <= 4, desil >= 6  # NaN compares False

    out: dict[str, np.ndarray] = {
        "households": count(np.ones(n_used, dtype=bool)),
        "people": total(members),
        "desil1_households": count(d1),
        "desil1_people": total(members * d1),
        "desil14_households": count(d14),
        "desil14_people": total(members * d14),
    }
    absent = [dep for dep in weights if dep not in joined.columns and dep not in DEPRIVATIONS]
    if absent:
        raise GeoInputError("err.mpi_absent", source="weights", names=", ".join(absent))
    flags = {dep: _numbers(joined, dep, used) for dep in dict.fromkeys([*DEPRIVATIONS, *weights])}
    for dep, flag in flags.items():
        out[f"known_people_{dep}"] = total(members * ~np.isnan(flag))
        out[f"deprived_people_{dep}"] = total(members * (flag == 1))

    matrix = np.empty((n_used, len(weights)), order="F")
    for i, dep in enumerate(weights):
        matrix[:, i] = flags[dep]
    mpi = mpi_sums(matrix, weights, k, people=members, codes=groups, n_groups=n_units,
                   missing=missing)
    out.update({name: mpi[name].to_numpy() for name in mpi.columns})

    receives_any = np.zeros(n_used, dtype=bool)
    present = [p for p in PROGRAMMES if p in joined.columns]
    for programme in present:
        receives = _numbers(joined, programme, used) == 1
        receives_any |= receives
        out[f"poor_receiving_{programme}"] = count(d14 & receives)
    if present:
        out["poor_unreached"] = count(d14 & ~receives_any)
        out["inclusion_error"] = count(rich & receives_any)
        out["recipients"] = count(receives_any)
    return pd.DataFrame(out)


def _finalise(sums: pd.DataFrame, weights, k, missing) -> pd.DataFrame:
    """Indicators from the totals of :func:`_sums`; programme totals absent give NaN."""
    n_units = len(sums)

    def ratio(num, den):
        num, den = np.asarray(num), np.asarray(den)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)

    def column(name):
        return sums[name].to_numpy()

    households = column("households").astype(np.int64)
    out: dict[str, np.ndarray] = {
        "households": households,
        "people": _count(column("people")),
        "desil1_households": column("desil1_households").astype(np.int64),
        "desil1_people": _count(column("desil1_people")),
    }
    out["desil1_share"] = ratio(out["desil1_households"], households)
    out["desil14_households"] = column("desil14_households").astype(np.int64)
    out["desil14_people"] = _count(column("desil14_people"))
    out["desil14_share"] = ratio(out["desil14_households"], households)
    for dep in dict.fromkeys([*DEPRIVATIONS, *weights]):
        out[f"rate_{dep}"] = ratio(column(f"deprived_people_{dep}"),
                                   column(f"known_people_{dep}"))

    mpi = mpi_from_sums(sums, weights, k, missing=missing)
    for name in MPI_COLUMNS:
        out[name] = mpi[name].to_numpy()
    for name in ("mpi_people", "mpi_poor_people", "mpi_households", "mpi_missing_households"):
        out[name] = _count(out[name])
    for prefix in ("cens_", "contrib_"):
        for dep in weights:
            out[f"{prefix}{dep}"] = mpi[f"{prefix}{dep}"].to_numpy()

    d14_households = out["desil14_households"]
    for programme in PROGRAMMES:
        name = "cov_" + programme.removeprefix("recv_")
        total = f"poor_receiving_{programme}"
        out[name] = (ratio(column(total), d14_households) if total in sums.columns
                     else np.full(n_units, np.nan))
    if "poor_unreached" in sums.columns:
        out["poor_unreached"] = column("poor_unreached").astype(np.int64)
        out["exclusion_rate"] = ratio(out["poor_unreached"], d14_households)
        out["inclusion_error"] = column("inclusion_error").astype(np.int64)
        out["inclusion_error_rate"] = ratio(out["inclusion_error"], column("recipients"))
    else:
        for name in ("poor_unreached", "exclusion_rate", "inclusion_error", "inclusion_error_rate"):
            out[name] = np.full(n_units, np.nan)
    return pd.DataFrame(out)


def _numbers(joined, name, used, default=np.nan) -> np.ndarray:
    """A column of the used rows as float (NA -> NaN); ``default`` when the column is absent."""
    if name not in joined.columns:
        return np.full(int(used.sum()), default)
    column = joined[name]
    if not pd.api.types.is_numeric_dtype(column):
        column = pd.to_numeric(column, errors="coerce")
    values = column.to_numpy(dtype=float, na_value=np.nan)
    return values if len(values) == len(used) and used.all() else values[used]


def _count(values: np.ndarray) -> np.ndarray:
    return np.rint(values).astype(np.int64)


def _plain(value):
    """numpy scalar -> Python value; NaN -> None (strict JSON)."""
    if isinstance(value, (np.integer, int)) and not isinstance(value, bool):
        return int(value)
    value = float(value)
    return None if math.isnan(value) else value
