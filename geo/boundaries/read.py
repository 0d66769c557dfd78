"""Read boundary layers the way they arrive in Bappeda offices into one canonical village layer.

Formats: GeoJSON, GeoPackage (choose the layer), Shapefile (also zipped), FlatGeobuf, KML
(through GDAL, with the ``pyogrio`` engine by default or ``fiona``), GeoParquet (pyarrow) and
the open ``wilayah_boundaries`` SQL dumps (:mod:`geo.sqldump`). Several files are combined
(e.g. the 38 regencies of Jawa Timur). Column recognition is in :mod:`geo.boundary_schema`,
CRS checks in :mod:`geo.crs`, quality checks in :mod:`geo.quality`.

Every input feature is accounted for: ``features_in = features_out + len(rejected) +
duplicates merged away``, and the report says what was repaired, merged or rejected and why.
"""

from __future__ import annotations

import logging
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyproj
import shapely

from geo.boundaries import quality
from geo.boundaries.names import fill_parent_names
from geo.boundaries.report import BoundaryReport
from geo.boundaries.schema import canonical_attributes, recognise_columns, select_columns
from geo.common.codes import normalise_bps_code, parent_codes, village_type
from geo.common.safe_text import safe_file_name
from geo.common.crs import (check_plausible_layer, coordinate_problems, metric_crs,
                             to_wgs84)
from geo.common.errors import GeoInputError, joined
from geo.common.input_files import check_input_file
from geo.common.reading import reading
from geo.common.messages import decode, encode, encode_rows
from geo.i18n import Message
from geo.boundaries.sqldump import read_sql_dump

CANONICAL_COLUMNS = ["village_code", "village_name", "district_code", "district_name",
                     "regency_code", "regency_name", "province_code", "province_name",
                     "village_type", "geometry"]
#: Optional column of the layer: the BPS code of each village, when a source has one (KDEBPS).
BPS_COLUMN = "village_code_bps"
ENGINES = ("pyogrio", "fiona")
LAYER_NAME = "villages"
PARQUET_SUFFIXES = (".parquet", ".geoparquet")
_TYPES = {"kelurahan": "kelurahan", "desa": "desa", "desa_adat": "desa adat"}

log = logging.getLogger(__name__)


