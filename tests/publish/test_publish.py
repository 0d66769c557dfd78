"""The OGC API – Features publisher: GDAL's OAPIF client (as QGIS uses) reads every collection
with the same features as the files; odd paths and queries answer 4xx."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pandas as pd
import pyogrio
import pytest

from geo.common.errors import GeoInputError
from geo.publish import find_layers

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("villages", "focus_list", "pockets", "pocket_areas")


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp("publish")
    py = [sys.executable, "-m", "geo"]
    subprocess.run([*py, "demo", "--out", str(out / "demo")], check=True, cwd=ROOT, capture_output=True)
    subprocess.run([*py, "rank", "--boundaries", str(out / "demo" / "demo_villages.geojson"),
                    "--households", str(out / "demo" / "demo_households.csv"),
                    "--out", str(out / "run")], check=True, cwd=ROOT, capture_output=True)
    return out / "run"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(run_dir):
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "geo", "publish", str(run_dir), "--port", str(port)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/?f=json", timeout=2).read()
            break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(proc.stdout.read())
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("publisher did not start")
    yield url
    proc.terminate()
    proc.wait(timeout=10)


def _status(url: str) -> int:
    try:
        return urllib.request.urlopen(url, timeout=10).status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_landing_page_answers(server):
    assert _status(server + "/") == 200
    assert _status(server + "/collections?f=json") == 200


@pytest.mark.parametrize("name", LAYERS)
def test_oapif_reads_same_features_as_the_file(server, run_dir, name):
    served = pyogrio.read_dataframe(f"OAPIF:{server}/collections/{name}")
    local = pyogrio.read_dataframe(run_dir / f"{name}.geojson")
    key = "village_code" if "village_code" in local.columns else "pocket_id"
    assert key in served.columns
    assert sorted(served[key].astype(str)) == sorted(local[key].astype(str))
    if "score" in local.columns:
        merged = local[[key, "score"]].merge(served[[key, "score"]], on=key, suffixes=("_f", "_s"))
        pd.testing.assert_series_equal(merged["score_f"], merged["score_s"], check_names=False,
                                       check_dtype=False)
    assert served.geometry.notna().sum() == local.geometry.notna().sum()


@pytest.mark.parametrize("path", [
    "/../../etc/passwd", "/static/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
    "/collections/nope", "/collections/villages/items/nope", "/collections/../pyproject.toml",
    "/collections/villages/items?limit=abc", "/collections/villages/items?bbox=1,2",
    "/collections/villages/items?sortby=nope", "/collections/villages/items?f=nope",
    "/collections/villages/items?offset=-5", "/openapi/../../etc/passwd", "/admin/config",
    "/collections/villages/items?bbox=a,b,c,d",
])
def test_odd_paths_and_queries_answer_4xx(server, path):
    # urllib would normalise "..": send the raw path
    host, port = server.rsplit(":", 1)
    with socket.create_connection(("127.0.0.1", int(port)), timeout=10) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500, (path, status)
    assert b"root:" not in reply and b"[project]" not in reply


def test_browsers_get_json_not_html_with_cdn_links(server):
    for url in (server + "/", server + "/collections/villages/items?f=html"):
        req = urllib.request.Request(url, headers={"Accept": "text/html,application/xhtml+xml"})
        with urllib.request.urlopen(req, timeout=10) as answer:
            body = answer.read()
            assert "json" in answer.headers["Content-Type"]
        assert b"unpkg.com" not in body and b"<html" not in body.lower()


def test_writes_are_refused(server):
    req = urllib.request.Request(server + "/collections/villages/items", data=b"{}", method="POST")
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(req, timeout=10)
    assert err.value.code == 405


def test_personal_layer_is_skipped(tmp_path, run_dir):
    frame = pyogrio.read_dataframe(run_dir / "villages.geojson")
    pyogrio.write_dataframe(frame, tmp_path / "villages.geojson", driver="GeoJSON")
    frame = frame.assign(nik="3501010101010001")
    pyogrio.write_dataframe(frame, tmp_path / "focus_list.geojson", driver="GeoJSON")
    found = find_layers(tmp_path)
    assert [layer.name for layer in found.layers] == ["villages"]
    assert "focus_list" in found.skipped


def test_empty_folder_is_an_input_error(tmp_path):
    with pytest.raises(GeoInputError) as err:
        find_layers(tmp_path)
    assert err.value.code == "err.publish_empty"
