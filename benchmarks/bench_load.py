"""Many people at once: N concurrent sessions on the app, each opening the map, clicking a
village and changing a weight; against one session alone, in the same run.

Run: ``python benchmarks/bench_load.py --sessions 12 --client office --rounds 3`` (Jawa Timur:
the 38 dumps of ``../shared/data/wilayah_boundaries/kel``, 200,000 synthetic households;
``--households 0``: boundaries only), or small: ``--demo --sessions 2`` (the built-in demo, as
``tests/benchmarks`` does).

1. Writes the synthetic households (seeded, ``geo.demo.households``; a temporary folder),
   starts ``streamlit run app.py`` (``PPM_BOUNDARIES`` / ``PPM_HOUSEHOLDS``; nothing for the
   demo) and opens one session at once in Chromium: the first visit after the server start
   (seconds to the progress bar or map, to the first polygons, to the coloured map).
2. One session alone (the baseline), then N sessions at once, ``--rounds`` times. They take
   each step together (:class:`Steps`): all open ``/Peta`` until the coloured map is painted;
   all click a village and wait for its profile heading (the click); all open ``/Prioritas``;
   all move the first weight slider by their own number of steps (session i: i % 5 + 3) and
   wait until the decision table shows other figures (the weight change to the reordered
   table), then until the script run ends. ``--client`` says who the sessions are:

   - ``browser``: every session a Chromium context on this machine. N browsers drawing 8,494
     villages then share the 2 cores with the server: the ratio measures the browsers as much
     as the server (in an office each person draws on their own computer).
   - ``websocket``: every session a websocket client (``ws_client.py``: Streamlit's own
     messages, the map's files fetched as the widget fetches them, nothing drawn): the server
     alone. Its map time ends when the browser would have all it needs to paint.
   - ``office``: session 0 is a Chromium context, the N - 1 others websocket clients: one
     person's first paint, measured in the browser, while the server serves N at once.
     The baseline is the same browser session alone; the ratio compares the two paints.
3. Samples the server's memory (RSS of the process and its children, psutil) every 0.2 s.
4. Checks nothing was lost (every session finished, no exception box) and that sessions did
   not see each other: after all have moved their weights, each still shows its own (the
   browser: the slider's value; a websocket client: a rerun with nothing sent gives the table
   its own weight gave).

Prints and writes ``benchmarks/results/bench_load.json`` (or ``--results DIR``): sessions,
peak and idle memory, p50/p95 of map, click and weight change for the N sessions and for the
single one, the map p50 of the N measured as the baseline was (``map_p50_s_as_single_measured``)
and its ratio to the single one (issue 19's target: 12 sessions within 3x), failures. Exit
status 0 when every session finished and kept its own value.
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

from bench_app import MAP_FRAME, _PAINTED_JS, _PROGRESS  # noqa: E402
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


async def _styled_frame(page, timeout_s: float):
    """The map frame once the villages carry their class colours (see bench_app.wait_styled)."""
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        for frame in page.frames:
            if MAP_FRAME in (frame.url or "") or frame.name == MAP_FRAME:
                try:
                    if await frame.evaluate("() => !!(window.villageMapStyled && window.villageMap)"):
                        return frame
                except Exception:  # noqa: BLE001 - a frame detached by a rerun
                    continue
        await page.wait_for_timeout(100)
    raise TimeoutError("the coloured map did not appear")


_TABLE_TEXT = """() => {
  const grid = document.querySelector("[data-testid='stDataFrame']");
  if (!grid) return {text: null};
  const cells = grid.querySelectorAll("[id^='glide-cell-']");
  const text = Array.from(cells).slice(0, 60).map(c => c.innerText).join("|");
  return text.replace(/\\|/g, "") ? {text: text} : false;
}"""


async def _table_text(page, timeout_s: float) -> str | None:
    """The top of the decision table as text once its cells are drawn (on a loaded machine
    the grid draws them after the script run has ended: read at once, the text was empty and
    the weight change then found no table to compare with); None when there is no table."""
    try:
        handle = await page.wait_for_function(_TABLE_TEXT, timeout=timeout_s * 1000, polling=50)
        return (await handle.json_value())["text"] or None
    except Exception:  # noqa: BLE001 - a grid that never shows its cells: no table figure
        return None


async def _table_changed(page, before: str | None, timeout_s: float) -> bool:
    try:
        await page.wait_for_function(
            "before => { const grid = document.querySelector(\"[data-testid='stDataFrame']\");"
            " if (!grid) return false; const cells = grid.querySelectorAll(\"[id^='glide-cell-']\");"
            " const now = Array.from(cells).slice(0, 60).map(c => c.innerText).join('|');"
            " return now && now !== before; }", arg=before, timeout=timeout_s * 1000, polling=50)
        return True
    except Exception:  # noqa: BLE001 - the figures did not change (then the run's end counts)
        return False


async def first_visit(browser, url: str, timeout_s: float) -> dict:
    """The server's first visitor on /Peta: progress bar or map, first polygons, coloured map."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    out = {}
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/Peta", wait_until="commit")
        await page.wait_for_selector(f"{_PROGRESS}, iframe[title='{MAP_FRAME}']",
                                     timeout=timeout_s * 1000)
        out["progress_or_map_s"] = round(time.perf_counter() - start, 2)
        frame = None
        while frame is None and time.perf_counter() - start < timeout_s:
            frame = next((f for f in page.frames if MAP_FRAME in (f.url or "")), None)
            await page.wait_for_timeout(50)
        await frame.wait_for_function(_PAINTED_JS, timeout=timeout_s * 1000, polling=100)
        out["first_polygons_s"] = round(time.perf_counter() - start, 2)
        frame = await _styled_frame(page, timeout_s)
        await frame.wait_for_function(_PAINTED_JS, timeout=timeout_s * 1000, polling=100)
        out["coloured_map_s"] = round(time.perf_counter() - start, 2)
        out["ok"] = True
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
    finally:
        await context.close()
    return out


