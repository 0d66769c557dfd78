import pandas as pd

from geo.common.codes import (
    looks_like_mangled_number,
    normalise_bps_code,
    normalise_village_code,
    parent_codes,
    village_code_problems,
    village_type,
)


def test_codes_with_and_without_dots_and_spreadsheet_floats():
    raw = ["35.73.01.1001", "3573011001", 3573011001, "3573011001.0", "3.573011001E+09", " 64.74.03.1002 "]
    assert normalise_village_code(raw).tolist() == ["35.73.01.1001"] * 5 + ["64.74.03.1002"]


def test_repeated_index_labels_keep_each_rows_own_code():
    # a table put together from several files repeats its labels; each row keeps its own code
    raw = ["3573011001.0", "3573011002.0", "3.573011003E+09", "3573011004", "3.57E+09", None]
    repeated = pd.Series(raw, index=[0, 0, 1, 1, 2, 2])
    for normalise in (normalise_village_code, normalise_bps_code):
        got = normalise(repeated)
        assert got.index.tolist() == repeated.index.tolist()
        assert got.tolist() == normalise(pd.Series(raw)).tolist()
    assert normalise_bps_code(repeated).tolist()[:4] == [
        "3573011001", "3573011002", "3573011003", "3573011004"]


def test_codes_that_lost_digits_or_are_not_codes_become_missing():
    raw = ["3.57301E+09", "abc", None, "35.73.01", "35.73.01.0000"]
    assert normalise_village_code(raw).isna().all()
    assert looks_like_mangled_number(raw).tolist() == [True, False, False, False, False]


def test_parents_and_type_come_from_the_code():
    codes = pd.Series(["35.73.01.1001", "33.26.05.2003", "91.01.01.3001"])
    parents = parent_codes(codes)
    assert parents.loc[1].tolist() == ["33.26.05", "33.26", "33"]
    assert village_type(codes).tolist() == ["kelurahan", "desa", "desa adat"]


def test_village_code_problems_describe_without_quoting():
    raw = pd.Series(["35.73.01.1001", "3573010001", "3.57301E+09", "3573014107800002", "abc",
                     None, "", "3573011001.0"])
    got = village_code_problems(raw)
    assert got.iloc[[0, 5, 6, 7]].isna().all()  # usable, or simply not given
    assert "village part must start with 1 kelurahan, 2 desa or 3 desa adat" in got.iloc[1]
    assert got.iloc[2].startswith("lost digits in a spreadsheet")
    assert got.iloc[3] == ("is not a Kemendagri code PP.KK.CC.VVVV (a 16-digit number, like a "
                           "NIK or No. KK)")
    assert got.iloc[4] == "is not a Kemendagri code PP.KK.CC.VVVV (text of 3 characters)"
    for value, reason in zip(raw.iloc[1:5], got.iloc[1:5]):
        assert value not in reason
