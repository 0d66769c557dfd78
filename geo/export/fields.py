"""Field names of the exported layers: order, descriptions, labels and Shapefile short names.

Exported property names are the canonical column names of the village layer (``village_code``,
``desil1_share``, ``score`` ...), so a geoportal layer keeps its schema from one year to the
next. The Shapefile format allows 10 characters per field name; :func:`shapefile_field_names`
maps every long name to a short one deterministically (same names in, same names out).
"""

from __future__ import annotations

import re

from geo.households.schema import DEPRIVATIONS, PROGRAMMES

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

_DEP = {name: name.removeprefix("dep_").replace("_", " ") for name in DEPRIVATIONS}
_PROG = {name: name.removeprefix("recv_").upper() for name in PROGRAMMES}

DESCRIPTIONS: dict[str, str] = {
    "village_code": "Kemendagri village code PP.KK.CC.VVVV (text)",
    "village_name": "Village (desa/kelurahan) name",
    "village_type": "kelurahan / desa / desa adat, from the code",
    "district_code": "Kemendagri district (kecamatan) code PP.KK.CC",
    "district_name": "District (kecamatan) name",
    "regency_code": "Kemendagri regency/city (kabupaten/kota) code PP.KK",
    "regency_name": "Regency/city (kabupaten/kota) name",
    "province_code": "Province code PP",
    "province_name": "Province name",
    "rank": "Priority rank, 1 = highest priority",
    "score": "Priority score 0-100 (weighted, normalised indicators)",
    "in_focus_list": "Chosen as a focus village (lokus) by the selection rules",
    "focus_reason": "Which rule put the village on the focus list",
    "quadrant": "Count-vs-rate quadrant of the village",
    "pocket": "Local Moran's I class: HH (poverty pocket), LL, HL, LH, ns, isolated, no_data",
    "hotspot": "Getis-Ord Gi* class: hot, cold, ns",
    "suppressed": "True when household figures are withheld (fewer households than the minimum)",
    "households": "Registered households in the village",
    "people": "People in those households",
    "desil1_households": "Households in desil 1 (poorest 10 % nationally)",
    "desil1_people": "People in desil-1 households",
    "desil1_share": "Share of households in desil 1",
    "desil14_households": "Households in desil 1-4",
    "desil14_people": "People in desil 1-4 households",
    "desil14_share": "Share of households in desil 1-4",
    "mpi_h": "MPI headcount ratio H (share of people poor, k cut-off)",
    "mpi_a": "MPI intensity A (average deprivation score of the poor)",
    "mpi_m0": "MPI adjusted headcount ratio M0 = H x A",
    "mpi_vulnerable": "Share of people vulnerable to poverty (1/5 <= score < k)",
    "mpi_severe": "Share of people in severe poverty (score >= 1/2)",
    "mpi_poor_people": "People who are multidimensionally poor",
    "poor_unreached": "Desil 1-4 households receiving no programme",
    "exclusion_rate": "Share of desil 1-4 households receiving no programme",
    "inclusion_error": "Households in desil 6 or above receiving any programme",
    "inclusion_error_rate": "Share of programme recipients that are in desil 6 or above",
    "lisa_i": "Local Moran's I",
    "lisa_p": "Pseudo p-value of local Moran's I",
    "lisa_p_adj": "Local Moran's I p-value, Benjamini-Hochberg (FDR) adjusted",
    "lisa_q": "esda quadrant: 1 HH, 2 LH, 3 LL, 4 HL, 0 none",
    "neighbours": "Number of neighbouring villages (contiguity)",
    "gi_z": "Getis-Ord Gi* z-score",
    "gi_p": "Pseudo p-value of Gi*",
    # pocket areas
    "pocket_id": "Poverty pocket area id (contiguous HH villages)",
    "n_villages": "Villages in the pocket area",
    "village_codes": "Codes of the villages in the pocket area (;-separated)",
    "village_names": "Names of the villages in the pocket area (;-separated)",
    "area_km2": "Area in square kilometres (UTM)",
    "best_rank": "Best (lowest) priority rank among the pocket's villages",
}
_PREFIXES = {
    "rate_": "People deprived in {} (share, people-weighted)",
    "cens_": "Censored headcount: share of people poor and deprived in {}",
    "contrib_": "Contribution of {} to M0",
    "why_": "Score points from {}",
    "cov_": "Coverage of {} among desil 1-4 households",
}


def describe(field: str) -> str:
    """A one-line English description of an exported field ('' when unknown)."""
    if field in DESCRIPTIONS:
        return DESCRIPTIONS[field]
    for prefix, text in _PREFIXES.items():
        if field.startswith(prefix):
            rest = field.removeprefix(prefix)
            label = (_DEP.get(rest) or _DEP.get(f"dep_{rest}") or _PROG.get(rest)
                     or _PROG.get(f"recv_{rest}") or rest)
            return text.format(label)
    return ""


