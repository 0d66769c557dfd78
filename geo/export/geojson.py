"""RFC 7946 GeoJSON FeatureCollections composed from a layer's properties and geometry texts.

GDAL's GeoJSON driver (``RFC7946=YES``) took 4.5 s for the four layers of Jawa Timur, most of
it formatting the same 830,000 coordinates again for every layer and every run. Here the
geometry text comes from :mod:`geo.export.geometry_text` (made once per boundary layer) and the
properties are formatted column by column (Arrow for numbers, the standard library's JSON string
encoder for text): strings escaped as JSON requires (quotes, backslashes, control characters;
UTF-8 as is), floats in their shortest exact form, integers as integers, booleans as
``true``/``false``, missing values (and NaN, ±inf) as ``null``.

The JSON values are those GDAL writes (same property names, order and types), so pyogrio,
fiona and QGIS read back the same table; the document keeps GDAL's members (``name``,
``xy_coordinate_resolution``), one feature per line. A layer this module cannot write as GDAL
would (:func:`can_compose` false: 3D coordinates, a geometry GDAL would cut at the
antimeridian; or :func:`properties_texts` None: a column type not handled here) is left to the
caller, who writes it with pyogrio as before.
"""

from __future__ import annotations

import json
from json.encoder import encode_basestring
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.common.atomic import write_bytes_atomic
from geo.export.geometry_text import PRECISION

_ENCODE = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode
_NULL = pa.scalar("null")


def _float_texts(data: np.ndarray) -> pa.Array:
    """Shortest exact text of each float (Arrow's formatter: ``0.1``, ``1e-7``), a whole
    number with ``.0`` so that it stays a Real field, non-finite values as ``null``."""
    text = pc.cast(pa.array(data, type=pa.float64()), pa.string())
    whole = pc.invert(pc.match_substring_regex(text, "[.eEn]"))  # "nan", "inf" hold an n
    text = pc.if_else(whole, pc.binary_join_element_wise(text, ".0", ""), text)
    return pc.if_else(pa.array(np.isfinite(data)), text, _NULL)


def _string_texts(values: list) -> pa.Array:
    """JSON strings (quotes, backslashes and control characters escaped; UTF-8 as is)."""
    return pa.array(["null" if v is None else encode_basestring(v) for v in values],
                    type=pa.string())


def column_texts(values: pd.Series) -> pa.Array | None:
    """The JSON text of each value of one column, or None for a type not handled here.

    Numbers are formatted by Arrow (vectorised; Python's ``repr`` of half a million floats
    took longer than all the rest of the layer); Arrow's float text is the shortest that reads
    back to the same double, as ``repr``'s is.
    """
    dtype = values.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "biu":
            return pc.cast(pa.array(values.to_numpy()), pa.string())
        if dtype.kind == "f":
            return _float_texts(values.to_numpy(dtype=float))
        if dtype.kind == "O":
            items = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else v
                     for v in values.tolist()]
            if all(v is None or isinstance(v, str) for v in items):
                return _string_texts(items)
        return None
    if isinstance(dtype, pd.StringDtype):
        return _string_texts(values.to_numpy(dtype=object, na_value=None).tolist())
    if pd.api.types.is_float_dtype(dtype):
        return _float_texts(values.to_numpy(dtype=float, na_value=np.nan))
    if pd.api.types.is_bool_dtype(dtype) or pd.api.types.is_integer_dtype(dtype):
        return pc.fill_null(pc.cast(pa.array(values), pa.string()), _NULL)
    return None


def properties_texts(frame: gpd.GeoDataFrame) -> pa.Array | None:
    """The ``properties`` object of each row as compact JSON text (columns in frame order),
    or None when a column has a type not handled here (dates, categories, mixed objects)."""
    name = frame.geometry.name
    parts = []
    for column in frame.columns:
        if column == name:
            continue
        texts = column_texts(frame[column])
        if texts is None:
            return None
        parts += ["," if parts else "", encode_basestring(str(column)), ":", texts]
    if not parts:
        return pa.array(["{}"] * len(frame), type=pa.string())
    return pc.binary_join_element_wise("{", *parts, "}", "")


def can_compose(frame: gpd.GeoDataFrame) -> bool:
    """False when GDAL would write ``frame``'s geometry otherwise than composed here: 3D
    coordinates, or a geometry out of longitude/latitude range or wider than 180 degrees
    (GDAL cuts those at the antimeridian)."""
    geoms = np.asarray(frame.geometry.values, dtype=object)
    if shapely.has_z(geoms).any():
        return False
    bounds = shapely.bounds(geoms)
    present = ~np.isnan(bounds).any(axis=1)
    if not present.any():
        return True
    xmin, ymin, xmax, ymax = bounds[present].T
    inside = (xmin >= -180).all() and (xmax <= 180).all() and (ymin >= -90).all() and (ymax <= 90).all()
    return bool(inside and (xmax - xmin <= 180).all())


def write_feature_collection(path, *, name: str, properties, geometries: list[str]) -> Path:
    """Write one RFC 7946 FeatureCollection (EPSG:4326), whole or not at all.

    ``properties`` and ``geometries`` hold each feature's JSON text
    (:func:`properties_texts`, :meth:`geo.export.geometry_text.GeometryTexts.texts`).
    """
    if len(properties) != len(geometries):
        raise ValueError(f"{len(properties)} property texts for {len(geometries)} geometries")
    n = len(properties)
    # each feature with the separator after it, so Arrow's value buffer is the document body
    separators = pa.array([",\n"] * (n - 1) + ["\n"] * min(n, 1), type=pa.string())
    features = pc.binary_join_element_wise(
        '{"type":"Feature","properties":', properties, ',"geometry":',
        pa.array(geometries, type=pa.string()), "}", separators, "")
    head = ("{\n"
            '"type": "FeatureCollection",\n'
            f'"name": {_ENCODE(name)},\n'
            f'"xy_coordinate_resolution": {10.0 ** -PRECISION!r},\n'
            '"features": [\n')
    path = Path(path)
    write_bytes_atomic(path, head.encode("utf-8"), _body(features), b"]\n}\n")
    return path


def _body(texts: pa.Array) -> memoryview:
    """The concatenated values of an Arrow string array, without a copy."""
    if len(texts) == 0:
        return memoryview(b"")
    offsets = np.frombuffer(texts.buffers()[1], dtype=np.int32)[texts.offset:texts.offset + len(texts) + 1]
    return memoryview(texts.buffers()[2])[offsets[0]:offsets[-1]]
