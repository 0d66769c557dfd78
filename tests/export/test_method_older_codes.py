"""The method sheet states rows matched through an older code and which table decided."""

from __future__ import annotations

from conftest import shared_file
from geo.export.method import method_rows, method_table
from geo.pipeline.analysis import analyse


def test_method_sheet_counts_older_codes_per_deciding_table(tmp_path):
    dump = shared_file("wilayah_boundaries_kel_35.78.sql")
    households = tmp_path / "dtks_2022.csv"
    households.write_text("kode_desa,jumlah_art,desil,dep_water\n35.78.12.1004,3,1,1\n"
                          "35.78.12.1005,2,2,0\n35.78.12.1002,4,1,1\n35.78.31.1999,2,1,0\n")
    crosswalk = tmp_path / "kode_lama_baru.csv"
    crosswalk.write_text("old_code,new_code\n35.78.12.1002,35.78.12.1003\n")
    result = analyse(dump, households, crosswalk=crosswalk)
    table = method_table(result, counts={}, min_households=None)
    values = dict(zip(table["key"], table["value"]))
    assert values["reconciliation.matched_through_older_code"] == "3"
    assert values["reconciliation.successors.kemendagri_2023"] == "2"
    assert values["reconciliation.successors.crosswalk"] == "1"
    assert values["reconciliation.code_status.retired"] == "2"
    assert values["reconciliation.code_status.never_listed"] == "1"
    assert values["reconciliation.crosswalk"] == "kode_lama_baru.csv"
    assert values["reconciliation.overlap"] == "smallest_code"
    assert "crosswalk" in {s.role for s in result.method.sources}
    meaning = {key: text for key, _, text in method_rows(table, "en")}
    assert meaning["reconciliation.successors.kemendagri_2023"] == (
        "Matched through an older code: decided by the Kemendagri 2023 table")
    assert meaning["reconciliation.code_status.never_listed"] == (
        "Code not in the layer: never a Kemendagri code")
    indonesian = {key: text for key, _, text in method_rows(table, "id")}
    assert indonesian["reconciliation.matched_through_older_code"].startswith("Baris cocok")