def read_villages(sources, *, engine: str = "pyogrio", layer: str | None = None,
                  column_map: dict[str, str] | None = None, crs=None, swap_xy: bool = False,
                  check_quality: bool = True) -> tuple[gpd.GeoDataFrame, BoundaryReport]:
    """Read one or several boundary files into the canonical village layer and its report.

    Parameters
    ----------
    sources
        A path or a list of paths (e.g. all 38 ``wilayah_boundaries_kel_35.*.sql``); their
        villages are combined.
    engine
        ``"pyogrio"`` (default) or ``"fiona"``: the GDAL binding used for GeoJSON, GeoPackage,
        Shapefile, FlatGeobuf and KML. Both give the same layer.
    layer
        Layer to read from a multi-layer file (GeoPackage, KML) or the ``.shp`` inside a zip.
    column_map
        Explicit source columns, e.g. ``{"village_code": "KODE_DESA"}`` (see
        :mod:`geo.boundary_schema`), when detection cannot decide.
    crs
        CRS of files that declare none (e.g. a Shapefile without ``.prj``), ``"EPSG:32749"``.
    swap_xy
        The files are written (latitude, longitude): swap them. Swapped axes are detected and
        refused unless this is set.
    check_quality
        Compute overlaps and gaps (the slow part for a whole province). Repairs, duplicates and
        empty geometries are always handled.

    Returns
    -------
    villages
        Columns :data:`CANONICAL_COLUMNS`, EPSG:4326, exterior rings counter-clockwise, one row
        per village, sorted by ``village_code``.
    report : BoundaryReport
        ``features_in``, ``features_out``, ``kelurahan``, ``desa``, ``desa_adat``,
        ``rejected``, ``repaired``, ``duplicates``, ``empty``, ``islands_fixed``, ``overlaps``
        (worst first), ``overlaps_total``, ``gaps``, ``metric_crs``, ``warnings``,
        ``per_source``, ``sources``, ``names_filled`` and ``names_unknown`` (per parent name
        column: names taken from the shipped Kemendagri table, names still empty);
        ``report.to_dict()`` is the JSON form.

    Raises
    ------
    GeoInputError
        Unreadable, truncated or unusable input, with the file and the reason.

    Examples
    --------
    >>> dumps = sorted(Path("kel").glob("wilayah_boundaries_kel_35.*.sql"))
    >>> villages, report = read_villages(dumps)
    >>> report.features_out, report.kelurahan, report.desa
    (8494, 773, 7721)
    """
    paths = _as_paths(sources)
    _check_engine(engine)
    log.info("reading %d boundary file(s) with %s: %s", len(paths), engine,
             ", ".join(p.name for p in paths[:5]) + (" ..." if len(paths) > 5 else ""))
    # a working record while reading; returned as a frozen BoundaryReport at the end
    report: dict = {"sources": [p.name for p in paths], "features_in": 0, "rejected": [],
                    "islands_fixed": [], "warnings": [], "per_source": {}}
    frames = []
    for path in paths:
        with reading(path, what="boundaries"):
            frame, info, islands = _read_source(path, engine=engine, layer=layer)
        attributes = [c for c in frame.columns if c != frame.geometry.name
                      and not c.startswith("_")]
        if len(frame) == 0:  # before "no village code column": there is nothing to name
            raise GeoInputError("err.bnd_layer_empty", source=path.name)
        if not attributes and "Shapefile" in str(info.get("format")):
            raise GeoInputError("err.bnd_shp_no_dbf", source=path.name)
        try:
            match = recognise_columns(attributes, column_map, source=path.name)
        except GeoInputError as exc:
            if info.get("hint"):
                raise GeoInputError("err.with_hint", text=exc.message,
                                    hint=info["hint"], source=exc.source) from exc
            raise
        frame = _screen_coordinates(frame, _declared(crs, frame), source=path.name, placed=False)
        frame, warnings = to_wgs84(frame, crs=crs, swap_xy=swap_xy, source=path.name)
        frame = _screen_coordinates(frame, frame.crs, source=path.name, placed=True)
        info.update(features=len(frame), schema=match.schema, columns=match.columns)
        report["per_source"][safe_file_name(path.name, role="boundaries")] = info
        report["features_in"] += len(frame)
        report["islands_fixed"] += islands
        report["warnings"] += match.warnings + warnings
        frames.append(_tagged(frame, select_columns(frame, match), path))
    villages = _finish(pd.concat(frames, ignore_index=True), report)
    if report["features_out"] == 0:
        reasons = [part for r in sorted({r["reason"] for r in report["rejected"]})[:3]
                   for part in decode(r)]
        raise GeoInputError("err.bnd_no_village", source=", ".join(report["sources"]),
                            features=report["features_in"],
                            reasons=joined(reasons) or Message("err.bnd_files_empty"))
    report["metric_crs"] = metric_crs(villages).to_string()
    report["overlaps"], report["overlaps_total"], report["gaps"] = [], None, None
    report["quality_checked"] = False
    unchecked = BoundaryReport.from_dict(report)
    if not check_quality:
        return villages, unchecked
    return villages, quality_check(villages)(unchecked)


