"""Programme registers: an agency's recipient list, a row per household per programme.

A register is a CSV, XLSX or Parquet file read with the household reader's
:func:`geo.households.read.read_table`. Columns are found by name, Indonesian or English
(:data:`ALIASES`). A household key is ``household_id`` (``id_keluarga``, the P3KE family id),
or a No. KK / NIK: those are hashed with the registry's salt and function
(:func:`geo.common.privacy.resolve_salt`, :func:`~geo.common.privacy.salted_hash`), so they
link to a registry whose household ids were hashed from the same key, and then dropped with
every other personal column (names, addresses) before anything else is done.

Every row is accounted for (:class:`RegisterRows`): ``linked`` to a registry household,
``unlinked`` (reason ``no_key`` or ``key_not_in_registry``), ``invalid`` (reason
``no_programme``, ``bad_year`` or ``bad_budget``), or ``village_level`` (a row with a village
code and a recipient count but no household key: an agency that shares counts only).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.codes import normalise_village_code
from geo.common.errors import GeoInputError
from geo.common.privacy import (
    drop_personal,
    hash_key_column,
    looks_like_id_numbers,
    normalise_header,
    personal_columns,
    resolve_salt,
    salted_hash,
)
from geo.households.read import read_table
from geo.households.rules import per_unique

log = logging.getLogger(__name__)

#: canonical register column -> accepted headers (after :func:`normalise_header`)
ALIASES: dict[str, tuple[str, ...]] = {
    "programme": ("programme", "program", "nama_program", "program_name", "bansos", "jenis_bantuan"),
    "agency": ("agency", "opd", "perangkat_daerah", "instansi", "dinas", "pelaksana"),
    "year": ("year", "tahun", "tahun_anggaran"),
    "budget": ("budget", "anggaran", "anggaran_rp", "nilai", "nilai_bantuan", "budget_rp"),
    "household_id": ("household_id", "id_keluarga", "id_keluarga_p3ke", "id_p3ke", "family_id"),
    "village_code": ("village_code", "kode_desa", "kode_wilayah", "kode_kemendagri"),
    "recipients": ("recipients", "jumlah_penerima", "penerima", "jumlah_kk", "jumlah_keluarga"),
}
#: personal columns that can serve as a household key, in the registry's order of preference
KEY_COLUMNS = ("no_kk", "nik")
YEAR_RANGE = (2000, 2100)
ROW_OUTCOMES = ("linked", "unlinked", "invalid", "village_level")


@dataclass(frozen=True)
class RegisterRows:
    """How the rows of the register files came out (counts of rows, never values)."""

    rows_in: int
    outcomes: dict[str, int]
    reasons: dict[str, int]
    files: tuple[dict, ...] = ()
    dropped_columns: tuple[str, ...] = ()
    salt_source: str = ""

    @property
    def unlinked(self) -> int:
        return self.outcomes.get("unlinked", 0)

    def to_dict(self) -> dict:
        return {"rows_in": self.rows_in, "outcomes": dict(self.outcomes),
                "reasons": dict(self.reasons), "files": [dict(f) for f in self.files],
                "dropped_columns": list(self.dropped_columns), "salt": self.salt_source}


@dataclass(frozen=True)
class Registers:
    """The register rows (no personal column) and their accounting.

    ``rows`` has ``source``, ``source_row``, ``programme``, ``agency``, ``year``, ``budget``,
    ``household_id`` (the registry's id, or ``<NA>``), ``village_code``, ``recipients``,
    ``outcome`` and ``reason``.
    """

    rows: pd.DataFrame
    accounting: RegisterRows = field(default=None)

    def linked(self) -> pd.DataFrame:
        return self.rows[self.rows["outcome"] == "linked"]

    def to_dict(self) -> dict:
        return {"accounting": self.accounting.to_dict()}


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    by_norm = {normalise_header(col): col for col in frame.columns}
    found = {}
    for canonical, names in ALIASES.items():
        for name in names:
            if name in by_norm:
                found[canonical] = by_norm[name]
                break
    return found


def _text(frame: pd.DataFrame, column: str | None) -> pd.Series:
    if column is None:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    values = frame[column].astype("string").str.strip()
    return values.mask(values == "", pd.NA)


def _key_hash(raw: pd.DataFrame, personal: list, salt: str) -> pd.Series:
    """The salted hash of the No. KK (else NIK) of each row; ``<NA>`` where there is none."""
    out = pd.Series(pd.NA, index=raw.index, dtype="string")
    first = hash_key_column(personal)
    by_norm = {normalise_header(c): c for c in personal}
    ordered = [first] + [by_norm[k] for k in KEY_COLUMNS if k in by_norm and by_norm[k] != first]
    for column in ordered:
        if column is None:
            continue
        out = out.fillna(salted_hash(raw[column], salt))
    return out


def read_register(path, *, salt: str | None = None) -> tuple[pd.DataFrame, dict, list[str]]:
    """One register file as canonical columns, personal columns already dropped.

    Returns ``(rows, file_info, dropped_column_names)``; ``rows`` is not yet linked.
    """
    path = Path(path)
    raw, info, _problem = read_table(path)
    personal = personal_columns(raw.columns)
    salt_used, _ = resolve_salt(salt)
    hashed = _key_hash(raw, personal, salt_used)
    raw, dropped = drop_personal(raw)
    mapping = _columns(raw)
    # as the registry does: a column of mostly 16-digit numbers (NIK, No. KK, card numbers)
    # is dropped whatever its name; a household id made of them is kept only as its hash
    for column in list(raw.columns):
        if column == mapping.get("village_code") or not looks_like_id_numbers(raw[column]):
            continue
        if column == mapping.get("household_id"):
            hashed = salted_hash(raw[column], salt_used).fillna(hashed)
            mapping.pop("household_id")
        mapping = {k: v for k, v in mapping.items() if v != column}
        raw = raw.drop(columns=[column])
        dropped.append(str(column))
    if "programme" not in mapping:
        raise GeoInputError("err.register_no_programme", source=path.name,
                            columns=", ".join(map(str, raw.columns)))
    rows = pd.DataFrame(index=raw.index)
    rows["source"] = path.name
    rows["source_row"] = np.arange(1, len(raw) + 1)
    for name in ("programme", "agency", "village_code"):
        rows[name] = _text(raw, mapping.get(name))
    # 9971011001 / 99.71.01.1001 as the registry writes it; anything else is kept as given
    rows["village_code"] = normalise_village_code(rows["village_code"]).fillna(rows["village_code"])
    rows["year_given"] = _text(raw, mapping.get("year"))
    rows["budget_given"] = _text(raw, mapping.get("budget"))
    rows["recipients_given"] = _text(raw, mapping.get("recipients"))
    rows["household_id"] = _text(raw, mapping.get("household_id")).fillna(hashed)
    file_info = {"file": path.name, "rows": int(len(raw)),
                 "columns": {k: str(v) for k, v in mapping.items()},
                 "format": info.get("format", "")}
    return rows, file_info, dropped


def _parse_number(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(r"[\s.](?=\d{3}(\D|$))", "", regex=True)
    text = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(text, errors="coerce")


def _number(values: pd.Series) -> pd.Series:
    """``2.400.000`` / ``2400000`` / ``17,5`` as numbers; parsed once per distinct text (a
    register repeats the same budget and year on every row)."""
    return pd.to_numeric(per_unique(values, _parse_number), errors="coerce")


def _in(values: pd.Series, known) -> np.ndarray:
    """``values.isin(known)`` as a hash lookup: pandas' isin on Arrow strings turns each of
    the ``known`` values (a million registry ids) into a Python object first."""
    index = pd.Index(pd.Series(known, dtype="string").dropna().unique().astype(object))
    return index.get_indexer(values.astype(object).to_numpy()) >= 0


def read_registers(paths, known_ids, *, salt: str | None = None) -> Registers:
    """Read register files and link each row to the registry's ``household_id`` values.

    Parameters
    ----------
    paths : one path or a list of paths (CSV, XLSX, Parquet).
    known_ids : the registry's household ids (e.g. ``households["household_id"]``).
    salt : the salt the registry was read with (default: as :func:`resolve_salt` finds it).
    """
    paths = list(paths) if isinstance(paths, (list, tuple)) else [paths]
    if not paths:
        raise GeoInputError("err.register_none", source="--programmes")
    frames, files, dropped = [], [], []
    for path in paths:
        rows, info, gone = read_register(path, salt=salt)
        log.info("register %s: %d rows", info["file"], info["rows"])
        frames.append(rows)
        files.append(info)
        dropped.extend(c for c in gone if c not in dropped)
    rows = pd.concat(frames, ignore_index=True)

    year = _number(rows["year_given"])
    budget = _number(rows["budget_given"])
    recipients = _number(rows["recipients_given"])
    rows["year"] = year.astype("Int64") if year.notna().any() or len(year) else year
    rows["budget"] = budget.astype("Float64")
    rows["recipients"] = recipients.astype("Float64")

    bad_year = rows["year_given"].notna() & (
        year.isna() | (year % 1 != 0) | (year < YEAR_RANGE[0]) | (year > YEAR_RANGE[1]))
    bad_budget = rows["budget_given"].notna() & (budget.isna() | (budget < 0))
    no_programme = rows["programme"].isna()
    has_key = rows["household_id"].notna()
    village_level = ~has_key & rows["village_code"].notna() & recipients.notna() & (recipients >= 0)
    in_registry = _in(rows["household_id"].fillna(""), known_ids) & has_key

    outcome = pd.Series("unlinked", index=rows.index, dtype="string")
    reason = pd.Series("key_not_in_registry", index=rows.index, dtype="string")
    reason = reason.mask(~has_key, "no_key")
    outcome = outcome.mask(in_registry, "linked")
    reason = reason.mask(in_registry, pd.NA)
    outcome = outcome.mask(village_level, "village_level")
    reason = reason.mask(village_level, pd.NA)
    for mask, why in ((bad_budget, "bad_budget"), (bad_year, "bad_year"),
                      (no_programme, "no_programme")):  # the last one set wins
        outcome = outcome.mask(mask, "invalid")
        reason = reason.mask(mask, why)
    rows["outcome"] = outcome
    rows["reason"] = reason
    rows["household_id"] = rows["household_id"].where(outcome == "linked", pd.NA)
    rows = rows.drop(columns=["year_given", "budget_given", "recipients_given"])

    counts = rows["outcome"].value_counts()
    reasons = rows["reason"].value_counts()
    accounting = RegisterRows(
        rows_in=int(len(rows)),
        outcomes={k: int(counts.get(k, 0)) for k in ROW_OUTCOMES},
        reasons={str(k): int(v) for k, v in sorted(reasons.items())},
        files=tuple(files), dropped_columns=tuple(dropped),
        salt_source=resolve_salt(salt)[1])
    return Registers(rows=rows, accounting=accounting)
