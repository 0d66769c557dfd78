"""Interface text in Bahasa Indonesia (default) and English.

Planners and leadership read the app in Indonesian; the English switch is for partners and
reviewers. One dictionary, one function: ``t("map_title", lang)``. A missing translation falls
back to the other language, then to the key itself, so a forgotten string never breaks a page.
"""

from __future__ import annotations

LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
DEFAULT_LANGUAGE = "id"

STRINGS: dict[str, dict[str, str]] = {
    # page titles in the sidebar navigation
    "page_overview": {"id": "Ringkasan", "en": "Overview"},
    "page_map": {"id": "Peta", "en": "Map"},
    "page_priority": {"id": "Prioritas", "en": "Priority"},
    "page_pockets": {"id": "Kantong Kemiskinan", "en": "Poverty pockets"},
    "page_pilot": {"id": "Area Percontohan", "en": "Pilot area"},
    "page_data": {"id": "Data", "en": "Data"},
    "page_export": {"id": "Ekspor", "en": "Export"},
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
    "no_rate_yet": {"id": "Belum ada tingkat kemiskinan: muat data rumah tangga atau isi jumlah "
                          "penduduk wilayah.",
                    "en": "No poverty rate yet: load household data or enter the population."},
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
    "mpi_notes": {"id": "Indikator IKM yang tidak ada di file rumah tangga (bobotnya dipindahkan)",
                  "en": "MPI indicators missing from the household file (their weight was moved)"},
    "boundary_warnings": {"id": "Peringatan batas wilayah", "en": "Boundary warnings"},
    "environment_data": {"id": "Berkas dari variabel lingkungan", "en": "Files from environment variables"},
    "environment_failed": {"id": "Berkas dari variabel lingkungan tidak dapat dibaca; data contoh "
                                 "dipakai. {message}",
                           "en": "The files named in environment variables could not be read; "
                                 "using the demo data. {message}"},
    "boundary_items": {"id": "Rincian laporan batas", "en": "Boundary report details"},
    "examples": {"id": "Contoh baris per hasil", "en": "Example rows per outcome"},
    "layer": {"id": "Layer GeoPackage yang berisi desa", "en": "GeoPackage layer with the villages"},
    "uploaded_files": {"id": "{n} berkas batas dipilih", "en": "{n} boundary files chosen"},
    "canonical_columns": {"id": "Kolom kanonik: {columns}", "en": "Canonical columns: {columns}"},
    "stability": {"id": "Stabilitas", "en": "Stability"},
    "in_focus_share": {"id": "Seberapa sering masuk lokus", "en": "How often in the focus list"},
    "pins_table_village": {"id": "Kode desa", "en": "Village code"},
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
    "solid_out": {"id": "Pasti keluar (≤ 10 % simulasi)", "en": "Solid out (≤ 10 % of draws)"},
    "draws": {"id": "Simulasi bobot", "en": "Weight draws"},
    "robustness_help": {"id": "Bobot diubah acak ±{spread} % sebanyak {draws} kali; \"seberapa "
                              "sering masuk lokus\" = bagian simulasi yang memasukkan desa.",
                        "en": "Weights perturbed randomly by ±{spread} % {draws} times; \"how often "
                              "in the focus list\" = share of the draws that include the village."},
    "save_decision": {"id": "Simpan keputusan", "en": "Save the decision"},
    "decision_title": {"id": "Judul keputusan", "en": "Decision title"},
    "decision_saved": {"id": "Keputusan tersimpan: {where}", "en": "Decision saved: {where}"},
    "download_list": {"id": "Unduh daftar lokus (CSV)", "en": "Download the focus list (CSV)"},
    # pockets
    "pockets": {"id": "Kantong kemiskinan", "en": "Poverty pockets"},
    "pocket_HH": {"id": "Kantong kemiskinan (Tinggi–Tinggi)", "en": "Poverty pocket (High–High)"},
    "pocket_LL": {"id": "Klaster rendah (Rendah–Rendah)", "en": "Low cluster (Low–Low)"},
    "pocket_HL": {"id": "Pencilan tinggi (Tinggi–Rendah)", "en": "High outlier (High–Low)"},
    "pocket_LH": {"id": "Pencilan rendah (Rendah–Tinggi)", "en": "Low outlier (Low–High)"},
    "pocket_ns": {"id": "Tidak signifikan", "en": "Not significant"},
    "pocket_isolated": {"id": "Terisolasi (tanpa tetangga)", "en": "Isolated (no neighbour)"},
    "pocket_no_data": {"id": "Tidak ada data", "en": "No data"},
    "pocket_table": {"id": "Desa dalam kantong kemiskinan", "en": "Villages in poverty pockets"},
    "pocket_variable": {"id": "Variabel", "en": "Variable"},
    "pocket_method": {"id": "Moran's I lokal (tetangga queen, {permutations} permutasi, "
                            "p < {alpha}{fdr})",
                      "en": "Local Moran's I (queen neighbours, {permutations} permutations, "
                            "p < {alpha}{fdr})"},
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
    "upload_boundaries": {"id": "Unggah batas desa — boleh beberapa berkas sekaligus (SQL "
                                "wilayah_boundaries, GeoJSON, GeoPackage, FlatGeobuf, KML, "
                                "GeoParquet, shapefile .zip atau .shp+.dbf+.shx+.prj)",
                          "en": "Upload village boundaries — several files at once allowed "
                                "(wilayah_boundaries SQL, GeoJSON, GeoPackage, FlatGeobuf, KML, "
                                "GeoParquet, zipped shapefile or .shp+.dbf+.shx+.prj)"},
    "upload_households": {"id": "Unggah data rumah tangga (CSV, XLSX, Parquet)",
                          "en": "Upload the household file (CSV, XLSX, Parquet)"},
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
