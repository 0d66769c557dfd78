"""Village indicators for registries too big for one machine's memory: a Dask back end.

A province (Jawa Timur, ~12M families) or the national DTSEN (~93M) comes as a folder of
Parquet files. :func:`village_indicators_dask` gives *exactly* the table of the in-memory path,
``village_indicators(join_households(read_households(all files in order)), villages)``, and the
same reconciliation, while no machine holds more than a few files at a time:

1. each file is one partition, read and validated by :func:`geo.households.read.read_households`
   (the same code as the in-memory path) and joined by :func:`geo.join.match.join_households` on a
   worker; ``source_row`` becomes the row's position in the whole registry (files in name
   order), so row ids and reasons match the single-file run;
2. a household id repeated *across* files: each partition sends a 128-bit hash of its kept
   ids (the first valid row of each id in that file), bucketed by hash, to a few tasks that find
   the ids seen in more than one file and the registry row where each first appears; only that
   small table goes back to every partition, which turns its later rows into
   ``duplicate_household`` (the in-memory rule: the first valid row is kept);
3. each partition reduces itself to per-village totals (:func:`geo.indicators.village.village_sums`:
   households, people, desil counts, people deprived, poor people's scores in exact integer
   units, programme counts), the totals are added in a tree, and finished once with
   :func:`geo.indicators.village.indicators_from_sums`. The totals are integers, exact in float64, so
   the result is bit-for-bit the in-memory one.

Runs on any ``distributed`` scheduler (``scheduler="tcp://host:8786"``: a real multi-node
cluster whose workers can read the files at the same paths) or, with ``scheduler=None``, on a
``LocalCluster`` of a few single-threaded worker processes.

Limits: a partition is a whole file, so write registries as files of at most ~1M rows (a file's
memory on a worker is about 1 KB per row while it is validated). Checks on a whole file (e.g.
"most codes lost their digits in a spreadsheet") look at one file at a time. With no id column,
household ids are salted hashes of No. KK/NIK: the salt is resolved once here and sent to every
worker so that repeats across files are still found. Two different ids with the same 128-bit
hash would be taken for one household (odds about 1e-23 for 100M ids).
"""

from __future__ import annotations

import glob
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.errors import GeoInputError
from geo.common.messages import encode_rows
from geo.indicators.village import indicators_from_sums, village_sums
from geo.households.report import IngestReport
from geo.join.match import MAX_EXAMPLES, OUTCOMES, PROBLEMS, Reconciliation, join_households
from geo.indicators.weights import reweight_missing

__all__ = ["village_indicators_dask", "registry_files"]

_HASH_KEYS = ("poverty-pocket-1", "poverty-pocket-2")  # pandas wants 16 characters
_KEEP = ("source_row", "village_code", "village_code_given", "outcome", "reason", "members",
         "desil", "village_code_via")
_DUPLICATE = OUTCOMES.index("duplicate_household")
_INVALID = OUTCOMES.index("invalid")
_SUCCESSOR = OUTCOMES.index("matched_successor_code")


def registry_files(parquet_path_or_glob) -> list[Path]:
    """The registry's Parquet files in order: a file, a folder (``*.parquet`` in it, by
    name), a glob pattern (``/data/dtsen/35.*.parquet``, by name), or a list of files."""
    if isinstance(parquet_path_or_glob, (list, tuple)):
        files = [Path(p) for p in parquet_path_or_glob]
    else:
        text = str(parquet_path_or_glob)
        path = Path(text)
        if path.is_dir():
            files = sorted(path.glob("*.parquet")) + sorted(path.glob("*.pq"))
        elif path.exists():
            files = [path]
        else:
            files = [Path(p) for p in sorted(glob.glob(text))]
    missing = [str(p) for p in files if not p.is_file()]
    if missing:
        raise GeoInputError("err.file_not_found", source=missing[0])
    if not files:
        raise GeoInputError("err.dask_no_parquet", source=str(parquet_path_or_glob))
    return files


@dataclass(frozen=True, eq=False)
class DaskIndicators:
    """What :func:`village_indicators_dask` returns (see there)."""

    indicators: pd.DataFrame
    reconciliation: Reconciliation
    weights_used: Mapping[str, str]
    notes: tuple[object, ...] = ()


