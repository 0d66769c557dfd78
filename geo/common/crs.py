"""Coordinate reference systems: get every layer into EPSG:4326, and metres for measuring.

- :func:`to_wgs84` reprojects a layer to longitude/latitude and refuses the two classic
  mistakes instead of drawing a map in the wrong ocean: projected coordinates without a CRS
  (a Shapefile without its ``.prj``) and swapped latitude/longitude.
- :func:`metric_crs` picks the UTM zone of the layer's centre (Indonesia spans zones 46–54,
  north and south) so that areas of villages, overlaps and gaps are in square metres.
- :func:`coordinate_problems` finds features whose coordinates no place on Earth has (NaN,
  infinity, ``1e308``, metres in a layer that says degrees) so that they are quarantined with a
  reason before one of them can move the layer's extent; :func:`check_plausible_layer` refuses a
  whole layer whose coordinates do not fit its CRS (degrees declared as UTM and the reverse).
"""

from __future__ import annotations

import functools

import geopandas as gpd
import numpy as np
import pyproj
import shapely
from pyproj.aoi import AreaOfInterest
from pyproj.database import query_utm_crs_info

from geo.common.errors import GeoInputError
from geo.common.messages import encode

#: No coordinate of a place on Earth is this large, in metres, feet or degrees.
COORDINATE_LIMIT = 1e8
#: Longitude/latitude box around Indonesia (with a margin), used to recognise swapped axes.
INDONESIA_LON = (94.0, 142.0)
INDONESIA_LAT = (-11.5, 7.0)


