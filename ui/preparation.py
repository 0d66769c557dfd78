"""The files named in the environment, prepared once per server in the background, in stages.

Why: a province takes minutes on a first start (the boundary quality checks, 200,000
households, 999 permutations for the pockets). Done inside the first visitor's script run, that
visitor saw a spinner and then a blank page, and every other visitor waited on the same lock
without knowing for what. Here one background job per server and set of files
(``st.cache_resource`` keyed by the files' fingerprint) works through :data:`STAGES` and records
where it is; every page shows that as a progress bar (:func:`wait`), the map page draws the
village outlines as soon as they exist (before the households are analysed), and the result
and the map's display layer are then shared read-only by every session.

The job calls only ``geo`` (no Streamlit element is drawn from its threads). Nothing personal
is kept here: the analysis result is the one every page shows (aggregates per village).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import streamlit as st

from geo.i18n import number, t

log = logging.getLogger(__name__)

#: stage codes in order; each has a label ``prepare.stage_<code>`` in the catalogue
STAGES = ("boundaries", "outline", "analysis", "display", "checks")
POLL_S = 0.25  # how often a waiting page looks at the job again


@dataclass
class Preparation:
    """One job's progress and products (written by the job's threads, read by pages).

    ``began`` / ``ended``: monotonic seconds per stage code (a stage has begun when it is in
    ``began``, finished when in ``ended``); ``outline_layer``: the village shapes simplified for
    drawing (:class:`geo.presentation.display.DisplayLayer`) before the analysis is done,
    ``outline_source`` the digest of the shapes they came from
    (:func:`geo.presentation.display_cache.shapes_digest`), ``outlined`` set once that stage
    is over (with or without a layer); ``result``: the
    :class:`geo.pipeline.results.AnalysisResult`; ``display``: the display layer of the result
    (the outline's when the shapes are the same); ``error``: why the analysis failed.
    ``checked`` is set once the boundary report is final: on files the cache has not seen,
    the overlap and gap checks run after the analysis, behind the map (the result's report
    waits for them when read).
    """

    fingerprint: str
    started: float = field(default_factory=time.monotonic)
    began: dict = field(default_factory=dict)
    ended: dict = field(default_factory=dict)
    outline_layer: object | None = None
    outline_source: str | None = None
    result: object | None = None
    display: object | None = None
    error: BaseException | None = None
    outlined: threading.Event = field(default_factory=threading.Event)
    analysed: threading.Event = field(default_factory=threading.Event)
    finished: threading.Event = field(default_factory=threading.Event)
    checked: threading.Event = field(default_factory=threading.Event)

    def begin(self, stage: str) -> None:
        self.began[stage] = time.monotonic()

    def end(self, stage: str) -> None:
        self.ended[stage] = time.monotonic()

    @property
    def fraction(self) -> float:
        """Share of the stages finished (0–1)."""
        return len([s for s in STAGES if s in self.ended]) / len(STAGES)

    def lines(self, lang: str) -> list[str]:
        """One line per stage: done (with its seconds), under way (seconds so far) or waiting."""
        now = time.monotonic()
        out = []
        for stage in STAGES:
            label = t(f"prepare.stage_{stage}", lang)
            if stage in self.ended:
                seconds = self.ended[stage] - self.began.get(stage, self.ended[stage])
                out.append(f"✓ {label} ({number(seconds, lang, 1)} s)")
            elif stage in self.began:
                out.append(f"… {label} ({number(now - self.began[stage], lang, 0)} s)")
            else:
                out.append(f"· {label}")
        return out


def _boundary_options(sources) -> dict:
    """The reading options :func:`geo.pipeline.analysis.analyse` uses (the cache keys on them)."""
    from geo.pipeline.analysis import boundary_read_options

    return boundary_read_options(layer=sources.layer)


def _read_for_outline(sources, boundary_key: str | None):
    """The villages read the quick way: the cached layer when there is one, else the files
    without the quality checks (the analysis runs them on this very read, without reading
    the files again: :func:`geo.boundaries.cache.read_villages_unchecked`). Without a cache
    key (the cache cannot be used here) the files are read for the outline alone."""
    from geo.boundaries.cache import read_villages_unchecked
    from geo.boundaries.read import read_villages

    options = _boundary_options(sources)
    boundaries = list(sources.boundaries)
    if boundary_key is None:
        villages, _ = read_villages(boundaries, check_quality=False, **options)
    else:
        villages, _ = read_villages_unchecked(boundaries, **options)
    return villages


def display_of(villages):
    """The display layer of a village table (what every map page draws; see
    :func:`ui.state.display_layer`)."""
    from geo.presentation.display import simplify_for_display

    keep = [c for c in ("village_code", "village_name", "district_code", "district_name")
            if c in villages]
    layer = simplify_for_display(villages[keep + ["geometry"]])
    # plain Python strings: every map page looks its villages up in this column, and pandas'
    # isin on Arrow strings converts the other side value by value (~0.2 s for Jawa Timur)
    layer.shapes["village_code"] = layer.shapes["village_code"].astype(object)
    return layer


def _outline_job(job: Preparation, sources) -> None:
    """The display layer before the analysis: from the disk (a restart with the same files:
    about a second), else read and simplified (then stored for the next start)."""
    from geo.boundaries.cache import cache_dir, cache_key
    from geo.presentation.display_cache import read_display, shapes_digest, write_display

    try:
        job.begin("boundaries")
        try:
            key = cache_key(list(sources.boundaries), _boundary_options(sources))
        except OSError:
            key = None
        stored = read_display(cache_dir(), key) if key is not None else None
        if stored is not None:
            job.end("boundaries")
            job.begin("outline")
            job.outline_layer, job.outline_source = stored
            return
        villages = _read_for_outline(sources, key)
        job.end("boundaries")
        job.begin("outline")
        layer = display_of(villages)
        job.outline_source = shapes_digest(villages)
        job.outline_layer = layer
        if key is not None:
            write_display(cache_dir(), key, layer, job.outline_source)
    except Exception as exc:  # noqa: BLE001 - the outline is a courtesy; the analysis will say
        log.info("village outline not prepared (%s: %s)", type(exc).__name__, exc)
    finally:
        job.end("boundaries")
        job.end("outline")
        job.outlined.set()


def _analysis_job(job: Preparation, sources, outline: threading.Thread) -> None:
    """The analysis, then its display layer, then the boundary checks: the map needs the
    first two, only the boundary report needs the checks (about 8 CPU-seconds on a first
    read of Jawa Timur, which beside the analysis made the coloured map 8 s later)."""
    from geo.pipeline.analysis import analyse
    from geo.presentation.display import load_classifiers
    from geo.presentation.display_cache import shapes_digest

    # after the outline, not beside it: both are mostly Python (one core at a time), and the
    # polygons are what the first visitor is waiting for
    outline.join()
    # the first coloured map's classification would otherwise wait for this import
    threading.Thread(target=load_classifiers, daemon=True, name="ppm-classifiers").start()
    try:
        job.begin("analysis")
        job.result = analyse(list(sources.boundaries), sources.households, config=sources.config,
                             layer=sources.layer, defer_checks=True)
    except BaseException as exc:  # noqa: BLE001 - shown to (or raised in) each waiting session
        job.error = exc
    finally:
        job.end("analysis")
        job.analysed.set()
    try:
        job.begin("display")
        if job.result is not None:
            layer = job.outline_layer
            villages = job.result.villages
            same = layer is not None and job.outline_source == shapes_digest(villages)
            job.display = layer if same else display_of(villages)
    except Exception as exc:  # noqa: BLE001 - the page then simplifies on its own
        log.warning("display layer not prepared (%s: %s)", type(exc).__name__, exc)
    finally:
        job.end("display")
        job.finished.set()
    _checks_job(job)


def _checks_job(job: Preparation) -> None:
    """Wait for the boundary checks the analysis left running (nothing to wait for when the
    report came from the cache); a failure is the report's to raise where it is read."""
    from geo.boundaries.report import is_pending

    try:
        job.begin("checks")
        report = job.result.boundary_report if job.result is not None else None
        if is_pending(report):
            report.result()
    except Exception as exc:  # noqa: BLE001 - raised again where the report is read
        log.warning("boundary checks failed (%s: %s)", type(exc).__name__, exc)
    finally:
        job.end("checks")
        job.checked.set()


@st.cache_resource(show_spinner=False, max_entries=2)
def preparation(fingerprint: str, _sources) -> Preparation:
    """The job for these files, started once per server (every session gets the same one)."""
    return start(fingerprint, _sources)


def start(fingerprint: str, sources) -> Preparation:
    """Start a job on ``sources`` (a :class:`geo.pipeline.sources.EnvironmentSources`)."""
    job = Preparation(fingerprint)
    outline = threading.Thread(target=_outline_job, args=(job, sources), daemon=True,
                               name="ppm-outline")
    analysis = threading.Thread(target=_analysis_job, args=(job, sources, outline), daemon=True,
                                name="ppm-analysis")
    outline.start()
    analysis.start()
    return job


def begin_environment() -> None:
    """Start the job for the files named in the environment now, without waiting or drawing.

    Every page calls this before its own imports: on a first visit those take about two
    seconds of the first script run, and the job reads and simplifies the villages meanwhile
    (most of that in GEOS, on the other core). A problem with the files or a variable
    (``~nobody/x.gpkg`` raises RuntimeError) is left for :func:`ui.state.current_analysis`
    to show on the pages that use the files: here it would replace every page, the sign-in
    and Admin included. No variable set: nothing happens. This runs before the sign-in check:
    a visitor not signed in starts the server's one job for these files, and sees nothing of it.
    """
    from geo.pipeline.sources import sources_from_environment

    try:
        sources = sources_from_environment()
        if sources is not None:
            preparation(sources.fingerprint(), sources)
    except Exception as exc:  # noqa: BLE001 - a warm-up only; the page says what is wrong
        log.info("files not prepared ahead (%s)", type(exc).__name__)


_BY_TOKEN: dict[str, Preparation] = {}


def remember_token(token: str, job: Preparation) -> None:
    """Which job made the analysis with this token (for :func:`prepared_display`)."""
    _BY_TOKEN[token] = job


def prepared_display(token: str, lang: str):
    """The display layer the job made for the analysis ``token``, waiting (with the progress
    bar) while it is being made; None when this analysis is not the job's."""
    job = _BY_TOKEN.get(token)
    if job is None:
        return None
    if not job.finished.is_set():
        _show_progress(job, lang, job.finished)
    return job.display


def _show_progress(job: Preparation, lang: str, until: threading.Event,
                   on_outline: Callable | None = None) -> bool:
    """A progress bar with the stages until ``until`` is set; ``on_outline(job)`` is called
    once the outline exists. Returns whether something was drawn by ``on_outline``."""
    box = st.empty()
    drawn = False
    while not until.is_set():
        with box.container():
            st.progress(job.fraction, text=t("prepare.title", lang))
            st.caption("  \n".join(job.lines(lang)))
        if on_outline is not None and not drawn and job.outline_layer is not None:
            on_outline(job)
            drawn = True
        if on_outline is not None and not drawn and not job.outlined.is_set():
            job.outlined.wait(POLL_S)  # the outline is drawn the moment it exists
        else:
            until.wait(POLL_S)
    box.empty()
    return drawn


def wait(job: Preparation, lang: str, on_outline: Callable | None = None):
    """``(result, outline_drawn)``: the job's analysis result, showing its progress meanwhile.

    ``on_outline(job)`` (the map page) draws the village outlines as soon as they exist; the
    caller then runs the page again once the result is there (its real map takes the
    outline's place). Raises the analysis' error (a :class:`geo.common.errors.GeoInputError`
    for bad files).
    """
    drawn = False
    if not job.analysed.is_set():
        drawn = _show_progress(job, lang, job.analysed, on_outline)
    if job.error is not None:
        raise job.error
    return job.result, drawn
