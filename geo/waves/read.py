"""Read registry waves: ``LABEL=FILE`` arguments, each file read and joined like ``geo rank``.

Every wave goes through :func:`geo.households.read.read_households` (personal columns dropped
first, aliases, the same value checks) and :func:`geo.join.match.join_households` (the same
reconciliation), so a wave whose columns differ from the others (other aliases, an optional
column missing or extra) is read as it would be alone. All waves of one call share one salt
(:func:`geo.common.privacy.resolve_salt`), so a household id hashed from No. KK / NIK is the same
key in every wave of the run.

**Linking key** — ``household_id`` as :func:`read_households` keeps it: the file's id column,
or the salted hash of the id / No. KK / NIK. A row is *linkable* when it was placed in a village
(outcome in :data:`geo.join.match.MATCHED`) and its key is stable and unique in its wave:

- rows whose id is only their row number (``row-<n>``: the file had no key for them) are not
  linkable (``row_number_ids``);
- a key given to two or more rows of one wave (not counting invalid rows) is ambiguous: *all*
  its rows are left out of linking (``duplicate_keys`` keys, ``duplicate_rows`` rows). The join
  still places the first of them, so it counts in that wave's village shares, as in ``geo rank``.

**MPI-poor** — each placed household's Alkire–Foster status with the config's weights, ``k`` and
missing rule (:func:`geo.indicators.mpi.mpi_sums` with one group per household; a weighted
indicator absent from a wave has its weight moved within its dimension for that wave, as
``geo rank`` does, :func:`geo.indicators.weights.reweight_missing`): ``mpi_poor`` is True/False,
``<NA>`` when the household is outside the measure (missing answers under the rule) or its wave
has none of the weighted indicators (then only desil movement is counted for it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.errors import GeoInputError
from geo.common.privacy import resolve_salt
from geo.households.read import read_households
from geo.indicators.mpi import mpi_sums
from geo.indicators.weights import reweight_missing
from geo.join.match import MATCHED, Reconciliation, join_households

__all__ = ["Wave", "mpi_poor", "parse_waves", "read_waves", "village_m0", "wave_from_table"]

LABEL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")  # becomes part of a column name


@dataclass(frozen=True)
class Wave:
    """One wave: its label, the households it links and its row accounting.

    ``rows_in`` = the sum of ``outcomes`` (the join's); of the ``placed_rows``, ``linkable`` are
    linked and the rest are not (``to_dict()["not_linked"]``: ``repeated_key`` rows, placed rows
    of a key repeated in the wave, and ``row_number_id`` rows, placed rows without a key).

    ``linked`` has one row per linkable household, indexed by ``household_id``, with
    ``village_code``, ``desil`` and ``mpi_poor`` (boolean, ``<NA>`` outside the measure or when
    no MPI was asked); ``placed`` is every placed row (for the village shares).
    """

    label: str
    linked: pd.DataFrame = field(repr=False)
    placed: pd.DataFrame = field(repr=False)
    rows_in: int
    placed_rows: int
    linkable: int
    duplicate_keys: int
    duplicate_rows: int
    row_number_ids: int
    outcomes: dict = field(default_factory=dict)
    placed_duplicate_rows: int = 0
    m0: pd.Series | None = field(default=None, repr=False)

    def to_dict(self) -> dict:
        return {"label": self.label, "rows_in": self.rows_in, "placed": self.placed_rows,
                "linkable": self.linkable, "duplicate_keys": self.duplicate_keys,
                "duplicate_rows": self.duplicate_rows, "row_number_ids": self.row_number_ids,
                "not_linked": {"repeated_key": self.placed_duplicate_rows,
                               "row_number_id": self.row_number_ids},
                "outcomes": dict(self.outcomes)}


def parse_waves(items) -> list[tuple[str, str]]:
    """``["2024=a.csv", "2025q1=b.parquet"]`` -> ``[("2024", "a.csv"), ("2025q1", "b.parquet")]``.

    Raises
    ------
    GeoInputError
        An item without ``=`` or with an empty side, a label that is not letters, digits,
        ``_ . -`` (at most 32), a label given twice, or fewer than two waves.
    """
    waves: list[tuple[str, str]] = []
    for item in items or []:
        label, sep, path = str(item).partition("=")
        label, path = label.strip(), path.strip()
        if not sep or not path or not LABEL.match(label):
            raise GeoInputError("err.waves_item", source="--households", item=repr(str(item)[:40]))
        if label in (w[0] for w in waves):
            raise GeoInputError("err.waves_label_twice", source="--households", label=label)
        waves.append((label, path))
    if len(waves) < 2:
        raise GeoInputError("err.waves_too_few", source="--households", given=str(len(waves)))
    return waves


def mpi_poor(households: pd.DataFrame, mpi) -> pd.Series:
    """Each row's MPI-poor status (boolean, ``<NA>`` outside the measure) under ``mpi``
    (:class:`geo.config.models.MpiSettings`), in the rows' order."""
    available = [d for d in mpi.weights if d in households.columns and households[d].notna().any()]
    n = len(households)
    if not any(mpi.weights[d] > 0 for d in available):  # no MPI in this wave: status unknown
        return pd.Series(pd.array([pd.NA] * n, dtype="boolean"), index=households.index,
                         name="mpi_poor")
    weights, _notes = reweight_missing(dict(mpi.weights), available)
    frame = pd.DataFrame({d: households[d] if d in households.columns else pd.NA for d in weights},
                         index=households.index)
    sums = mpi_sums(frame, weights, mpi.k, codes=np.arange(n), n_groups=n, missing=mpi.missing)
    poor = pd.array(sums["mpi_poor_people"].to_numpy() > 0, dtype="boolean")
    poor[sums["mpi_households"].to_numpy() == 0] = pd.NA
    return pd.Series(poor, index=households.index, name="mpi_poor")


def village_m0(joined: pd.DataFrame, villages, mpi) -> pd.Series:
    """Each village's M0 in one joined wave, as ``geo rank`` computes it (people-weighted
    Alkire–Foster over the placed rows; a weighted indicator absent from the wave has its weight
    moved within its dimension); all NaN when the wave has none of the weighted indicators."""
    from geo.indicators.village import village_indicators

    codes = villages["village_code"].astype("string")
    available = [d for d in mpi.weights if d in joined.columns and joined[d].notna().any()]
    if not any(mpi.weights[d] > 0 for d in available):
        return pd.Series(np.nan, index=pd.Index(codes, name="village_code"), name="mpi_m0")
    weights, _notes = reweight_missing(dict(mpi.weights), available)
    table = village_indicators(joined, villages, weights=weights, k=mpi.k, missing=mpi.missing)
    return table.set_index("village_code")["mpi_m0"].astype(float)


def wave_from_table(label: str, joined: pd.DataFrame, reconciliation: Reconciliation,
                    mpi=None, villages=None) -> Wave:
    """A :class:`Wave` from one joined household table (:func:`join_households`'s output);
    ``mpi`` (:class:`~geo.config.models.MpiSettings`) adds each household's MPI-poor status and,
    with ``villages`` (the layer joined to), each village's M0."""
    outcome = joined["outcome"].astype("string")
    placed_mask = outcome.isin(MATCHED).to_numpy()
    hid = joined["household_id"].astype("string")
    row_id = "row-" + joined["source_row"].astype("int64").astype("string")
    from_row = (hid == row_id).fillna(False).to_numpy()
    valid = (outcome != "invalid").to_numpy() & hid.notna().to_numpy()
    counts = hid[valid].value_counts()
    repeated = counts[counts > 1]
    dup_rows = hid.isin(repeated.index).fillna(False).to_numpy() & valid
    link = placed_mask & ~from_row & ~dup_rows
    poor = (mpi_poor(joined[link], mpi).to_numpy() if mpi is not None
            else pd.array([pd.NA] * int(link.sum()), dtype="boolean"))
    linked = pd.DataFrame({"village_code": joined["village_code"].astype("string")[link].to_numpy(),
                           "desil": joined["desil"].astype("Int64")[link].to_numpy(),
                           "mpi_poor": poor},
                          index=pd.Index(hid[link].to_numpy(), name="household_id"))
    placed = pd.DataFrame({"village_code": joined["village_code"].astype("string")[placed_mask],
                           "desil": joined["desil"].astype("Int64")[placed_mask]})
    return Wave(label=label, linked=linked, placed=placed.reset_index(drop=True),
                rows_in=len(joined), placed_rows=int(placed_mask.sum()), linkable=int(link.sum()),
                duplicate_keys=len(repeated), duplicate_rows=int(dup_rows.sum()),
                row_number_ids=int((from_row & placed_mask).sum()),
                placed_duplicate_rows=int((placed_mask & ~from_row & dup_rows).sum()),
                outcomes={k: int(v) for k, v in reconciliation.outcomes.items()},
                m0=(village_m0(joined, villages, mpi)
                    if mpi is not None and villages is not None else None))


def read_waves(waves, villages, *, column_map: dict | None = None, prefer: str = "code",
               overlap: str = "smallest_code", crosswalk=None, bps_bridge=None,
               salt: str | None = None, mpi=None) -> list[Wave]:
    """Read and join every wave of ``waves`` (``[(label, path), ...]``, oldest first) to the
    canonical village layer ``villages``; the join options are those of ``geo rank``.
    ``mpi``: :class:`~geo.config.models.MpiSettings` for each household's MPI-poor status
    (default: the default config's).

    Raises
    ------
    GeoInputError
        Any problem of a wave's file (naming it), as :func:`read_households` raises it.
    """
    from geo.reference.crosswalk import read_bps_bridge, read_crosswalk

    if isinstance(crosswalk, (str, Path)):
        crosswalk = read_crosswalk(crosswalk)
    if isinstance(bps_bridge, (str, Path)):
        bps_bridge = read_bps_bridge(bps_bridge)
    if mpi is None:
        from geo.config import default_config

        mpi = default_config().mpi
    salt_used, _ = resolve_salt(salt)  # one salt for all waves: hashed keys link
    out = []
    for label, path in waves:
        table, _ingest = read_households(path, column_map=column_map, salt=salt_used)
        joined, reconciliation = join_households(table, villages, prefer=prefer, overlap=overlap,
                                                 crosswalk=crosswalk, bps_bridge=bps_bridge)
        out.append(wave_from_table(label, joined, reconciliation, mpi, villages))
    return out
