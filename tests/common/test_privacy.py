"""Personal data never passes ingest: detection by name, salted hashes, a property test."""

from __future__ import annotations

import json
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.households.read import read_households
from geo.join.match import join_households, rejected_rows
from geo.common.privacy import (
    describe_values,
    is_personal,
    looks_like_id_numbers,
    mask_id_numbers,
    personal_columns,
    resolve_salt,
    salted_hash,
)

PERSONAL = ["NIK", "nik_kepala", "No. KK", "NOKK", "nomor_kk", "Nama", "Nama Kepala Keluarga",
            "nama_krt", "name", "Alamat", "address", "RT", "RW", "rt_rw", "Dusun", "no_hp",
            "Telepon", "phone", "Tanggal Lahir", "tgl_lahir", "email", "No Rekening", "NIK_ART",
            "Nama Ibu Kandung", "no_kis", "Alamat Domisili",
            # found by a reviewer: long forms, the head by role, fused spellings
            "Nomor Induk Kependudukan", "Kepala Keluarga", "Kepala_Rumah_Tangga", "NomorKK",
            "NoKartuKeluarga", "NIKKRT", "IDKK", "NamaKepalaKeluarga", "TanggalLahir", "NoHP"]
NOT_PERSONAL = ["kode_desa", "nama_desa", "Nama Kelurahan", "nmdesa", "nama_kecamatan", "id_rt",
                "idrt", "id_keluarga", "jumlah_art", "desil", "rtlh", "kis", "pbi_jk", "pkh",
                "dep_water", "lintang", "bujur", "jenis_lantai", "sumber_air_minum", "keterangan",
                "kematian_anak", "pendidikan_krt", "NamaDesa", "pendidikan_kepala_keluarga",
                "teknik_bangunan", "klinik_terdekat"]


@pytest.mark.parametrize("name", PERSONAL)
def test_personal_columns_are_recognised(name):
    assert is_personal(name)


@pytest.mark.parametrize("name", NOT_PERSONAL)
def test_registry_fields_are_not_mistaken_for_personal_data(name):
    assert not is_personal(name)


def test_personal_columns_keeps_order_and_labels():
    assert personal_columns(["kode_desa", "NIK", "desil", "Nama KRT"]) == ["NIK", "Nama KRT"]


def test_salted_hash_is_stable_per_salt_and_hides_the_value():
    kk = pd.Series(["3573010101010001", "3573010101010001.0", "3573010101010002", None])
    first = salted_hash(kk, "garam")
    assert first.iloc[0] == first.iloc[1] != first.iloc[2]  # spreadsheet '.0' ignored
    assert pd.isna(first.iloc[3])
    assert first.str.len().iloc[0] == 16 and "3573" not in "".join(first.dropna())
    assert salted_hash(kk, "garam").equals(first)
    assert salted_hash(kk, "lada").iloc[0] != first.iloc[0]


def test_salt_sources(monkeypatch):
    monkeypatch.delenv("PPM_SALT", raising=False)
    salt, where = resolve_salt(None)
    assert where == "random per process" and len(salt) >= 16 and resolve_salt(None)[0] == salt
    monkeypatch.setenv("PPM_SALT", "rahasia")
    assert resolve_salt(None) == ("rahasia", "PPM_SALT")
    assert resolve_salt("param") == ("param", "parameter")


