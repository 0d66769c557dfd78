"""The Streamlit server makes no outbound connection at start-up with the project's config.

Headless Streamlit prints an "External URL" at start-up, found by an HTTP request to
checkip.amazonaws.com, and a "Network URL", found by a UDP connect towards 8.8.8.8
(``streamlit/web/bootstrap.py``, ``_print_url``). ``.streamlit/config.toml`` sets
``browser.serverAddress`` so that neither lookup runs. The server is started the way a
deployment starts it (``ui.launch.start_app``), in a child process whose ``socket.connect`` is
wrapped, and ``socket.getaddrinfo`` too: every attempt to reach a non-loopback address or to look
up a host name is written down and refused. The same
server started without that setting (in a folder with the rest of the project's config) is the
control: it does attempt them, so the wrapper would see them.
"""

from __future__ import annotations

import sys
import time
import tomllib
from pathlib import Path

import pytest

from ui.launch import ROOT, start_app

# sys.argv is ["-c", "-m", "streamlit", "run", ...]: run Streamlit's CLI with the rest
RECORDING_PYTHON = r"""
import ipaddress, os, socket, sys
record = os.environ["PPM_CONNECT_RECORD"]
def _outside(address):
    host = address[0] if isinstance(address, tuple) else None
    if host is None:
        return False  # a unix socket
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host != "localhost"  # a host name still to resolve
def _wrap(original):
    def connect(self, address):
        if _outside(address):
            with open(record, "a") as out:
                out.write(f"{address!r}\n")
            raise OSError("outbound connection refused by the test")
        return original(self, address)
    return connect
_getaddrinfo = socket.getaddrinfo
def getaddrinfo(host, *args, **kwargs):
    name = host.decode() if isinstance(host, bytes) else host
    if name not in (None, "", "localhost"):
        try:
            ipaddress.ip_address(name)  # a literal address needs no look-up
        except ValueError:
            with open(record, "a") as out:
                out.write(f"{name}\n")
            raise socket.gaierror(socket.EAI_NONAME, "name look-up refused by the test")
    return _getaddrinfo(host, *args, **kwargs)
socket.getaddrinfo = getaddrinfo
socket.socket.connect = _wrap(socket.socket.connect)
socket.socket.connect_ex = _wrap(socket.socket.connect_ex)
sys.argv = ["streamlit", *sys.argv[3:]]
from streamlit.web.cli import main
main()
"""


def _attempts(tmp_path: Path, cwd: Path, script: str) -> list[str]:
    record = tmp_path / "connections.txt"
    record.touch()
    log = tmp_path / "streamlit.log"
    server, _ = start_app({"PPM_CONNECT_RECORD": str(record)}, log, script=script, cwd=cwd,
                          python=[sys.executable, "-c", RECORDING_PYTHON])
    try:
        for _ in range(100):  # the banner is printed after the server answers its health check
            if "URL:" in log.read_text():
                break
            time.sleep(0.1)
        assert "URL:" in log.read_text(), log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=30)
    return record.read_text().splitlines()


def test_no_outbound_connection_at_start_up(tmp_path):
    assert _attempts(tmp_path, ROOT, "app.py") == []


def test_without_the_server_address_streamlit_would_reach_out(tmp_path):
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["serverAddress"] == "localhost"
    folder = tmp_path / "app"
    (folder / ".streamlit").mkdir(parents=True)
    text = (ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8")
    (folder / ".streamlit" / "config.toml").write_text(
        text.replace('serverAddress = "localhost"', "").replace('address = "127.0.0.1"', ""),
        encoding="utf-8")  # bound to 127.0.0.1 (issue 18) Streamlit would not look up either
    (folder / "app.py").write_text("import streamlit as st\nst.write('x')\n", encoding="utf-8")
    attempts = _attempts(tmp_path, folder, "app.py")
    if not attempts:
        pytest.fail("the control server made no outbound attempt: the wrapper sees nothing")
    assert "('8.8.8.8', 1)" in attempts  # the network address
    assert "checkip.amazonaws.com" in attempts  # the external address
