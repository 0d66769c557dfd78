"""A Streamlit session spoken over the app's websocket alone: no browser, no drawing.

Why: on this 2-core machine, N headless Chromiums painting 8,494 villages each share the cores
with the server, so a browser load test measures the browsers as much as the server (issue
19). In an office each person's browser runs on their own computer; what the server owes them
is the page's messages and the map's data file. This client sends what the browser's frontend
sends (``BackMsg.rerun_script`` with the page and the widget values, as protobuf over
``/_stcore/stream``), reads the ``ForwardMsg`` stream the server answers with, and fetches the
files the page points to (the map's data and colours under ``/app/static/maps``) the way the
browser would. "Map ready" is then the moment the browser would have everything it needs to
paint; the painting itself is not in it.

Used by ``bench_load.py --client websocket``. Only Streamlit's public wire format (its
``streamlit.proto`` messages) and the ``websockets`` package Streamlit itself depends on.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

MAP_COMPONENT = "village_map"


@dataclass
class Run:
    """One script run as the client saw it: its elements by delta path, and when each kind of
    thing first arrived (seconds from the request)."""

    elements: dict = field(default_factory=dict)
    finished_s: float | None = None
    status: str = ""
    exceptions: list[str] = field(default_factory=list)

    def of_kind(self, kind: str) -> list:
        return [e for e in self.elements.values() if e.WhichOneof("type") == kind]


def map_args(element) -> dict | None:
    """The map component's arguments (``data_url``, ``style_url``, ...) or None."""
    if element.WhichOneof("type") != "component_instance":
        return None
    instance = element.component_instance
    if MAP_COMPONENT not in instance.component_name:
        return None
    return json.loads(instance.json_args or "{}")


class Session:
    """One browser tab's worth of Streamlit session, over one websocket."""

    def __init__(self, url: str):
        self.url = url.rstrip("/")
        self.ws = None
        self.pages: dict[str, str] = {}  # url path -> page script hash
        self.page_hash = ""
        self.fetched_bytes = 0
        self.map_data: dict | None = None
        self._fetched: set[str] = set()

    async def __aenter__(self):
        host = self.url.split("//", 1)[1]
        self.ws = await connect(f"ws://{host}/_stcore/stream", subprotocols=["streamlit"],
                                origin=self.url, max_size=None, open_timeout=60,
                                ping_interval=None)
        return self

    async def __aexit__(self, *exc):
        await self.ws.close()

    async def run(self, page: str | None = None, widgets: list[WidgetState] = (), *,
                  until: Callable[[object], bool] | None = None,
                  timeout_s: float = 300) -> tuple[Run, float | None]:
        """Rerun the script (on ``page``, a url path such as ``"Peta"``, or the current one)
        with these widget values; read messages until the run ends. Returns the run and the
        seconds until ``until(element)`` first held (None: never)."""
        message = BackMsg()
        state = message.rerun_script
        if page is not None and page in self.pages:
            state.page_script_hash = self.pages[page]
        elif page is not None:
            state.page_name = page
        else:
            state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(widgets)
        start = time.perf_counter()
        await self.ws.send(message.SerializeToString())
        out, hit = Run(), None
        deadline = start + timeout_s
        while True:
            raw = await asyncio.wait_for(self.ws.recv(), max(deadline - time.perf_counter(), 0.1))
            msg = ForwardMsg()
            msg.ParseFromString(raw)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.page_hash = msg.new_session.page_script_hash or self.page_hash
                self._remember_pages(msg.new_session.app_pages)
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
                self._remember_pages(msg.navigation.app_pages)
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                out.elements[tuple(msg.metadata.delta_path)] = element
                if element.WhichOneof("type") == "exception":
                    out.exceptions.append(element.exception.type)
                if hit is None and until is not None and until(element):
                    await self.fetch_map_files(element)
                    hit = time.perf_counter() - start
            elif kind == "script_finished":
                status = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    continue  # the page asked for another run (st.rerun): it goes on
                out.status = status
                out.finished_s = time.perf_counter() - start
                return out, hit

    def _remember_pages(self, pages) -> None:
        for app_page in pages:
            self.pages[app_page.url_pathname or app_page.page_name] = app_page.page_script_hash

    async def fetch_map_files(self, element) -> None:
        """What the widget fetches once it has the map's arguments: the gzip twins of its
        data file and of its colours (each URL once per session, as the browser's cache
        would), unpacked as the browser unpacks them. The map's data is kept (``map_data``)."""
        args = map_args(element) or {}
        for name in ("data_url", "style_url"):
            target = args.get(name)
            if target and target not in self._fetched:
                self._fetched.add(target)
                body = await asyncio.to_thread(self._get, target + ".gz")
                self.fetched_bytes += len(body)
                if name == "data_url":
                    self.map_data = json.loads(gzip.decompress(body))

    def _get(self, target: str) -> bytes:
        """A file the component's page names (``../../app/static/...``), from the server."""
        path = "/app/static/" + target.split("app/static/", 1)[1]
        with urllib.request.urlopen(self.url + path, timeout=120) as response:  # noqa: S310
            return response.read()


def coloured_map(element) -> bool:
    """The analysed map: the village map with its class colours beside it."""
    args = map_args(element)
    return bool(args and args.get("style_url"))


def profile_heading(element) -> bool:
    """The village profile's heading (``#### name (code)`` on the map page)."""
    return element.WhichOneof("type") == "markdown" and element.markdown.body.startswith("#### ")


def table(element) -> bool:
    return element.WhichOneof("type") in ("dataframe", "arrow_data_frame")


def component_state(element, value: dict) -> WidgetState:
    """The widget value a click on the map sends (``{"code": ...}``)."""
    state = WidgetState(id=element.component_instance.id)
    state.json_value = json.dumps(value)
    return state


def slider_state(element, value: float) -> WidgetState:
    state = WidgetState(id=element.slider.id)
    state.double_array_value.data.append(value)
    return state