def test_no_kk_becomes_a_salted_household_id(tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_SALT", "dari-lingkungan")
    path = tmp_path / "p3ke.csv"
    path.write_text("No. KK,NIK Kepala,Nama KRT,Alamat,kode_desa,jumlah_art,desil\n"
                    "3573010101010001,3573011111110001,Budi,Jl. Mawar 1,35.73.01.1001,4,1\n"
                    "3573010101010001,3573011111110001,Budi,Jl. Mawar 1,35.73.01.1001,4,1\n"
                    "3573010101010002,3573011111110002,Sri,Jl. Melati 2,35.73.01.1001,2,3\n"
                    ",,Ani,,35.73.01.1001,2,3\n")
    table, report = read_households(path, salt="garam")
    ids = table["household_id"].tolist()
    assert ids[0] == ids[1] != ids[2]  # the duplicate family can still be found
    assert ids[0] == salted_hash(pd.Series(["3573010101010001"]), "garam").iloc[0]
    assert ids[3] == "row-4"  # no key: the row number
    assert list(report.personal_columns_dropped) == ["No. KK", "NIK Kepala", "Nama KRT", "Alamat"]
    from geo.common.messages import render_cell

    assert "salted SHA-256 of 'No. KK'" in render_cell(report.household_id_from, "en")
    assert "garam" not in json.dumps(report.to_dict())
    assert read_households(path)[0]["household_id"].iloc[0] == salted_hash(
        pd.Series(["3573010101010001"]), "dari-lingkungan").iloc[0]


# --------------------------------------------------------------------------- property test

DOCUMENTED = ["nik", "no_kk", "nokk", "nomor_kk", "nik_kepala", "nama", "nama_kepala", "nama_krt",
              "name", "alamat", "address", "rt", "rw", "dusun", "no_hp", "telepon", "phone",
              "tanggal_lahir", "tgl_lahir", "email", "nomor_induk_kependudukan",
              "kepala_keluarga", "kepala_rumah_tangga", "no_kartu_keluarga", "nik_krt", "id_kk"]


@st.composite
def spelled(draw, name):
    """A documented name as a real file might spell it: case and separators vary, and the
    words may be fused (``NoKK``, ``NamaKRT``)."""
    sep = draw(st.sampled_from(["_", " ", ".", "-", ""]))
    text = name.replace("_", sep)
    return draw(st.sampled_from([text, text.upper(), text.title(),
                                 "".join(w.title() for w in name.split("_"))]))


@st.composite
def tables_with_personal_data(draw):
    # unique as spelled, not as documented: "no_kk" fused is "nokk", itself documented, and two
    # equal headers are one column of the frame, not two personal columns
    columns = draw(st.lists(st.sampled_from(DOCUMENTED).flatmap(spelled), min_size=1, max_size=5,
                            unique=True))
    n = draw(st.integers(1, 6))
    secret = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", min_size=3, max_size=12)
    values = {col: [draw(st.one_of(st.none(), secret.map(lambda s: "ZQ" + s))) for _ in range(n)]
              for col in columns}
    frame = pd.DataFrame({
        **({"id_keluarga": [f"H{i}" for i in range(n)]} if draw(st.booleans()) else {}),
        "kode_desa": ["35.73.01.1001"] * n,
        "jumlah_art": draw(st.lists(st.integers(0, 9), min_size=n, max_size=n)),
        "desil": draw(st.lists(st.integers(0, 11), min_size=n, max_size=n)),
        **values,
    })
    order = draw(st.permutations(list(frame.columns)))
    return frame[order], columns, draw(st.sampled_from(["csv", "csv;", "parquet"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables_with_personal_data())
def test_no_personal_name_or_value_reaches_the_table_or_the_report(case):
    frame, personal, kind = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("registry.parquet" if kind == "parquet" else "registry.csv")
        if kind == "parquet":
            frame.to_parquet(path)
        else:
            frame.to_csv(path, index=False, sep=";" if kind == "csv;" else ",")
        table, report = read_households(path, salt="s")
    table_text = table.to_csv(index=False) + str(table.to_dict("list"))
    report_text = json.dumps(report.to_dict(), ensure_ascii=False)
    for col in personal:
        assert col not in table.columns
        for value in frame[col].dropna():
            assert value not in table_text and value not in report_text
    assert sorted(report.personal_columns_dropped) == sorted(personal)
    names_allowed = {"personal_columns_dropped", "household_id_from"}
    rest = json.dumps({k: v for k, v in report.to_dict().items() if k not in names_allowed}, ensure_ascii=False)
    for col in personal:
        assert json.dumps(col, ensure_ascii=False) not in rest
    assert len(table) == report.rows_read == len(frame)


def test_values_are_described_never_quoted():
    got = describe_values(pd.Series(["3573014107800002", "3573 0141 0780 0002", "Siti Rahayu",
                                     "3.57301E+09", "35.73.01", "-7,95", "12", None]))
    assert got.tolist()[:7] == [
        "a 16-digit number, like a NIK or No. KK", "a 16-digit number, like a NIK or No. KK",
        "text of 11 characters",
        "a number in scientific notation (a spreadsheet may have cut digits)",
        "a 6-digit number with separators", "a decimal or negative number",
        "a 2-digit number"]
    assert pd.isna(got.iloc[7])


def test_long_digit_runs_are_masked_but_codes_and_rows_are_kept():
    texts = pd.Series(["row 12: 3573014107800002 x", "35.73.01.1001 and 3573011001",
                       "phone 081234567890", None])
    assert mask_id_numbers(texts).tolist()[:3] == [
        "row 12: [number removed] x", "35.73.01.1001 and 3573011001", "phone [number removed]"]


def test_id_number_columns_are_recognised_by_their_values():
    niks = ["3573014107800002", "3573014107800003.0", "3.57301410780E+15", None, ""]
    assert looks_like_id_numbers(pd.Series(niks))
    assert not looks_like_id_numbers(pd.Series(["ya", "tidak", "3573014107800002"]))
    assert not looks_like_id_numbers(pd.Series(["3573011001", "3573011002"]))  # village codes
    assert not looks_like_id_numbers(pd.Series([None, None], dtype="string"))


numbers = st.one_of(
    st.integers(-10**16, 10**16),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([3573014107800002.0, 3.5730141078e15, 1234.567890123456, 999.5, 1e15,
                     999999986991104.0]),  # float32's 1e15
)


@settings(max_examples=200, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=8), st.sampled_from(["float64", "float32", "Int64", "object"]))
def test_the_quick_answer_for_numbers_is_the_texts_answer(values, dtype):
    """Numeric columns that cannot hold 16 digits skip the text tests: same answer either way."""
    import geo.common.privacy as privacy

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            column = pd.Series(values, dtype=dtype) if dtype != "object" else pd.Series(values)
    except (TypeError, ValueError, OverflowError, RuntimeWarning):  # a float in an Int64 column
        return
    quick = looks_like_id_numbers(column)
    original = privacy._too_short_for_id_numbers
    privacy._too_short_for_id_numbers = lambda values: False
    try:
        assert quick == looks_like_id_numbers(column)
    finally:
        privacy._too_short_for_id_numbers = original


# --------------------------------------------------------------------------- end to end

NIK, NAME = "3573014107800002", "Siti Rahayu"
LON, LAT = "112.612345", "-7.951234"


def test_personal_values_in_mapped_columns_never_reach_what_is_shown(tmp_path):
    import geopandas as gpd
    from shapely import box

    villages = gpd.GeoDataFrame({"village_code": ["35.73.01.1001"]},
                                geometry=[box(112.5, -8.0, 112.7, -7.9)], crs=4326)
    header = "id_keluarga,kode_desa,jumlah_art,desil,lintang,bujur,penerima_pkh,dep_water"
    rows = [
        f"h1,{NIK},3,2,{LAT},{LON},ya,0",              # a NIK as the code; the point places it
        f"h2,35.73.01.1001,{NIK},2,{LAT},{LON},ya,0",  # a NIK as the household size
        f"h3,35.73.01.1001,3,{NAME},{LAT},{LON},ya,0",  # a name as the desil
        f"h4,35.73.01.1001,3,2,{LAT},{LON},{NAME},{NIK}",  # a name and a NIK as flags
        f"h5,{NIK},3,2,,,ya,0",                          # a NIK as the code, nothing else
        f"h6,,3,2,{LON},{LAT},ya,0",                     # coordinates swapped
        f"h7,{NAME},3,2,200.5,{LAT},ya,0",               # a name as the code, bad coordinates
        "h8,35.73.01.1001,3,1,,,ya,0",
        "h9,35.73.01.1001,3,1,,,ya,0",
    ]
    path = tmp_path / "registry.csv"
    path.write_text("\n".join([header, *rows]) + "\n")
    table, report = read_households(path, salt="s")
    joined, rec = join_households(table, villages)
    outcome = joined["outcome"].astype(str).tolist()
    assert outcome[:5] == ["matched_location", "invalid", "invalid", "matched_code", "invalid"]
    from geo.common.messages import render_column

    english = render_column(joined["reason"], "en")
    assert "16-digit number, like a NIK" in english.iloc[0]
    assert "matched by location" in english.iloc[0]
    shown = json.dumps(rec.to_dict(), ensure_ascii=False) + rejected_rows(joined).to_csv()
    shown += json.dumps(report.to_dict(), ensure_ascii=False) + joined["reason"].str.cat(sep="|")
    shown += table["problem"].str.cat(sep="|") + table["code_note"].str.cat(sep="|")
    for lang in ("id", "en"):  # and as every reader sees them
        for cells in (joined["reason"], table["problem"], table["code_note"]):
            shown += render_column(cells, lang).str.cat(sep="|")
    for secret in (NIK, NAME, "Siti", LON, LAT, "112.61", "7.95", "200.5"):
        assert secret not in shown, secret
    assert rec.outcomes["invalid"] == 5 and sum(rec.outcomes.values()) == len(rows)


def test_coordinates_with_long_fractions_are_not_id_numbers():
    from geo.common.privacy import looks_like_id_numbers

    latitudes = ["-7.972186000000001", "-7.9457123456789012", "112.63182612345678"] * 10
    assert not looks_like_id_numbers(latitudes)
    nik_like = ["3573014107900001", "3573014107900002.0", "-7.97"] * 10
    assert looks_like_id_numbers(nik_like)



def test_no_personal_value_reaches_a_log_record(tmp_path, caplog):
    import logging

    from geo.boundaries.read import read_villages
    from geo.join.match import join_households

    path = tmp_path / "dtks.csv"
    path.write_text("NIK,No KK,Nama Kepala,Alamat,No HP,kode_desa,jumlah_art,desil\n"
                    "3573014107800002,3573010101010001,Siti Aminah,Jl. Mawar 7,081234567890,"
                    "35.73.01.1001,4,1\n"
                    "3573014107800003,3573010101010002,Budi Santoso,Jl. Melati 2,081298765432,"
                    "99.99.99.9999,2,0\n", encoding="utf-8")
    personal = ["3573014107800002", "3573010101010001", "Siti Aminah", "Jl. Mawar 7",
                "081234567890", "3573014107800003", "3573010101010002", "Budi Santoso",
                "Jl. Melati 2", "081298765432", "Aminah", "Santoso"]
    villages_file = Path(__file__).resolve().parents[2] / "data" / "boundaries"
    with caplog.at_level(logging.DEBUG, logger="geo"):
        table, _ = read_households(path, salt="s")
        villages, _ = read_villages(sorted(villages_file.glob("demo_villages.*"))[:1])
        join_households(table, villages)
    records = [r for r in caplog.records if r.name.startswith("geo.")]
    assert {r.name for r in records} >= {"geo.households.read", "geo.join.match"}
    logged = "\n".join(r.getMessage() + repr(r.args) for r in records)
    assert "2 row(s) read" in logged
    assert [value for value in personal if value in logged] == []
