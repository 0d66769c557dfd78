"""Many people at once: N concurrent browser sessions on the app, each opening the map and
changing a weight.

Run: ``python benchmarks/bench_load.py --sessions 20`` (Jawa Timur: the 38 dumps of
``../shared/data/wilayah_boundaries/kel``), or small: ``--demo --sessions 2`` (the built-in
demo, as ``tests/benchmarks`` does).

1. Starts ``streamlit run app.py`` (``PPM_BOUNDARIES`` = the dumps; nothing for the demo) and
   warms it with one session (the analysis is made once per server).
2. Opens N browser contexts (separate sessions, one headless Chromium, asyncio) at once; each
   opens ``/Peta`` until the map is painted, then ``/Prioritas``, moves the first weight slider
   by its own number of steps (session i: i % 5 + 1 steps left) and waits for the rerun.
3. Samples the server's memory (RSS of the process and its children, psutil) every 0.2 s.
4. Checks nothing was lost (every session finished both steps, no exception box on screen)
   and that sessions did not see each other: each session's slider still shows its own value
   after all have moved theirs.

Prints and writes ``benchmarks/results/bench_load.json`` (or ``--results DIR``): sessions,
peak and idle memory, p50/p95 of map paint and of the weight change, failures, what broke.
Exit status 0 when every session finished and kept its own value.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_app import MAP_FRAME, _PAINTED_JS  # noqa: E402
from bench_map import CHROMIUM, CHROMIUM_ARGS, DEFAULT_DIR  # noqa: E402
from ui.launch import start_app  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SLIDER = "[data-testid='stSlider'] input[type='range']"


class MemorySampler(threading.Thread):
    """Peak RSS (MB) of a process and its children while running."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.process = psutil.Process(pid)
        self.samples: list[float] = []
        self.stop = threading.Event()

    def rss_mb(self) -> float:
        try:
            procs = [self.process, *self.process.children(recursive=True)]
            return sum(p.memory_info().rss for p in procs) / 1e6
        except psutil.Error:
            return 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            self.samples.append(self.rss_mb())
            self.stop.wait(0.2)


async def _idle(page, timeout_ms: float) -> None:
    """Wait until the script run ends (Streamlit's status widget gone)."""
    await page.wait_for_timeout(300)
    await page.wait_for_selector("[data-testid='stStatusWidget']", state="detached", timeout=timeout_ms)


async def _map_frame(page, timeout_s: float):
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if MAP_FRAME in (frame.url or "") or frame.name == MAP_FRAME:
                return frame
        await page.wait_for_timeout(50)
    raise TimeoutError("the map iframe did not appear")


async def session(browser, url: str, index: int, timeout_s: float, moved: asyncio.Event,
                  ready: list) -> dict:
    out = {"session": index, "ok": False}
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/Peta", wait_until="commit")
        frame = await _map_frame(page, timeout_s)
        await frame.wait_for_function(_PAINTED_JS, timeout=timeout_s * 1000, polling=100)
        out["map_s"] = time.perf_counter() - start
        await page.goto(f"{url}/Prioritas", wait_until="commit")
        slider = page.locator(SLIDER).first
        await slider.wait_for(timeout=timeout_s * 1000)
        await _idle(page, timeout_s * 1000)
        before = float(await slider.get_attribute("aria-valuenow") or await slider.input_value())
        steps = index % 5 + 1
        start = time.perf_counter()
        await slider.focus()
        for _ in range(steps):
            await page.keyboard.press("ArrowLeft")
        await _idle(page, timeout_s * 1000)
        out["weight_s"] = time.perf_counter() - start
        out["own_value"] = round(max(before - 0.05 * steps, 0.0), 2)
        ready.append(index)
        await moved.wait()  # every session has moved its slider: is ours still ours?
        await page.wait_for_timeout(500)
        shown = float(await slider.input_value())
        out["kept_own_value"] = abs(shown - out["own_value"]) < 1e-6
        out["exceptions"] = await page.locator("[data-testid='stException']").count()
        out["ok"] = out["exceptions"] == 0
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        ready.append(index)
    finally:
        await context.close()
    return out


async def run_sessions(url: str, n: int, timeout_s: float) -> list[dict]:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        warm = await session(browser, url, 0, timeout_s, _set_event(), [])  # the analysis, once
        if not warm["ok"]:
            await browser.close()
            return [dict(warm, warm_up=True)]
        moved, ready = asyncio.Event(), []

        async def release():
            while len(ready) < n:
                await asyncio.sleep(0.2)
            moved.set()

        results = await asyncio.gather(*(session(browser, url, i, timeout_s, moved, ready)
                                         for i in range(n)), release())
        await browser.close()
    return list(results[:n])


def _set_event() -> asyncio.Event:
    event = asyncio.Event()
    event.set()
    return event


def pct(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--demo", action="store_true", help="the built-in demo instead of Jawa Timur")
    parser.add_argument("--kel-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step")
    parser.add_argument("--results", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    env: dict = {}
    if not args.demo:
        paths = sorted(args.kel_dir.glob("wilayah_boundaries_kel_35.*.sql"))
        if not paths:
            print(f"no Jawa Timur dumps in {args.kel_dir}", file=sys.stderr)
            return 2
        env["PPM_BOUNDARIES"] = os.pathsep.join(str(p) for p in paths)
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        env["POVERTY_MAP_WORKSPACE"] = str(Path(folder) / "workspace")
        server, url = start_app(env, Path(folder) / "streamlit.log")
        sampler = MemorySampler(server.pid)
        idle_mb = sampler.rss_mb()
        sampler.start()
        started = time.perf_counter()
        try:
            results = asyncio.run(run_sessions(url, args.sessions, args.timeout))
        finally:
            sampler.stop.set()
            sampler.join()
            server.terminate()
            server.wait(timeout=30)
    ok = [r for r in results if r.get("ok")]
    maps = [r["map_s"] for r in results if "map_s" in r]
    weights = [r["weight_s"] for r in results if "weight_s" in r]
    broke = sorted({r["error"].split(":")[0] for r in results if "error" in r})
    figures = {
        "layer": "demo" if args.demo else "jawa_timur", "sessions": args.sessions,
        "finished": len(ok), "kept_own_value": sum(bool(r.get("kept_own_value")) for r in results),
        "server_mb_start": round(idle_mb, 1),
        "server_mb_peak": round(max(sampler.samples, default=idle_mb), 1),
        "map_p50_s": pct(maps, 50), "map_p95_s": pct(maps, 95),
        "weight_p50_s": pct(weights, 50), "weight_p95_s": pct(weights, 95),
        "wall_s": round(time.perf_counter() - started, 1), "errors": broke,
        "sessions_detail": results,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for key in ("layer", "sessions", "finished", "kept_own_value", "server_mb_start", "server_mb_peak",
                "map_p50_s", "map_p95_s", "weight_p50_s", "weight_p95_s", "wall_s", "errors"):
        print(f"{key:<18} {figures[key]}")
    return 0 if len(ok) == args.sessions and figures["kept_own_value"] == args.sessions else 1


if __name__ == "__main__":
    raise SystemExit(main())
