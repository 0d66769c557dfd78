"""Serve Leaflet, the map renderer and the map data from the app itself (no outside network).

Town-hall networks are often offline or filtered, and one script that fails to load kills the
whole map. Leaflet's JS, CSS and images ship in the ``xstatic-leaflet`` package; at start-up
they are copied into ``./static/leaflet/`` with our renderer (``assets/village_map.js``), which
Streamlit serves at ``/app/static/leaflet/`` (``server.enableStaticServing`` in
``.streamlit/config.toml``). The data of each map is written once into ``./static/maps/``
(:func:`publish_map_data`) and fetched by the browser once per map, not sent again with every
script run.

The map itself runs inside the app's component iframe at
``<base>/component/<component name>/index.html`` (laid out by :mod:`ui.map_widget` from :func:`component_page` and ``ui/components/village_map/main.js``); the URLs
are therefore relative to that page (``../../app/static/...``), which also works behind a
``server.baseUrlPath``.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import shutil
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
LEAFLET_SUBDIR = "leaflet"
MAPS_SUBDIR = "maps"
ASSET_BASE_URL = "../../app/static/" + LEAFLET_SUBDIR
LEAFLET_JS_URL = f"{ASSET_BASE_URL}/leaflet.js"
LEAFLET_CSS_URL = f"{ASSET_BASE_URL}/leaflet.css"
VILLAGE_MAP_JS_URL = f"{ASSET_BASE_URL}/village_map.js"
MAPS_BASE_URL = "../../app/static/" + MAPS_SUBDIR
KEEP_MAPS = 40  # map data files kept in static/maps (the oldest go first)
STYLES_SUBDIR = "styles"  # a map's colours on their own (webmap.LayerStyles): small, many
KEEP_STYLES = 400
DETAIL_SUBDIR = "detail"  # finer shapes for close zoom, one folder per layer (presentation.detail)
DETAIL_BASE_URL = "../../app/static/" + DETAIL_SUBDIR
KEEP_DETAIL = 8  # layers whose detail tiles stay (the oldest go first)
DETAIL_COMPLETE = "complete"  # written last in a detail folder: every tile is there
ABANDONED_S = 3600  # a detail folder left unfinished this long is a writer that died
_FILES = ("leaflet.js", "leaflet.css")
_RENDERER = Path(__file__).resolve().parent / "assets" / "village_map.js"


def leaflet_source_dir() -> Path:
    """Folder of the Leaflet distribution inside the installed ``xstatic-leaflet`` package."""
    try:
        import xstatic.pkg.leaflet as xleaflet
    except ImportError as exc:  # a deployment problem, not a user one
        raise RuntimeError(
            "the maps need Leaflet from the 'xstatic-leaflet' package: pip install xstatic-leaflet"
        ) from exc
    return Path(xleaflet.BASE_DIR)


def ensure_leaflet_assets(static_dir: Path | str = STATIC_DIR) -> Path:
    """Copy Leaflet's JS, CSS and images into ``static_dir/leaflet`` unless already current.

    Parameters
    ----------
    static_dir
        The folder Streamlit serves at ``/app/static`` (``./static`` beside ``app.py``).

    Returns
    -------
    Path
        The ``leaflet`` folder holding ``leaflet.js``, ``leaflet.css`` and ``images/``.
    """
    source = leaflet_source_dir()
    target = Path(static_dir) / LEAFLET_SUBDIR
    (target / "images").mkdir(parents=True, exist_ok=True)
    pairs = [(source / name, target / name) for name in _FILES] + [(_RENDERER, target / _RENDERER.name)]
    pairs += [(image, target / "images" / image.name) for image in (source / "images").glob("*.png")]
    for src, dst in pairs:
        if not dst.exists() or dst.read_bytes() != src.read_bytes():
            shutil.copyfile(src, dst)
    return target


def publish_map_data(text: str, static_dir: Path | str = STATIC_DIR, *,
                     keep: int = KEEP_MAPS, subdir: str = MAPS_SUBDIR) -> str:
    """Write a map's JSON into ``static_dir/maps`` (if not there yet) and return its URL.

    The file is named by a hash of its content, so one map is one file whatever the session,
    a URL cannot be guessed without the data, and a changed map is a new URL (no stale copy
    in a browser cache). A gzip twin (``<hash>.json.gz``) is written once beside it: the
    widget fetches that and unpacks it in the browser (``DecompressionStream``), so the
    server neither sends the full size nor compresses the same megabytes again for every
    visitor (Streamlit's gzip middleware leaves ``application/gzip`` alone). Only the
    ``keep`` most recently written maps stay.

    Parameters
    ----------
    text
        The map as JSON (:meth:`geo.presentation.webmap.VillageMap.to_json`).
    static_dir
        The folder Streamlit serves at ``/app/static``.
    subdir
        The folder below it: ``maps`` for map data, :data:`STYLES_SUBDIR` for the many small
        colourings (kept apart so that they never push a map's shapes out).

    Returns
    -------
    str
        The URL relative to the map widget's page (``../../app/static/maps/<hash>.json``).
    """
    data = text.encode("utf-8")
    name = hashlib.sha256(data).hexdigest()[:32] + ".json"
    folder = Path(static_dir) / subdir
    path, packed = folder / name, folder / (name + ".gz")
    if not (path.exists() and packed.exists()):
        folder.mkdir(parents=True, exist_ok=True)
        # the compressed twin first: whoever sees the .json finds the .json.gz beside it
        _write(packed, gzip.compress(data, compresslevel=6, mtime=0))
        _write(path, data)
        _prune(folder, keep, path)
    return f"../../app/static/{subdir}/{name}"


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)  # never a half-written file at the URL


def _prune(folder: Path, keep: int, newest: Path) -> None:
    def written(path: Path) -> float:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # pruned by another session meanwhile
            return 0.0

    files = sorted(folder.glob("*.json"), key=written, reverse=True)
    for old in files[keep:]:
        if old != newest:
            old.unlink(missing_ok=True)
            old.with_name(old.name + ".gz").unlink(missing_ok=True)


def publish_detail(name: str, tiles, static_dir: Path | str = STATIC_DIR, *,
                   keep: int = KEEP_DETAIL) -> Path:
    """Write a layer's detail tiles (``(key, JSON text)`` pairs,
    :func:`geo.presentation.detail.detail_tiles`) into ``static_dir/detail/<name>/``, each
    as ``<key>.json`` with its gzip twin, unless that folder is complete already.

    The map asks for a tile only once it is zoomed in; a tile not written yet is asked for
    again a little later, so the tiles are written after the map is sent, never before it.
    Each file is written whole, and the folder is marked complete last. Only the ``keep``
    most recently completed folders stay (and none left unfinished for an hour).
    """
    root = Path(static_dir) / DETAIL_SUBDIR
    folder = root / name
    marker = folder / DETAIL_COMPLETE
    if marker.exists():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for key, text in tiles:
        data = text.encode("utf-8")
        _write(folder / f"{key}.json.gz", gzip.compress(data, compresslevel=6, mtime=0))
        _write(folder / f"{key}.json", data)
    _write(marker, b"")
    _prune_detail(root, keep, folder)
    return folder


def _prune_detail(root: Path, keep: int, newest: Path) -> None:
    import time

    def mtime(path: Path) -> float | None:
        try:
            return path.stat().st_mtime
        except FileNotFoundError:  # removed by another session meanwhile
            return None

    done, stale = [], []
    for folder in root.iterdir():
        if not folder.is_dir() or folder == newest:
            continue
        completed = mtime(folder / DETAIL_COMPLETE)
        if completed is not None:
            done.append((completed, folder))
        elif time.time() - (mtime(folder) or time.time()) > ABANDONED_S:
            stale.append(folder)
    done.sort(key=lambda pair: pair[0], reverse=True)
    stale += [folder for _, folder in done[max(keep - 1, 0):]]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)


def component_page() -> str:
    """The map component's ``index.html``: the local Leaflet, the renderer and ``main.js``.

    Made from the asset URLs above (one source for them) and written by the app at start-up
    next to the component's script (:mod:`ui.map_widget`); nothing from another host.
    """
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<link rel="stylesheet" href="{LEAFLET_CSS_URL}">
<script src="{LEAFLET_JS_URL}"></script>
<script src="{VILLAGE_MAP_JS_URL}"></script>
<style>
  html, body {{ margin: 0; padding: 0; }}
  #map {{ width: 100%; height: 500px; }}
  path.leaflet-interactive:focus {{ outline: none; }}
</style>
</head>
<body>
<div id="map"></div>
<script src="main.js"></script>
</body>
</html>
"""
