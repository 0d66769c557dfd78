"""Hand-computed convergence measures on a tiny hand-made registry (issue 14).

The counts are worked out by hand from the tables below (see the comments), not by the code
under test."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.config.load import config_from_text
from geo.convergence import DEFAULT_ELIGIBLE, converge, read_registers
from geo.common.privacy import resolve_salt, salted_hash
from geo.convergence.write import write_convergence

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


@pytest.fixture()
def result(tmp_path):
    households = registry()
    registers = read_registers(write_registers(tmp_path), households["household_id"], salt=SALT)
    return converge(households, registers, config_from_text(CATALOGUE).programmes)


def test_exclusion_and_inclusion_per_programme(result):
    got = {p.name: (p.eligible, p.reached, p.exclusion, p.inclusion) for p in result.programmes}
    # PKH: eligible h1 h2 h5 h6 h8, reached h1 h4 -> excluded h2 h5 h6 h8, included h4
    # RTLH: eligible h1 h3 h6, reached h1 h2 h3 h7 -> excluded h6, included h2 h7
    # BPNT: eligible h1 h2 h8, reached h1 h5 h3 -> excluded h2 h8, included h5 h3
    assert got == {"PKH": (5, 2, 4, 1), "RTLH": (3, 4, 1, 2), "BPNT": (3, 3, 2, 2)}
    coverage = {p.name: p.coverage for p in result.programmes}
    assert coverage == {"PKH": 0.2, "RTLH": 0.6667, "BPNT": 0.3333}


def test_households_reached_by_0_1_2_3_or_more(result):
    # h1: PKH RTLH BPNT; h3: RTLH BPNT; h2 h4 h5 h7: one each; h6 h8: none
    assert result.reached_by == {"0": 2, "1": 4, "2": 1, "3+": 1}


def test_untouched_per_village(result):
    # h6 (B) is eligible for PKH and RTLH and reached by none; h8 too but has no village
    assert result.untouched == 2
    villages = result.villages.set_index("village_code")
    assert villages["untouched"].to_dict() == {"A": 0, "B": 1}
    assert villages.loc["A", ["PKH_reached", "PKH_exclusion", "PKH_inclusion"]].tolist() == [2, 1, 1]
    assert villages.loc["B", ["PKH_reached", "PKH_exclusion", "PKH_inclusion"]].tolist() == [0, 2, 0]
    assert villages.loc["A", ["RTLH_reached", "RTLH_exclusion", "RTLH_inclusion"]].tolist() == [3, 0, 1]
    assert villages.loc["B", ["RTLH_reached", "RTLH_exclusion", "RTLH_inclusion"]].tolist() == [1, 1, 1]
    assert villages.loc["A", ["BPNT_reached", "BPNT_exclusion", "BPNT_inclusion"]].tolist() == [2, 1, 1]
    assert villages.loc["B", ["BPNT_reached", "BPNT_exclusion", "BPNT_inclusion"]].tolist() == [1, 0, 1]


def test_every_register_row_accounted_with_reasons(result):
    rows = result.registers.accounting
    assert rows.rows_in == 17
    assert rows.outcomes == {"linked": 10, "unlinked": 3, "invalid": 3, "village_level": 1}
    assert rows.reasons == {"bad_budget": 1, "bad_year": 1, "key_not_in_registry": 2,
                            "no_key": 1, "no_programme": 1}
    assert result.unlinked_rows == 3
    table = result.registers.rows
    assert table.loc[(table["source"] == "pkh.csv") & (table["source_row"] == 4), "reason"].item() == "no_key"
    assert table.loc[(table["source"] == "rtlh.parquet") & (table["source_row"] == 5),
                     "reason"].item() == "bad_year"


def test_no_kk_links_through_the_registry_salt(tmp_path):
    households = registry()
    paths = write_registers(tmp_path)
    other_salt = read_registers(paths, households["household_id"], salt="another salt")
    same_salt = read_registers(paths, households["household_id"], salt=SALT)
    assert same_salt.accounting.outcomes["linked"] == 10
    assert other_salt.accounting.outcomes["linked"] == 9  # the No. KK row no longer links


def test_personal_columns_dropped_and_absent_from_outputs(result, tmp_path):
    rows = result.registers.rows
    assert not {"nik", "no_kk", "nama_penerima", "nama_kepala_keluarga"} & set(rows.columns)
    written = write_convergence(result, tmp_path / "out")
    for path in written.values():
        text = path.read_text(encoding="utf-8")
        for planted in (NO_KK_H2, NIK_UNKNOWN, *NAMES, *NAMES[0].split()):
            assert planted not in text, (path.name, planted)
    data = json.loads(written["convergence.json"].read_text(encoding="utf-8"))
    assert set(data["programmes"]["RTLH"]) >= {"agency", "eligible", "reached", "exclusion",
                                               "inclusion", "coverage"}
    assert data["unlinked_rows"] == 3 and data["untouched"] == 2
    assert data["reached_by"] == {"0": 2, "1": 4, "2": 1, "3+": 1}
    assert not list((tmp_path / "out").glob(".*"))  # no temporary file left behind


def test_without_catalogue_programmes_come_from_registers_with_default(tmp_path):
    households = registry()
    registers = read_registers(write_registers(tmp_path), households["household_id"], salt=SALT)
    result = converge(households, registers)
    assert [p.name for p in result.programmes] == ["BPNT", "PKH", "RTLH"]
    assert {p.eligible_rule for p in result.programmes} == {DEFAULT_ELIGIBLE}
    assert {p.name: p.agency for p in result.programmes}["RTLH"] == "Dinas Perumahan"
    rtlh = {p.name: p for p in result.programmes}["RTLH"]
    # desil <= 4: h1 h2 h5 h6 h8; RTLH reached h1 h2 h3 h7 -> excluded h5 h6 h8, included h3 h7
    assert (rtlh.eligible, rtlh.exclusion, rtlh.inclusion) == (5, 3, 2)
    assert len(result.notes) == 3


def test_household_id_of_id_numbers_is_hashed_like_the_registry(tmp_path):
    households = registry()
    path = tmp_path / "kis.csv"  # the "household_id" column holds No. KK numbers
    path.write_text(f"program,id_keluarga,catatan\nPBI,{NO_KK_H2},{NIK_UNKNOWN}\nPBI,h1,3573011111111111\n",
                    encoding="utf-8")
    registers = read_registers([path], households["household_id"], salt=SALT)
    assert registers.accounting.outcomes["linked"] == 1  # only h2, through the hash
    assert "catatan" in registers.accounting.dropped_columns
    assert NO_KK_H2 not in registers.rows.to_csv() and NIK_UNKNOWN not in registers.rows.to_csv()


def test_budget_per_programme_and_per_eligible_household(result):
    budget = {p.name: (p.budget, p.budget_per_eligible, p.village_level_recipients)
              for p in result.programmes}
    # RTLH: h2 (No. KK) h3 h7 h1 at 17,500,000 each (the bad-year row is invalid) = 70,000,000,
    #       3 eligible -> 23,333,333.33
    # BPNT: h1 h5 h3 at 2,400,000 + the village-level row of B (24,000,000) = 31,200,000; the
    #       negative budget row is invalid; 3 eligible -> 10,400,000
    # PKH: no budget column -> unknown (None), not zero
    assert budget == {"PKH": (None, None, 0), "RTLH": (70_000_000.0, 23_333_333.33, 0),
                      "BPNT": (31_200_000.0, 10_400_000.0, 10)}
    villages = result.villages.set_index("village_code")
    # RTLH in A: h1 h2 h3 = 52,500,000 over 2 eligible (h1 h3); B: h7 = 17,500,000 over 1 (h6)
    assert villages.loc["A", "RTLH_budget"] == 52_500_000.0
    assert villages.loc["A", "RTLH_budget_per_eligible"] == 26_250_000.0
    assert villages.loc["B", "RTLH_budget_per_eligible"] == 17_500_000.0
    # BPNT in B: h5 2,400,000 + the village row 24,000,000; no eligible household in B
    assert villages.loc["B", "BPNT_budget"] == 26_400_000.0
    assert pd.isna(villages.loc["B", "BPNT_budget_per_eligible"])
    assert villages.loc["B", "BPNT_village_level_recipients"] == 10
    assert villages["PKH_budget"].isna().all()


def test_a_repeated_recipient_row_counts_its_budget_once(tmp_path):
    households = registry()
    path = tmp_path / "r.csv"
    path.write_text("program,id_keluarga,anggaran\nX,h1,100\nX,h1,100\nX,h5,50\n", encoding="utf-8")
    registers = read_registers([path], households["household_id"], salt=SALT)
    got = converge(households, registers, config_from_text(
        '[[programme]]\nname = "X"\nagency = "Y"\neligible = "desil <= 4"\n').programmes)
    assert got.programme("X").budget == 150.0  # not 250
    assert got.villages.set_index("village_code")["X_budget"].to_dict() == {"A": 100.0, "B": 50.0}


def test_need_effort_quadrant_with_median_thresholds(result):
    villages = result.villages.set_index("village_code")
    # A: 4 households, eligible for any: h1 h2 h3 (h4: desil 8, no housing) = 3 -> need 0.75;
    #    untouched 0 -> coverage 1.0
    # B: 3 households, eligible h5 h6 (h7 desil 9) = 2 -> need 0.6667; untouched h6 -> 0.5
    assert villages["need"].to_dict() == {"A": 0.75, "B": 0.6667}
    assert villages["coverage"].to_dict() == {"A": 1.0, "B": 0.5}
    # medians: need (0.75 + 0.6667) / 2 = 0.70835, coverage 0.75
    assert result.quadrant.need_threshold in (0.7083, 0.7084)
    assert result.quadrant.coverage_threshold == 0.75
    assert villages["need_effort"].to_dict() == {"A": "high_need_high_coverage",
                                              "B": "low_need_low_coverage"}


def test_need_effort_go_next_is_high_need_and_low_coverage():
    from geo.convergence.measures import need_effort

    villages = pd.DataFrame({"village_code": list("PQRST"),
                             "households": [10, 10, 10, 10, 10],
                             "eligible_any": [8, 8, 2, 2, 0],
                             "untouched": [6, 1, 2, 0, 0]})
    out, stated = need_effort(villages)
    # need 0.8 0.8 0.2 0.2 (T none): median 0.5; coverage 0.25 0.875 0 1: median 0.5625
    assert (stated.need_threshold, stated.coverage_threshold) == (0.5, 0.5625)
    assert out["need_effort"].tolist() == ["high_need_low_coverage", "high_need_high_coverage",
                                        "low_need_low_coverage", "low_need_high_coverage",
                                        "no_eligible"]
    assert stated.counts["high_need_low_coverage"] == 1 and stated.counts["no_eligible"] == 1
