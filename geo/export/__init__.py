"""Exports for GIS tools (GeoJSON, GeoPackage, Shapefile) and decision documents (CSV, XLSX, maps).

``export_result(result, out_dir)`` writes everything; one public function per format does one
job. All of them take the :class:`~geo.export.layers.ExportLayers` built by
:func:`~geo.export.layers.build_layers`, the only place that reads an analysis result: village
aggregates and the method go out, household rows and personal columns never do.
See ``docs/exports.md`` for the files, the field names and the choices made.
"""

from __future__ import annotations

from pathlib import Path

from geo.common.atomic import atomic_output
from geo.common.errors import GeoInputError
from geo.i18n import Message
from geo.export.gis import write_geojson, write_geopackage, write_shapefile_zip
from geo.export.layers import ExportLayers, build_layers, suppress_small_villages
from geo.export.tables import write_ranked_table
from geo.i18n import LANGUAGES
from geo.pipeline.results import AnalysisResult

FORMATS = ("geojson", "gpkg", "shp", "csv", "xlsx", "png", "pdf", "pilot", "lampiran")
#: what ``--formats`` writes by default: every format that needs no further argument (not the
#: pilot map, which needs codes, nor the lampiran of a decree, asked for by name)
DEFAULT_FORMATS = FORMATS[:-2]

__all__ = [
    "DEFAULT_FORMATS",
    "FORMATS",
    "parse_formats",
    "ExportLayers",
    "build_layers",
    "export_result",
    "suppress_small_villages",
    "write_geojson",
    "write_geopackage",
    "write_pilot_map",
    "write_print_maps",
    "write_ranked_table",
    "write_shapefile_zip",
]


def write_print_maps(layers: ExportLayers, out_dir, *, formats=("png", "pdf"), lang="id") -> list[Path]:
    """Write ``map_focus_list`` and ``map_pockets`` as PNG (200 dpi) and/or PDF (A4 landscape)."""
    # matplotlib only when a print map is asked for: ``rank`` writes no map (issue 19)
    from geo.presentation.printmap import focus_map, pocket_map, print_text, save_map

    if lang not in LANGUAGES:
        raise GeoInputError("err.unknown_language", source="lang", given=repr(lang),
                            languages=", ".join(sorted(LANGUAGES)))
    out_dir = Path(out_dir)
    date = layers.created_at[:10]
    written = []
    maps = {
        "map_focus_list": (focus_map, print_text("focus_title", lang)),
        "map_pockets": (pocket_map, print_text("pocket_title", lang)),
    }
    for name, (draw, title) in maps.items():
        fig = draw(layers.villages, lang=lang, date=date, sources=layers.sources)
        for suffix in (s for s in ("png", "pdf") if s in formats):
            written.append(save_map(fig, out_dir / f"{name}.{suffix}", title=title))
    return written


def write_pilot_map(result: AnalysisResult, layers: ExportLayers, codes, out_dir, *,
                    lang: str = "id") -> list[Path]:
    """Write ``pilot_map.png`` and ``pilot_map.pdf`` of the pilot villages ``codes``.

    Drawn on the public layer (small villages already suppressed); each file is written whole
    or not at all (:func:`~geo.presentation.printmap.save_map`).
    """
    from geo.presentation.pilotprint import pilot_print
    from geo.presentation.printmap import print_text, save_map

    fig = pilot_print(result, codes, lang=lang, villages=layers.villages,
                      date=layers.created_at[:10], sources=layers.sources)
    title = print_text("pilot_title", lang)
    out_dir = Path(out_dir)
    return [save_map(fig, out_dir / f"pilot_map.{suffix}", title=title) for suffix in ("png", "pdf")]


def parse_formats(formats) -> tuple[str, ...]:
    """``"gpkg, XLSX"`` or ``["gpkg", "xlsx"]`` -> ``("gpkg", "xlsx")``; unknown names raise."""
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",") if f.strip()]
    chosen = tuple(str(f).lower() for f in formats)
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise GeoInputError("err.export_formats", source="--formats",
                            formats=", ".join(unknown) or Message("err.none_given"),
                            choices=",".join(FORMATS))
    return chosen