def quality_check(villages: gpd.GeoDataFrame):
    """The overlap and gap checks of a layer read without them, as a function of its report
    (``report -> report`` with ``overlaps``, ``overlaps_total``, ``gaps`` and
    ``quality_checked``).

    The layer is projected here, on the calling thread; the returned function touches only
    that projected copy and the codes and names, so it may run on another thread while the
    caller goes on with the layer (:func:`geo.boundaries.cache.read_villages_checked_later`).
    """
    metric = metric_crs(villages)
    metric_geoms = np.asarray(villages.geometry.to_crs(metric).array, dtype=object)
    codes = villages["village_code"].to_numpy(dtype=object, copy=True)
    names = villages["village_name"].to_numpy(dtype=object, copy=True)

    def check(report: BoundaryReport) -> BoundaryReport:
        found = quality.check_coverage(metric_geoms, codes, names, metric)
        return BoundaryReport.from_dict({
            **report.to_dict(), "overlaps": found.overlaps,
            "overlaps_total": found.overlaps_total, "gaps": found.gaps,
            "quality_checked": True})

    return check


def write_villages(villages: gpd.GeoDataFrame, path: str | Path) -> Path:
    """Write the canonical layer to a GeoPackage, layer ``villages`` (MultiPolygon for GIS).

    An existing file at ``path`` is replaced.
    """
    path = Path(path)
    if path.is_dir():
        raise GeoInputError("err.bnd_out_folder", source=str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    columns = CANONICAL_COLUMNS[:1] + [BPS_COLUMN] * (BPS_COLUMN in villages) + CANONICAL_COLUMNS[1:]
    villages[columns].to_file(path, layer=LAYER_NAME, driver="GPKG", engine="pyogrio",
                                        promote_to_multi=True)
    return path


# --- reading one source ---------------------------------------------------------------

def _as_paths(sources) -> list[Path]:
    if isinstance(sources, (str, Path)):
        sources = [sources]
    paths = [Path(s) for s in sources]
    if not paths:
        raise GeoInputError("err.bnd_none_given")
    for path in paths:
        if not path.exists():
            raise GeoInputError("err.file_not_found", source=str(path))
        if path.is_dir() and path.suffix.lower() != ".gdb":
            raise GeoInputError("err.bnd_folder", source=str(path))
        if not path.is_dir():
            check_input_file(path)  # no FIFO, device or file above the app's upload cap
    return paths


def _check_engine(engine: str) -> None:
    if engine not in ENGINES:
        raise GeoInputError("err.bnd_engine", given=repr(engine), engines=", ".join(ENGINES))
    try:
        __import__(engine)
    except ImportError as exc:
        raise GeoInputError("err.bnd_engine_missing", engine=engine) from exc


def _read_source(path: Path, *, engine: str, layer: str | None):
    """Return the raw frame (with ``_row``), the per-source info, and islands fixed."""
    suffix = path.suffix.lower()
    if suffix == ".sql":
        dump = read_sql_dump(path)
        return dump.rows, {"format": "wilayah_boundaries SQL", "reader": "geo.boundaries.sqldump",
                           "crs_in": "EPSG:4326"}, dump.islands_fixed
    if suffix in PARQUET_SUFFIXES:
        frame = _read_parquet(path)
        info = {"format": "GeoParquet", "reader": "pyarrow"}
    else:
        target, layer, fmt = _locate_layer(path, engine=engine, layer=layer)
        frame = _read_with_engine(target, path, engine=engine, layer=layer)
        info = {"format": fmt, "reader": engine, "layer": layer}
        if engine == "fiona" and fmt == "KML" and _kml_attributes_hidden(path, frame):
            info["hint"] = Message("err.kml_fiona_hint")
    if not isinstance(frame, gpd.GeoDataFrame) or frame.geometry.name not in frame.columns:
        raise GeoInputError("err.bnd_no_geometry", source=path.name)
    info["crs_in"] = frame.crs.to_string() if frame.crs is not None else None
    frame = frame.reset_index(drop=True)
    frame["_row"] = np.arange(1, len(frame) + 1)
    return frame, info, []


def _read_parquet(path: Path) -> gpd.GeoDataFrame:
    import pyarrow

    try:
        return gpd.read_parquet(path)
    except (pyarrow.ArrowException, OSError, ValueError, shapely.errors.GEOSException) as exc:
        raise GeoInputError("err.bnd_geoparquet", source=path.name, detail=_short(exc)) from exc


def _engine_errors(engine: str) -> tuple[type[BaseException], ...]:
    errors: tuple[type[BaseException], ...] = (OSError, RuntimeError, ValueError)
    if engine == "fiona":
        import fiona.errors

        # fiona's public errors: GDAL's open failures come as DriverError (a FionaError)
        errors += (fiona.errors.FionaError, fiona.errors.DriverError)
    return errors


def _enable_fiona_kml() -> None:
    """Let fiona open KML: GDAL has the driver, fiona only lists it as optional."""
    import fiona
    from fiona.env import Env

    with Env() as env:
        available = env.drivers()
    for driver in ("LIBKML", "KML"):
        if driver in available:
            fiona.supported_drivers.setdefault(driver, "r")


def _kml_attributes_hidden(path: Path, frame: gpd.GeoDataFrame) -> bool:
    plain = {c.lower() for c in frame.columns} <= {"name", "description", frame.geometry.name}
    if not plain or path.suffix.lower() != ".kml":
        return False
    with open(path, encoding="utf-8", errors="replace") as handle:
        return "<ExtendedData" in handle.read(1_000_000)


def _list_layers(target: str, engine: str) -> list[tuple[str, str | None]]:
    if engine == "pyogrio":
        import pyogrio

        return [(str(name), None if kind is None else str(kind))
                for name, kind in pyogrio.list_layers(target)]
    import fiona

    _enable_fiona_kml()
    layers = []
    for name in fiona.listlayers(target):
        with fiona.open(target, layer=name) as src:
            layers.append((name, src.schema.get("geometry")))
    return layers


def _locate_layer(path: Path, *, engine: str, layer: str | None) -> tuple[str, str | None, str]:
    """GDAL path, layer name and format label; list the layers when the choice is ambiguous."""
    target = str(path)
    fmt = {".gpkg": "GeoPackage", ".geojson": "GeoJSON", ".json": "GeoJSON",
           ".shp": "Shapefile", ".fgb": "FlatGeobuf", ".kml": "KML", ".kmz": "KML"}.get(
        path.suffix.lower(), path.suffix.lstrip(".") or "vector file")
    if path.suffix.lower() == ".zip":
        target, fmt = _shapefile_in_zip(path, layer), "zipped Shapefile"
        layer = None
    elif "!" in target:  # pyogrio would read "a!b" as the file b inside the archive a
        raise GeoInputError("err.bnd_exclamation", source=path.name)
    try:
        layers = _list_layers(target, engine)
    except _engine_errors(engine) as exc:
        raise GeoInputError("err.bnd_cannot_open", source=path.name, engine=engine,
                            detail=_short(exc)) from exc
    names = [name for name, _ in layers]
    described = ", ".join(f"{name} ({kind or '-'})" for name, kind in layers)
    if layer is not None:
        if layer not in names:
            raise GeoInputError("err.bnd_no_layer", source=path.name, layer=repr(layer),
                                layers=described)
        return target, layer, fmt
    if len(layers) == 1:
        return target, names[0], fmt
    spatial = [name for name, kind in layers
               if kind is not None and kind != "None" and "Point" not in kind
               and "Line" not in kind]
    if len(spatial) == 1:
        return target, spatial[0], fmt
    if not spatial:
        raise GeoInputError("err.bnd_no_polygon_layer", source=path.name, layers=described)
    raise GeoInputError("err.bnd_several_layers", source=path.name, layers=described)


def _shapefile_in_zip(path: Path, layer: str | None) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.namelist() if not m.endswith("/")]
    except (zipfile.BadZipFile, OSError) as exc:
        raise GeoInputError("err.bnd_bad_zip", source=path.name, detail=_short(exc)) from exc
    shps = [m for m in members if m.lower().endswith(".shp")]
    if not shps:
        listing = ", ".join(members[:10]) + (" ..." if len(members) > 10 else "") or "(empty)"
        raise GeoInputError("err.bnd_zip_no_shp", source=path.name, listing=listing)
    if layer is not None:
        chosen = [m for m in shps if Path(m).stem == layer or m == layer]
        if not chosen:
            raise GeoInputError("err.bnd_zip_no_layer", source=path.name, layer=repr(layer),
                                shapefiles=", ".join(shps))
        shps = chosen
    if len(shps) > 1:
        raise GeoInputError("err.bnd_zip_several", source=path.name, shapefiles=", ".join(shps))
    return f"/vsizip/{path.resolve()}/{shps[0]}"


