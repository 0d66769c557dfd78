"""Personal data (NIK, No. KK, names, addresses, phone numbers) stops at ingest.

Household registries (DTSEN, DTKS, P3KE) carry the head's NIK, the family card number
(No. KK), names, addresses and phone numbers. This project never needs them: they are
recognised by column name and dropped right after a file is read, before anything is
cached, logged, shown or exported. Where a household key is needed to find duplicates and
the file has no household id, the No. KK (or NIK) becomes a salted SHA-256 hash: the same
family gives the same hash within one run, and the hash cannot be turned back into the number.

The recognised names (case-insensitive; spaces, dots and dashes count as ``_``, and fused
spellings such as ``NomorKK`` or ``NIKKRT`` count too) are listed in ``docs/households.md``.
Names are not enough: a column whose values are mostly 16-digit numbers is an id-number column
whatever its header says (:func:`looks_like_id_numbers`).

Messages about a row never quote its cells: :func:`describe_values` says what a value looks
like ("a 16-digit number, like a NIK or No. KK", "text (6 characters)"), and
:func:`mask_id_numbers` blanks any long digit run in a text as a last guard.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

import numpy as np
import pandas as pd

#: Whole column names (normalised) that are personal data.
PERSONAL_NAMES: frozenset[str] = frozenset({
    # family card number (Nomor Kartu Keluarga)
    "kk", "nkk", "nokk", "no_kk", "nomor_kk", "nomer_kk", "nmr_kk", "no_kartu_keluarga",
    "nomor_kartu_keluarga", "kartu_keluarga", "family_card", "family_card_number",
    "id_kk", "no_kartu_kk",
    # national id
    "nik", "ktp", "no_ktp", "nomor_ktp", "nik_kepala", "nik_krt", "nik_kk", "nik_art",
    "national_id", "id_number", "nomor_induk_kependudukan", "no_induk_kependudukan",
    # names
    "nama", "name", "nama_kepala", "nama_krt", "nama_kk", "nama_kepala_keluarga",
    "nama_kepala_rumah_tangga", "nama_lengkap", "nama_art", "nama_anggota", "nama_ibu",
    "nama_ibu_kandung", "ibu_kandung", "namakepala", "namakrt", "namalengkap", "full_name",
    "head_name", "first_name", "last_name", "surname",
    # the head of the family, by role: in registries these columns hold the head's name
    "kepala_keluarga", "kepala_rumah_tangga", "krt", "kepala_kk", "kepala", "head_of_household",
    # address
    "alamat", "address", "alamat_lengkap", "alamat_domisili", "alamat_ktp", "jalan", "jln",
    "street", "rt", "rw", "rt_rw", "rtrw", "no_rt", "no_rw", "dusun", "nama_dusun", "no_rumah",
    "nomor_rumah", "kode_pos", "kodepos", "postcode", "postal_code", "house_number",
    # phone and e-mail
    "hp", "no_hp", "nohp", "nomor_hp", "telp", "no_telp", "notelp", "telepon", "no_telepon",
    "tlp", "phone", "phone_number", "telephone", "handphone", "ponsel", "whatsapp", "no_wa",
    "email", "e_mail", "surel",
    # birth
    "tanggal_lahir", "tgl_lahir", "tgllahir", "tanggallahir", "tempat_lahir", "ttl",
    "date_of_birth", "birth_date", "birthdate", "dob",
    # bank and other card numbers
    "rekening", "no_rekening", "nomor_rekening", "no_rek", "npwp", "no_bpjs", "nomor_bpjs",
    "no_kis", "nomor_kis", "no_kks", "nomor_kks", "no_kip", "nomor_kip", "no_akta",
})

#: Any column whose name contains one of these words (as a ``_``-separated token).
PERSONAL_TOKENS: frozenset[str] = frozenset({
    "nik", "ktp", "alamat", "address", "telepon", "telp", "phone", "handphone", "whatsapp",
    "email", "lahir", "birth", "rekening", "npwp", "kependudukan",
})

#: Words recognised even inside a fused header (``TanggalLahir``, ``NoHandphone``); ``nik`` is
#: not one of them (``teknik``, ``klinik``), fused NIK headers are caught by their start.
_FUSED_WORDS = ("lahir", "alamat", "address", "telepon", "telp", "phone", "whatsapp", "email",
                "rekening", "npwp", "kependudukan", "ktp", "birth")
#: Starts of fused headers that hold an id number: ``NIKKRT``, ``NomorKK``, ``IDKK``...
_FUSED_STARTS = ("nik", "nokk", "nomorkk", "nomerkk", "nmrkk", "nokartukeluarga",
                 "nomorkartukeluarga", "kartukeluarga", "idkk", "noktp", "nomorktp")

#: A name-like column is *not* personal when it names a place or a programme.
_PLACE_TOKENS = frozenset({
    "desa", "kelurahan", "kel", "kecamatan", "kec", "kabupaten", "kab", "kota", "provinsi",
    "prov", "wilayah", "village", "district", "regency", "province", "program", "sekolah",
    "school", "faskes", "bank", "file", "sheet",
})
_NAME_START = re.compile(r"^(nama|name|nm)_")
_CARD_NUMBER = re.compile(
    r"^(no|nomor|nomer|nmr|number)_(kk|kis|kks|kip|bpjs|ktp|hp|telp|wa|rumah|rek|akta)(_|$)")
_RT_RW = re.compile(r"^((no|nomor)_)?(rt|rw)(_|$)")

#: Personal keys that may become a salted household id, best first (No. KK is the family).
HASHABLE_KEYS: tuple[str, ...] = (
    "no_kk", "nokk", "nomor_kk", "nomer_kk", "nmr_kk", "nkk", "kk", "no_kartu_keluarga",
    "nomor_kartu_keluarga", "kartu_keluarga", "nik_kepala", "nik_krt", "nik_kk", "nik",
)

_PROCESS_SALT = secrets.token_hex(16)
SALT_ENV = "PPM_SALT"


def normalise_header(name) -> str:
    """``' No. KK '`` -> ``'no_kk'``: lower case, anything not a letter or digit becomes ``_``."""
    return re.sub(r"[^0-9a-z]+", "_", str(name).strip().lower()).strip("_")


_FUSED_NAMES = frozenset(name.replace("_", "") for name in PERSONAL_NAMES)


def is_personal(name) -> bool:
    """True when a column name says the column holds personal data (see module docstring)."""
    norm = normalise_header(name)
    if norm in PERSONAL_NAMES:
        return True
    tokens = set(norm.split("_"))
    if tokens & PERSONAL_TOKENS:
        return True
    if _NAME_START.match(norm) and not tokens & _PLACE_TOKENS:
        return True
    if _CARD_NUMBER.match(norm) or _RT_RW.match(norm):
        return True
    return _is_personal_fused(norm.replace("_", ""))


def _is_personal_fused(fused: str) -> bool:
    """The same tests on the header without separators: ``NomorKK``, ``NIKKRT``, ``NamaKepala``."""
    if fused in _FUSED_NAMES or fused.startswith(_FUSED_STARTS):
        return True
    if any(word in fused for word in _FUSED_WORDS):
        return True
    for start in ("nama", "name"):
        if fused.startswith(start) and len(fused) > len(start):
            rest = fused[len(start):]
            return not any(rest.startswith(place) for place in _PLACE_TOKENS)
    return False


def personal_columns(columns) -> list:
    """The columns (original labels, in order) whose names mark them as personal data."""
    return [col for col in columns if is_personal(col)]


def hash_key_column(columns) -> object | None:
    """The personal column to hash into a household id (No. KK first, then the head's NIK)."""
    by_norm = {normalise_header(col): col for col in columns}
    for key in HASHABLE_KEYS:
        if key in by_norm:
            return by_norm[key]
    return None


def resolve_salt(salt: str | None = None) -> tuple[str, str]:
    """Return ``(salt, where_it_came_from)``: the argument, env ``PPM_SALT`` or a per-process one.

    The random per-process salt makes hashes unlinkable across runs; set ``PPM_SALT`` (kept
    secret, never in the repository) when hashed ids must be stable between runs.
    """
    if salt:
        return str(salt), "parameter"
    env = os.environ.get(SALT_ENV)
    if env:
        return env, SALT_ENV
    return _PROCESS_SALT, "random per process"


def salted_hash(values, salt: str, *, length: int = 16) -> pd.Series:
    """Salted SHA-256 of each value, hex, truncated to ``length``; ``<NA>`` stays ``<NA>``.

    Values are stripped, and a spreadsheet's trailing ``.0`` is removed, so ``"3573...01"``
    and ``"3573...01.0"`` give the same hash.
    """
    text = pd.Series(values, copy=False).astype("string").str.strip()
    text = text.str.replace(r"\.0+$", "", regex=True).replace("", pd.NA)
    prefix = f"{salt}\x1f".encode()

    def _one(value):
        return hashlib.sha256(prefix + value.encode()).hexdigest()[:length]

    out = text.dropna().map(_one)
    return out.reindex(text.index).astype("string")


# plain pattern strings, not compiled: pandas then runs them in Arrow, not row by row in Python
_ID_NUMBER = r"\d{16}"
_LONG_DIGITS = r"\d{11,}"
_SEPARATORS = r"[\s.\-/]"
_SAMPLE = 20_000


def looks_like_id_numbers(values, *, share: float = 0.5) -> bool:
    """True when most non-empty values are 16-digit numbers (NIK, No. KK, KIS/KKS card numbers).

    A spreadsheet's ``3573010101010001.0`` and ``3.57301010101E+15`` (fake example NIKs, cut short)
    count too. Used at ingest to drop such a column whatever its header says. A long column
    is judged on an evenly spaced sample of 20,000 values (the answer is a share).
    """
    values = pd.Series(values, copy=False)
    # the text of a number (``4``, fake example ``3573014107800002.0``) has no whitespace: separators
    # can then be removed by pyarrow instead of Python's ``re`` (needed for Unicode ``\s``)
    numeric = (pd.api.types.is_numeric_dtype(values.dtype)
               and not pd.api.types.is_bool_dtype(values.dtype))
    text = values.dropna()
    if len(text) > _SAMPLE:
        text = text.iloc[np.linspace(0, len(text) - 1, _SAMPLE).astype(np.int64)]
    if numeric and _too_short_for_id_numbers(text):
        return False
    text = text.astype("string").str.strip()
    text = text[text != ""]
    total = len(text)
    if not total:
        return False
    counts = text.value_counts()  # each distinct value is judged once, then weighted
    text = pd.Series(counts.index, dtype="string")
    weight = counts.to_numpy()
    # a decimal with a short whole part (a coordinate, a rate) is a measurement, not an id,
    # however many digits its fraction has: -7.972186000000001 has 16 digits too
    measurement = text.str.fullmatch(r"[+-]?\d{1,3}[.,]\d+").fillna(False).astype(bool)
    if measurement.all():
        return False
    separators = r"[.\-/]" if numeric else _SEPARATORS
    digits = text.str.replace(r"\.0+$", "", regex=True).str.replace(separators, "", regex=True)
    sixteen = digits.str.fullmatch(_ID_NUMBER).fillna(False).astype(bool)
    sixteen |= text.str.fullmatch(r"\d(?:[.,]\d+)?[eE]\+?15").fillna(False).astype(bool)
    return bool(weight[(sixteen & ~measurement).to_numpy()].sum() > share * total)


def _too_short_for_id_numbers(values: pd.Series) -> bool:
    """True when no number in ``values`` can be written with 16 digits: all below 10^15, and
    those with a fraction below 1,000 (a short whole part is a measurement, see above). Saves
    the text tests on the usual counts, flags and coordinates (16 ms a column)."""
    number = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    number = np.abs(number[np.isfinite(number)])
    with np.errstate(invalid="ignore"):
        whole = number == np.floor(number)
    # just below 10^15 too: a float32 near it is written "1e+15" (its shortest text)
    return not ((number >= 9.99e14).any() or (~whole & (number >= 1000)).any())


def describe_values(values, *, coded: bool = False) -> pd.Series:
    """What each value looks like, without quoting it (``<NA>`` stays ``<NA>``).

    fake example ``"3573014107800002"`` -> ``"a 16-digit number, like a NIK or No. KK"``; ``"Siti"`` ->
    ``"text (4 characters)"``; ``"3.57301E+09"`` -> ``"a number in scientific notation
    (a spreadsheet may have cut digits)"``. For problem texts and error messages about a row.
    ``coded=True`` gives the same descriptions as message codes (``desc.digits{"n": 16}``...).
    """
    text = pd.Series(values, copy=False).astype("string").str.strip()
    digits = text.str.replace(_SEPARATORS, "", regex=True)
    n_digits = digits.str.len().astype("Int64").astype("string")
    n_chars = text.str.len().astype("Int64").astype("string")
    pure = text.str.fullmatch(r"\d+").fillna(False).astype(bool)
    scientific = text.str.fullmatch(r"[-+]?\d(?:[.,]\d+)?[eE][-+]?\d+").fillna(False).astype(bool)
    numeric = text.str.fullmatch(r"[-+]?\d*[.,]?\d+").fillna(False).astype(bool)
    separated = digits.str.fullmatch(r"\d+").fillna(False).astype(bool) & ~numeric
    letters = text.str.contains(r"[^\W\d_]", regex=True).fillna(False).astype(bool)
    if coded:  # message codes (geo.common.messages), rendered in the reader's language
        out = ('desc.text{"n": ' + n_chars + "}").where(
            letters, 'desc.symbols{"n": ' + n_chars + "}")
        out = out.mask(separated, 'desc.separated{"n": ' + n_digits + "}")
        out = out.mask(numeric & ~pure, "desc.decimal")
        out = out.mask(scientific, "desc.scientific")
        out = out.mask(pure, 'desc.digits{"n": ' + n_digits + "}")
        out = out.mask((pure | separated) & (digits.str.len() == 16).fillna(False).astype(bool),
                       "desc.id_number")
        out = out.mask((text == "").fillna(False).astype(bool), "desc.empty")
        return out.where(text.notna()).astype("string")
    out = ("text of " + n_chars + " characters").where(
        letters, n_chars + " characters of digits and symbols")
    out = out.mask(separated, "a " + n_digits + "-digit number with separators")
    out = out.mask(numeric & ~pure, "a decimal or negative number")
    out = out.mask(scientific, "a number in scientific notation (a spreadsheet may have cut digits)")
    out = out.mask(pure, "a " + n_digits + "-digit number")
    sixteen = (pure | separated) & (digits.str.len() == 16).fillna(False).astype(bool)
    out = out.mask(sixteen, "a 16-digit number, like a NIK or No. KK")
    out = out.mask((text == "").fillna(False).astype(bool), "empty")
    return out.where(text.notna()).astype("string")


def mask_id_numbers(texts) -> pd.Series:
    """Blank every run of 11 or more digits (NIK and No. KK have 16, mobile numbers 11–13).

    The last guard before a text is shown or written: codes (10 digits, dotted) and row numbers
    are left alone. ``<NA>`` stays ``<NA>``.
    """
    text = pd.Series(texts, copy=False).astype("string")
    return text.str.replace(_LONG_DIGITS, "[number removed]", regex=True)


def drop_personal(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Drop personal columns; return the remaining frame and the dropped column *names*."""
    dropped = personal_columns(frame.columns)
    return frame.drop(columns=dropped), [str(col) for col in dropped]
