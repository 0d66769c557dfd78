"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

from geo.common.columns import FAMILIES, find_column
from geo.i18n import DEFAULT_LANGUAGE, Message, has_text, t


def indicator_label(column: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a column (``rate_dep_water`` -> ``Deprivasi air minum``).

    Names come from the column registry (:mod:`geo.common.columns`, texts in
    ``geo/i18n/catalogue/columns.toml``). A family column the registry does not list
    (``rate_water``, ``why_<column>``) is named by its family's rule; anything else keeps its name.
    """
    info = find_column(column)
    if info is not None:
        return info.label_text(lang)
    for prefix in FAMILIES:
        if column.startswith(prefix):
            rest = column.removeprefix(prefix)
            subject_id = "column.subject." + rest.removeprefix("dep_").removeprefix("recv_")
            if prefix == "why_" and find_column(rest) is not None:
                subject = find_column(rest).label
            elif has_text(subject_id):
                subject = Message(subject_id)
            else:
                subject = rest
            return t(f"column.family.{prefix.rstrip('_')}", lang, subject=subject)
    return column


# --- stored values shown to people ------------------------------------------------------------
# The library stores short English codes (``matched_code``, ``HH``, ``solid in``...); pages show
# them through these tables at display time only, so stored results and exports never change.

VALUE_LABELS: dict[str, dict[str, tuple[str, str]]] = {  # column: {stored value: (id, en)}
    "outcome": {
        "matched_code": ("Cocok lewat kode", "Matched by code"),
        "matched_location": ("Cocok lewat lokasi", "Matched by location"),
        "matched_code_location_disagree": ("Kode dan lokasi menunjuk desa berbeda",
                                           "Code and location point to different villages"),
        "unknown_code": ("Kode desa tidak dikenal", "Unknown village code"),
        "outside_villages": ("Koordinat di luar semua desa", "Location outside every village"),
        "no_code_no_location": ("Tanpa kode desa dan koordinat", "No village code and no location"),
        "invalid": ("Baris tidak valid", "Invalid row"),
        "duplicate_household": ("Rumah tangga ganda", "Duplicate household"),
    },
    "stability": {
        "solid in": ("Pasti masuk", "Solid in"),
        "depends on weights": ("Tergantung bobot", "Depends on the weights"),
        "solid out": ("Pasti keluar", "Solid out"),
    },
    "quadrant": {  # desil-1 household count – desil-1 share
        "high-high": ("Jumlah tinggi, persentase tinggi", "High count, high share"),
        "high-low": ("Jumlah tinggi, persentase rendah", "High count, low share"),
        "low-high": ("Jumlah rendah, persentase tinggi", "Low count, high share"),
        "low-low": ("Jumlah rendah, persentase rendah", "Low count, low share"),
    },
    "pocket": {
        "HH": ("Kantong kemiskinan (Tinggi–Tinggi)", "Poverty pocket (High–High)"),
        "LL": ("Klaster rendah (Rendah–Rendah)", "Low cluster (Low–Low)"),
        "HL": ("Pencilan tinggi (Tinggi–Rendah)", "High outlier (High–Low)"),
        "LH": ("Pencilan rendah (Rendah–Tinggi)", "Low outlier (Low–High)"),
        "ns": ("Tidak signifikan", "Not significant"),
        "isolated": ("Terisolasi (tanpa tetangga)", "Isolated (no neighbour)"),
        "no_data": ("Tidak ada data", "No data"),
    },
    "hotspot": {
        "hot": ("Titik panas (Gi*)", "Hot spot (Gi*)"),
        "cold": ("Titik dingin (Gi*)", "Cold spot (Gi*)"),
        "ns": ("Tidak signifikan", "Not significant"),
        "isolated": ("Terisolasi (tanpa tetangga)", "Isolated (no neighbour)"),
        "no_data": ("Tidak ada data", "No data"),
    },
    "vs_previous": {
        "stayed": ("Tetap", "Stayed"), "entered": ("Baru masuk", "Entered"),
        "left": ("Keluar", "Left"),
    },
    "village_type": {
        "kelurahan": ("kelurahan", "kelurahan (urban)"), "desa": ("desa", "desa (village)"),
        "desa adat": ("desa adat", "desa adat (customary village)"),
    },
    "action": {"in": ("masuk", "in"), "out": ("keluar", "out")},
}

#: Keys of the boundary quality report (:func:`geo.boundaries.read.read_villages`).
REPORT_LABELS: dict[str, tuple[str, str]] = {
    "sources": ("Berkas", "Files"),
    "features_in": ("Fitur masuk", "Features in"),
    "features_out": ("Desa dalam lapisan", "Villages in the layer"),
    "rejected": ("Fitur ditolak", "Features rejected"),
    "empty": ("Geometri kosong", "Empty geometries"),
    "repaired": ("Geometri diperbaiki", "Geometries repaired"),
    "islands_fixed": ("Pulau yang digabung", "Islands merged"),
    "duplicates": ("Kode ganda", "Duplicate codes"),
    "merged_duplicates": ("Kode ganda digabung", "Duplicate codes merged"),
    "kelurahan": ("Kelurahan", "Kelurahan"),
    "desa": ("Desa", "Desa"),
    "desa_adat": ("Desa adat", "Desa adat"),
    "metric_crs": ("CRS metrik untuk luas dan jarak", "Metric CRS for areas and distances"),
    "overlaps": ("Pasangan desa yang tumpang tindih", "Overlapping village pairs"),
    "overlaps_total": ("Total tumpang tindih", "Total overlap"),
    "gaps": ("Celah antar desa", "Gaps between villages"),
    "quality_checked": ("Kualitas topologi diperiksa", "Topology checked"),
    "warnings": ("Peringatan", "Warnings"),
    "per_source": ("Rincian per berkas", "Per file"),
}

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
    which = 1 if lang == "en" else 0
    if column == "focus_reason":
        return focus_reason_text(value, lang)
    return VALUE_LABELS.get(column, {}).get(value, (value, value))[which]


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
        if column in VALUE_LABELS or column == "focus_reason":
            out[column] = out[column].map(lambda v, c=column: value_label(c, v, lang))
    return out


def report_label(key: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """A readable name for a boundary-report key (``features_in`` -> ``Fitur masuk``)."""
    return REPORT_LABELS.get(key, (key, key))[1 if lang == "en" else 0]


def pocket_method_text(settings: dict, lang: str = DEFAULT_LANGUAGE) -> str:
    """How the pockets were found, from the config's ``[pockets]`` settings."""
    alpha = settings.get("alpha", 0.05)
    return t("pocket_method", lang, permutations=settings.get("permutations", 999),
             alpha=str(alpha).replace(".", ",") if lang == "id" else alpha,
             fdr=", FDR" if settings.get("fdr") else "")
