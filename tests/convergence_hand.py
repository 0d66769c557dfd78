"""A tiny hand-made registry and three registers; the counts in the tests are worked out by
hand from the tables below (see the comments), not by the code under test."""

from __future__ import annotations

import pandas as pd

from geo.common.privacy import resolve_salt, salted_hash

SALT = "test-salt-issue-14"
NO_KK_H2 = "3573010202020002"  # the registry keyed h2 by the hash of this No. KK
NIK_UNKNOWN = "3573019999999999"
NAMES = ("Siti Aminah", "Budi Santoso", "Wati Lestari")


def registry() -> pd.DataFrame:
    """Eight households: A has h1-h4, B has h5-h7, h8 has no village."""
    hash2 = salted_hash(pd.Series([NO_KK_H2]), resolve_salt(SALT)[0]).iloc[0]
    return pd.DataFrame({
        "household_id": pd.array(["h1", hash2, "h3", "h4", "h5", "h6", "h7", "h8"], dtype="string"),
        "village_code": pd.array(["A", "A", "A", "A", "B", "B", "B", None], dtype="string"),
        "desil": pd.array([1, 2, 5, 8, 3, 4, 9, 2], dtype="Int64"),
        "dep_housing": pd.array([1, 0, 1, 0, 0, 1, 0, 0], dtype="Int64"),
    })


def write_registers(folder) -> list:
    """Three files, 17 rows: 10 linked, 3 unlinked, 3 invalid, 1 village-level."""
    pkh = folder / "pkh.csv"  # Indonesian headers
    pkh.write_text(
        "program,opd,tahun,id_keluarga,nik,nama_penerima\n"
        "PKH,Dinas Sosial,2025,h1,,Budi Santoso\n"           # linked
        "PKH,Dinas Sosial,2025,h4,,Budi Santoso\n"           # linked (h4 not eligible)
        "PKH,Dinas Sosial,2025,h1,,Budi Santoso\n"           # linked again: h1 counts once
        "PKH,Dinas Sosial,2025,,,Siti Aminah\n"              # unlinked: no key
        "PKH,Dinas Sosial,2025,h99,,Siti Aminah\n"           # unlinked: key not in registry
        ",Dinas Sosial,2025,h5,,Siti Aminah\n"               # invalid: no programme
        f"PKH,Dinas Sosial,2025,,{NIK_UNKNOWN},Wati Lestari\n",  # unlinked: NIK not in registry
        encoding="utf-8")
    rtlh = folder / "rtlh.parquet"  # English headers, a No. KK key
    pd.DataFrame({
        "programme": ["RTLH"] * 5,
        "agency": ["Dinas Perumahan"] * 5,
        "year": ["2025", "2025", "2025", "2025", "20x5"],
        "household_id": [None, "h3", "h7", "h1", "h6"],
        "no_kk": [NO_KK_H2, None, None, None, None],      # h2 through its hashed No. KK
        "nama_kepala_keluarga": ["Wati Lestari"] * 5,
        "budget": ["17500000"] * 5,
    }).to_parquet(rtlh)                                  # row 5: invalid, bad year
    bpnt = folder / "bpnt.csv"  # semicolons, a village-level row, a negative budget
    bpnt.write_text(
        "programme;agency;year;household_id;village_code;jumlah_penerima;anggaran_rp\n"
        "BPNT;Dinas Sosial;2025;h1;;;2.400.000\n"            # linked
        "BPNT;Dinas Sosial;2025;h5;;;2.400.000\n"            # linked (h5 not eligible)
        "BPNT;Dinas Sosial;2025;h3;;;2.400.000\n"            # linked (h3 not eligible)
        "BPNT;Dinas Sosial;2025;;B;10;24.000.000\n"          # village level
        "BPNT;Dinas Sosial;2025;h2;;;-5\n",                  # invalid: bad budget
        encoding="utf-8")
    return [pkh, rtlh, bpnt]


CATALOGUE = """
[[programme]]
name = "PKH"
agency = "Dinas Sosial"
eligible = "desil <= 4"
strategy = "reduce_burden"
budget_tag = "langsung"

[[programme]]
name = "RTLH"
agency = "Dinas Perumahan"
eligible = "dep_housing == 1"

[[programme]]
name = "BPNT"
agency = "Dinas Sosial"
eligible = "desil <= 2"
"""