def _read_with_engine(target: str, path: Path, *, engine: str, layer: str | None):
    try:
        try:
            return gpd.read_file(target, engine=engine, layer=layer)
        except shapely.errors.GEOSException:
            if engine != "pyogrio":
                raise
            return _read_keeping_unreadable(target, layer)
    except _engine_errors(engine) + (shapely.errors.GEOSException,) as exc:
        raise GeoInputError("err.bnd_cannot_read", source=path.name, engine=engine,
                            detail=_short(exc)) from exc


def _read_keeping_unreadable(target: str, layer: str | None) -> gpd.GeoDataFrame:
    """The layer when some geometries cannot be built (a NaN vertex leaves a ring unclosed, and
    GEOS refuses the whole file): those rows keep their attributes, lose their geometry and get
    the reason, so they are rejected one by one instead of the file."""
    import pyogrio.raw

    frame = gpd.read_file(target, engine="pyogrio", layer=layer, on_invalid="ignore")
    wkb = pyogrio.raw.read(target, layer=layer, columns=[])[2]
    unreadable = pd.notna(pd.Series(wkb, dtype=object)).to_numpy() & shapely.is_missing(
        np.asarray(frame.geometry.array, dtype=object))
    frame["_problem"] = pd.Series(pd.NA, index=frame.index, dtype="string").mask(
        unreadable, encode("row.bnd_coord_not_finite"))
    return frame


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] or type(exc).__name__


