"""Writers for GIS tools: GeoJSON (RFC 7946), GeoPackage, zipped Shapefile.

GeoPackage and Shapefile go through pyogrio (GDAL); GeoJSON is composed from the properties and
geometry texts made once per boundary layer (:mod:`geo.export.geojson`), GDAL only for a layer
that needs it. Layer names and property names are stable:
``villages``, ``focus_list``, ``pockets``, ``pocket_areas`` with the canonical column names.
"""

from __future__ import annotations

import tempfile
import warnings
import zipfile
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from geo.common.messages import render_columns
from geo.common.safe_text import neutralise_frame
from geo.export.fields import describe, shapefile_field_names
from geo.export.geometry_text import PRECISION
from geo.export.layers import ExportLayers
from geo.export.method import gis_method

GEOPACKAGE_NAME = "poverty_map.gpkg"
SHAPEFILE_ZIP_NAME = "poverty_map_shp.zip"
COORDINATE_PRECISION = PRECISION  # decimal degrees: about 0.1 m, far below boundary accuracy
_LAYERS = ("villages", "focus_list", "pockets", "pocket_areas")


def _spatial_layers(layers: ExportLayers) -> dict[str, gpd.GeoDataFrame]:
    return {name: getattr(layers, name) for name in _LAYERS}