class Steps:
    """The sessions take each step together: all open the map at once, then all click once
    every map is there, then all move a weight. Without this the quick sessions went on to
    their weight changes (a rescoring each) while a slower one was still opening its map,
    and its first paint measured the others' rescorings. A session that fails leaves."""

    def __init__(self, n: int):
        self.n = n
        self.arrived: dict[str, int] = {}
        self.changed = asyncio.Condition()

    async def done(self, step: str) -> None:
        async with self.changed:
            self.arrived[step] = self.arrived.get(step, 0) + 1
            self.changed.notify_all()
            await self.changed.wait_for(lambda: self.arrived[step] >= self.n)

    async def leave(self) -> None:
        async with self.changed:
            self.n -= 1
            self.changed.notify_all()


async def session(browser, url: str, index: int, timeout_s: float, together: Steps) -> dict:
    out = {"session": index, "ok": False}
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    page = await context.new_page()
    try:
        start = time.perf_counter()
        await page.goto(f"{url}/Peta", wait_until="commit")
        frame = await _styled_frame(page, timeout_s)
        await frame.wait_for_function(_PAINTED_JS, timeout=timeout_s * 1000, polling=100)
        out["map_s"] = time.perf_counter() - start
        await _idle(page, timeout_s * 1000)
        await together.done("map")
        # a click on the map (the middle of the view: some village) to its profile heading
        box = await page.locator(f"iframe[title='{MAP_FRAME}']").first.bounding_box()
        start = time.perf_counter()
        await page.mouse.click(box["x"] + box["width"] / 2 + 7 * (index % 5),
                               box["y"] + box["height"] / 2 + 5 * (index % 3))
        try:
            await page.locator("h4").first.wait_for(timeout=timeout_s * 1000)
            out["click_s"] = time.perf_counter() - start
        except Exception:  # noqa: BLE001 - the middle of the view was no village (the sea)
            out["click_s"] = None
        await together.done("click")
        await page.goto(f"{url}/Prioritas", wait_until="commit")
        slider = page.locator(SLIDER).first
        await slider.wait_for(timeout=timeout_s * 1000)
        await _idle(page, timeout_s * 1000)
        await together.done("priorities")
        before = float(await slider.get_attribute("aria-valuenow") or await slider.input_value())
        table = await _table_text(page, min(timeout_s, 30))
        steps = index % 5 + 3  # enough to reorder the top of the table (1 step sometimes did not)
        start = time.perf_counter()
        await slider.focus()
        for _ in range(steps):
            await page.keyboard.press("ArrowLeft")
        # no table (boundaries only: no focus list) or no change: the run's end counts alone
        changed = bool(table) and await _table_changed(page, table, min(timeout_s, 60))
        out["weight_table_s"] = time.perf_counter() - start if changed else None
        await _idle(page, timeout_s * 1000)
        out["weight_s"] = time.perf_counter() - start
        # the value this session settled on (on a busy machine a key press may be lost during
        # a rerun: the session's own value is the one it shows once idle, below where it began)
        settled = float(await slider.input_value())
        out["own_value"] = settled if settled < before else None
        await together.done("weight")  # every session has moved its slider: is ours still ours?
        await page.wait_for_timeout(500)
        shown = float(await slider.input_value())
        out["kept_own_value"] = out["own_value"] is not None and abs(shown - settled) < 1e-6
        out["exceptions"] = await page.locator("[data-testid='stException']").count()
        out["ok"] = out["exceptions"] == 0
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"
        await together.leave()
    finally:
        await context.close()
    return out


