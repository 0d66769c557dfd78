"""Start the app as a local server: ``streamlit run app.py`` on a free port, waiting for health.

One way to start the app, shared by the browser tests (``tests/app``) and the app benchmark
(``benchmarks/bench_app.py``). The server reads ``.streamlit/config.toml`` from the project
root, as a deployment does.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on the loopback interface that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_app(env_extra: dict, log_path: Path, *, script: str = "app.py",
              python: list[str] | None = None, cwd: Path = ROOT,
              wait_s: float = 120) -> tuple[subprocess.Popen, str]:
    """``streamlit run app.py`` on a free port with ``env_extra`` added to the environment.

    Parameters
    ----------
    env_extra
        Variables for the server (``PPM_BOUNDARIES``, ``POVERTY_MAP_WORKSPACE``, ...).
    log_path
        Where the server's output goes (read back in the error when it does not start).
    script
        The Streamlit script, relative to ``cwd``.
    python
        The interpreter command (default: this one); a test may wrap it.
    cwd
        The folder the server runs in; its ``.streamlit/config.toml`` applies (default: the
        project root).
    wait_s
        How long to wait for ``/_stcore/health`` before giving up.

    Returns
    -------
    (server, url)
        The running process (terminate it when done) and its ``http://localhost:PORT``.
    """
    port = free_port()
    env = {**os.environ, **env_extra}
    command = [*(python or [sys.executable]), "-m", "streamlit", "run", script,
               "--server.headless", "true", "--server.port", str(port)]
    with Path(log_path).open("w") as log:
        server = subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://localhost:{port}"
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return server, url
        except OSError:
            time.sleep(0.5)
    server.terminate()
    server.wait(timeout=10)
    raise RuntimeError(f"streamlit did not start: {Path(log_path).read_text()[-2000:]}")