def metric_crs(gdf: gpd.GeoDataFrame | gpd.GeoSeries) -> pyproj.CRS:
    """Return the WGS 84 / UTM CRS of the zone containing the centre of the layer's extent.

    Parameters
    ----------
    gdf
        A layer with a CRS (any; it is only used to locate the centre in longitude/latitude).

    Returns
    -------
    pyproj.CRS
        e.g. EPSG:32749 (UTM 49S) for Jawa Timur; EPSG:32650 (UTM 50N) for Kota Bontang, just
        north of the equator.

    Notes
    -----
    The zone is that of the median feature centre, so a single far-away feature (a typo in a
    coordinate) does not choose it for the whole layer. One zone for one layer keeps it simple; across a whole province the area error stays well
    under 1 %, far below the precision of the boundaries themselves.
    """
    if gdf.crs is None:
        raise ValueError("metric_crs needs a layer with a CRS")
    geoms = gdf.geometry
    if not geoms.crs.equals(pyproj.CRS.from_epsg(4326)):
        geoms = geoms.to_crs(4326)
    present = np.asarray(geoms.array[~(geoms.isna() | geoms.is_empty).to_numpy()], dtype=object)
    bounds = shapely.bounds(present)
    centres = np.column_stack(((bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2))
    centres = centres[np.isfinite(centres).all(axis=1) & (np.abs(centres[:, 0]) <= 180)
                      & (np.abs(centres[:, 1]) <= 90)]
    if len(centres) == 0:
        raise ValueError("metric_crs needs a layer with at least one geometry on Earth")
    # the median feature, not the centre of the extent: one stray polygon cannot move the zone
    lon, lat = (float(v) for v in np.median(centres, axis=0))
    return pyproj.CRS.from_epsg(_utm_code(lon, lat))


@functools.lru_cache(maxsize=64)
def _utm_code(lon: float, lat: float) -> int:
    """The EPSG code of the UTM zone at a point. Remembered: the PROJ database query takes
    0.1 s, and reading a layer asks it twice for the same centre (then the analysis again)."""
    found = query_utm_crs_info(datum_name="WGS 84",
                               area_of_interest=AreaOfInterest(lon, lat, lon, lat))
    if not found:  # pragma: no cover - every point on Earth lies in some UTM zone
        raise ValueError(f"no UTM zone found for ({lon}, {lat})")
    return int(found[0].code)


def to_wgs84(gdf: gpd.GeoDataFrame, *, crs=None, swap_xy: bool = False,
             source: str | None = None) -> tuple[gpd.GeoDataFrame, list[str]]:
    """Return the layer in EPSG:4326 (longitude, latitude) and the warnings raised on the way.

    Parameters
    ----------
    gdf
        The layer as read.
    crs
        CRS of the coordinates when the file declares none (e.g. ``"EPSG:32749"``); if the file
        declares a different one, ``crs`` wins and a warning says so.
    swap_xy
        Swap the axes (for files written as latitude, longitude). Off by default: swapped
        coordinates are detected and refused with a message naming this option.
    source
        File name for messages.

    Raises
    ------
    GeoInputError
        Coordinates outside ±180/±90 with no CRS (projected without ``.prj``), or coordinates
        that look like (latitude, longitude) around Indonesia.
    """
    warnings: list[str] = []
    if crs is not None:
        try:
            given = pyproj.CRS.from_user_input(crs)
        except pyproj.exceptions.CRSError as exc:
            raise GeoInputError("err.crs_unknown", source=source, crs=repr(crs)) from exc
        if gdf.crs is not None and not gdf.crs.equals(given):
            warnings.append(encode("warn.crs_overridden", source=source,
                                   declared=gdf.crs.to_string(), used=given.to_string()))
        gdf = gdf.set_crs(given, allow_override=True)
    present = ~(gdf.geometry.isna() | gdf.geometry.is_empty).to_numpy()
    if not present.any():
        return gdf.set_crs(gdf.crs or "EPSG:4326", allow_override=True).to_crs(4326), warnings
    geographic = gdf.crs is None or gdf.crs.is_geographic
    if swap_xy and geographic:
        gdf = gdf.set_geometry(shapely.transform(gdf.geometry.array, lambda xy: xy[:, ::-1]))
        warnings.append(encode("warn.crs_swapped", source=source))
    elif swap_xy:
        warnings.append(encode("warn.crs_swap_ignored", source=source, crs=gdf.crs.to_string()))
    xmin, ymin, xmax, ymax = shapely.total_bounds(gdf.geometry.array[present])
    if geographic and not swap_xy and looks_swapped(xmin, ymin, xmax, ymax):
        raise GeoInputError("err.crs_axes_swapped", source=source, xmin=round(xmin, 2),
                            xmax=round(xmax, 2), ymin=round(ymin, 2), ymax=round(ymax, 2))
    if gdf.crs is None:
        if max(abs(xmin), abs(xmax)) > 180 or max(abs(ymin), abs(ymax)) > 90:
            raise GeoInputError("err.crs_projected_undeclared", source=source,
                                xmin=round(xmin), xmax=round(xmax), ymin=round(ymin),
                                ymax=round(ymax))
        warnings.append(encode("warn.crs_assumed", source=source))
        gdf = gdf.set_crs("EPSG:4326")
    gdf = gdf.to_crs("EPSG:4326")
    inside = _in_indonesia(gdf.geometry.array[present])
    if not inside.all():
        warnings.append(encode("warn.crs_outside", source=source, n=int((~inside).sum())))
    return gdf, warnings


def looks_swapped(xmin: float, ymin: float, xmax: float, ymax: float) -> bool:
    """True when x fits Indonesia's latitudes and y its longitudes (but not the other way)."""
    lat_x = INDONESIA_LAT[0] <= xmin and xmax <= INDONESIA_LAT[1]
    lon_y = INDONESIA_LON[0] <= ymin and ymax <= INDONESIA_LON[1]
    return lat_x and lon_y


def _in_indonesia(geoms: np.ndarray) -> np.ndarray:
    bounds = shapely.bounds(geoms)
    return ((bounds[:, 0] >= INDONESIA_LON[0]) & (bounds[:, 2] <= INDONESIA_LON[1])
            & (bounds[:, 1] >= INDONESIA_LAT[0]) & (bounds[:, 3] <= INDONESIA_LAT[1]))


def coordinate_problems(geoms, crs=None) -> np.ndarray:
    """Per geometry, ``None`` or the reason (a message cell) its coordinates are not plausible.

    Reasons: a vertex that is NaN or infinite; a coordinate beyond :data:`COORDINATE_LIMIT`
    (``1e308``); in a geographic ``crs`` (degrees), a longitude beyond ±180 or latitude beyond ±90.
    Missing and empty geometries have no problem here (they are reported as empty).
    """
    geoms = np.asarray(geoms, dtype=object)
    problems = np.full(len(geoms), None, dtype=object)
    if not len(geoms):
        return problems
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    finite = np.isfinite(coords)
    not_finite = np.bincount(index[~finite.all(axis=1)], minlength=len(geoms)) > 0
    size = np.abs(np.where(finite, coords, 0.0))
    absurd = np.bincount(index[(size > COORDINATE_LIMIT).any(axis=1)], minlength=len(geoms)) > 0
    crs = pyproj.CRS.from_user_input(crs) if crs is not None else None
    if crs is not None and crs.is_geographic:
        off = (size[:, 0] > 180) | (size[:, 1] > 90)
        beyond = np.bincount(index[off], minlength=len(geoms)) > 0
        problems[beyond] = encode("row.bnd_coord_not_degrees", crs=crs.to_string())
    problems[absurd] = encode("row.bnd_coord_absurd", limit="1e8")
    problems[not_finite] = encode("row.bnd_coord_not_finite")
    return problems


def check_plausible_layer(geoms, crs, *, source: str | None = None) -> None:
    """Refuse a layer whose (plausible) coordinates do not fit its CRS as a whole.

    Degrees declared as metres (every feature within ±180/±90 in a projected CRS such as UTM)
    would land near the South Pole or the false origin; metres declared as degrees (no feature
    within ±180/±90 in a layer labelled EPSG:4326, e.g. a GeoParquet holding UTM coordinates) lie
    off the globe. Features with absurd coordinates are left out (they are quarantined one by
    one, :func:`coordinate_problems`). Either is one message naming
    the CRS and the option that fixes it, never a half-placed layer.
    """
    if crs is None:
        return
    crs = pyproj.CRS.from_user_input(crs)
    geoms = np.asarray(geoms, dtype=object)
    present = geoms[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    if not len(present):
        return
    bounds = shapely.bounds(present)
    keep = np.isfinite(bounds).all(axis=1) & (np.abs(bounds) <= COORDINATE_LIMIT).all(axis=1)
    bounds = bounds[keep]
    if not len(bounds):
        return
    within = ((np.abs(bounds[:, [0, 2]]) <= 180).all(axis=1)
              & (np.abs(bounds[:, [1, 3]]) <= 90).all(axis=1))
    xmin, ymin = (float(v) for v in bounds[:, :2].min(axis=0))
    xmax, ymax = (float(v) for v in bounds[:, 2:].max(axis=0))
    extent = {"xmin": round(xmin, 2), "xmax": round(xmax, 2), "ymin": round(ymin, 2),
              "ymax": round(ymax, 2)}
    if crs.is_projected and within.all():
        raise GeoInputError("err.crs_degrees_as_projected", source=source, crs=crs.to_string(),
                            **extent)
    if crs.is_geographic and not within.any():
        raise GeoInputError("err.crs_metres_as_degrees", source=source, crs=crs.to_string(),
                            **extent)
