"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

STRINGS: dict[str, dict[str, str]] = {
    # app-wide
    "app_title": {"id": "Peta Kantong Kemiskinan", "en": "Poverty-pocket map"},
    "language": {"id": "Bahasa", "en": "Language"},
    "tiles": {"id": "Peta dasar", "en": "Base map"},
    "tiles_none": {"id": "Tanpa peta dasar (luring)", "en": "None (offline)"},
    "tiles_openstreetmap": {"id": "OpenStreetMap (perlu internet)", "en": "OpenStreetMap (online)"},
    "tiles_cartodb": {"id": "CartoDB (perlu internet)", "en": "CartoDB (online)"},
    "data_source": {"id": "Sumber data", "en": "Data source"},
    "demo_data": {"id": "Data contoh bawaan (sintetis)", "en": "Built-in demo data (synthetic)"},
    "uploaded_data": {"id": "Data unggahan", "en": "Uploaded data"},
    "no_result": {"id": "Belum ada hasil analisis. Buka halaman Data.",
                  "en": "No analysis yet. Open the Data page."},
    "pipeline_missing": {"id": "Modul analisis belum tersedia.",
                         "en": "The analysis module is not available."},
    # overview
    "overview": {"id": "Ringkasan", "en": "Overview"},
    "region": {"id": "Wilayah", "en": "Region"},
    "villages": {"id": "Desa/kelurahan", "en": "Villages"},
    "households": {"id": "Rumah tangga", "en": "Households"},
    "people": {"id": "Jiwa", "en": "People"},
    "extreme_poor": {"id": "Miskin ekstrem (desil 1)", "en": "Extreme poor (desil 1)"},
    "poor": {"id": "Miskin & rentan (desil 1–4)", "en": "Poor & vulnerable (desil 1–4)"},
    "mpi_poor": {"id": "Miskin multidimensi (IKM)", "en": "Multidimensionally poor (MPI)"},
    "population": {"id": "Jumlah penduduk wilayah (BPS, opsional)",
                   "en": "Total population of the region (BPS, optional)"},
    "population_help": {"id": "Tanpa angka ini, persentase dihitung dari jiwa yang terdaftar.",
                        "en": "Without it, rates are of the people in the register."},
    "rate_of_register": {"id": "persentase dari jiwa terdaftar", "en": "share of registered people"},
    "rate_of_population": {"id": "persentase dari penduduk", "en": "share of the population"},
    "target": {"id": "Target tingkat kemiskinan RPJMD (%)", "en": "RPJMD poverty-rate target (%)"},
    "target_measure": {"id": "Ukuran yang dibandingkan dengan target",
                       "en": "Measure compared with the target"},
    "poverty_rate": {"id": "Tingkat kemiskinan", "en": "Poverty rate"},
    "gap_to_target": {"id": "Selisih terhadap target", "en": "Gap to target"},
    "target_met": {"id": "Target tercapai.", "en": "Target met."},
    "target_not_met": {"id": "Masih {gap} poin persen di atas target (≈ {people} jiwa).",
                       "en": "{gap} percentage points above target (≈ {people} people)."},
    "data_quality": {"id": "Kualitas data dan rekonsiliasi", "en": "Data quality and reconciliation"},
    "rows_in": {"id": "Baris masuk", "en": "Rows in"},
    "outcome": {"id": "Hasil", "en": "Outcome"},
    "count": {"id": "Jumlah", "en": "Count"},
    "next_steps": {"id": "Langkah berikutnya", "en": "What to do next"},
    "next_steps_text": {
        "id": "1. **Peta**: lihat sebaran indikator per desa.\n"
              "2. **Prioritas**: atur bobot, tetapkan desa lokus, simpan keputusan.\n"
              "3. **Kantong Kemiskinan**: lihat klaster spasial.\n"
              "4. **Area Percontohan**: pilih desa pilot dan calon perluasan.\n"
              "5. **Ekspor**: unduh GeoJSON/GeoPackage/Excel untuk QGIS dan laporan.",
        "en": "1. **Map**: see each indicator by village.\n"
              "2. **Priority**: set weights, choose the focus villages, save the decision.\n"
              "3. **Poverty pockets**: see the spatial clusters.\n"
              "4. **Pilot area**: choose pilot villages and expansion candidates.\n"
              "5. **Export**: download GeoJSON/GeoPackage/Excel for QGIS and reports.",
    },
    "unmatched_warning": {"id": "{n} baris rumah tangga tidak terpakai — lihat halaman Data.",
                          "en": "{n} household rows not used — see the Data page."},
    # map
    "map": {"id": "Peta", "en": "Map"},
    "indicator": {"id": "Indikator", "en": "Indicator"},
    "classification": {"id": "Klasifikasi", "en": "Classification"},
    "quantiles": {"id": "Kuantil", "en": "Quantiles"},
    "natural_breaks": {"id": "Natural breaks (Fisher-Jenks)", "en": "Natural breaks (Fisher-Jenks)"},
    "equal_interval": {"id": "Interval sama", "en": "Equal interval"},
    "classes": {"id": "Jumlah kelas", "en": "Classes"},
    "palette": {"id": "Palet warna", "en": "Palette"},
    "district": {"id": "Kecamatan", "en": "District"},
    "all_districts": {"id": "Semua kecamatan", "en": "All districts"},
    "legend": {"id": "Legenda", "en": "Legend"},
    "no_data": {"id": "tidak ada data", "en": "no data"},
    "village": {"id": "Desa/kelurahan", "en": "Village"},
    "value": {"id": "Nilai", "en": "Value"},
    "click_hint": {"id": "Klik desa pada peta untuk melihat profilnya.",
                   "en": "Click a village on the map to see its profile."},
    "profile": {"id": "Profil desa", "en": "Village profile"},
    "rank": {"id": "Peringkat", "en": "Rank"},
    "score": {"id": "Skor", "en": "Score"},
    "why": {"id": "Mengapa (kontribusi skor)", "en": "Why (score contributions)"},
    "mpi_breakdown": {"id": "Rincian IKM (kontribusi per dimensi)",
                      "en": "MPI breakdown (contribution per indicator)"},
    "coverage": {"id": "Cakupan program (desil 1–4)", "en": "Programme coverage (desil 1–4)"},
    "in_focus": {"id": "Masuk daftar lokus", "en": "In the focus list"},
    "yes": {"id": "ya", "en": "yes"},
    "no": {"id": "tidak", "en": "no"},
    "simplified_note": {"id": "Batas disederhanakan untuk tampilan ({method}); analisis memakai batas asli.",
                        "en": "Borders simplified for display ({method}); analysis uses the full borders."},
    # priority
    "priority": {"id": "Prioritas (lokus)", "en": "Priority (focus list)"},
    "weights": {"id": "Bobot indikator", "en": "Indicator weights"},
    "rules": {"id": "Aturan daftar lokus", "en": "Focus-list rules"},
    "top_n": {"id": "Jumlah desa teratas", "en": "Top villages"},
    "score_threshold": {"id": "Ambang skor (0 = tidak dipakai)", "en": "Score threshold (0 = off)"},
    "cover_extreme_poor": {"id": "Cakupan miskin ekstrem (%; 0 = tidak dipakai)",
                           "en": "Cover the extreme poor (%; 0 = off)"},
    "min_per_district": {"id": "Minimal satu desa per kecamatan", "en": "At least one per district"},
    "pin": {"id": "Sematkan desa (masuk/keluar) dengan alasan", "en": "Pin a village in/out with a reason"},
    "pin_in": {"id": "masuk", "en": "in"},
    "pin_out": {"id": "keluar", "en": "out"},
    "reason": {"id": "Alasan", "en": "Reason"},
    "decided_by": {"id": "Diputuskan oleh", "en": "Decided by"},
    "add_pin": {"id": "Tambah sematan", "en": "Add pin"},
    "clear_pins": {"id": "Hapus semua sematan", "en": "Clear pins"},
    "pin_needs_reason": {"id": "Sematan memerlukan desa, alasan, dan nama pemutus.",
                         "en": "A pin needs a village, a reason and who decided."},
    "ranked_table": {"id": "Peringkat desa", "en": "Ranked villages"},
    "focus_count": {"id": "Desa lokus", "en": "Focus villages"},
    "robustness": {"id": "Ketahanan peringkat", "en": "Robustness of the ranking"},
    "solid_in": {"id": "Pasti masuk (≥ 90 % simulasi)", "en": "Solid in (≥ 90 % of draws)"},
    "depends_on_weights": {"id": "Tergantung bobot", "en": "Depends on the weights"},
    "draws": {"id": "Simulasi bobot", "en": "Weight draws"},
    "robustness_help": {"id": "Bobot diubah acak ±{spread} % sebanyak {draws} kali; kolom "
                              "in_focus_share = seberapa sering desa masuk lokus.",
                        "en": "Weights perturbed randomly by ±{spread} % {draws} times; "
                              "in_focus_share = how often the village is in the focus list."},
    "save_decision": {"id": "Simpan keputusan", "en": "Save the decision"},
    "decision_title": {"id": "Judul keputusan", "en": "Decision title"},
    "decision_saved": {"id": "Keputusan tersimpan: {where}", "en": "Decision saved: {where}"},
    "download_list": {"id": "Unduh daftar lokus (CSV)", "en": "Download the focus list (CSV)"},
    # pockets
    "pockets": {"id": "Kantong kemiskinan", "en": "Poverty pockets"},
    "pocket_HH": {"id": "Tinggi–Tinggi (kantong)", "en": "High–High (pocket)"},
    "pocket_LL": {"id": "Rendah–Rendah", "en": "Low–Low"},
    "pocket_HL": {"id": "Tinggi–Rendah", "en": "High–Low"},
    "pocket_LH": {"id": "Rendah–Tinggi", "en": "Low–High"},
    "pocket_ns": {"id": "Tidak signifikan", "en": "Not significant"},
    "pocket_isolated": {"id": "Terisolasi (tanpa tetangga)", "en": "Isolated (no neighbour)"},
    "pocket_no_data": {"id": "Tidak ada data", "en": "No data"},
    "pocket_table": {"id": "Desa dalam kantong kemiskinan", "en": "Villages in poverty pockets"},
    "pocket_variable": {"id": "Variabel", "en": "Variable"},
    # pilot
    "pilot": {"id": "Area percontohan", "en": "Pilot area"},
    "pilot_villages": {"id": "Desa percontohan", "en": "Pilot villages"},
    "cell_size": {"id": "Ukuran sel grid (m)", "en": "Grid cell size (m)"},
    "min_households": {"id": "Minimal rumah tangga per sel", "en": "Minimum households per cell"},
    "neighbours": {"id": "Desa tetangga", "en": "Neighbouring villages"},
    "candidates": {"id": "Calon perluasan tahun depan", "en": "Expansion candidates for next year"},
    "similar_count": {"id": "Jumlah desa serupa", "en": "Number of similar villages"},
    "grid_note": {"id": "Grid agregat ruta desil 1–4 (sel {cell} m; sel kecil digabung menjadi sel "
                        "lebih besar, sisanya disembunyikan): {placed} ruta berkoordinat, {shown} "
                        "ruta desil 1–4 ditampilkan, {hidden} disembunyikan.",
                  "en": "Aggregated grid of desil 1–4 households ({cell} m cells; small cells are "
                        "merged into larger ones, the rest hidden): {placed} households with "
                        "coordinates, {shown} desil 1–4 households shown, {hidden} hidden."},
    "no_coordinates": {"id": "Tidak ada rumah tangga berkoordinat di desa percontohan.",
                       "en": "No households with coordinates in the pilot villages."},
    "choose_pilot": {"id": "Pilih satu atau lebih desa percontohan.",
                     "en": "Choose one or more pilot villages."},
    # data
    "data": {"id": "Data", "en": "Data"},
    "upload_boundaries": {"id": "Unggah batas desa (GeoJSON, GeoPackage, shapefile .zip, KML, SQL)",
                          "en": "Upload village boundaries (GeoJSON, GeoPackage, zipped shapefile, KML, SQL)"},
    "upload_households": {"id": "Unggah data rumah tangga (CSV, XLSX)",
                          "en": "Upload the household file (CSV, XLSX)"},
    "column_mapping": {"id": "Pemetaan kolom (opsional)", "en": "Column mapping (optional)"},
    "column_mapping_help": {"id": "Satu per baris: kolom_kanonik = kolom_di_file",
                            "en": "One per line: canonical_column = column_in_file"},
    "run_analysis": {"id": "Jalankan analisis", "en": "Run the analysis"},
    "use_demo": {"id": "Pakai data contoh", "en": "Use the demo data"},
    "file_too_large": {"id": "Berkas {name} terlalu besar ({size} MB; maksimal {limit} MB).",
                       "en": "File {name} is too large ({size} MB; at most {limit} MB)."},
    "boundary_report": {"id": "Laporan kualitas batas", "en": "Boundary quality report"},
    "reconciliation": {"id": "Rekonsiliasi rumah tangga", "en": "Household reconciliation"},
    "rejected_rows": {"id": "Baris ditolak (tanpa data pribadi)", "en": "Rejected rows (no personal data)"},
    "download_rejected": {"id": "Unduh baris ditolak (CSV)", "en": "Download rejected rows (CSV)"},
    "analysis_done": {"id": "Analisis selesai: {n} desa.", "en": "Analysis done: {n} villages."},
    # export
    "export": {"id": "Ekspor", "en": "Export"},
    "formats": {"id": "Format", "en": "Formats"},
    "min_households_export": {"id": "Sembunyikan angka desa dengan rumah tangga kurang dari",
                              "en": "Suppress figures of villages with fewer households than"},
    "prepare_export": {"id": "Siapkan berkas", "en": "Prepare files"},
    "export_missing": {"id": "Modul ekspor belum tersedia; unduhan dasar di bawah.",
                       "en": "The export module is not available; basic downloads below."},
    "download": {"id": "Unduh", "en": "Download"},
}


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values) -> str:
    """The text for ``key`` in ``lang`` (``id`` or ``en``), with ``{name}`` fields filled in."""
    entry = STRINGS.get(key)
    if entry is None:
        text = key
    else:
        text = entry.get(lang) or entry.get(DEFAULT_LANGUAGE) or next(iter(entry.values()))
    return text.format(**values) if values else text


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
