"""Column names registries and agencies use for the canonical household fields.

DTSEN/DTKS/P3KE extracts and agency spreadsheets name the same field in many ways
(``kode_desa``, ``KD_DESA``, ``Kode Kelurahan``...). Headers are compared after
:func:`geo.common.privacy.normalise_header` (lower case, non-alphanumerics -> ``_``). An explicit
``column_map={"desil": "DESIL_KESEJAHTERAAN"}`` always wins over these aliases.
The table is reproduced in ``docs/households.md``.
"""

from __future__ import annotations

import difflib

from geo.common.errors import GeoInputError, joined
from geo.i18n import Message
from geo.households.schema import DEPRIVATIONS, PROGRAMMES
from geo.common.privacy import is_personal, normalise_header

#: canonical name -> accepted (normalised) source names, best first. Names that mean something
#: else in some registry are left out on purpose: ``id_kel``/``idkel`` (a BPS village id in
#: boundary files, see :mod:`geo.boundary_schema`) and a bare ``kode`` (any code); map such a
#: column explicitly. ``kis`` may hold KIS card numbers rather than yes/no: ingest drops any
#: column whose values are mostly 16-digit numbers (:func:`geo.common.privacy.looks_like_id_numbers`).
ALIASES: dict[str, tuple[str, ...]] = {
    "household_id": (
        "household_id", "id_keluarga", "idkeluarga", "id_rumah_tangga", "id_ruta", "idrt",
        "id_rt", "iddtks", "id_dtks", "id_dtsen", "id_p3ke", "hhid", "hh_id",
    ),
    "village_code": (
        "village_code", "kode_desa", "kd_desa", "kode_kelurahan", "kd_kelurahan", "kode_kel",
        "kode_desa_kelurahan", "kode_wilayah", "kd_wilayah", "kemendagri", "kode_kemendagri",
        "kdepum",
    ),
    "village_code_bps": (  # a BPS code, joined through a BPS–Kemendagri bridge
        "village_code_bps", "kode_bps", "kd_bps", "bps_code", "kode_desa_bps", "kd_desa_bps",
        "kdebps", "iddesa", "id_desa_bps",
    ),
    "members": (
        "members", "jumlah_art", "jml_art", "jumlah_anggota", "jml_anggota",
        "jumlah_anggota_keluarga", "jml_anggota_keluarga", "anggota_keluarga", "jumlah_jiwa",
        "jml_jiwa", "household_size", "hh_size",
    ),
    "desil": (
        "desil", "desil_nasional", "desil_kesejahteraan", "desil_dtsen", "status_desil",
        "decile", "welfare_decile",
    ),
    "latitude": ("latitude", "lintang", "lat", "y", "koordinat_lintang"),
    "longitude": ("longitude", "bujur", "lon", "lng", "long", "x", "koordinat_bujur"),
    "recv_pkh": ("recv_pkh", "pkh", "penerima_pkh", "status_pkh", "bansos_pkh"),
    "recv_bpnt": (
        "recv_bpnt", "bpnt", "sembako", "penerima_bpnt", "penerima_sembako", "status_bpnt",
        "bansos_sembako",
    ),
    "recv_pbi": ("recv_pbi", "pbi", "pbi_jk", "kis", "penerima_pbi", "penerima_pbi_jk", "status_pbi"),
    "dep_nutrition": ("dep_nutrition",),
    "dep_child_mortality": ("dep_child_mortality",),
    "dep_schooling": ("dep_schooling",),
    "dep_attendance": ("dep_attendance",),
    "dep_cooking_fuel": ("dep_cooking_fuel",),
    "dep_sanitation": ("dep_sanitation",),
    "dep_water": ("dep_water",),
    "dep_electricity": ("dep_electricity",),
    "dep_housing": ("dep_housing",),
    "dep_assets": ("dep_assets",),
}
assert set(DEPRIVATIONS) | set(PROGRAMMES) <= set(ALIASES)