def _writable(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Booleans with nulls become nullable integers: GDAL has no nullable boolean field.

    Message columns (``focus_reason``) are written as English text: a GIS layer is data
    exchanged between offices and tools, the same whoever exported it, and QGIS users read
    the text, not a code; the XLSX/CSV tables carry the reader's language.
    """
    out = render_columns(frame, "en")
    out = out.copy() if out is frame else out
    for column in out.columns:
        if str(out[column].dtype) == "boolean" and out[column].isna().any():
            out[column] = out[column].astype("Int8")
    return out


def fields_table(layers: ExportLayers) -> pd.DataFrame:
    """One row per exported field: layer, name, Shapefile short name and a description."""
    rows = []
    for layer, frame in _spatial_layers(layers).items():
        names = [c for c in frame.columns if c != "geometry"]
        short = shapefile_field_names(names)
        rows += [(layer, name, short[name], describe(name)) for name in names]
    return pd.DataFrame(rows, columns=["layer", "field", "shapefile_field", "description"]).astype(
        "string"
    )


def write_geojson(layers: ExportLayers, out_dir) -> list[Path]:
    """Write ``villages.geojson``, ``focus_list.geojson``, ``pockets.geojson``, ``pocket_areas.geojson``.

    RFC 7946 as GDAL's ``RFC7946=YES`` layer option writes it: WGS 84 longitude/latitude,
    exterior rings counter-clockwise and holes clockwise, no ``crs`` member; coordinates are
    written with 6 decimals (``COORDINATE_PRECISION``). Properties are flat, UTF-8, null where a
    value is missing or suppressed. Each file is composed from its properties and the village
    geometry text made once per boundary layer (:mod:`geo.export.geojson`,
    :mod:`geo.export.geometry_text`); a layer that needs GDAL (3D, antimeridian, a column type
    not handled there) is written with pyogrio as before. Each file is written whole or not at all.

    Returns
    -------
    list of Path
        The files written.
    """
    from geo.export.geojson import can_compose, properties_texts, write_feature_collection
    from geo.export.geometry_text import GeometryTexts

    out_dir = Path(out_dir)
    texts = GeometryTexts()  # the focus list and the pockets reuse the villages' texts
    written = []
    for name, frame in _spatial_layers(layers).items():
        path = out_dir / f"{name}.geojson"
        frame = _writable(frame)
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        properties = properties_texts(frame) if can_compose(frame) else None
        if properties is not None:
            geometries = texts.texts(frame.geometry.values, store=name == "villages")
            written.append(write_feature_collection(path, name=name, properties=properties,
                                                    geometries=geometries))
            continue
        path.unlink(missing_ok=True)
        pyogrio.write_dataframe(
            frame,
            path,
            layer=name,
            driver="GeoJSON",
            layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(COORDINATE_PRECISION)},
        )
        written.append(path)
    return written


def write_geopackage(layers: ExportLayers, out_dir) -> list[Path]:
    """Write ``poverty_map.gpkg``: the four layers plus the tables ``method`` and ``fields``.

    ``method`` holds key/value rows (config as JSON, weights, rules, sources with SHA-256,
    dates, software version, reconciliation counts, suppression); ``fields`` describes
    every column. Both are non-spatial tables that QGIS lists beside the layers.
    """
    path = Path(out_dir) / GEOPACKAGE_NAME
    path.unlink(missing_ok=True)
    for name, frame in _spatial_layers(layers).items():
        pyogrio.write_dataframe(
            _writable(frame), path, layer=name, driver="GPKG",
            promote_to_multi=True, geometry_type="MultiPolygon",
        )
    pyogrio.write_dataframe(gis_method(layers.method), path, layer="method", driver="GPKG")
    pyogrio.write_dataframe(fields_table(layers), path, layer="fields", driver="GPKG")
    _add_iso_metadata(path, layers)
    return [path]


def _add_iso_metadata(path: Path, layers: ExportLayers) -> None:
    """ISO 19115 (ISO 19139 XML) record in ``gpkg_metadata`` for Satu Data catalogues."""
    from geo.export.metadata import contact_and_licence, iso19139, write_gpkg_metadata

    contact, licence = contact_and_licence()
    villages = layers.villages
    bbox = None
    if len(villages) and villages.geometry.notna().any():
        bbox = tuple(float(v) for v in villages.to_crs(4326).total_bounds)
    xml = iso19139(
        title="Poverty-pocket map: village ranking and poverty pockets",
        abstract=(f"{len(villages)} villages with poverty indicators, score, rank, the focus list "
                  f"({len(layers.focus_list)} villages) and poverty pockets (Local Moran's I / Gi*); "
                  "aggregates only, no household rows."),
        date=layers.created_at, sources=list(layers.sources), licence=licence, contact=contact,
        bbox=bbox)
    write_gpkg_metadata(path, xml, [*_LAYERS, "method", "fields"])


def write_shapefile_zip(layers: ExportLayers, out_dir) -> list[Path]:
    """Write ``poverty_map_shp.zip``: one Shapefile per layer, the field-name mapping, the method.

    dBASE field names hold 10 characters, so every field is renamed with
    :func:`~geo.export.fields.shapefile_field_names`; ``field_names.csv`` in the zip maps
    them back (layer, field, shapefile_field, description). Each layer comes with its
    ``.prj`` (WGS 84) and a ``.cpg`` saying UTF-8. Text longer than 254 bytes is cut by the
    format. ``method.csv`` repeats the method table.
    """
    path = Path(out_dir) / SHAPEFILE_ZIP_NAME
    path.unlink(missing_ok=True)
    fields = fields_table(layers)
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED
    ) as archive:
        for name, frame in _spatial_layers(layers).items():
            mapping = shapefile_field_names([c for c in frame.columns if c != "geometry"])
            shp = Path(tmp) / f"{name}.shp"
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message=".*(truncated|Normalized).*")
                pyogrio.write_dataframe(
                    _writable(frame).rename(columns=mapping), shp, driver="ESRI Shapefile",
                    encoding="UTF-8", promote_to_multi=True, geometry_type="MultiPolygon",
                )
            for part in sorted(Path(tmp).glob(f"{name}.*")):
                archive.write(part, part.name)
        archive.writestr("field_names.csv", neutralise_frame(fields).to_csv(index=False, lineterminator="\n"))
        archive.writestr("method.csv", neutralise_frame(gis_method(layers.method)).to_csv(
            index=False, lineterminator="\n"))
    return [path]