def _declared(crs, frame: gpd.GeoDataFrame):
    """The CRS the coordinates are in: the one given (``--crs``), else the file's."""
    if crs is None:
        return frame.crs
    try:
        return pyproj.CRS.from_user_input(crs)
    except pyproj.exceptions.CRSError:
        return frame.crs  # to_wgs84 names the unknown CRS


def _screen_coordinates(frame: gpd.GeoDataFrame, crs, *, source: str,
                        placed: bool) -> gpd.GeoDataFrame:
    """Quarantine features whose coordinates no place on Earth has (NaN, infinity, ``1e308``;
    once ``placed`` in EPSG:4326, beyond ±180/±90): their geometry is dropped and their row gets
    the reason, so it is rejected with it and cannot move the extent or the UTM zone. A layer that
    as a whole does not fit its CRS is refused (:func:`geo.common.crs.check_plausible_layer`):
    degrees in a projected CRS before placing, metres in degrees after (so that swapped axes
    still get their own message from :func:`geo.common.crs.to_wgs84`)."""
    geoms = np.asarray(frame.geometry.array, dtype=object)
    if placed or (crs is not None and crs.is_projected):
        check_plausible_layer(geoms, crs, source=source)
    problems = pd.Series(coordinate_problems(geoms, crs if placed else None), index=frame.index,
                         dtype="string")
    bad = problems.notna().to_numpy()
    if not bad.any():
        return frame
    log.info("%s: %d feature(s) with implausible coordinates quarantined", source, int(bad.sum()))
    frame = frame.copy()
    earlier = (frame["_problem"].astype("string") if "_problem" in frame.columns
               else pd.Series(pd.NA, index=frame.index, dtype="string"))
    frame["_problem"] = earlier.combine_first(problems.where(bad))
    geoms = geoms.copy()
    geoms[bad] = None
    frame[frame.geometry.name] = gpd.GeoSeries(geoms, index=frame.index, crs=frame.crs)
    return frame