LABELS: dict[str, dict[str, str]] = {
    "id": {
        "rank": "Peringkat",
        "village_code": "Kode Desa/Kelurahan",
        "village_name": "Desa/Kelurahan",
        "village_type": "Jenis",
        "district_name": "Kecamatan",
        "regency_name": "Kabupaten/Kota",
        "score": "Skor",
        "households": "Jumlah Rumah Tangga",
        "people": "Jumlah Jiwa",
        "desil1_households": "Ruta Desil 1",
        "desil1_share": "Proporsi Desil 1",
        "desil14_households": "Ruta Desil 1-4",
        "desil14_share": "Proporsi Desil 1-4",
        "mpi_h": "IKM H (persentase miskin)",
        "mpi_a": "IKM A (intensitas)",
        "mpi_m0": "IKM M0",
        "poor_unreached": "Ruta Desil 1-4 Tanpa Bantuan",
        "in_focus_list": "Lokus",
        "focus_reason": "Alasan Lokus",
        "quadrant": "Kuadran",
        "pocket": "Kantong Kemiskinan (LISA)",
        "hotspot": "Hotspot (Gi*)",
        "suppressed": "Data Disamarkan",
    },
    "en": {
        "rank": "Rank",
        "village_code": "Village code",
        "village_name": "Village",
        "village_type": "Type",
        "district_name": "District",
        "regency_name": "Regency/city",
        "score": "Score",
        "households": "Households",
        "people": "People",
        "desil1_households": "Desil-1 households",
        "desil1_share": "Desil-1 share",
        "desil14_households": "Desil 1-4 households",
        "desil14_share": "Desil 1-4 share",
        "mpi_h": "MPI H (headcount)",
        "mpi_a": "MPI A (intensity)",
        "mpi_m0": "MPI M0",
        "poor_unreached": "Desil 1-4 households without programme",
        "in_focus_list": "Focus village",
        "focus_reason": "Focus reason",
        "quadrant": "Quadrant",
        "pocket": "Poverty pocket (LISA)",
        "hotspot": "Hotspot (Gi*)",
        "suppressed": "Suppressed",
    },
}


def label(field: str, lang: str) -> str:
    """Column header for people (XLSX): Indonesian or English label, else the field name."""
    return LABELS.get(lang, {}).get(field, field)


# Abbreviations used to fit names into the 10 characters of a dBASE field name.
_ABBREVIATIONS = {
    "village": "VIL",
    "district": "DIST",
    "regency": "REG",
    "province": "PROV",
    "households": "HH",
    "household": "HH",
    "people": "PPL",
    "share": "SHARE",
    "rate": "R",
    "cens": "CEN",
    "contrib": "CON",
    "why": "W",
    "focus": "FOC",
    "list": "LST",
    "reason": "RSN",
    "quadrant": "QUAD",
    "suppressed": "SUPPR",
    "vulnerable": "VULN",
    "severe": "SEV",
    "unreached": "UNRCH",
    "exclusion": "EXCL",
    "inclusion": "INCL",
    "error": "ERR",
    "nutrition": "NUTR",
    "child": "CH",
    "mortality": "MORT",
    "schooling": "SCHL",
    "attendance": "ATT",
    "cooking": "COOK",
    "sanitation": "SAN",
    "water": "WATR",
    "electricity": "ELEC",
    "housing": "HOUS",
    "assets": "ASST",
    "villages": "VILS",
    "codes": "CODES",
    "names": "NAMES",
    "best": "BEST",
    "dep": "",  # rate_dep_water and rate_water both become R_WATR
}


def _short_name(field: str) -> str:
    tokens = [t for t in re.split(r"[^0-9A-Za-z]+", field) if t]
    parts = []
    for token in tokens:
        lower = token.lower()
        match = re.fullmatch(r"desil(\d+)", lower)
        part = f"D{match.group(1)}" if match else _ABBREVIATIONS.get(lower, token.upper())
        if part:
            parts.append(part)
    name = "_".join(parts) or "FIELD"
    if len(name) > 10:
        name = "".join(parts)
    return name[:10]


def shapefile_field_names(fields) -> dict[str, str]:
    """Map long field names to unique dBASE names of at most 10 characters.

    Each name is abbreviated token by token (``desil1_share`` -> ``D1_SHARE``,
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
        short = _short_name(field)
        n = 1
        while short.upper() in taken:
            suffix = str(n)
            short = _short_name(field)[: 10 - len(suffix)] + suffix
            n += 1
        taken.add(short.upper())
        mapping[field] = short
    return mapping