#: canonical names a user may map explicitly (``source_row`` and ``problem`` are made here).
MAPPABLE: tuple[str, ...] = tuple(ALIASES)


def _close_matches(wanted: str, columns) -> list[str]:
    names = {normalise_header(col): str(col) for col in columns}
    hits: list[str] = []
    for alias in ALIASES.get(wanted, (wanted,)):
        for norm in difflib.get_close_matches(alias, list(names), n=3, cutoff=0.75):
            if names[norm] not in hits:
                hits.append(names[norm])
    return hits[:3]


def match_columns(columns, column_map: dict[str, str] | None = None, *,
                  source: str | None = None, dropped=()) -> dict[str, str]:
    """Map canonical names to source columns: explicit ``column_map`` first, then aliases.

    Parameters
    ----------
    columns
        The source column labels (personal columns already dropped).
    column_map
        ``{canonical: source column}``; overrides the aliases for that canonical name.
    source
        The file, named in error messages.
    dropped
        Personal columns that were dropped (a map pointing at one is refused with a reason).

    Returns
    -------
    dict
        ``{canonical: source column}`` for every canonical field found.

    Raises
    ------
    GeoInputError
        A mapping names an unknown canonical field or a column the file does not have, or
        two columns both look like the same field (choose one with ``column_map``).
    """
    columns = [str(col) for col in columns]
    mapping: dict[str, str] = {}
    for canonical, col in (column_map or {}).items():
        if canonical not in ALIASES:
            raise GeoInputError("err.map_unknown_field", source=source, field=canonical,
                                fields=", ".join(MAPPABLE))
        if col in dropped or is_personal(col):
            raise GeoInputError("err.map_personal", source=source, column=col, field=canonical)
        if col not in columns:
            same = [c for c in columns if normalise_header(c) == normalise_header(col)]
            col = same[0] if len(same) == 1 else col
        if col not in columns:
            close = difflib.get_close_matches(col, columns, n=3, cutoff=0.6)
            hint = (Message("err.did_you_mean", {"names": ", ".join(repr(c) for c in close)})
                    if close else "")
            raise GeoInputError("err.map_no_column", source=source, field=canonical, column=col,
                                hint=hint, columns=", ".join(columns))
        mapping[canonical] = col
    taken = set(mapping.values())
    by_norm: dict[str, list[str]] = {}
    for col in columns:
        by_norm.setdefault(normalise_header(col), []).append(col)
    for canonical, aliases in ALIASES.items():
        if canonical in mapping:
            continue
        found = [col for alias in aliases for col in by_norm.get(alias, []) if col not in taken]
        if len(found) > 1:
            raise GeoInputError("err.map_ambiguous", source=source, field=canonical,
                                columns=", ".join(repr(c) for c in found))
        if found:
            mapping[canonical] = found[0]
            taken.add(found[0])
    return mapping


def require_columns(mapping: dict[str, str], columns, *, source: str | None = None) -> None:
    """Need ``members``, ``desil`` and ``village_code``, ``village_code_bps`` (through a bridge)
    or ``longitude`` + ``latitude``."""
    missing = [name for name in ("members", "desil") if name not in mapping]
    has_coords = "longitude" in mapping and "latitude" in mapping
    if "village_code" not in mapping and "village_code_bps" not in mapping and not has_coords:
        missing.append("village_code (or longitude + latitude)")
    if not missing:
        return
    parts = []
    for name in missing:
        base = name.split(" ")[0]
        aliases = ", ".join(ALIASES[base][:6])
        close = _close_matches(base, columns)
        hint = (Message("err.close_matches", {"names": ", ".join(repr(c) for c in close)})
                if close else "")
        field = Message("err.code_or_point") if base != name else base
        parts.append(Message("err.required_column", {"field": field, "aliases": aliases,
                                                     "hint": hint}))
    found = ", ".join(str(col) for col in columns)
    raise GeoInputError("err.missing_columns", source=source,
                        missing=joined(parts),
                        found=found or Message("err.none"))
