"""Exposure (issue 18): the app listens on this computer only, sends no usage statistics, and no
page or UI helper puts a server path on screen. The server is started the way the README starts
it (``ui.launch.start_app``: ``python -m streamlit run app.py`` with the project's config)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from ui.launch import ROOT, start_app

CONFIG = ROOT / ".streamlit" / "config.toml"


def test_the_config_binds_to_localhost_and_gathers_no_statistics():
    config = tomllib.loads(CONFIG.read_text(encoding="utf-8"))
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "python -m streamlit run app.py" in readme
    assert "--server.address 0.0.0.0" in readme and "PPM_AUTH=1" in readme
    assert "/_stcore/metrics" in readme  # no setting turns it off: the README says how to hide it


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) of the sockets listening on ``port``."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        path = Path(table)
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            address, state = fields[1], fields[3]
            host, _, hex_port = address.rpartition(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                found.append(host)
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}  # 127.0.0.1, ::1


def test_the_server_listens_on_loopback_only(tmp_path):
    server, url = start_app({"POVERTY_MAP_WORKSPACE": str(tmp_path / "ws")}, tmp_path / "log")
    try:
        port = int(url.rsplit(":", 1)[1])
        hosts = _listening(port)
        assert hosts, "the server's socket was not found in /proc/net/tcp"
        assert set(hosts) <= LOOPBACK, hosts
    finally:
        server.terminate()
        server.wait(timeout=30)


SHOWN = re.compile(r"st\.(?:success|error|info|warning|caption|markdown|write|text|code|toast)\((.*)")
PATHISH = re.compile(r"workspace_dir\(\)|\.resolve\(\)|tempfile|str\((?:path|folder|out_dir|exc)\)"
                     r"|db_path|\bfolder\b")


def test_no_page_shows_a_server_path():
    offending = []
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/**/*.py"), ROOT / "app.py"]):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            shown = SHOWN.search(line)
            if shown and PATHISH.search(shown.group(1)):
                offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offending == []
