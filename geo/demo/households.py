"""Reproducible synthetic households over a real village layer (scale tests, benchmarks, trials).

Run: ``python -m geo.demo.households --households 1000000 --out /tmp/hh_1m.parquet``
or ``python -m geo.demo.households --households 10000000 --partitioned --out /tmp/hh_10m``
(``benchmarks/households_gen.py`` is the same command).

Same seed, same file. Every household lies inside its village (rejection sampling in the
village's bounding box with ``shapely.contains_xy``, vectorised over all households still
outside); desil follows a per-village poverty level, deprivations and programme receipt follow
desil. About 3 % of rows are deliberately bad, so that validation and reconciliation have work
to do: desil 0 or 11, zero members, unknown village codes, no code and no coordinates, points
in the sea, codes that disagree with the location, and repeated household ids (also across the
files of the partitioned variant). The partitioned variant is written in chunks, one Parquet
file per chunk, so memory stays at one chunk. The default layer is Jawa Timur (8,494 villages)
from ``../shared/data``; ``--villages-cache`` keeps it as GeoParquet so later runs skip the
38 SQL dumps. No personal data is made up: ids are ``hh<number>``.
"""

from __future__ import annotations

import argparse
import glob
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from geo.common.safe_text import neutralise_frame
from geo.households.schema import DEPRIVATIONS, PROGRAMMES

ROOT = Path(__file__).resolve().parents[2]

JATIM_GLOB = str(ROOT.parent / "shared" / "data" / "wilayah_boundaries" / "kel"
                 / "wilayah_boundaries_kel_35.*.sql")
#: Share of all rows for each kind of deliberately bad row.
BAD_ROWS = {
    "desil_out_of_range": 0.005,
    "members_zero": 0.003,
    "unknown_code": 0.004,
    "no_code_no_location": 0.003,
    "point_in_sea": 0.003,
    "code_location_disagree": 0.005,
    "duplicate_id": 0.006,
}
#: Base rate of each deprivation for a desil-1 household (halved towards desil 10).
_DEPRIVED = np.array([0.18, 0.05, 0.30, 0.12, 0.55, 0.35, 0.25, 0.04, 0.30, 0.45])
_MAX_ROUNDS = 60


def load_villages(sources=None, *, cache: str | Path | None = None) -> gpd.GeoDataFrame:
    """The canonical village layer: from ``cache`` (GeoParquet) if present, else read with
    :func:`geo.boundaries.read.read_villages` (default: the 38 Jawa Timur dumps) and cached."""
    if cache is not None and Path(cache).exists():
        return gpd.read_parquet(cache)
    from geo.boundaries.read import read_villages

    if sources is None:
        sources = sorted(glob.glob(JATIM_GLOB))
        if not sources:
            raise SystemExit(f"no boundary files: {JATIM_GLOB} not found; give --boundaries")
    villages, _ = read_villages(sources)
    if cache is not None:
        villages.to_parquet(cache)
    return villages