async def ws_session(url: str, index: int, timeout_s: float, together: Steps) -> dict:
    """What :func:`session` does, spoken over the websocket alone (``ws_client``): the map is
    ready when the page's map arguments have come and the widget has its data and colours
    (painting not included), the click is the map's click value sent to the server, the
    weight change the slider's new value. Measures the server, not the browsers."""
    import ws_client

    out = {"session": index, "ok": False}
    try:
        async with ws_client.Session(url) as tab:
            run, out["map_s"] = await tab.run("Peta", until=ws_client.coloured_map,
                                              timeout_s=timeout_s)
            out["map_mb"] = round(tab.fetched_bytes / 1e6, 2)
            await together.done("map")
            widget = next(e for e in run.of_kind("component_instance") if ws_client.map_args(e))
            codes = tab.map_data["layers"][0]["columns"]["ids"]
            out["map_villages"] = len(codes)
            code = codes[(index * 997) % len(codes)]
            run, out["click_s"] = await tab.run(
                widgets=[ws_client.component_state(widget, {"code": code})],
                until=ws_client.profile_heading, timeout_s=timeout_s)
            await together.done("click")
            run, _ = await tab.run("Prioritas", timeout_s=timeout_s)
            await together.done("priorities")
            slider = run.of_kind("slider")[0].slider
            tables = {e.SerializeToString() for e in run.elements.values() if ws_client.table(e)}
            steps = index % 5 + 3
            current = (slider.value or slider.default)[0]
            value = round(max(current - slider.step * steps, slider.min), 2)
            moved_to = ws_client.slider_state(run.of_kind("slider")[0], value)

            def reordered(element) -> bool:  # the decision table with other figures
                return ws_client.table(element) and element.SerializeToString() not in tables

            run, out["weight_table_s"] = await tab.run(widgets=[moved_to], until=reordered,
                                                       timeout_s=timeout_s)
            out["weight_s"] = run.finished_s
            out["own_value"] = value
            ours = [e.SerializeToString() for e in run.elements.values() if ws_client.table(e)]
            await together.done("weight")  # all have moved their sliders: is ours still ours?
            # nothing sent: the figures must come from this session's own weights on the server
            run, _ = await tab.run(timeout_s=timeout_s)
            now = [e.SerializeToString() for e in run.elements.values() if ws_client.table(e)]
            out["kept_own_value"] = bool(ours) and now == ours
            out["exceptions"] = len(run.exceptions)
            out["ok"] = out["exceptions"] == 0 and run.status == "FINISHED_SUCCESSFULLY"
    except Exception as exc:  # noqa: BLE001 - a failed session is a result, not a crash
        out["error"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
        await together.leave()
    return out


async def _together(browser, url: str, kinds: list[str], timeout_s: float) -> list[dict]:
    """One session per entry of ``kinds`` at once: ``"browser"`` a Chromium context of
    ``browser``, ``"websocket"`` a websocket client (:func:`ws_session`)."""
    together = Steps(len(kinds))

    def one(i: int, kind: str):
        if kind == "browser":
            return session(browser, url, i, timeout_s, together)
        return ws_session(url, i, timeout_s, together)

    results = await asyncio.gather(*(one(i, kind) for i, kind in enumerate(kinds)))
    for result, kind in zip(results, kinds):
        result["client"] = kind
    return list(results)


#: per ``--client``: who the baseline session is, and who the ``n`` concurrent ones are
CLIENTS = {
    "browser": lambda n: (["browser"], ["browser"] * n),
    "websocket": lambda n: (["websocket"], ["websocket"] * n),
    # one person's browser among n - 1 others: each has a computer of their own, so only
    # the server is shared (the others speak over the websocket, drawing nothing here)
    "office": lambda n: (["browser"], ["browser"] + ["websocket"] * (n - 1)),
}


async def run_sessions(url: str, n: int, timeout_s: float, client: str = "browser",
                       rounds: int = 1) -> tuple[dict, list[dict], list[dict]]:
    """The first visit (in the browser), one session alone, then ``n`` at once, ``rounds``
    times (see :data:`CLIENTS`)."""
    from playwright.async_api import async_playwright

    alone_kinds, together_kinds = CLIENTS[client](n)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        first = await first_visit(browser, url, timeout_s)  # the analysis, once per server
        if not first.get("ok"):
            await browser.close()
            return first, [], []
        alone = await _together(browser, url, alone_kinds, timeout_s)
        together = []
        for round_ in range(rounds):
            for result in await _together(browser, url, together_kinds, timeout_s):
                together.append({**result, "round": round_})
        await browser.close()
    return first, alone, together


def pct(values, q) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


def _figures(results: list[dict]) -> dict:
    values = {name: [r[name] for r in results if r.get(name) is not None]
              for name in ("map_s", "click_s", "weight_table_s", "weight_s")}
    out = {}
    for name, found in values.items():
        stem = name.removesuffix("_s")
        out[f"{stem}_p50_s"], out[f"{stem}_p95_s"] = pct(found, 50), pct(found, 95)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=12)
    parser.add_argument("--households", type=int, default=200_000,
                        help="synthetic households over the villages (0: boundaries only)")
    parser.add_argument("--demo", action="store_true", help="the built-in demo instead of Jawa Timur")
    parser.add_argument("--kel-dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--timeout", type=float, default=300, help="seconds per step")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--client", choices=tuple(CLIENTS), default="browser",
                        help="browser: every session a Chromium context (all painting on this "
                             "machine's cores); websocket: every session a websocket client "
                             "(the server alone; benchmarks/ws_client.py); office: one "
                             "Chromium among websocket clients (only the server is shared)")
    parser.add_argument("--rounds", type=int, default=1,
                        help="how many times the n sessions come at once")
    args = parser.parse_args(argv)
    env: dict = {}
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        if not args.demo:
            paths = sorted(args.kel_dir.glob("wilayah_boundaries_kel_35.*.sql"))
            if not paths:
                print(f"no Jawa Timur dumps in {args.kel_dir}", file=sys.stderr)
                return 2
            env["PPM_BOUNDARIES"] = os.pathsep.join(str(p) for p in paths)
            if args.households:
                from geo.demo.households import load_villages, write_households

                villages = load_villages(paths)
                env["PPM_HOUSEHOLDS"] = str(write_households(
                    villages, Path(folder) / "households.parquet", args.households))
                del villages
        env["POVERTY_MAP_WORKSPACE"] = str(Path(folder) / "workspace")
        server, url = start_app(env, Path(folder) / "streamlit.log")
        sampler = MemorySampler(server.pid)
        idle_mb = sampler.rss_mb()
        sampler.start()
        started = time.perf_counter()
        try:
            first, alone, results = asyncio.run(run_sessions(url, args.sessions, args.timeout,
                                                               args.client, args.rounds))
        finally:
            sampler.stop.set()
            sampler.join()
            server.terminate()
            server.wait(timeout=30)
    ok = [r for r in results if r.get("ok")]
    broke = sorted({r["error"].split(":")[0] for r in [first, *alone, *results] if "error" in r})
    single = _figures(alone)
    together = _figures(results)
    # the first paint compared as the baseline measured it: in the browser (office: the one
    # Chromium among the n), or over the websocket
    painted = _figures([r for r in results if r.get("client") == alone[0]["client"]]
                       if alone else [])
    ratio = (painted["map_p50_s"] / single["map_p50_s"]
             if painted["map_p50_s"] and single["map_p50_s"] else None)
    figures = {
        "layer": "demo" if args.demo else "jawa_timur", "client": args.client,
        "sessions": args.sessions, "rounds": args.rounds,
        "households": 0 if args.demo else args.households,
        "finished": len(ok), "kept_own_value": sum(bool(r.get("kept_own_value")) for r in results),
        "server_mb_start": round(idle_mb, 1),
        "server_mb_peak": round(max(sampler.samples, default=idle_mb), 1),
        "first_visit": first,
        **together,
        "single": single,
        "map_p50_s_as_single_measured": painted["map_p50_s"],
        "map_ratio_sessions_vs_single": None if ratio is None else round(ratio, 2),
        "wall_s": round(time.perf_counter() - started, 1), "errors": broke,
        "sessions_detail": results, "single_detail": alone,
    }
    args.results.mkdir(parents=True, exist_ok=True)
    (args.results / "bench_load.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    for key in ("layer", "client", "sessions", "rounds", "households", "finished",
                "kept_own_value", "server_mb_start", "server_mb_peak", "first_visit", "map_p50_s",
                "map_p95_s", "click_p50_s", "click_p95_s", "weight_table_p50_s",
                "weight_table_p95_s", "weight_p50_s", "weight_p95_s", "single",
                "map_p50_s_as_single_measured", "map_ratio_sessions_vs_single", "wall_s",
                "errors"):
        print(f"{key:<30} {figures[key]}")
    expected = args.sessions * args.rounds
    return 0 if len(ok) == expected and figures["kept_own_value"] == expected else 1


if __name__ == "__main__":
    raise SystemExit(main())