def export_result(
    result: AnalysisResult,
    out_dir,
    *,
    formats=DEFAULT_FORMATS,
    min_households: int | None = None,
    lang: str = "id",
    pilot=(),
    title: str | None = None,
    lampiran_template=None,
) -> dict[str, list[Path]]:
    """Write the chosen exports of an analysis into ``out_dir``.

    Parameters
    ----------
    result
        What :func:`geo.pipeline.analysis.analyse` returned.
    out_dir
        Folder to write into (created if missing); existing export files are replaced.
    formats
        Any of ``geojson, gpkg, shp, csv, xlsx, png, pdf`` (a list or a comma-separated text).
    min_households
        Minimum cell size: household-derived figures of villages with fewer households
        are left empty (see :func:`~geo.export.layers.suppress_small_villages`).
    lang
        ``"id"`` (default) or ``"en"``: headers and stored codes of the CSV and XLSX, the
        XLSX sheets, and the printed maps. GIS layers keep their English field names.
    pilot
        Pilot village codes for the ``pilot`` format (``pilot_map.png`` / ``.pdf``); checked
        before anything is written (an unknown code raises ``err.pilot_unknown``).
    title, lampiran_template
        For the ``lampiran`` format (``lampiran.docx`` / ``.pdf``, :mod:`geo.export.lampiran`):
        the decision's title, and a region's DOCX template.

    Returns
    -------
    dict
        ``{format: [paths written]}``.

    Examples
    --------
    >>> export_result(result, "out", formats=("gpkg", "xlsx"), min_households=5)  # doctest: +SKIP
    {'gpkg': [PosixPath('out/poverty_map.gpkg')], 'xlsx': [PosixPath('out/focus_list.xlsx')]}
    """
    chosen = parse_formats(formats)
    if lang not in LANGUAGES:
        raise GeoInputError("err.unknown_language", source="--lang", given=repr(lang),
                            languages=", ".join(sorted(LANGUAGES)))
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise GeoInputError("err.export_out_is_file", source=str(out_dir))
    if "pilot" in chosen:
        from geo.spatial.pilot import check_pilot_codes

        check_pilot_codes(result.villages, pilot)
    layers = build_layers(result, min_households=min_households)
    target = out_dir
    with atomic_output(target, command="export") as out_dir:  # whole or not at all (issue 18)
        written = _write_all(result, layers, out_dir, chosen, lang, pilot,
                             title=title, lampiran_template=lampiran_template)
    return {name: [target / p.name for p in paths] for name, paths in written.items()}


def _write_all(result, layers, out_dir, chosen, lang, pilot, *, title=None,
               lampiran_template=None) -> dict[str, list[Path]]:
    writers = {
        "geojson": lambda: write_geojson(layers, out_dir),
        "gpkg": lambda: write_geopackage(layers, out_dir),
        "shp": lambda: write_shapefile_zip(layers, out_dir),
        "csv": lambda: write_ranked_table(layers, out_dir, formats=("csv",), lang=lang),
        "xlsx": lambda: write_ranked_table(layers, out_dir, formats=("xlsx",), lang=lang),
    }
    written = {name: writers[name]() for name in FORMATS if name in chosen and name in writers}
    maps = tuple(f for f in ("png", "pdf") if f in chosen)
    if maps:
        paths = write_print_maps(layers, out_dir, formats=maps, lang=lang)
        for suffix in maps:
            written[suffix] = [p for p in paths if p.suffix == f".{suffix}"]
    if "pilot" in chosen:
        written["pilot"] = write_pilot_map(result, layers, pilot, out_dir, lang=lang)
    if "lampiran" in chosen:
        from geo.export.lampiran import write_lampiran

        written["lampiran"] = write_lampiran(result, out_dir, lang=lang, title=title,
                                             template=lampiran_template)
    return written