def village_indicators_dask(parquet_path_or_glob, villages, *, scheduler=None, weights=None,
                            k=None, prefer: str = "code", column_map: dict | None = None,
                            salt: str | None = None, n_workers: int = 2,
                            memory_limit: str = "6GiB", buckets: int | None = None,
                            reweight: bool = False, missing: str = "not_deprived",
                            overlap: str = "smallest_code", crosswalk=None, bps_bridge=None
                            ) -> "DaskIndicators":
    """Village indicators of a partitioned household registry, computed on a Dask cluster.

    Parameters
    ----------
    parquet_path_or_glob : a Parquet file, a folder of Parquet files, a glob pattern or a list
        of files; together (in name order) they are the registry.
    villages : the canonical village layer (:func:`geo.boundaries.read.read_villages`).
    scheduler : ``None`` (start a ``LocalCluster`` of ``n_workers`` single-threaded processes
        and close it afterwards), a scheduler address such as ``"tcp://10.0.0.5:8786"``, or a
        ``distributed.Client`` to use as it is.
    weights, k : MPI weights and poverty cut-off, as in
        :func:`geo.indicators.village.village_indicators`.
    prefer : which village wins when code and location disagree (``"code"``/``"location"``).
    overlap, crosswalk, bps_bridge : as in :func:`geo.join.match.join_households` (the layer's
        own BPS codes are taken here, before the layer is sent to the workers). The counts of
        ``overlaps`` and ``code_status`` are made per file, before repeats across files become
        ``duplicate_household``; every other count is exactly the in-memory one.
    column_map, salt : as in :func:`geo.households.read.read_households`.
    n_workers, memory_limit : the ``LocalCluster``'s size (ignored with an address).
    buckets : hash buckets for finding repeated ids across files (default: one per 4 files).
    reweight : move the weight of a deprivation with no value in any file within its
        dimension, as :func:`geo.pipeline.analysis.analyse` does in memory (:mod:`geo.mpi_weights`).
    missing : the MPI rule for a household's missing answers (``not_deprived``,
        ``complete_case``, ``reweight``; :mod:`geo.indicators.mpi`); every partition sums
        with it, so the figures are the in-memory ones for each rule.

    Returns
    -------
    DaskIndicators
        ``indicators``: the table of :func:`geo.indicators.village.village_indicators`;
        ``reconciliation``: a :class:`geo.join.match.Reconciliation` (counts sum to
        ``rows_in``; ``ingest`` holds the summed counts of the files, ``backend="dask"``);
        ``weights_used`` and ``notes``: the MPI weights used (as text fractions) and why
        they differ from the config's.

    Raises
    ------
    GeoInputError
        For a missing or unreadable file and for every problem the in-memory path reports.
    """
    from geo.common.privacy import resolve_salt
    from geo.indicators.mpi import check_missing_rule

    check_missing_rule(missing)
    files = registry_files(parquet_path_or_glob)
    first_rows = _first_rows(files)
    salt_value, _ = resolve_salt(salt)
    from geo.reference.crosswalk import bridge_from_layer, combined_bridge

    options = {"prefer": prefer, "overlap": overlap, "crosswalk": crosswalk,
               "bps_bridge": combined_bridge(bps_bridge, bridge_from_layer(villages))}
    client, owned = _client(scheduler, n_workers, memory_limit)
    try:
        return _run(client, files, first_rows, villages, weights=weights, k=k, options=options,
                    column_map=column_map, salt=salt_value,
                    buckets=buckets or max(1, len(files) // 4), reweight=reweight,
                    missing=missing)
    finally:
        if owned:
            cluster = client.cluster
            client.close()
            if cluster is not None:
                cluster.close()


def _first_rows(files: list[Path]) -> list[int]:
    """Registry row number of each file's first row, from the Parquet footers."""
    import pyarrow.parquet as pq

    counts = []
    for path in files:
        try:
            counts.append(pq.read_metadata(path).num_rows)
        except Exception as exc:  # pyarrow's errors for a damaged or non-Parquet file
            raise GeoInputError("err.dask_parquet_unreadable", source=str(path),
                                detail=str(exc)[:200]) from exc
    return (1 + np.concatenate([[0], np.cumsum(counts)[:-1]])).astype(int).tolist()


def _client(scheduler, n_workers: int, memory_limit: str):
    try:
        from distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - optional dependency
        raise GeoInputError("err.dask_missing", source="scheduler") from exc
    if isinstance(scheduler, Client):
        return scheduler, False
    if scheduler is None:
        cluster = LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                               memory_limit=memory_limit, dashboard_address=":0")
        return Client(cluster), True
    try:
        return Client(str(scheduler), timeout="20s"), True
    except (OSError, TimeoutError) as exc:
        raise GeoInputError("err.dask_scheduler", source="scheduler", address=str(scheduler),
                            detail=str(exc)[:200]) from exc


