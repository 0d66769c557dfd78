"""What the app analyses: uploaded files, or files named in environment variables.

Boundary layers arrive in many pieces: the 38 ``wilayah_boundaries`` SQL dumps of Jawa Timur,
a Shapefile as its ``.shp``, ``.dbf``, ``.shx`` and ``.prj`` parts, a zip, a GeoPackage with
several layers. This module turns what a browser upload (name + bytes) or a GIS officer's
environment (``PPM_BOUNDARIES`` ...) provides into the file paths that
:func:`geo.pipeline.analysis.analyse` reads, and refuses what cannot work with a message that names the
file and says what to do. It knows nothing of Streamlit.

Environment variables (read once when the app starts a session):

``PPM_BOUNDARIES``
    One or more boundary files separated by ``os.pathsep`` (``:`` on Linux, ``;`` on Windows);
    glob patterns such as ``/data/kel/wilayah_boundaries_kel_35.*.sql`` are expanded.
``PPM_HOUSEHOLDS``
    The household file (CSV, XLSX, Parquet); optional.
``PPM_CONFIG``
    A ranking config (TOML/YAML); optional, default ``config/default.toml``.
``PPM_LAYER``
    The layer to read from a multi-layer GeoPackage; optional.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from geo.common.errors import GeoInputError
from geo.common.safe_text import without_control_characters
from geo.i18n import Message

MAX_UPLOAD_MB = 200  # also server.maxUploadSize in .streamlit/config.toml
BOUNDARY_TYPES = ("sql", "geojson", "json", "gpkg", "fgb", "kml", "kmz", "parquet", "geoparquet",
                  "zip", "shp")
#: Files that belong to a ``.shp`` and are read with it, never on their own.
SHAPEFILE_SIDECARS = ("dbf", "shx", "prj", "cpg", "qix", "sbn", "sbx", "qmd", "xml")
SHAPEFILE_REQUIRED = ("dbf", "shx")
HOUSEHOLD_TYPES = ("csv", "txt", "xlsx", "xlsm", "parquet")
#: A crosswalk (old -> new code) or a BPS bridge: a table, or a KUGI layer for the bridge.
CODE_TABLE_TYPES = ("csv", "txt", "xlsx", "xlsm", "parquet", "gpkg", "geojson", "zip")
#: Canonical names a user may map a column of their file to (``canonical = column_in_file``).
MAPPABLE_BOUNDARY_COLUMNS = ("village_code", "village_name", "district_name", "regency_name",
                             "province_name")
MAPPABLE_HOUSEHOLD_COLUMNS = ("household_id", "village_code", "village_code_bps", "longitude",
                              "latitude", "members",
                              "desil", "dep_nutrition", "dep_child_mortality", "dep_schooling",
                              "dep_attendance", "dep_cooking_fuel", "dep_sanitation", "dep_water",
                              "dep_electricity", "dep_housing", "dep_assets", "recv_pkh",
                              "recv_bpnt", "recv_pbi")
ENVIRONMENT = {"boundaries": "PPM_BOUNDARIES", "households": "PPM_HOUSEHOLDS",
               "config": "PPM_CONFIG", "layer": "PPM_LAYER"}


def suffix_of(name: str) -> str:
    """The lower-case extension without the dot (``Desa.SHP`` -> ``shp``)."""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_upload(name: str, size: int, allowed: Iterable[str]) -> None:
    """Refuse a file of the wrong type or above :data:`MAX_UPLOAD_MB`, naming the file."""
    allowed = tuple(allowed)
    name = without_control_characters(name)
    suffix = suffix_of(name)
    if suffix not in allowed:
        raise GeoInputError("err.upload_type", source=name, suffix=suffix,
                            allowed=", ".join("." + a for a in allowed))
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoInputError("err.upload_size", source=name, size=round(size / 2**20),
                            limit=MAX_UPLOAD_MB)


def parse_column_map(text: str | None, what: str) -> dict[str, str] | None:
    """``canonical = source`` lines to a dict; a malformed line is the user's to fix."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        canonical, sep, source = line.partition("=")
        if not sep or not canonical.strip() or not source.strip():
            raise GeoInputError("err.upload_map_line", source=Message(f"err.src_{what}_mapping"),
                                number=number, line=repr(line))
        mapping[canonical.strip()] = source.strip()
    return mapping or None


def _safe_name(name: str) -> str:
    """The file name without any folder part, so an upload cannot write outside its folder,
    and without NUL or other control characters (a NUL makes ``open`` fail); ``!`` becomes
    ``_`` (GDAL, through pyogrio, reads ``a!b`` as file ``b`` inside archive ``a``)."""
    base = without_control_characters(re.split(r"[\\/]", name)[-1]).strip().replace("!", "_")
    if base in ("", ".", ".."):
        raise GeoInputError("err.upload_no_name", source=without_control_characters(name) or "upload")
    return base


