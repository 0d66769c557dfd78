"""Serve Leaflet from the app itself so that maps work without any outside network.

Town-hall networks are often offline or filtered, and one script that fails to load kills the
whole map. Leaflet's JS, CSS and images ship in the ``xstatic-leaflet`` package; at start-up
they are copied into ``./static/leaflet/``, which Streamlit serves at ``/app/static/leaflet/``
(``server.enableStaticServing`` in ``.streamlit/config.toml``).

The map itself runs inside streamlit-folium's component iframe at
``<base>/component/streamlit_folium.st_folium/index.html``; the asset URLs are therefore
relative to that page (``../../app/static/...``), which also works behind a
``server.baseUrlPath``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

STATIC_DIR = Path(__file__).resolve().parents[2] / "static"
LEAFLET_SUBDIR = "leaflet"
ASSET_BASE_URL = "../../app/static/" + LEAFLET_SUBDIR
LEAFLET_JS_URL = f"{ASSET_BASE_URL}/leaflet.js"
LEAFLET_CSS_URL = f"{ASSET_BASE_URL}/leaflet.css"
_FILES = ("leaflet.js", "leaflet.css")


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
    pairs = [(source / name, target / name) for name in _FILES]
    pairs += [(image, target / "images" / image.name) for image in (source / "images").glob("*.png")]
    for src, dst in pairs:
        if not dst.exists() or dst.stat().st_size != src.stat().st_size:
            shutil.copyfile(src, dst)
    return target
