"""Time reading all of Jawa Timur (38 wilayah_boundaries dumps, 8,494 villages, 830k vertices).

Run: ``python benchmarks/bench_boundaries.py [KEL_DIR] [--any-count]``. Prints, separately, the
time to parse the dumps, to build the canonical layer, and for each quality check, next to two
baselines measured in the same run: the plain way (a regular expression per row,
``json.loads`` of each path and a ``shapely.Polygon`` per feature) and geopandas reading the
finished layer back from a GeoPackage. ``--any-count`` runs on however many
``wilayah_boundaries_kel_35.*.sql`` dumps KEL_DIR holds (small runs, e.g. Kota Malang alone in
``tests/test_benchmarks_scripts.py``).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.boundaries import quality  # noqa: E402
from geo.boundaries.read import read_villages, write_villages  # noqa: E402
from geo.common.crs import metric_crs  # noqa: E402
from geo.boundaries.sqldump import read_sql_dump  # noqa: E402

DEFAULT_DIR = ROOT.parent / "shared" / "data" / "wilayah_boundaries" / "kel"
_ROW = re.compile(r"\('([^']*)',\s*'((?:[^']|'')*)',\s*[-\d.]+,\s*[-\d.]+,\s*'([^']*)'\)")


def plain_parse(paths: list[Path]) -> list:
    """The straightforward way: regex per row, json.loads per path, one shapely object each."""
    geoms = []
    for path in paths:
        for _code, _name, text in _ROW.findall(path.read_text(encoding="utf-8")):
            coords = json.loads(text)
            polygons = coords if isinstance(coords[0][0][0], list) else [coords]
            parts = [shapely.Polygon([(lng, lat) for lat, lng in rings[0]],
                                     [[(lng, lat) for lat, lng in ring] for ring in rings[1:]])
                     for rings in polygons]
            geoms.append(parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts))
    return geoms


def _union_all_holes(geoms) -> list:
    """The plain way: the interior rings of one union of every village."""
    union = shapely.union_all(geoms)
    return [ring for part in shapely.get_parts(union) for ring in part.interiors]


def timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    seconds = time.perf_counter() - start
    print(f"{label:<58} {seconds:7.2f} s")
    return result, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kel_dir", nargs="?", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--any-count", action="store_true",
                        help="run on whatever Jawa Timur dumps KEL_DIR holds (small test runs)")
    args = parser.parse_args(argv)
    kel = args.kel_dir
    paths = sorted(kel.glob("wilayah_boundaries_kel_35.*.sql"))
    if not paths or (len(paths) != 38 and not args.any_count):
        print(f"skipped: the 38 Jawa Timur dumps are not in {kel} (found {len(paths)})")
        return 0
    print(f"Jawa Timur: {len(paths)} files, {sum(p.stat().st_size for p in paths) / 1e6:.1f} MB")
    dumps, t_parse = timed(f"parse (geo.boundaries.sqldump, {len(paths)} files)",
                           lambda: [read_sql_dump(p) for p in paths])
    vertices = sum(int(shapely.get_num_coordinates(d.rows.geometry.array).sum()) for d in dumps)
    plain, t_plain = timed("baseline: json.loads + shapely.Polygon per feature", plain_parse,
                           paths)
    assert len(plain) == sum(len(d.rows) for d in dumps)
    (villages, report), t_layer = timed("canonical layer (read_villages, no overlaps/gaps)",
                                        read_villages, paths, check_quality=False)
    metric = metric_crs(villages)
    geoms, t_project = timed(f"project to {metric.to_string()}",
                             lambda: np.asarray(villages.geometry.to_crs(metric).array))
    _, t_overlaps = timed("quality: overlaps (STRtree + intersections)", quality.find_overlaps,
                          geoms, villages["village_code"], villages["village_name"])
    gaps, t_gaps = timed("quality: gaps (GEOS's union cascade, final holes set aside)",
                         quality.find_gaps, geoms, metric)
    plain, t_union_all = timed("baseline: gaps from one shapely.union_all", _union_all_holes,
                               geoms)
    if len(plain) != gaps["count"]:
        raise SystemExit(f"gap count {gaps['count']} differs from union_all's {len(plain)}")
    found, t_check = timed("quality: check_coverage (overlaps beside the gap union)",
                           quality.check_coverage, geoms, villages["village_code"],
                           villages["village_name"], metric)
    assert found.gaps == gaps
    with tempfile.TemporaryDirectory() as tmp:
        gpkg = write_villages(villages, Path(tmp) / "jatim.gpkg")
        _, t_gpkg = timed("baseline: geopandas.read_file of the same layer (GPKG)",
                          gpd.read_file, gpkg, engine="pyogrio")
    print(f"\n{report.features_out} villages, {vertices:,} vertices, "
          f"{len(report.repaired)} repaired, {gaps['count']:,} gaps")
    print(f"parse vs plain baseline: {t_plain / t_parse:.1f}x faster")
    print(f"canonical layer vs reading a ready GeoPackage: {t_layer / t_gpkg:.1f}x the time")
    print(f"gaps vs one union_all (same run, same {len(plain):,} holes): "
          f"{t_gaps / t_union_all:.2f}x the time")
    print(f"quality checks: {t_check:.1f} s together, vs {t_overlaps + t_union_all:.1f} s for "
          f"overlaps then union_all: {t_check / (t_overlaps + t_union_all):.2f}x")
    print(f"full read with quality checks: about {t_layer + t_project + t_check:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