def points_in(geoms: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One random point inside each polygon of ``geoms`` (an array with repeats), as (n, 2).

    Rejection sampling in bounding boxes, all pending points per round in one vectorised
    ``contains_xy`` call; a polygon that rejects ``_MAX_ROUNDS`` times (a sliver) gets its
    ``point_on_surface``.
    """
    shapely.prepare(geoms)
    bounds = shapely.bounds(geoms)
    xy = np.full((len(geoms), 2), np.nan)
    todo = np.arange(len(geoms))
    for _ in range(_MAX_ROUNDS):
        if not len(todo):
            break
        b = bounds[todo]
        x = rng.uniform(b[:, 0], b[:, 2])
        y = rng.uniform(b[:, 1], b[:, 3])
        inside = shapely.contains_xy(geoms[todo], x, y)
        xy[todo[inside]] = np.column_stack([x[inside], y[inside]])
        todo = todo[~inside]
    if len(todo):
        xy[todo] = shapely.get_coordinates(shapely.point_on_surface(geoms[todo]))
    return xy


def _village_profile(villages: gpd.GeoDataFrame, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Per village: probability of holding a household, and its poverty level (0..1)."""
    rng = np.random.default_rng([seed, 0])
    density = rng.gamma(2.0, 1.0, len(villages))
    poverty = rng.beta(2.0, 5.0, len(villages))
    return density / density.sum(), poverty


def household_ids(rows: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``hh000000123`` for global row index 123 (ids repeat only where made to)."""
    text = np.char.add("hh", np.char.zfill(rows.astype(str), 9))
    return pd.array(text, dtype="string")


def synthetic_households(villages: gpd.GeoDataFrame, n: int, *, seed: int = 2024,
                         start: int = 0) -> pd.DataFrame:
    """``n`` households (global rows ``start .. start + n - 1``) over ``villages``.

    Columns use the canonical names (``household_id, village_code, longitude, latitude,
    members, desil, dep_*, recv_*``) with typed values, as a registry's Parquet export would.
    The rows depend only on ``seed`` and ``start``, so chunks of a big file can be made
    independently and in any order.
    """
    rng = np.random.default_rng([seed, 1, start])
    share, poverty = _village_profile(villages, seed)
    codes = villages["village_code"].astype("string").to_numpy(dtype=object)
    geoms = villages.geometry.to_numpy()

    village = rng.choice(len(villages), size=n, p=share)
    xy = points_in(geoms[village], rng)
    pv = poverty[village]
    desil = 1 + np.floor(10 * rng.beta(1.0 + 3.0 * (1 - pv), 1.0 + 3.0 * pv)).astype(np.int64)
    members = np.minimum(1 + rng.poisson(2.6, n), 12)

    table = pd.DataFrame({
        "household_id": household_ids(np.arange(start, start + n)),
        "village_code": pd.array(codes[village], dtype="string"),
        "longitude": xy[:, 0],
        "latitude": xy[:, 1],
        "members": pd.array(members, dtype="Int64"),
        "desil": pd.array(desil, dtype="Int64"),
    })
    poorness = (11 - desil) / 10  # 1 for desil 1 .. 0.1 for desil 10
    for name, base in zip(DEPRIVATIONS, _DEPRIVED):
        flag = pd.array((rng.random(n) < base * (0.5 + 0.5 * poorness)).astype(np.int8),
                        dtype="Int8")
        flag[rng.random(n) < 0.01] = pd.NA  # a few unknown values
        table[name] = flag
    receive = np.select([desil <= 4, desil == 5], [0.55, 0.30], 0.06)
    for name, factor in zip(PROGRAMMES, (0.7, 1.0, 1.2)):
        table[name] = pd.array((rng.random(n) < receive * factor).astype(np.int8), dtype="Int8")

    located = rng.random(n) < 0.75  # registries carry coordinates for most households
    table.loc[~located, ["longitude", "latitude"]] = np.nan
    no_code = located & (rng.random(n) < 0.08)
    table.loc[no_code, "village_code"] = pd.NA
    _spoil(table, rng, villages, start)
    return table


def _spoil(table: pd.DataFrame, rng: np.random.Generator, villages, start: int) -> None:
    """Make the deliberately bad rows of :data:`BAD_ROWS` (disjoint, chosen at random)."""
    n = len(table)
    kind = np.full(n, -1)
    draw = rng.random(n)
    edge = 0.0
    for i, p in enumerate(BAD_ROWS.values()):
        kind[(draw >= edge) & (draw < edge + p)] = i
        edge += p
    names = list(BAD_ROWS)

    def rows(name):
        return np.nonzero(kind == names.index(name))[0]

    r = rows("desil_out_of_range")
    table.loc[r, "desil"] = np.where(rng.random(len(r)) < 0.5, 0, 11)
    table.loc[rows("members_zero"), "members"] = 0
    r = rows("unknown_code")
    table.loc[r, "village_code"] = "35.99.99.2999"
    table.loc[r, ["longitude", "latitude"]] = np.nan
    r = rows("no_code_no_location")
    table.loc[r, "village_code"] = pd.NA
    table.loc[r, ["longitude", "latitude"]] = np.nan
    minx, miny, _, _ = villages.total_bounds
    r = rows("point_in_sea")
    table.loc[r, "village_code"] = pd.NA
    table.loc[r, "longitude"] = minx - 0.3 + 0.1 * rng.random(len(r))
    table.loc[r, "latitude"] = miny - 0.3 + 0.1 * rng.random(len(r))
    r = rows("code_location_disagree")
    r = r[table["longitude"].iloc[r].notna().to_numpy()]
    other = villages["village_code"].astype("string").to_numpy(dtype=object)
    table.loc[r, "village_code"] = other[rng.integers(0, len(other), len(r))]
    r = rows("duplicate_id")
    r = r[r + start > 0]
    earlier = np.floor(rng.random(len(r)) * (r + start)).astype(np.int64)  # any earlier row
    table.loc[r, "household_id"] = household_ids(earlier)


def write_households(villages, path, n: int, *, seed: int = 2024) -> Path:
    """One Parquet (or ``.csv``) file of ``n`` synthetic households."""
    path = Path(path)
    table = synthetic_households(villages, n, seed=seed)
    if path.suffix == ".csv":
        neutralise_frame(table).to_csv(path, index=False)
    else:
        table.to_parquet(path, index=False)
    return path


def write_partitioned(villages, out_dir, n: int, *, chunk: int = 500_000, seed: int = 2024,
                      log=None) -> list[Path]:
    """``n`` households as ``part-00000.parquet``, ... in ``out_dir``, one chunk at a time.

    The concatenation of the parts, in name order, is the registry: ``source_row`` of a
    household is its position in that order.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, start in enumerate(range(0, n, chunk)):
        table = synthetic_households(villages, min(chunk, n - start), seed=seed, start=start)
        path = out / f"part-{i:05d}.parquet"
        table.to_parquet(path, index=False)
        paths.append(path)
        if log:
            log(f"  wrote {path.name}: {len(table):,} rows")
        del table
    return paths


def main(argv=None) -> int:
    """The command line: print progress (this is the command's own output, not diagnostics)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--households", type=int, default=1_000_000)
    parser.add_argument("--out", required=True, help="a .parquet/.csv file, or a folder with "
                        "--partitioned")
    parser.add_argument("--partitioned", action="store_true",
                        help="write a folder of Parquet files, --chunk rows each")
    parser.add_argument("--chunk", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--boundaries", nargs="*", help="boundary files (default: Jawa Timur)")
    parser.add_argument("--villages-cache", help="GeoParquet cache of the village layer")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    villages = load_villages(args.boundaries, cache=args.villages_cache)
    print(f"villages: {len(villages):,} ({time.perf_counter() - t0:.1f} s)")
    t0 = time.perf_counter()
    if args.partitioned:
        paths = write_partitioned(villages, args.out, args.households, chunk=args.chunk,
                                  seed=args.seed, log=print)
        print(f"households: {args.households:,} in {len(paths)} files under {args.out} "
              f"({time.perf_counter() - t0:.1f} s)")
    else:
        write_households(villages, args.out, args.households, seed=args.seed)
        print(f"households: {args.households:,} -> {args.out} ({time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
