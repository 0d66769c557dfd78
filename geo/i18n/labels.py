"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

from geo.i18n import DEFAULT_LANGUAGE, has_text, t



_INDICATOR_LABELS: dict[str, tuple[str, str]] = {  # column: (id, en)
    "village_code": ("Kode desa", "Village code"),
    "village_name": ("Desa/kelurahan", "Village"),
    "district_name": ("Kecamatan", "District"),
    "district_code": ("Kode kecamatan", "District code"),
    "in_focus_list": ("Lokus", "Focus village"),
    "focus_reason": ("Alasan lokus", "Focus reason"),
    "quadrant": ("Kuadran", "Quadrant"),
    "pocket": ("Kantong (LISA)", "Pocket (LISA)"),
    "hotspot": ("Hotspot (Gi*)", "Hotspot (Gi*)"),
    "lisa_p": ("p LISA", "LISA p-value"),
    "score": ("Skor prioritas", "Priority score"),
    "rank": ("Peringkat", "Rank"),
    "households": ("Rumah tangga", "Households"),
    "people": ("Jiwa", "People"),
    "desil1_households": ("Ruta desil 1", "Desil-1 households"),
    "desil1_people": ("Jiwa desil 1", "Desil-1 people"),
    "desil1_share": ("Proporsi ruta desil 1", "Desil-1 share of households"),
    "desil14_households": ("Ruta desil 1–4", "Desil 1–4 households"),
    "desil14_people": ("Jiwa desil 1–4", "Desil 1–4 people"),
    "desil14_share": ("Proporsi ruta desil 1–4", "Desil 1–4 share of households"),
    "mpi_h": ("IKM H (persentase miskin)", "MPI H (headcount ratio)"),
    "mpi_a": ("IKM A (intensitas)", "MPI A (intensity)"),
    "mpi_m0": ("IKM M0", "MPI M0 (adjusted headcount)"),
    "mpi_vulnerable": ("Rentan miskin multidimensi", "Vulnerable to MPI poverty"),
    "mpi_severe": ("Miskin multidimensi berat", "Severe MPI poverty"),
    "mpi_poor_people": ("Jiwa miskin multidimensi", "MPI-poor people"),
    "poor_unreached": ("Ruta desil 1–4 tanpa bantuan", "Desil 1–4 households without programme"),
    "exclusion_rate": ("Tingkat eksklusi", "Exclusion rate"),
    "inclusion_error": ("Salah sasaran (desil ≥ 6 menerima)", "Inclusion error (desil ≥ 6 receiving)"),
    "inclusion_error_rate": ("Proporsi salah sasaran", "Inclusion error rate"),
    "mpi_people": ("Jiwa yang diukur IKM", "People measured (MPI)"),
    "neighbours": ("Jumlah tetangga", "Neighbours"),
    "lisa_i": ("I lokal Moran", "Local Moran's I"),
    "lisa_p_adj": ("p LISA (FDR)", "LISA p-value (FDR)"),
    "gi_z": ("z Gi*", "Gi* z-score"),
    "gi_p": ("p Gi*", "Gi* p-value"),
    "village_type": ("Jenis", "Type"),
    "regency_name": ("Kabupaten/kota", "Regency/city"),
    "province_name": ("Provinsi", "Province"),
    "vs_previous": ("Dibanding tahun lalu", "Versus last list"),
    "stability": ("Stabilitas", "Stability"),
    "in_focus_share": ("Seberapa sering masuk lokus", "How often in the focus list"),
    "neighbour": ("Tetangga", "Neighbour"),
    "similar": ("Profil serupa", "Similar profile"),
    "distance": ("Jarak profil", "Profile distance"),
    "source_row": ("Baris di berkas", "Row in the file"),
    "outcome": ("Hasil", "Outcome"),
    "reason": ("Alasan", "Reason"),
    "action": ("Tindakan", "Action"),
    "by": ("Oleh", "By"),
    "poor_households": ("Ruta desil 1–4", "Desil 1–4 households"),
}
_DEPRIVATION_NAMES: dict[str, tuple[str, str]] = {
    "nutrition": ("gizi", "nutrition"),
    "child_mortality": ("kematian anak", "child mortality"),
    "schooling": ("lama sekolah", "years of schooling"),
    "attendance": ("partisipasi sekolah", "school attendance"),
    "cooking_fuel": ("bahan bakar memasak", "cooking fuel"),
    "sanitation": ("sanitasi", "sanitation"),
    "water": ("air minum", "drinking water"),
    "electricity": ("listrik", "electricity"),
    "housing": ("rumah", "housing"),
    "assets": ("aset", "assets"),
    "pkh": ("PKH", "PKH"),
    "bpnt": ("BPNT/sembako", "BPNT/sembako"),
    "pbi": ("PBI-JK", "PBI-JK"),
}
_PREFIX_LABELS: dict[str, tuple[str, str]] = {
    "rate_": ("Deprivasi {}", "Deprived in {}"),
    "cens_": ("Miskin & deprivasi {}", "Poor and deprived in {}"),
    "contrib_": ("Kontribusi {} ke M0", "Contribution of {} to M0"),
    "cov_": ("Cakupan {}", "Coverage of {}"),
    "why_": ("Poin skor dari {}", "Score points from {}"),
}