def stage_boundary_files(files: Iterable[tuple[str, bytes]], folder: str | Path) -> list[Path]:
    """Write uploaded boundary files into ``folder`` and return the files to read.

    Parameters
    ----------
    files
        ``(file name, content)`` pairs as uploaded: any mix of the :data:`BOUNDARY_TYPES`,
        and Shapefile parts (``.shp`` with its ``.dbf``, ``.shx``, ``.prj``...).
    folder
        A private temporary folder.

    Returns
    -------
    list of Path
        One path per layer file, in name order; Shapefile sidecars are written beside their
        ``.shp`` but not listed.

    Raises
    ------
    GeoInputError
        No file, a wrong type, a file too large, the same name twice, a ``.shp`` without its
        ``.dbf``/``.shx``, or sidecars without their ``.shp``.
    """
    folder = Path(folder)
    written: dict[str, Path] = {}
    for name, content in files:
        check_upload(name, len(content), BOUNDARY_TYPES + SHAPEFILE_SIDECARS)
        base = _safe_name(name)
        if base.lower() in written:
            raise GeoInputError("err.upload_twice", source=base)
        path = folder / base
        _write_upload(path, content)
        written[base.lower()] = path
    if not written:
        raise GeoInputError("err.upload_no_boundaries", source="boundaries")
    stems = {p.stem.lower() for p in written.values() if suffix_of(p.name) == "shp"}
    for path in written.values():
        suffix = suffix_of(path.name)
        if suffix == "shp":
            missing = [f".{s}" for s in SHAPEFILE_REQUIRED
                       if f"{path.stem.lower()}.{s}" not in written]
            if missing:
                raise GeoInputError("err.upload_shp_parts", source=path.name,
                                    missing=" + ".join(missing))
        elif suffix in SHAPEFILE_SIDECARS and path.stem.lower() not in stems:
            raise GeoInputError("err.upload_sidecar", source=path.name, name=path.name,
                                stem=path.stem)
    return sorted((p for p in written.values() if suffix_of(p.name) not in SHAPEFILE_SIDECARS),
                  key=lambda p: p.name)


def stage_code_table(name: str, content: bytes, folder: str | Path) -> Path:
    """Write an uploaded crosswalk or BPS bridge into ``folder`` (made if needed) after checking
    it; the file keeps its name, which reasons and the method quote."""
    check_upload(name, len(content), CODE_TABLE_TYPES)
    Path(folder).mkdir(parents=True, exist_ok=True)
    path = Path(folder) / _safe_name(name)
    _write_upload(path, content)
    return path


def stage_household_file(name: str, content: bytes, folder: str | Path) -> Path:
    """Write an uploaded household file into ``folder`` after checking its type and size."""
    check_upload(name, len(content), HOUSEHOLD_TYPES)
    path = Path(folder) / _safe_name(name)
    _write_upload(path, content)
    return path


def _write_upload(path: Path, content: bytes) -> None:
    """Store an upload for reading; a full or read-only disk is the user's message, not a crash."""
    try:
        path.write_bytes(content)
    except OSError as exc:
        raise GeoInputError("err.upload_disk", source=path.name,
                            detail=str(exc.strerror)) from None


def polygon_layers(path: str | Path) -> list[str]:
    """Layers of a GeoPackage that could hold villages (polygon or unknown geometry).

    Other formats hold one layer (or are chosen inside :func:`geo.boundaries.read.read_villages`)
    and give an empty list, as does a file GDAL cannot open: the analysis reports that.
    """
    path = Path(path)
    if suffix_of(path.name) != "gpkg":
        return []
    import pyogrio

    try:
        layers = pyogrio.list_layers(path)
    except Exception:  # the reader names the broken file when the analysis runs
        return []
    return [str(name) for name, kind in layers
            if kind is None or "polygon" in str(kind).lower() or str(kind).lower() == "unknown"]


@dataclass(frozen=True)
class EnvironmentSources:
    """Files named in the environment: what the app analyses instead of the demo."""

    boundaries: tuple[Path, ...]
    households: Path | None = None
    config: Path | None = None
    layer: str | None = None

    def label(self) -> str:
        """A short description for the page caption (file names only)."""
        names = [p.name for p in self.boundaries]
        shown = ", ".join(names[:3]) + (f" … (+{len(names) - 3})" if len(names) > 3 else "")
        return shown + (f" + {self.households.name}" if self.households else "")

    def fingerprint(self) -> str:
        """Paths, sizes and modification times: changes when a file is replaced."""
        parts = [*self.boundaries, *(p for p in (self.households, self.config) if p)]
        try:
            stats = [f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in parts]
        except OSError as exc:
            raise GeoInputError("err.file_unreadable", source=str(exc.filename),
                                detail=str(exc.strerror)) from None
        return "|".join(stats + [self.layer or ""])


def _existing(variable: str, value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_file():
        raise GeoInputError("err.env_not_a_file", source=variable, variable=variable,
                            value=repr(value))
    return path


def sources_from_environment(environ: Mapping[str, str] | None = None) -> EnvironmentSources | None:
    """The files named by ``PPM_BOUNDARIES`` / ``PPM_HOUSEHOLDS`` / ``PPM_CONFIG`` / ``PPM_LAYER``.

    Returns None when ``PPM_BOUNDARIES`` is unset or empty (the app then opens on the demo).

    Raises
    ------
    GeoInputError
        A named file does not exist, or a pattern matches nothing; the message names the
        variable.
    """
    environ = os.environ if environ is None else environ
    raw = (environ.get(ENVIRONMENT["boundaries"]) or "").strip()
    if not raw:
        return None
    boundaries: list[Path] = []
    for item in (part.strip() for part in raw.split(os.pathsep)):
        if not item:
            continue
        if glob.has_magic(item):
            matched = sorted(glob.glob(os.path.expanduser(item)))
            if not matched:
                raise GeoInputError("err.env_no_match", source="PPM_BOUNDARIES",
                                    pattern=repr(item))
            boundaries += [_existing("PPM_BOUNDARIES", m) for m in matched]
        else:
            boundaries.append(_existing("PPM_BOUNDARIES", item))
    if not boundaries:
        return None
    households = (environ.get(ENVIRONMENT["households"]) or "").strip()
    config = (environ.get(ENVIRONMENT["config"]) or "").strip()
    layer = (environ.get(ENVIRONMENT["layer"]) or "").strip()
    return EnvironmentSources(
        boundaries=tuple(dict.fromkeys(boundaries)),
        households=_existing("PPM_HOUSEHOLDS", households) if households else None,
        config=_existing("PPM_CONFIG", config) if config else None,
        layer=layer or None,
    )
