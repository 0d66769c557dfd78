"""Uploaded files: checked, staged in a private temporary folder, analysed, then deleted."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.state import set_analysis, token_of


def _uploaded(files) -> list:
    if files is None:
        return []
    return list(files) if isinstance(files, (list, tuple)) else [files]


def analyse_uploads(boundary_files, household_file, boundary_map_text: str,
                    household_map_text: str, layer: str | None = None, *,
                    crosswalk_file=None, bridge_file=None) -> None:
    """Analyse uploaded files and make them the loaded analysis.

    ``boundary_files`` may be one upload or several (38 SQL dumps, a shapefile's parts, a
    zip...). The files are written to a private temporary folder only for the time of the
    analysis (the household file may hold personal columns, which ``read_households`` drops)
    and deleted right after. ``crosswalk_file`` (old -> new codes) and ``bridge_file`` (BPS ->
    Kemendagri codes) are optional uploads for registries coded in another year or by BPS.
    """
    import tempfile

    from geo.pipeline.sources import (BOUNDARY_TYPES, CODE_TABLE_TYPES, HOUSEHOLD_TYPES,
                                      SHAPEFILE_SIDECARS, check_upload, parse_column_map,
                                      stage_boundary_files, stage_code_table,
                                      stage_household_file)
    from geo.pipeline.analysis import analyse

    boundary_columns = parse_column_map(boundary_map_text, "boundary")
    household_columns = parse_column_map(household_map_text, "household")
    uploads = _uploaded(boundary_files)
    for upload in uploads:  # refuse before reading the bytes
        check_upload(upload.name, _size(upload), BOUNDARY_TYPES + SHAPEFILE_SIDECARS)
    if household_file is not None:
        check_upload(household_file.name, _size(household_file), HOUSEHOLD_TYPES)
    tables = {key: upload for key, upload in (("crosswalk", crosswalk_file),
                                              ("bps_bridge", bridge_file)) if upload is not None}
    for upload in tables.values():
        check_upload(upload.name, _size(upload), CODE_TABLE_TYPES)
    table_bytes = {key: (upload.name, upload.getvalue()) for key, upload in tables.items()}
    files = [(upload.name, upload.getvalue()) for upload in uploads]
    household_bytes = household_file.getvalue() if household_file is not None else b""
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        boundary_paths = stage_boundary_files(files, folder)
        household_path = (stage_household_file(household_file.name, household_bytes, folder)
                          if household_file is not None else None)
        code_tables = {key: stage_code_table(name, data, Path(folder) / key)
                       for key, (name, data) in table_bytes.items()}
        result = analyse(boundary_paths, household_path, boundary_columns=boundary_columns,
                         household_columns=household_columns, layer=layer or None,
                         **code_tables)
    token = token_of(*(part for name, data in files for part in (name, data)), household_bytes,
                     boundary_map_text or "", household_map_text or "", layer or "",
                     *(part for name, data in table_bytes.values() for part in (name, data)))
    names = [p.name for p in boundary_paths]  # staged names: folder parts and NUL removed
    label = ", ".join(names[:3]) + (f" … (+{len(names) - 3})" if len(names) > 3 else "")
    label += f" + {household_path.name}" if household_path is not None else ""
    set_analysis(result, token=token, label=label)


def _size(upload) -> int:
    return upload.size if hasattr(upload, "size") else len(upload.getvalue())


@st.cache_data(show_spinner=False, max_entries=8)
def _layers_of(name: str, token: str, _content: bytes) -> list[str]:
    import tempfile

    from geo.pipeline.sources import polygon_layers

    with tempfile.TemporaryDirectory(prefix="layers-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(_content)
        return polygon_layers(path)


def upload_layers(boundary_files) -> list[str]:
    """Village-layer candidates of an uploaded GeoPackage (only when exactly one is uploaded)."""
    gpkgs = [u for u in _uploaded(boundary_files) if u.name.lower().endswith(".gpkg")]
    if len(_uploaded(boundary_files)) != 1 or len(gpkgs) != 1:
        return []
    content = gpkgs[0].getvalue()
    return _layers_of(gpkgs[0].name, token_of(content), content)
