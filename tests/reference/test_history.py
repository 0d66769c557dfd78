"""What the shipped Kemendagri table says of codes of other years (geo.reference.history)."""

from __future__ import annotations

import pandas as pd

from geo.reference.history import explain_codes, first_listed, successors
from geo.reference.table import code_history

PERAK_TIMUR, PERAK_UTARA, TANJUNG_PERAK = "35.78.12.1004", "35.78.12.1005", "35.78.12.1006"


def test_surabaya_merge_is_explained_with_names_and_years():
    facts = explain_codes([PERAK_TIMUR, PERAK_UTARA, TANJUNG_PERAK, "99.99.99.9999", None])
    assert facts["status"].tolist()[:4] == ["retired", "retired", "current", "never_listed"]
    assert pd.isna(facts["status"].iloc[4])
    assert facts["name"].tolist()[:3] == ["Perak Timur", "Perak Utara", "Tanjung Perak"]
    assert facts["last_listed"].tolist()[:3] == [2022, 2022, 2025]
    assert facts.loc[2, "first_listed"] == 2023


def test_a_merge_gives_each_old_code_the_one_new_code_of_its_district():
    found = successors([PERAK_TIMUR, PERAK_UTARA])
    assert found["successor"].tolist() == [TANJUNG_PERAK, TANJUNG_PERAK]
    assert found["rule"].tolist() == ["only_new_code", "only_new_code"]
    assert found["year"].tolist() == [2023, 2023]
    assert found.loc[0, "candidate_names"] == ("Tanjung Perak",)


def test_a_newer_code_against_an_older_layer_has_both_predecessors_as_candidates():
    found = successors([TANJUNG_PERAK], pool=[PERAK_TIMUR, PERAK_UTARA, "35.78.12.1001"])
    assert pd.isna(found.loc[0, "successor"])
    assert found.loc[0, "candidates"] == (PERAK_TIMUR, PERAK_UTARA)
    assert found.loc[0, "candidate_names"] == ("Perak Timur", "Perak Utara")


def test_a_code_of_the_pool_is_its_own_answer_and_a_pool_limits_the_candidates():
    found = successors([TANJUNG_PERAK, PERAK_TIMUR], pool=[TANJUNG_PERAK])
    assert pd.isna(found.loc[0, "successor"]) and found.loc[0, "candidates"] == ()
    assert found.loc[1, "successor"] == TANJUNG_PERAK
    assert pd.isna(successors([PERAK_TIMUR], pool=["35.78.12.1001"]).loc[0, "successor"])


def test_the_seven_abolished_sidoarjo_villages_are_retired_without_successor():
    table = code_history()
    villages = table[(table["level"] == 4) & table["code"].str.startswith("35.15.")]
    listed_2025 = set(villages.loc[villages["in_2025"], "code"])
    retired = sorted(set(villages["code"]) - listed_2025)
    found = successors(retired)
    abolished = [c for c, s in zip(retired, found["successor"]) if pd.isna(s)]
    facts = explain_codes(abolished)
    assert sorted(facts["name"]) == sorted(["Mindi", "Jatirejo", "Siring", "Renokenongo",
                                            "Pajarakan", "Besuki", "Kedungbendo"])
    assert set(facts["status"]) == {"retired"} and set(facts["last_listed"]) == {2022}
    assert all(c == () for c in found["candidates"][found["successor"].isna().to_numpy()])


def test_renamed_codes_keep_their_old_name_and_the_year():
    facts = explain_codes(["35.15.01.2001"])
    assert facts.loc[0, "status"] == "renamed"
    assert (facts.loc[0, "old_name"], facts.loc[0, "name"], facts.loc[0, "renamed_in"]) == (
        "Miriprowo", "Mliriprowo", 2025)


def test_a_re_coded_province_is_followed_by_village_and_district_name():
    found = successors(["91.01.01.2001"])  # Papua: a regency moved to a new province
    assert found.loc[0, "rule"] == "same_name"
    assert found.loc[0, "successor"].startswith("9") and found.loc[0, "successor"] != "91.01.01.2001"
    assert explain_codes([found.loc[0, "successor"]]).loc[0, "name"] == "Nasem"


def test_most_retired_codes_get_one_successor():
    table = code_history()
    villages = table[table["level"] == 4]
    retired = sorted(set(villages["code"]) - set(villages.loc[villages["in_2025"], "code"]))
    found = successors(retired)
    decided = found["successor"].notna().mean()
    assert len(retired) > 5000 and decided > 0.9
    assert found["successor"].dropna().isin(villages.loc[villages["in_2025"], "code"]).all()


def test_first_listed_orders_a_split_village_after_its_parent():
    assert first_listed(["35.01.10.2016", "35.01.10.2017", "99.99.99.9999"]).tolist()[:2] == [
        2022, 2023]
    assert pd.isna(first_listed(["99.99.99.9999"]).iloc[0])


def test_the_shipped_table_agrees_with_the_real_dumps(codes_dir):
    text_2022 = (codes_dir / "wilayah_2022.sql").read_text(encoding="utf-8")
    text_2023 = (codes_dir / "wilayah_2023.sql").read_text(encoding="utf-8")
    assert "'35.78.12.1004','Perak Timur'" in text_2022 and "'35.78.12.1004'" not in text_2023
    assert "'35.78.12.1006','Tanjung Perak'" in text_2023
