"""Publish the outputs of a run as OGC API – Features (pygeoapi), read-only and aggregates only.

:func:`find_layers` reads the aggregate layers of a ``rank`` or ``export`` folder
(``<layer>.geojson`` or the layers of ``poverty_map.gpkg``) and refuses any layer with a
personal column; :func:`write_config` writes a pygeoapi configuration and its OpenAPI document
into a working folder; :func:`make_app` returns the WSGI application, wrapped so that only
``GET``/``HEAD`` of the OGC API paths reach pygeoapi and any other path, method or failure
answers 4xx (never 5xx, never a file from disk), always JSON (pygeoapi's HTML loads CDN assets);
:func:`serve` runs it with waitress.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import pyogrio
import yaml

from geo.common.errors import GeoInputError
from geo.export.layers import is_personal_column

PUBLISHED_LAYERS = ("villages", "focus_list", "pockets", "pocket_areas", "convergence")
GEOPACKAGE_NAME = "poverty_map.gpkg"
_ID_FIELDS = ("village_code", "pocket_id")
_TITLES = {
    "villages": "Villages: indicators, score and rank",
    "focus_list": "Focus list: the villages chosen for action",
    "pockets": "Villages in a poverty pocket",
    "pocket_areas": "Poverty pocket areas",
    "convergence": "Programme convergence by village",
}
# paths pygeoapi answers for a read-only Features service; anything else is 404 here
_ALLOWED = re.compile(
    r"^/(|conformance/?|openapi/?|collections/?|"
    r"collections/[a-z_]{1,40}(/|/queryables/?|/schema/?|/items/?|/items/[A-Za-z0-9_.\-]{1,80}/?)?|"
    r"static/[A-Za-z0-9_.\-/]{1,200})$"
)


@dataclass(frozen=True)
class PublishedLayer:
    """One collection: its name, the features, and the id field (``village_code`` or ``pocket_id``)."""

    name: str
    frame: gpd.GeoDataFrame
    id_field: str
    source: str

    def to_dict(self) -> dict:
        return {"name": self.name, "features": int(len(self.frame)), "id_field": self.id_field,
                "source": self.source}


@dataclass(frozen=True)
class Publication:
    """What :func:`find_layers` found: the layers published and those skipped, with a reason."""

    layers: tuple[PublishedLayer, ...]
    skipped: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"layers": [layer.to_dict() for layer in self.layers], "skipped": dict(self.skipped)}


def _read(out_dir: Path, name: str) -> tuple[gpd.GeoDataFrame, str] | None:
    path = out_dir / f"{name}.geojson"
    if path.is_file():
        return pyogrio.read_dataframe(path), path.name
    gpkg = out_dir / GEOPACKAGE_NAME
    if gpkg.is_file() and name in {row[0] for row in pyogrio.list_layers(gpkg)}:
        return pyogrio.read_dataframe(gpkg, layer=name), f"{GEOPACKAGE_NAME}:{name}"
    return None


def find_layers(out_dir) -> Publication:
    """The aggregate layers of ``out_dir``; a layer with a personal column is skipped, not served.

    Raises
    ------
    GeoInputError
        ``err.publish_empty`` when the folder has none of the layers.
    """
    out_dir = Path(out_dir)
    layers, skipped = [], {}
    for name in PUBLISHED_LAYERS:
        found = _read(out_dir, name) if out_dir.is_dir() else None
        if found is None:
            continue
        frame, source = found
        personal = [c for c in frame.columns
                    if c != "geometry" and is_personal_column(c, frame[c])]
        if personal:
            skipped[name] = "personal columns"
            continue
        id_field = next((c for c in _ID_FIELDS if c in frame.columns), None)
        if id_field is None or frame[id_field].isna().any() or frame[id_field].duplicated().any():
            skipped[name] = "no unique id"
            continue
        if frame.crs is not None and frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        layers.append(PublishedLayer(name, frame, id_field, source))
    if not layers:
        raise GeoInputError("err.publish_empty", source=out_dir.name or str(out_dir))
    return Publication(tuple(layers), skipped)


def _bbox(frame: gpd.GeoDataFrame) -> list[float]:
    if frame.empty:
        return [-180.0, -90.0, 180.0, 90.0]
    return [float(v) for v in frame.total_bounds]


def write_config(publication: Publication, work_dir, *, host: str = "127.0.0.1", port: int = 5000,
                 title: str = "Poverty-pocket map", contact: str = "", licence: str = "") -> Path:
    """Write ``pygeoapi.yml``, ``openapi.yml`` and one GeoJSON per layer into ``work_dir``.

    The GeoJSON files carry the layer's id field as the feature id. Returns the config path.
    """
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    resources = {}
    for layer in publication.layers:
        data = work / f"{layer.name}.geojson"
        collection = json.loads(layer.frame.to_json(na="null", drop_id=True))
        for feature in collection["features"]:
            feature["id"] = str(feature["properties"][layer.id_field])
        data.write_text(json.dumps(collection, ensure_ascii=False), encoding="utf-8")
        resources[layer.name] = {
            "type": "collection",
            "title": _TITLES[layer.name],
            "description": f"{_TITLES[layer.name]} ({layer.source}); aggregates only.",
            "keywords": ["poverty", "village", "P3KE"],
            "extents": {"spatial": {"bbox": _bbox(layer.frame),
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "GeoJSON", "data": str(data),
                           "id_field": layer.id_field}],
        }
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    config = {
        "server": {
            "bind": {"host": host, "port": port},
            "url": f"http://{shown_host}:{port}",
            "mimetype": "application/json; charset=UTF-8",
            "encoding": "utf-8",
            "languages": ["en-US"],
            "cors": False,
            "pretty_print": False,
            "limits": {"default_items": 1000, "max_items": 100000},
            "map": {"url": "", "attribution": ""},
        },
        "logging": {"level": "ERROR"},
        "metadata": {
            "identification": {
                "title": title, "description": "Village poverty ranking and pockets, aggregates only",
                "keywords": ["poverty", "village"], "keywords_type": "theme",
                "terms_of_service": licence or "", "url": f"http://{shown_host}:{port}",
            },
            "license": {"name": licence or "see the data provider", "url": ""},
            "provider": {"name": contact or "", "url": ""},
            "contact": {"name": contact or "", "position": "", "address": "", "city": "",
                        "stateorprovince": "", "postalcode": "", "country": "Indonesia",
                        "phone": "", "fax": "", "email": "", "url": "", "hours": "",
                        "instructions": "", "role": "pointOfContact"},
        },
        "resources": resources,
    }
    cfg = work / "pygeoapi.yml"
    cfg.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    from pygeoapi.openapi import generate_openapi_document

    (work / "openapi.yml").write_text(generate_openapi_document(cfg, "yaml"), encoding="utf-8")
    return cfg


def _refuse(start_response, status: str):
    body = json.dumps({"code": status.split(" ", 1)[0], "description": status}).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def _json_only(environ) -> None:
    """Ask pygeoapi for JSON, never its HTML pages (they load Bootstrap and Leaflet from CDNs)."""
    from urllib.parse import parse_qsl, urlencode

    query = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    if any(k == "f" and v.lower() == "html" for k, v in query):
        environ["QUERY_STRING"] = urlencode([(k, "json" if k == "f" else v) for k, v in query])
    if "html" in environ.get("HTTP_ACCEPT", "").lower():
        environ["HTTP_ACCEPT"] = "application/json"


def guarded(app):
    """Wrap a WSGI app: read-only methods and the OGC API paths only; failures become 4xx."""

    def guard(environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _refuse(start_response, "405 Method Not Allowed")
        path = environ.get("PATH_INFO", "") or "/"
        if not _ALLOWED.match(path) or ".." in path or "//" in path:
            return _refuse(start_response, "404 Not Found")
        _json_only(environ)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return lambda data: None

        try:
            body = b"".join(app(environ, capture))
        except Exception:  # noqa: BLE001 - pygeoapi failing on an odd query is the client's 400
            return _refuse(start_response, "400 Bad Request")
        status = captured.get("status", "500")
        if status.startswith("5"):
            return _refuse(start_response, "400 Bad Request")
        headers = [(k, v) for k, v in captured.get("headers", []) if k.lower() != "content-length"]
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    return guard


def make_app(config_path):
    """The guarded pygeoapi Flask app for the config written by :func:`write_config`.

    pygeoapi reads its configuration when its Flask module is first imported (environment
    variables ``PYGEOAPI_CONFIG`` and ``PYGEOAPI_OPENAPI``), so one process serves one config.
    """
    config_path = Path(config_path)
    os.environ["PYGEOAPI_CONFIG"] = str(config_path)
    os.environ["PYGEOAPI_OPENAPI"] = str(config_path.with_name("openapi.yml"))
    from pygeoapi.flask_app import APP

    return guarded(APP.wsgi_app)


def serve(out_dir, *, port: int, host: str = "127.0.0.1", work_dir, contact: str = "",
          licence: str = "", ready=None) -> None:
    """Serve ``out_dir`` until interrupted (waitress, in this process, no outbound call)."""
    import waitress

    publication = find_layers(out_dir)
    cfg = write_config(publication, work_dir, host=host, port=port, contact=contact, licence=licence)
    app = make_app(cfg)
    if ready is not None:
        ready(publication)
    waitress.serve(app, host=host, port=port, threads=4, ident="ppm-publish", _quiet=True)
