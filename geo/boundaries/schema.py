"""Which column of a boundary file is the village code, the village name, the district...

Boundary files arrive in a few schemas:

- **BIG / KUGI** (national mapping agency): ``KDEPUM`` (Kemendagri village code), ``KDEBPS``
  (BPS code), ``WADMKD`` (village), ``WADMKC`` (district, kecamatan), ``WADMKK`` (regency/city),
  ``WADMPR`` (province), ``TIPADM``...; code fields may be empty in extracts.
- **BPS wilkerstat**: ``iddesa`` (10-digit BPS code), ``nmdesa``, ``kdprov``, ``kdkab``,
  ``kdkec``, ``kddesa``, ``nmkec``, ``nmkab``, ``nmprov``.
- **wilayah_boundaries** SQL dumps: ``kode``, ``nama``.
- generic names: ``village_code``, ``kode_desa``, ``nama_desa``, ``kecamatan``...

Matching is case-insensitive. An explicit ``column_map`` (``{"village_code": "MYCOL"}``) wins
over detection. BPS codes are **not** Kemendagri codes and are never converted by string
manipulation: a file with only a BPS code is refused with a message asking for a mapping.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from geo.common.codes import normalise_village_code, village_code_problems, village_type
from geo.common.errors import GeoInputError
from geo.common.messages import Nested, encode, encode_rows

MAPPABLE = ("village_code", "village_name", "district_name", "regency_name", "province_name")

#: Column names (lower case) that hold a full Kemendagri village code, in order of preference.
CODE_COLUMNS = ("village_code", "kdepum", "kode_desa", "kode_kel", "kode_kelurahan",
                "kode_desa_kel", "kd_desa_kemendagri", "kode_kemendagri", "kemendagri",
                "kode_wilayah", "kode")
#: Columns holding a BPS code: recognised only to explain why they cannot be used.
BPS_CODE_COLUMNS = ("iddesa", "kdebps", "kode_bps", "kd_bps", "bps_code", "idkel")
NAME_COLUMNS = {
    "village_name": ("village_name", "wadmkd", "nama_desa", "nama_kel", "nama_kelurahan",
                     "nmdesa", "nmkel", "nama", "desa", "kelurahan", "desa_kel", "namobj",
                     "name"),
    "district_name": ("district_name", "wadmkc", "nama_kec", "nama_kecamatan", "nmkec",
                      "kecamatan"),
    "regency_name": ("regency_name", "wadmkk", "nama_kab", "nama_kabupaten", "nmkab",
                     "kabupaten", "kab_kota", "kabkot"),
    "province_name": ("province_name", "wadmpr", "nama_prov", "nama_provinsi", "nmprov",
                      "provinsi"),
}
SHAPEFILE_FIELD_WIDTH = 10  # dBASE truncates field names: village_code -> village_co


def _with_truncated(names: tuple[str, ...]) -> tuple[str, ...]:
    """The names plus their 10-character Shapefile forms (after the full names)."""
    short = tuple(n[:SHAPEFILE_FIELD_WIDTH] for n in names if len(n) > SHAPEFILE_FIELD_WIDTH)
    return names + tuple(dict.fromkeys(n for n in short if n not in names))


_CODE_NAMES_SHOWN = ("village_code", "KDEPUM", "kode_desa", "kode_kel", "kode")
CODE_COLUMNS = _with_truncated(CODE_COLUMNS)
NAME_COLUMNS = {key: _with_truncated(names) for key, names in NAME_COLUMNS.items()}
_SCHEMAS = (
    ("BIG/KUGI", {"kdepum", "wadmkd", "kdebps", "wadmkc"}),
    ("BPS wilkerstat", {"iddesa", "nmdesa", "kddesa", "nmkec"}),
    ("wilayah_boundaries", {"kode", "nama"}),
)


@dataclass
class ColumnMatch:
    """Source column chosen for each canonical attribute, and how it was chosen."""

    columns: dict[str, str]
    schema: str
    warnings: list[str] = field(default_factory=list)


def recognise_columns(columns, column_map: dict[str, str] | None = None, *,
                      source: str | None = None) -> ColumnMatch:
    """Choose the source column of each canonical attribute.

    Parameters
    ----------
    columns
        The file's attribute columns (geometry excluded).
    column_map
        Explicit choices, ``{"village_code": "KODE_DESA", "village_name": "NAMA"}``; keys from
        :data:`MAPPABLE`. Overrides detection for the keys given.
    source
        File name for messages.

    Raises
    ------
    GeoInputError
        No code column (with a special message when only a BPS code exists), two plausible code
        columns, or a mapped column that is not in the file.
    """
    columns = [str(c) for c in columns]
    by_lower: dict[str, str] = {}
    for name in columns:
        by_lower.setdefault(name.lower(), name)
    listing = ", ".join(columns) if columns else "(none)"
    column_map = dict(column_map or {})
    unknown = set(column_map) - set(MAPPABLE)
    if unknown:
        raise GeoInputError("err.bnd_map_unknown", source=source,
                            fields=", ".join(sorted(unknown)), accepted=", ".join(MAPPABLE))
    chosen: dict[str, str] = {}
    warnings: list[str] = []
    for key, wanted in column_map.items():
        actual = wanted if wanted in columns else by_lower.get(str(wanted).lower())
        if actual is None:
            raise GeoInputError("err.bnd_map_missing", source=source, column=repr(wanted),
                                field=key, columns=listing)
        chosen[key] = actual
    if "village_code" in chosen and chosen["village_code"].lower() in BPS_CODE_COLUMNS:
        warnings.append(encode("warn.bnd_bps_mapped", column=chosen["village_code"]))
    if "village_code" not in chosen:
        found = [by_lower[c] for c in CODE_COLUMNS if c in by_lower]
        if not found:
            bps = [by_lower[c] for c in BPS_CODE_COLUMNS if c in by_lower]
            if bps:
                raise GeoInputError("err.bnd_only_bps", source=source, bps=", ".join(bps),
                                    columns=listing)
            raise GeoInputError("err.bnd_no_code_column", source=source,
                                looked=", ".join(_CODE_NAMES_SHOWN), columns=listing)
        if len(found) > 1:
            raise GeoInputError("err.bnd_several_code_columns", source=source,
                                columns=", ".join(found))
        chosen["village_code"] = found[0]
    for key, candidates in NAME_COLUMNS.items():
        if key in chosen:
            continue
        for candidate in candidates:
            actual = by_lower.get(candidate)
            if actual is not None and actual not in chosen.values():
                chosen[key] = actual
                break
    lower = set(by_lower)
    schema = "explicit column map" if column_map else "generic"
    if not column_map:
        for name, marks in _SCHEMAS:
            if len(marks & lower) >= 2:
                schema = name
                break
    return ColumnMatch(columns=chosen, schema=schema, warnings=warnings)


def select_columns(frame: pd.DataFrame, match: ColumnMatch) -> pd.DataFrame:
    """The mapped source columns renamed to their canonical names (text), other columns dropped.

    Adds ``_code_column``: the source column of the code, for messages once files are combined,
    and ``_bps_code``: the BPS code (``KDEBPS``...) when the file has one, kept by the reader as
    ``village_code_bps`` for the BPS–Kemendagri bridge (:mod:`geo.reference.crosswalk`).
    """
    out = pd.DataFrame(index=frame.index)
    for key in MAPPABLE:
        column = match.columns.get(key)
        out[key] = (frame[column].astype("string") if column is not None
                    else pd.array([pd.NA] * len(frame), dtype="string"))
    out["_code_column"] = match.columns["village_code"]
    bps = [c for c in frame.columns if str(c).lower() in BPS_CODE_COLUMNS
           and c != match.columns["village_code"]]
    out["_bps_code"] = (frame[bps[0]].astype("string") if bps
                        else pd.array([pd.NA] * len(frame), dtype="string"))
    return out


def canonical_attributes(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """Canonical attribute columns and, per row, why the row cannot be used (``<NA>`` if usable).

    Parameters
    ----------
    frame
        Output of :func:`select_columns` (several sources may be concatenated).

    Notes
    -----
    ``village_code`` is normalised to ``PP.KK.CC.VVVV``; a row without a usable Kemendagri
    code (empty, malformed, mangled by a spreadsheet, or a village part not starting with
    1/2/3) gets a reason naming the source column (:func:`geo.common.codes.village_code_problems`);
    the value itself stays in the rejected entry's ``village_code``.
    """
    text = frame["village_code"].astype("string").str.strip()
    code = normalise_village_code(text)
    kind = village_type(code)
    out = pd.DataFrame(index=frame.index)
    out["village_code"] = code
    for key in MAPPABLE[1:]:
        out[key] = frame[key].astype("string").str.strip().replace("", pd.NA)
    problem = pd.Series(pd.NA, index=frame.index, dtype="string")
    failed = (code.isna() | kind.isna()).to_numpy()
    if failed.any():
        column = frame["_code_column"].astype("string")[failed]
        value = text[failed]
        empty = (value.isna() | (value == "")).fillna(True).astype(bool)
        detail = Nested(village_code_problems(value, coded=True))
        reason = encode_rows("row.bnd_code", column=column, detail=detail)
        reason[empty] = encode_rows("row.bnd_code_empty", column=column)[empty]
        problem[failed] = reason.to_numpy()
        out.loc[failed, "village_code"] = pd.NA
    return out, problem