def _run(client, files, first_rows, villages, *, weights, k, options, column_map, salt, buckets,
         reweight, missing):
    layer = pd.DataFrame({"village_code": villages["village_code"].astype("string")})
    shapes = client.scatter(villages[["village_code", "geometry"]], broadcast=True)
    codes = client.scatter(layer, broadcast=True)

    joined = client.map(_join_partition, [str(f) for f in files], first_rows, villages=shapes,
                        options=options, column_map=column_map, salt=salt, pure=False)
    parts = [client.submit(operator.getitem, j, 0) for j in joined]
    ingest = [client.submit(operator.getitem, j, 1) for j in joined]

    # as in memory: a weighted deprivation with no value in any file gives its weight away
    from geo.households.schema import GLOBAL_MPI_WEIGHTS
    from geo.indicators.mpi import exact_weights

    weights, notes = exact_weights(weights if weights is not None else GLOBAL_MPI_WEIGHTS), []
    if reweight:
        present = client.gather(client.map(_present_deprivations, parts, names=list(weights)))
        weights, notes = reweight_missing(weights, set().union(*present))

    split = client.map(_kept_ids, parts, buckets=buckets)
    pieces = [[client.submit(operator.getitem, s, b) for s in split] for b in range(buckets)]
    contested = [client.submit(_contested, *bucket) for bucket in pieces]
    repeated = pd.concat(client.gather(contested), ignore_index=True)
    del joined, split, pieces, contested
    repeated_f = client.scatter(repeated, broadcast=True)

    finished = client.map(_finish_partition, parts, contested=repeated_f, layer=codes,
                          weights=weights, k=k, missing=missing)
    sums = [client.submit(operator.getitem, f, 0) for f in finished]
    rest = client.gather([client.submit(operator.getitem, f, 1) for f in finished])
    del parts
    total = _tree_sum(client, sums).result()
    table = indicators_from_sums(total, weights=weights, k=k, missing=missing)
    return DaskIndicators(indicators=table,
                          reconciliation=_reconciliation(rest, client.gather(ingest), len(files),
                                                         options),
                          weights_used={name: str(w) for name, w in weights.items()},
                          notes=tuple(notes))


def _present_deprivations(compact: pd.DataFrame, names: list[str]) -> set[str]:
    """The deprivations that have at least one value in this file."""
    return {name for name in names if name in compact.columns and compact[name].notna().any()}


def _tree_sum(client, futures):
    while len(futures) > 1:
        pairs = [client.submit(operator.add, a, b) for a, b in zip(futures[::2], futures[1::2])]
        futures = pairs + ([futures[-1]] if len(futures) % 2 else [])
    return futures[0]


def _join_partition(path: str, first_row: int, villages, options, column_map, salt):
    """Read, validate and join one file; keep what the totals and the reconciliation need."""
    from geo.households.read import read_households

    table, report = read_households(path, column_map=column_map, salt=salt)
    local_id = "row-" + table["source_row"].astype("string")
    table["source_row"] = table["source_row"].to_numpy() + (first_row - 1)
    fallback = (table["household_id"] == local_id).fillna(False).to_numpy(dtype=bool)
    if fallback.any():  # ids made from the row number: number them in the whole registry
        table.loc[fallback, "household_id"] = "row-" + table.loc[fallback, "source_row"].astype(
            "string")
    joined, rec = join_households(table, villages, **options)
    keep = [c for c in joined.columns if c in _KEEP or c.startswith(("dep_", "recv_"))]
    compact = joined[keep].copy()
    ids = joined["household_id"].astype("string")
    keyed = (joined["problem"].isna() & ids.notna()).to_numpy(dtype=bool)
    compact["h1"], compact["h2"] = _hash(ids, keyed)
    compact["keyed"] = keyed
    summary = IngestReport(rows_read=report.rows_read, rows_with_problem=report.rows_with_problem,
                           problems=dict(report.problems),
                           household_id_from=report.household_id_from)
    counts = {key: dict(getattr(rec, key)) for key in ("overlaps", "code_status", "bps_codes")}
    counts["sources"] = {"crosswalk": rec.crosswalk, "bps_bridge": rec.bps_bridge}
    return compact, (summary, counts)


