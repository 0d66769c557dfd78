"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

from geo.i18n import DEFAULT_LANGUAGE, t



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

def value_label(column: str, value, lang: str = DEFAULT_LANGUAGE):
    """The readable text of a stored value (``outcome`` ``matched_code`` -> ``Cocok lewat kode``).

    ``focus_reason`` (message codes) is rendered with :func:`focus_reason_text`; values
    without a translation (and missing values) come back unchanged.
    """
    if not isinstance(value, str):
        return value
    which = 1 if lang == "en" else 0
    if column == "focus_reason":
        return focus_reason_text(value, lang)
    return VALUE_LABELS.get(column, {}).get(value, (value, value))[which]


def focus_reason_text(reason, lang: str = DEFAULT_LANGUAGE):
    """A ``focus_reason`` from :mod:`geo.ranking.focus` in ``lang``.

    The reasons are stored as message codes with parameters (``focus.top_n{"n": 10};
    focus.best_in_district{"district": "Klojen"}``, see :mod:`geo.common.messages`); pin
    reasons and names typed by people are parameters, kept as they were written. Parts that
    are not codes (a list saved by an older version) are shown unchanged.
    """
    from geo.common.messages import render_cell

    return render_cell(reason, lang)


def translate_values(frame, lang: str = DEFAULT_LANGUAGE):
    """A copy of ``frame`` with the stored codes of known columns as readable text (display only)."""
    from geo.common.messages import MESSAGE_COLUMNS, render_column

    out = frame.copy()
    for column in out.columns:
        if column in MESSAGE_COLUMNS:  # reasons and problems stored as message codes
            out[column] = render_column(out[column], lang)
        elif column in VALUE_LABELS:
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