# --- canonical rows, repairs, duplicates ------------------------------------------------

def _tagged(frame: gpd.GeoDataFrame, selected: pd.DataFrame, path: Path) -> gpd.GeoDataFrame:
    """Selected columns plus geometry, ``_source``, ``_row``, ``_line`` and ``_problem``."""
    out = gpd.GeoDataFrame(selected, geometry=frame.geometry.array, crs="EPSG:4326")
    out["_source"] = path.name
    out["_row"] = frame["_row"].to_numpy()
    out["_line"] = frame["_line"].to_numpy() if "_line" in frame.columns else pd.NA
    out["_problem"] = (frame["_problem"].astype("string") if "_problem" in frame.columns
                       else pd.Series(pd.NA, index=frame.index, dtype="string"))
    return out


def _reject(report: dict, rows: pd.DataFrame, reasons) -> None:
    reasons = pd.Series(reasons, index=rows.index).astype("string")
    for (_idx, row), reason in zip(rows.iterrows(), reasons):
        entry = {"source": row["_source"], "row": int(row["_row"]),
                 "village_code": _none(row["village_code"]) or _none(row["_raw_code"]),
                 "village_name": _none(row["village_name"]), "reason": str(reason)}
        if not pd.isna(row["_line"]):
            entry["line"] = int(row["_line"])
        report["rejected"].append(entry)


def _none(value):
    return None if pd.isna(value) else str(value)


def _finish(combined: gpd.GeoDataFrame, report: dict) -> gpd.GeoDataFrame:
    """Reject unusable rows, repair geometries, resolve duplicates, orient, sort, name the
    parent units (:mod:`geo.boundaries.names`), count."""
    attrs, code_problem = canonical_attributes(combined)
    combined = combined.rename(columns={"village_code": "_raw_code"})
    for column in attrs.columns:
        combined[column] = attrs[column]
    combined["_problem"] = combined["_problem"].combine_first(code_problem)
    geoms = np.asarray(combined.geometry.array, dtype=object)
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    report["empty"] = [
        {"source": s, "row": int(r), "village_code": _none(c), "village_name": _none(n)}
        for s, r, c, n in combined.loc[missing & combined["_problem"].isna().to_numpy(),
                                       ["_source", "_row", "village_code", "village_name"]]
        .itertuples(index=False)
    ]
    problem = combined["_problem"].copy()
    problem[missing & problem.isna().to_numpy()] = encode("row.bnd_empty_geometry")
    polygonal = quality.polygonal_part(geoms)
    lost = ~missing & shapely.is_missing(polygonal)
    problem[lost & problem.isna().to_numpy()] = encode_rows(
        "row.bnd_not_polygon",
        kind=pd.Series(shapely.get_type_id(geoms)).map(_type_name).astype("string")[lost])
    combined = combined.set_geometry(polygonal)
    bad = problem.notna().to_numpy()
    _reject(report, combined[bad], problem[bad])
    villages = combined[~bad].reset_index(drop=True)

    metric = metric_crs(villages) if len(villages) else None
    report["repaired"] = []
    if len(villages):
        fixed, repaired = quality.repair_invalid(np.asarray(villages.geometry.array), metric)
        villages = villages.set_geometry(fixed)
        for rec in repaired.itertuples(index=False):
            row = villages.iloc[int(rec.index)]
            report["repaired"].append({
                "village_code": row["village_code"], "village_name": _none(row["village_name"]),
                "source": row["_source"], "problem": rec.problem,
                "area_before_m2": round(float(rec.area_before_m2), 1),
                "area_after_m2": round(float(rec.area_after_m2), 1)})
        still = shapely.is_missing(np.asarray(villages.geometry.array)) | villages.geometry.is_empty
        if still.any():
            _reject(report, villages[still.to_numpy()], encode("row.bnd_collapsed"))
            villages = villages[~still.to_numpy()].reset_index(drop=True)

    villages, report["duplicates"], merged_away = _resolve_duplicates(villages, report)
    geoms = quality.single_part_as_polygon(np.asarray(villages.geometry.array))
    villages = villages.set_geometry(shapely.orient_polygons(geoms, exterior_cw=False))
    villages = villages.sort_values("village_code", kind="stable").reset_index(drop=True)
    parents = parent_codes(villages["village_code"])
    for column in ("district_code", "regency_code", "province_code"):
        villages[column] = parents[column].astype("string")
    villages["village_type"] = village_type(villages["village_code"])
    villages, report["names_filled"], report["names_unknown"] = fill_parent_names(villages)
    bps = normalise_bps_code(villages["_bps_code"]) if "_bps_code" in villages else None
    villages = gpd.GeoDataFrame(villages[CANONICAL_COLUMNS], geometry="geometry",
                                crs="EPSG:4326")
    if bps is not None and bps.notna().any():  # a KUGI layer: KDEPUM and KDEBPS, the bridge
        villages.insert(1, BPS_COLUMN, bps.to_numpy())
    report["features_out"] = len(villages)
    report["merged_duplicates"] = merged_away
    counts = villages["village_type"].value_counts()
    for key, label in _TYPES.items():
        report[key] = int(counts.get(label, 0))
    return villages


