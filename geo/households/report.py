"""The ingest report: what reading a household file found, named and counted, never a value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from geo.common.contracts import fields_dict, known_fields

#: Fields that only some files have (a CSV has no sheet, an XLSX no delimiter) or only the
#: Dask path sets (``files``); left out of :meth:`IngestReport.to_dict` when None.
_OPTIONAL = ("file", "format", "sheet", "encoding", "delimiter", "columns_mapped",
             "personal_columns_dropped", "id_number_columns_dropped", "derived_flags",
             "flags_in_file", "missing_flags", "unreadable_flags", "unknown_columns",
             "codes_unusable", "warnings", "files")


@dataclass(frozen=True)
class IngestReport:
    """Returned by :func:`geo.households.read.read_households` beside the household table.

    Attributes
    ----------
    file, format, sheet, encoding, delimiter : the file name and how it was read.
    rows_read : data rows in the file.
    columns_mapped : canonical column -> column of the file.
    personal_columns_dropped, id_number_columns_dropped : names of the columns dropped
        (personal data, or columns holding NIK/No. KK-like numbers).
    household_id_from : where the household id comes from.
    derived_flags : deprivation flag -> the raw columns it was derived from.
    flags_in_file, missing_flags : flags given in the file; flags neither given nor derived.
    unreadable_flags : flag -> cells that were not a yes/no.
    unknown_columns : columns not used.
    codes_unusable : rows whose village code could not be used.
    rows_with_problem : rows with a problem (not used).
    problems : kind of problem -> rows.
    warnings : texts or :class:`geo.i18n.Message` items (render with :func:`geo.i18n.render`).
    files : number of files read (the Dask path, which reads a folder of Parquet files and
        keeps only the counts), else None.
    """

    rows_read: int = 0
    rows_with_problem: int = 0
    problems: Mapping[str, int] = field(default_factory=dict)
    household_id_from: str | None = None
    file: str | None = None
    format: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    columns_mapped: Mapping[str, str] | None = None
    personal_columns_dropped: tuple[str, ...] | None = None
    id_number_columns_dropped: tuple[str, ...] | None = None
    derived_flags: Mapping[str, list] | None = None
    flags_in_file: tuple[str, ...] | None = None
    missing_flags: tuple[str, ...] | None = None
    unreadable_flags: Mapping[str, int] | None = None
    unknown_columns: tuple[str, ...] | None = None
    codes_unusable: int | None = None
    warnings: tuple[object, ...] | None = None
    files: int | None = None

    def to_dict(self) -> dict:
        """JSON-ready, with the keys (and order) of the ``--report`` file of
        ``python -m geo households``; fields a file did not have are left out."""
        data = fields_dict(self, skip_none=_OPTIONAL)
        order = ("file", "format", "sheet", "encoding", "delimiter", "files", "rows_read",
                 "columns_mapped", "personal_columns_dropped", "id_number_columns_dropped",
                 "household_id_from", "derived_flags", "flags_in_file", "missing_flags",
                 "unreadable_flags", "unknown_columns", "codes_unusable", "rows_with_problem",
                 "problems", "warnings")
        if self.files is not None:  # the Dask summary keeps its own short order
            order = ("files", "rows_read", "rows_with_problem", "problems", "household_id_from")
        return {key: data[key] for key in order if key in data}

    @classmethod
    def from_dict(cls, data: Mapping) -> IngestReport:
        """The report back from :meth:`to_dict` (unknown keys ignored)."""
        return cls(**known_fields(cls, data))
