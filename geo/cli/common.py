"""Small helpers the CLI commands share: ``--map FIELD=COLUMN`` parsing and output paths.

Kept here so that every command answers a typo in the same words, and so that an output path
problem (a folder given as a file, a parent that cannot be made) is a one-line
:class:`~geo.common.errors.GeoInputError` before any slow work starts.
"""

from __future__ import annotations

from pathlib import Path

from geo.common.errors import GeoInputError


def parse_column_map(items: list[str] | None) -> dict[str, str]:
    """``["village_code=KODE", "desil = DESIL_KES"]`` -> ``{"village_code": "KODE", "desil": "DESIL_KES"}``.

    Raises
    ------
    GeoInputError
        An item without ``=``, with an empty side, or a field given twice.
    """
    mapping: dict[str, str] = {}
    for item in items or []:
        field, sep, column = str(item).partition("=")
        field, column = field.strip(), column.strip()
        if not sep or not field or not column:
            raise GeoInputError(f"--map {item!r}: write FIELD=COLUMN, e.g. village_code=KDEPUM "
                                "or desil=DESIL_KESEJAHTERAAN")
        if field in mapping and mapping[field] != column:
            raise GeoInputError(f"--map gives {field} twice ({mapping[field]!r} and {column!r}); "
                                "keep one")
        mapping[field] = column
    return mapping


def output_file(path, *, option: str) -> Path:
    """Check that ``path`` can be written as a file and create its parent folders.

    Raises
    ------
    GeoInputError
        ``path`` is an existing folder, or its parent folder cannot be created (a file is in
        the way, no permission).
    """
    path = Path(path)
    if path.is_dir():
        raise GeoInputError(f"{option} is a folder; give a file name inside it, e.g. "
                            f"{path / ('report.json' if option == '--report' else 'villages.gpkg')}",
                            source=str(path))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeoInputError(f"{option}: cannot create the folder {path.parent} "
                            f"({exc.strerror or exc})", source=str(path)) from exc
    return path


def write_text(path: Path, text: str, *, option: str) -> None:
    """Write ``text`` (UTF-8) to a path checked by :func:`output_file`; an OS refusal is a
    :class:`GeoInputError` naming the option."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GeoInputError(f"{option}: cannot write the file ({exc.strerror or exc})",
                            source=str(path)) from exc