def _type_name(type_id: int) -> str:
    return shapely.GeometryType(type_id).name.title() if type_id >= 0 else "missing"


def _resolve_duplicates(villages: gpd.GeoDataFrame, report: dict):
    """One row per code: identical copies are dropped, differing parts of one village merged.

    Rows sharing a code but not a name are different villages with a wrong code: the first is
    kept and the others rejected. Returns the layer, the duplicate records and how many rows
    were merged away (dropped or merged, not rejected).
    """
    dup = quality.duplicate_groups(villages["village_code"]).to_numpy()
    if not dup.any():
        return villages, [], 0
    records, drop, merged_away = [], [], 0
    geoms = np.asarray(villages.geometry.array, dtype=object).copy()
    for code, group in villages[dup].groupby("village_code", sort=True):
        idx = group.index.to_numpy()
        names = group["village_name"].fillna("").str.casefold().str.strip()
        same_name = names == names.iloc[0]
        keep, others = idx[0], idx[1:]
        merge = others[same_name.to_numpy()[1:]]
        foreign = others[~same_name.to_numpy()[1:]]
        identical = bool(merge.size) and bool(shapely.equals(geoms[merge], geoms[keep]).all())
        if merge.size and not identical:
            geoms[keep] = shapely.union_all(geoms[np.r_[keep, merge]])
        action = ("identical copies dropped" if identical else "parts merged into one village") \
            if merge.size else "kept the first"
        if foreign.size:
            _reject(report, villages.loc[foreign],
                    encode("row.bnd_code_taken", code=code, name=str(group["village_name"].iloc[0]),
                           source=str(group["_source"].iloc[0]), row=int(group["_row"].iloc[0])))
        merged_away += int(merge.size)
        drop.extend(others.tolist())
        records.append({
            "village_code": code, "names": sorted(set(group["village_name"].fillna("").tolist())),
            "features": int(len(idx)),
            "where": [f"{s} row {int(r)}" for s, r in zip(group["_source"], group["_row"])],
            "action": action + (f"; {foreign.size} with another name rejected" if foreign.size
                                else "")})
    villages = villages.set_geometry(geoms).drop(index=drop).reset_index(drop=True)
    villages = villages.set_geometry(quality.polygonal_part(np.asarray(villages.geometry.array)))
    return villages, records, merged_away