def _hash(ids: pd.Series, keyed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    values = ids.fillna("").to_numpy(dtype=object)
    h1 = pd.util.hash_array(values, hash_key=_HASH_KEYS[0], categorize=False)
    h2 = pd.util.hash_array(values, hash_key=_HASH_KEYS[1], categorize=False)
    return np.where(keyed, h1, 0), np.where(keyed, h2, 0)


def _kept_ids(compact: pd.DataFrame, buckets: int) -> list[pd.DataFrame]:
    """The ids this file keeps (its first valid row of each), split into hash buckets."""
    kept = compact["keyed"].to_numpy() & (compact["outcome"].cat.codes.to_numpy() != _DUPLICATE)
    ids = pd.DataFrame({"h1": compact["h1"].to_numpy()[kept], "h2": compact["h2"].to_numpy()[kept],
                        "source_row": compact["source_row"].to_numpy()[kept]})
    bucket = (ids["h1"].to_numpy() % np.uint64(buckets)).astype(np.int64)
    return [ids[bucket == b] for b in range(buckets)]


def _contested(*pieces: pd.DataFrame) -> pd.DataFrame:
    """Ids kept by more than one file, with the registry row of their first occurrence."""
    ids = pd.concat(pieces, ignore_index=True)
    repeated = ids[ids.duplicated(["h1", "h2"], keep=False)]
    first = repeated.groupby(["h1", "h2"], sort=False)["source_row"].min()
    return first.rename("first_row").reset_index()


def _finish_partition(compact: pd.DataFrame, contested: pd.DataFrame, layer, weights, k,
                      missing):
    """Apply the cross-file duplicates, then reduce the file to per-village totals, outcome
    counts and its first problem examples."""
    outcome = compact["outcome"].cat.codes.to_numpy().astype(np.int8)
    reason = compact["reason"]
    if len(contested):
        found = compact[["h1", "h2"]].merge(contested, on=["h1", "h2"], how="left")
        first = found["first_row"].to_numpy(dtype=float, na_value=np.nan)
        row = compact["source_row"].to_numpy()
        later = compact["keyed"].to_numpy() & np.isfinite(first) & (row != first)
        if later.any():
            outcome = np.where(later, _DUPLICATE, outcome).astype(np.int8)
            text = encode_rows("join.duplicate", row=pd.Series(  # as geo.join.match writes it
                first[later], index=compact.index[later]).astype("int64").astype("string"))
            reason = reason.copy()
            reason[later] = text
            compact = compact.assign(
                outcome=pd.Categorical.from_codes(outcome, categories=OUTCOMES), reason=reason)
    sums = village_sums(compact, layer, weights=weights, k=k, missing=missing)
    counts = np.bincount(outcome, minlength=len(OUTCOMES))
    via = compact["village_code_via"].where(outcome == _SUCCESSOR)
    successors = {str(k): int(v) for k, v in via.value_counts().items()}
    given = compact["village_code_given"]
    row = compact["source_row"].to_numpy()
    examples = {}
    for name in PROBLEMS:
        where = np.nonzero(outcome == OUTCOMES.index(name))[0][:MAX_EXAMPLES]
        examples[name] = [{
            "source_row": int(row[i]),
            "reason": None if pd.isna(reason.iloc[i]) else str(reason.iloc[i]),
            "village_code": None if pd.isna(given.iloc[i]) else str(given.iloc[i]),
        } for i in where]
    return sums, (counts, examples, successors)


def _added(dicts) -> dict[str, int]:
    total: dict[str, int] = {}
    for part in dicts:
        for key, n in part.items():
            total[key] = total.get(key, 0) + int(n)
    return dict(sorted(total.items()))


def _reconciliation(rest, parts: list, n_files: int, options: dict) -> Reconciliation:
    ingest = [summary for summary, _ in parts]
    counts = np.sum([c for c, _, _ in rest], axis=0)
    examples = {}
    for name in PROBLEMS:
        found = [e for _, ex, _ in rest for e in ex[name]]
        examples[name] = sorted(found, key=lambda e: e["source_row"])[:MAX_EXAMPLES]
    extra = {key: _added(c[key] for _, c in parts)
             for key in ("overlaps", "code_status", "bps_codes")}
    sources = [c["sources"] for _, c in parts]
    problems: dict[str, int] = {}
    for part in ingest:
        for kind, n in part.problems.items():
            problems[kind] = problems.get(kind, 0) + int(n)
    rows = int(sum(part.rows_read for part in ingest))
    return Reconciliation(
        rows_in=rows,
        outcomes={name: int(counts[i]) for i, name in enumerate(OUTCOMES)},
        examples=examples,
        prefer=options["prefer"],
        backend="dask",
        overlap=options["overlap"],
        successors=_added(s for _, _, s in rest),
        crosswalk=next((s["crosswalk"] for s in sources if s["crosswalk"]), None),
        bps_bridge=next((s["bps_bridge"] for s in sources if s["bps_bridge"]), None),
        **extra,
        ingest=IngestReport(
            files=n_files, rows_read=rows,
            rows_with_problem=int(sum(part.rows_with_problem for part in ingest)),
            problems=problems,
            household_id_from=ingest[0].household_id_from if ingest else None),
    )