def indicator_label(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for an indicator column (``rate_dep_water`` -> ``Deprivasi air minum``)."""
    which = 1 if lang == "en" else 0
    if column in _INDICATOR_LABELS:
        return _INDICATOR_LABELS[column][which]
    for prefix, texts in _PREFIX_LABELS.items():
        if column.startswith(prefix):
            rest = column.removeprefix(prefix)
            inner = indicator_label(rest, lang) if prefix == "why_" else None
            if inner is None or inner == rest:
                key = rest.removeprefix("dep_").removeprefix("recv_")
                inner = _DEPRIVATION_NAMES.get(key, (key, key))[which]
            return texts[which].format(inner)
    return column


# --- stored values shown to people ------------------------------------------------------------
# The library stores short English codes (``matched_code``, ``HH``, ``solid in``...); screens and
# downloads show them through the catalogue (``geo/i18n/catalogue/values.toml``, ids
# ``value.<column>.<code>``) at display time only, so stored results never change.

#: The stored codes of each column that has translated values (column: codes).
VALUE_CODES: dict[str, tuple[str, ...]] = {
    "outcome": ("matched_code", "matched_location", "matched_code_location_disagree",
                "unknown_code", "outside_villages", "no_code_no_location", "invalid",
                "duplicate_household"),
    "stability": ("solid in", "depends on weights", "solid out"),
    "quadrant": ("high-high", "high-low", "low-high", "low-low"),  # desil-1 count – share
    "pocket": ("HH", "LL", "HL", "LH", "ns", "isolated", "no_data"),
    "hotspot": ("hot", "cold", "ns", "isolated", "no_data"),
    "vs_previous": ("stayed", "entered", "left"),
    "village_type": ("kelurahan", "desa", "desa adat"),
    "action": ("in", "out"),
}
VALUE_LABELS = VALUE_CODES  # the former name (codes only; texts are in the catalogue)

#: Keys of the boundary quality report (:func:`geo.boundaries.read.read_villages`); texts are
#: the catalogue's ``report.<key>`` entries.
REPORT_KEYS: tuple[str, ...] = (
    "sources", "features_in", "features_out", "rejected", "empty", "repaired", "islands_fixed",
    "duplicates", "merged_duplicates", "kelurahan", "desa", "desa_adat", "metric_crs", "overlaps",
    "overlaps_total", "gaps", "quality_checked", "warnings", "per_source",
)


def value_id(column: str, code: str) -> str:
    """The catalogue id of a stored value: ``value.stability.solid_in``."""
    return f"value.{column}.{code.replace(' ', '_')}"


_REASON_PATTERNS: tuple[tuple[str, tuple[str, str]], ...] = (  # regex on one part, (id, en)
    (r"top (?P<n>\d+)", ("{n} teratas", "top {n}")),
    (r"score at least (?P<x>.+)", ("skor minimal {x}", "score at least {x}")),
    (r"covers (?P<p>[\d.]+) ?% of extreme poor",
     ("mencakup {p}% miskin ekstrem", "covers {p}% of the extreme poor")),
    (r"best in district (?P<d>.+)", ("terbaik di kecamatan {d}", "best in district {d}")),
    (r"pinned in: (?P<r>.*) \(by (?P<b>.*)\)",
     ("disematkan masuk: {r} (oleh {b})", "pinned in: {r} (by {b})")),
    (r"pinned out: (?P<r>.*) \(by (?P<b>.*)\)",
     ("disematkan keluar: {r} (oleh {b})", "pinned out: {r} (by {b})")),
)


def value_label(column: str, value, lang: str = DEFAULT_LANGUAGE):
    """The readable text of a stored value (``outcome`` ``matched_code`` -> ``Cocok lewat kode``).

    ``focus_reason`` texts are translated part by part; values without a translation (and
    missing values) come back unchanged.
    """
    if not isinstance(value, str):
        return value
    if column == "focus_reason":
        return focus_reason_text(value, lang)
    key = value_id(column, value)
    return t(key, lang) if column in VALUE_CODES and has_text(key) else value


def focus_reason_text(reason: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A ``focus_reason`` from :mod:`geo.focus` (``top 10; best in district X``) in ``lang``.

    Pin reasons and names typed by people are kept as they were written.
    """
    import re

    which = 1 if lang == "en" else 0
    parts = []
    for part in reason.split("; "):
        for pattern, texts in _REASON_PATTERNS:
            found = re.fullmatch(pattern, part)
            if found:
                part = texts[which].format(**found.groupdict())
                break
        parts.append(part)
    return "; ".join(parts)


def translate_values(frame, lang: str = DEFAULT_LANGUAGE):
    """A copy of ``frame`` with the stored codes of known columns as readable text (display only)."""
    out = frame.copy()
    for column in out.columns:
        if column in VALUE_CODES or column == "focus_reason":
            out[column] = out[column].map(lambda v, c=column: value_label(c, v, lang))
    return out


def report_label(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a boundary-report key (``features_in`` -> ``Fitur masuk``)."""
    return t(f"report.{key}", lang) if has_text(f"report.{key}") else key


def pocket_method_text(settings: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """How the pockets were found, from the config's ``[pockets]`` settings."""
    return t("pocket_method", lang, permutations=settings.get("permutations", 999),
             alpha=float(settings.get("alpha", 0.05)),
             fdr=", FDR" if settings.get("fdr") else "")
