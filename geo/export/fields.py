"""Field names of the exported layers: order, descriptions, labels and Shapefile short names.

Exported property names are the canonical column names of the village layer (``village_code``,
``desil1_share``, ``score`` ...), so a geoportal layer keeps its schema from one year to the
next. The Shapefile format allows 10 characters per field name; :func:`shapefile_field_names`
maps every long name to a short one deterministically (same names in, same names out).
Descriptions, labels and short names come from the column registry (:mod:`geo.common.columns`).
"""

from __future__ import annotations

from geo.common import columns

IDENTITY_COLUMNS: tuple[str, ...] = (
    "village_code",
    "village_name",
    "village_type",
    "district_code",
    "district_name",
    "regency_code",
    "regency_name",
    "province_code",
    "province_name",
)
"""Who the village is: never suppressed, always first."""

DECISION_COLUMNS: tuple[str, ...] = (
    "rank",
    "score",
    "in_focus_list",
    "focus_reason",
    "quadrant",
    "pocket",
    "hotspot",
    "suppressed",
)
"""What was decided about the village: kept under suppression (the decree needs every rank)."""

KEY_INDICATORS: tuple[str, ...] = (
    "households",
    "people",
    "desil1_households",
    "desil1_share",
    "desil14_households",
    "desil14_share",
    "mpi_h",
    "mpi_a",
    "mpi_m0",
    "poor_unreached",
)
"""Indicators shown in the ranked table (CSV / XLSX) beside the ones the score weights."""


def describe(field: str, lang: str = "en") -> str:
    """A one-line description of an exported field, from the column registry ('' when unknown).

    English by default: the ``fields`` table of a GeoPackage and ``field_names.csv`` document
    the schema for GIS staff; pass ``lang="id"`` for an Indonesian dictionary.
    """
    return columns.description(field, lang)


def label(field: str, lang: str) -> str:
    """Column header for people (XLSX): the registry's label in ``lang``, else the field name."""
    return columns.label(field, lang)


def shapefile_field_names(fields) -> dict[str, str]:
    """Map long field names to unique dBASE names of at most 10 characters.

    A registered column has its name in the column registry
    (:attr:`geo.common.columns.ColumnInfo.shapefile`); any other field is abbreviated by the
    same rule (:func:`geo.common.columns.short_name`): token by token (``desil1_share`` -> ``D1_SHARE``,
    ``in_focus_list`` -> ``IN_FOC_LST``), underscores are dropped if still too long, then it
    is cut at 10 characters. A clash (dBASE names are case-insensitive) gets a numeric
    suffix in the order the fields come, so the same list of fields always gives the same
    mapping. The mapping is written as ``field_names.csv`` inside the zip and documented in
    ``docs/exports.md``.

    Parameters
    ----------
    fields
        Long field names in layer order.

    Returns
    -------
    dict
        ``{long_name: short_name}`` in the same order.
    """
    mapping: dict[str, str] = {}
    taken: set[str] = set()
    for field in fields:
        info = columns.find_column(field)
        base = info.shapefile if info is not None else columns.short_name(field)
        short = base
        n = 1
        while short.upper() in taken:
            suffix = str(n)
            short = base[: 10 - len(suffix)] + suffix
            n += 1
        taken.add(short.upper())
        mapping[field] = short
    return mapping
