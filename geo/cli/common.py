"""Small helpers the CLI commands share: ``--map FIELD=COLUMN`` parsing and output paths.

Kept here so that every command answers a typo in the same words, and so that an output path
problem (a folder given as a file, a parent that cannot be made) is a one-line
:class:`~geo.common.errors.GeoInputError` before any slow work starts.
"""

from __future__ import annotations

from pathlib import Path

from geo.common.errors import GeoInputError
from geo.common.messages import render_cell
from geo.i18n import DEFAULT_LANGUAGE, render


def message_lang(args) -> str:
    """The language of messages for this run (``--lang`` / ``PPM_LANG``, see ``geo.__main__``)."""
    return getattr(args, "message_lang", None) or DEFAULT_LANGUAGE


def shown(text, lang: str) -> str:
    """A warning or note as the reader sees it: a :class:`~geo.i18n.Message` or an encoded
    message cell (:mod:`geo.common.messages`) rendered in ``lang``, plain text as it is."""
    return render_cell(render(text, lang), lang)


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
            raise GeoInputError("err.cli_map_item", item=repr(item))
        if field in mapping and mapping[field] != column:
            raise GeoInputError("err.cli_map_twice", field=field, first=repr(mapping[field]),
                                second=repr(column))
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
        example = path / ("report.json" if option == "--report" else "villages.gpkg")
        raise GeoInputError("err.cli_out_is_folder", source=str(path), option=option,
                            example=str(example))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise GeoInputError("err.cli_make_folder", source=str(path), option=option,
                            folder=str(path.parent), detail=str(exc.strerror or exc)) from exc
    return path


def write_text(path: Path, text: str, *, option: str) -> None:
    """Write ``text`` (UTF-8) to a path checked by :func:`output_file`; an OS refusal is a
    :class:`GeoInputError` naming the option."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise GeoInputError("err.cli_write_file", source=str(path), option=option,
                            detail=str(exc.strerror or exc)) from exc


def add_reading_arguments(parser) -> None:
    """``--prefer``, ``--engine``, ``--crs`` and ``--swap-xy``: how the files are read and placed."""
    parser.add_argument("--prefer", choices=("code", "location"), default="code",
                        help="when a household's code and coordinates disagree, which wins (default: code)")
    parser.add_argument("--engine", choices=("pyogrio", "fiona"), default="pyogrio")
    parser.add_argument("--crs", metavar="CRS", help="CRS of a boundary file that has none (e.g. EPSG:32750)")
    parser.add_argument("--swap-xy", action="store_true",
                        help="the boundary file has latitude and longitude in the wrong order: swap them")


def add_join_arguments(parser) -> None:
    """``--crosswalk``, ``--bps-bridge`` and ``--overlap``: how registry codes meet the layer."""
    from geo.config.models import OVERLAP_RULES

    parser.add_argument("--crosswalk", metavar="FILE",
                        help="old -> new village codes (CSV/XLSX: old_code,new_code or "
                             "kode_lama,kode_baru) for a registry coded in another year; wins over "
                             "the shipped Kemendagri 2022/2023/2025 tables")
    parser.add_argument("--bps-bridge", metavar="FILE",
                        help="BPS -> Kemendagri codes (CSV/XLSX: bps_code,village_code, or a "
                             "BIG/KUGI layer with KDEBPS and KDEPUM) for a registry keyed by BPS codes")
    parser.add_argument("--overlap", choices=OVERLAP_RULES,
                        help="a point in two or more villages whose code names none of them goes to "
                             "this village (overrides the config's [join] overlap)")


def join_options(args, config):
    """(config with ``--overlap`` applied, ``analyse`` keywords for the code tables)."""
    from dataclasses import replace

    if getattr(args, "overlap", None):
        config = replace(config, join=replace(config.join, overlap=args.overlap))
    return config, {"crosswalk": getattr(args, "crosswalk", None),
                    "bps_bridge": getattr(args, "bps_bridge", None)}
