"""``python -m geo boundaries SRC [SRC ...] --out OUT.gpkg``: the canonical village layer.

Reads the boundary files (GeoJSON, GeoPackage, Shapefile or zipped Shapefile, FlatGeobuf, KML,
GeoParquet, wilayah_boundaries ``.sql`` dumps), writes the layer ``villages`` to a GeoPackage
and, with ``--report``, the quality report as JSON. Exit 0 on success, 2 on unusable input.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from geo.boundaries.read import ENGINES, read_villages, write_villages
from geo.boundaries.schema import MAPPABLE
from geo.cli.common import message_lang, output_file, parse_column_map, shown, write_text
from geo.i18n import t
from geo.common.errors import GeoInputError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("sources", nargs="+", metavar="SRC", help="boundary file(s); several "
                        "are combined (e.g. kel/wilayah_boundaries_kel_35.*.sql)")
    parser.add_argument("--out", required=True, metavar="OUT.gpkg",
                        help="GeoPackage to write (layer 'villages')")
    parser.add_argument("--engine", choices=ENGINES, default="pyogrio",
                        help="GDAL binding for GeoJSON/GPKG/Shapefile/FlatGeobuf/KML")
    parser.add_argument("--report", metavar="REPORT.json", help="write the quality report here")
    parser.add_argument("--layer", help="layer of a multi-layer file, or the .shp inside a zip")
    parser.add_argument("--map", action="append", default=[], metavar="FIELD=COLUMN",
                        help=f"source column of a field ({', '.join(MAPPABLE)}); repeatable")
    parser.add_argument("--crs", help="CRS of files that declare none, e.g. EPSG:32749")
    parser.add_argument("--swap-xy", action="store_true",
                        help="the coordinates are (latitude, longitude): swap them")
    parser.add_argument("--no-quality", action="store_true",
                        help="skip the overlap and gap checks (the slow part for a province)")




def run(args: argparse.Namespace) -> int:
    column_map = parse_column_map(args.map)
    out = output_file(args.out, option="--out")  # checked before the slow read
    report_path = output_file(args.report, option="--report") if args.report else None
    villages, report = read_villages(
        args.sources, engine=args.engine, layer=args.layer, column_map=column_map,
        crs=args.crs, swap_xy=args.swap_xy, check_quality=not args.no_quality)
    try:
        out = write_villages(villages, out)
    except OSError as exc:
        raise GeoInputError("err.cli_write_gpkg", source=str(out),
                            detail=str(exc.strerror or exc)) from exc
    if report_path is not None:
        write_text(report_path, json.dumps(report.to_dict(), indent=2, ensure_ascii=False), option="--report")
    print(summary(report, out, lang=message_lang(args)))
    return 0


def summary(report, out: Path, lang: str = "en") -> str:
    """A few lines for the terminal: counts, what was fixed, what to look at."""
    lines = [
        f"{report.features_out} villages ({report.kelurahan} kelurahan, {report.desa} "
        f"desa, {report.desa_adat} desa adat) from {len(report.sources)} file(s) -> {out}",
        f"features in {report.features_in}, rejected {len(report.rejected)}, duplicates "
        f"{len(report.duplicates)}, repaired {len(report.repaired)}, islands fixed "
        f"{len(report.islands_fixed)}",
    ]
    if report.overlaps_total:
        lines.append(f"overlapping pairs {report.overlaps_total['pairs']}, gaps "
                     f"{report.gaps['count']} (largest "
                     f"{report.gaps['largest_area_m2']:,.0f} m²)")
        if report.overlaps:
            top = report.overlaps[0]
            lines.append(f"worst overlap: {top['names'][0]} ({top['codes'][0]}) overlaps "
                         f"{top['share_of_smaller']:.1%} of {top['names'][1]} ({top['codes'][1]})")
    lines += [t("cli.warning", lang, text=shown(w, lang)) for w in report.warnings[:5]]
    return "\n".join(lines)
