"""Session state and cached steps shared by the app's pages (the only Streamlit-side helper).

State lives in ``st.session_state`` under a few well-named keys:

- ``lang``: interface language (``id`` / ``en``)
- ``tiles``: base map (``none`` offline / ``openstreetmap`` / ``cartodb``)
- ``analysis``: the analysis the user loaded (:class:`geo.pipeline.results.AnalysisResult`) and its
  ``token`` (what the caches key on), ``label`` (where the data came from). A new session
  opens on the files named in ``PPM_BOUNDARIES`` / ``PPM_HOUSEHOLDS`` / ``PPM_CONFIG``
  (:mod:`geo.pipeline.sources`; analysed once per server in the background by
  :mod:`ui.preparation`, every session shares the result read-only) when set, else on the
  built-in demo
- ``environment_error``: why those files could not be read (the demo is used instead)
- ``config``: the current :class:`geo.config.RankConfig` (weights, rules, pins)
- ``selected_village``: the village outlined on the map
- ``choices``: every other value the user set on a page, by widget key (RPJMD target and
  population on the overview, indicator, classes, regency, district and profile village on the map,
  pilot villages, export formats, ...), written by the ``kept_*`` widgets below

Why ``choices``: Streamlit deletes the state of every widget that is not drawn in a run, so a
widget's own key forgets its value as soon as the user opens another page. The ``kept_*``
helpers (:func:`kept_choice`, :func:`kept_choices`, :func:`kept_value`) wrap a Streamlit
widget: they draw it with the stored value as its default and store what it returns. Options
are stable codes (never translated labels; labels only through ``format_func``), so a
language switch changes what is shown, not what is stored. A stored value that is no longer
valid (another data set loaded, an option gone, a number out of range) falls back to the
default; it never raises.

Expensive pure steps (analysis, display simplification, rescoring) sit behind Streamlit caches
keyed by the token, never by hashing GeoDataFrames. Nothing here does analysis itself: it
calls ``geo``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import streamlit as st
from streamlit.errors import StreamlitAPIException

from geo.common.errors import GeoInputError
from geo.common.safe_text import without_paths
from geo.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from geo.presentation.offline import ensure_leaflet_assets
from geo.pipeline.results import AnalysisResult

ROOT = Path(__file__).resolve().parents[1]
WORKSPACE = ROOT / "workspace"
DEMO_TOKEN = "demo"


@dataclass
class Analysis:
    """The loaded analysis: the result as analysed, and a token identifying it for caches."""

    result: AnalysisResult
    token: str
    label: str

    @property
    def is_demo(self) -> bool:
        return self.token == DEMO_TOKEN


#: (script, title key, address) in sidebar order; the first page is the start page.
PAGES = (
    ("pages/0_Ringkasan.py", "page_overview", None),
    ("pages/1_Peta.py", "page_map", "Peta"),
    ("pages/2_Prioritas.py", "page_priority", "Prioritas"),
    ("pages/3_Kantong_Kemiskinan.py", "page_pockets", "Kantong_Kemiskinan"),
    ("pages/4_Area_Percontohan.py", "page_pilot", "Area_Percontohan"),
    ("pages/8_Konvergensi.py", "page_convergence", "Konvergensi"),  # issue 14
    ("pages/5_Data.py", "page_data", "Data"),
    ("pages/6_Ekspor.py", "page_export", "Ekspor"),
    ("pages/9_Tren.py", "page_trends", "Tren"),  # issue 15
    ("pages/10_Admin.py", "page_admin", "Admin"),  # issue 17
)


def language() -> str:
    """The interface language chosen in the sidebar (Bahasa Indonesia until changed)."""
    return st.session_state.get("lang", DEFAULT_LANGUAGE)


def page_setup(title_key: str) -> str:
    """Common page start: config, Leaflet assets, sidebar (language, base map). Returns ``lang``."""
    st.set_page_config(page_title=t(title_key, language()), layout="wide")
    _leaflet_assets()
    st.session_state.setdefault("lang", DEFAULT_LANGUAGE)
    st.session_state.setdefault("tiles", "none")
    with st.sidebar:
        _page_links()
        lang = _persistent_select("lang", t("language", st.session_state["lang"]),
                                  list(LANGUAGES), LANGUAGES.get)
        _persistent_select("tiles", t("tiles", lang), ["none", "openstreetmap", "cartodb"],
                           lambda k: t(f"tiles_{k}", lang))
    return lang


def _page_links() -> None:
    """The sidebar's page list with translated titles (Streamlit's own list is hidden)."""
    with st.container(key="page_links"):
        import ui.auth

        for script, title, _ in PAGES:
            if not ui.auth.shows_link(script):
                continue
            try:
                st.page_link(script, label=t(title, language()))
            except StreamlitAPIException:  # a page script run on its own (AppTest): no pages
                return
    st.divider()


def _persistent_select(key: str, label: str, options: list, format_func):
    """A sidebar select whose value lives under the top-level session key ``key``."""
    return kept_choice(st.selectbox, f"_{key}_widget", label, options, default=options[0],
                       format_func=format_func, store_as=key)


# --- widgets whose values survive page changes and language switches ---------------------

CHOICES = "choices"
_MISSING = object()


def _stored(key: str, store_as: str | None, default):
    if store_as is not None:
        return st.session_state.get(store_as, default)
    return st.session_state.get(CHOICES, {}).get(key, default)


def _store(key: str, store_as: str | None, value) -> None:
    if store_as is not None:
        st.session_state[store_as] = value
    else:
        st.session_state.setdefault(CHOICES, {})[key] = value


def remembered(key: str, default=None):
    """The value a ``kept_*`` widget with this key stored last (``default`` if none yet)."""
    return _stored(key, None, default)


def remember(key: str, value) -> None:
    """Set what the ``kept_*`` widget ``key`` shows the next time it is drawn (e.g. a map click).

    Call it before the widget is drawn in this run, or rerun after calling it.
    """
    _store(key, None, value)
    _forget_widget(key)


def forget(*keys: str) -> None:
    """Drop stored choices (and widget state) so those widgets start from their defaults."""
    choices = st.session_state.get(CHOICES, {})
    for key in keys:
        choices.pop(key, None)
        _forget_widget(key)


def _forget_widget(key: str) -> None:
    try:
        st.session_state.pop(key, None)
    except StreamlitAPIException:  # the widget is already drawn in this run: next run then
        pass


def _drop_stale_widget_state(key: str, valid) -> None:
    """Forget the widget's own state when it holds something that is no longer an option."""
    try:
        value = st.session_state.get(key, _MISSING)
    except (KeyError, IndexError, TypeError, ValueError):  # unreadable: start again
        value = None
    if value is not _MISSING and not valid(value):
        _forget_widget(key)


def _labels(format_func, values) -> tuple:
    try:
        return tuple(None if v is None else str(format_func(v)) for v in values)
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return ()


def _relabelled(key: str, labels: tuple) -> bool:
    """Whether the widget ``key`` was drawn with other labels for its value (another language).

    The browser keeps showing (and sends back) the label it was given, even when the options
    are relabelled, so such a widget is given its value again through the session state.
    """
    drawn = st.session_state.setdefault("_kept_labels", {})
    before = drawn.get(key)
    drawn[key] = labels
    return key in st.session_state and before is not None and before != labels


def _in(value, options: list) -> bool:
    try:
        return value in options
    except (TypeError, ValueError):  # an incomparable stored value (an array, ...)
        return False


def kept_choice(widget, key: str, label: str, options, *, default=None, format_func=str,
                store_as: str | None = None, in_form: bool = False, **kwargs):
    """A one-of-many widget (``st.selectbox``, ``st.radio``, ``container.selectbox``...) that keeps its value.

    Parameters
    ----------
    widget
        The Streamlit function to draw with, e.g. ``st.selectbox`` or ``column.radio``.
    key
        The widget key; the value is stored under it in ``st.session_state["choices"]``.
    label
        The (translated) label.
    options
        Stable codes, never translated labels.
    default
        Chosen when nothing valid is stored. ``None`` (or a default that is not an option)
        means no selection for a selectbox, the first option for a radio.
    format_func
        How an option is shown (the translation).
    store_as
        A top-level session key to store the value under instead (``lang``, ``tiles``).
    in_form
        The widget is inside an ``st.form`` (where widgets take no ``on_change``).

    Returns
    -------
    The chosen option (a code), or ``None`` when nothing is chosen.
    """
    options = list(options)
    empty_allowed = widget_allows_none(widget) and not _in(default, options)
    stored = _stored(key, store_as, default)
    if not _in(stored, options):
        stored = default if _in(default, options) else None
    if stored is None and not empty_allowed and options:
        stored = options[0]

    def valid(value):
        return _in(value, options) or (value is None and empty_allowed)

    def keep():  # before the next run starts, so the whole run sees the new value (``lang``)
        if key in st.session_state and valid(st.session_state[key]):
            _store(key, store_as, st.session_state[key])

    _drop_stale_widget_state(key, valid)
    index = options.index(stored) if _in(stored, options) else None
    if _relabelled(key, _labels(format_func, [stored])):
        st.session_state[key] = stored  # the browser shows the old label: send the new one
        index = 0 if options else None  # (the value comes from the session state)
    if not in_form:
        kwargs["on_change"] = keep
    value = widget(label, options, index=index, format_func=format_func, key=key, **kwargs)
    if not valid(value):  # a label of another language or data set sent back by the browser
        value = stored
        _forget_widget(key)
    _store(key, store_as, value)
    return value


def widget_allows_none(widget) -> bool:
    """Whether this select-like widget can show "nothing chosen" (a selectbox can, a radio not)."""
    return getattr(widget, "__name__", "") == "selectbox"


def kept_choices(widget, key: str, label: str, options, *, default=(), format_func=str,
                 **kwargs) -> list:
    """A many-of-many widget (``st.multiselect``) that keeps its value; see :func:`kept_choice`.

    Stored options that are no longer offered are dropped; when none is left (or nothing was
    stored yet) ``default`` is used.
    """
    options = list(options)
    stored = _stored(key, None, None)
    if isinstance(stored, (list, tuple)):
        kept = [v for v in stored if _in(v, options)]
        stored = kept if kept or not stored else None  # all gone: another data set
    else:
        stored = None
    if stored is None:
        stored = [v for v in default if _in(v, options)]

    def valid(value):
        return isinstance(value, (list, tuple)) and all(_in(v, options) for v in value)

    _drop_stale_widget_state(key, valid)
    widget_default = stored
    if _relabelled(key, _labels(format_func, stored)):
        st.session_state[key] = stored  # the browser shows the old labels: send the new ones
        widget_default = None
    value = widget(label, options, default=widget_default, format_func=format_func, key=key,
                   **kwargs)
    if not valid(value):
        value = stored
        _forget_widget(key)
    value = list(value)
    _store(key, None, value)
    return value


def kept_value(widget, key: str, label: str, *, default, min_value=None, max_value=None,
               options=None, **kwargs):
    """A widget with a ``value`` (number input, slider, select slider, checkbox, toggle, text).

    The stored value is used when it has the default's type and lies within
    ``min_value``/``max_value`` (or among ``options`` for ``st.select_slider``); else the
    default. Bounds and options are passed on to the widget.
    """
    def valid(value):
        if options is not None:
            return _in(value, list(options))
        if isinstance(default, bool) or isinstance(value, bool):
            return isinstance(value, bool) and isinstance(default, bool)
        if isinstance(default, (int, float)):
            if not isinstance(value, (int, float)) or (isinstance(default, int)
                                                        and not isinstance(value, int)):
                return False
            return ((min_value is None or value >= min_value)
                    and (max_value is None or value <= max_value))
        return isinstance(value, type(default))

    stored = _stored(key, None, default)
    if not valid(stored):
        stored = default
    _drop_stale_widget_state(key, valid)
    bounds = {name: bound for name, bound in (("min_value", min_value), ("max_value", max_value))
              if bound is not None}
    if options is not None:
        bounds["options"] = list(options)
    value = widget(label, value=stored, key=key, **bounds, **kwargs)
    if not valid(value):
        value = stored
        _forget_widget(key)
    _store(key, None, value)
    return value


@st.cache_resource
def _leaflet_assets() -> str:
    return str(ensure_leaflet_assets(ROOT / "static"))


@st.cache_resource(show_spinner=False)
def _demo_analysis() -> AnalysisResult:
    from geo.pipeline.analysis import analyse, demo_sources

    return analyse(*demo_sources())


def _initial_analysis(on_outline=None) -> Analysis:
    """What a new session opens on: the files in ``PPM_BOUNDARIES``... if set, else the demo.

    The files are analysed once per server in the background (:mod:`ui.preparation`); a page
    shows the stages meanwhile. A problem with those files is shown once
    (``environment_error``) and the demo is used, so the app still opens.
    """
    import ui.preparation
    from geo.pipeline.sources import sources_from_environment

    try:
        sources = sources_from_environment()
        if sources is not None:
            fingerprint = sources.fingerprint()
            job = ui.preparation.preparation(fingerprint, sources)
            result, outline_drawn = ui.preparation.wait(job, language(), on_outline)
            token = "env-" + token_of(fingerprint)
            ui.preparation.remember_token(token, job)
            analysis = Analysis(result, token=token, label=sources.label())
            if outline_drawn:  # the page drew the outlines: again, with the analysed villages
                st.session_state["analysis"] = analysis
                st.rerun()
            return analysis
    except (GeoInputError, OSError) as exc:  # the app still opens, on the demo
        st.session_state["environment_error"] = exc  # rendered in the language of each visit
    with st.spinner(t("analysing_demo", language())):
        return Analysis(_demo_analysis(), token=DEMO_TOKEN, label="demo")


def current_analysis(on_outline=None) -> Analysis:
    """The loaded analysis: the environment's files or the built-in demo on first visit.

    ``on_outline(job)``: while the environment's files are still being analysed, called once
    the village outlines are ready (:func:`ui.preparation.wait`; the map page draws them).
    """
    if "analysis" not in st.session_state:
        st.session_state["analysis"] = _initial_analysis(on_outline)
    return st.session_state["analysis"]


def data_source_caption(lang: str) -> str:
    """"Data source: …" for the top of a page; mentions a failed environment start once."""
    analysis = current_analysis()
    label = t("demo_data", lang) if analysis.is_demo else _escape_markdown(analysis.label)
    return f"{t('data_source', lang)}: {label}"


def planted_pilot() -> list[str]:
    """The demo's planted pilot kelurahan when the demo is loaded, else nothing."""
    if not current_analysis().is_demo:
        return []
    from geo.demo.region import demo_pilot_codes

    try:
        return demo_pilot_codes()
    except (OSError, ValueError):  # demo metadata missing: fall back to the top-ranked village
        return []


def set_analysis(result: AnalysisResult, token: str, label: str) -> None:
    """Replace the loaded analysis (e.g. after an upload); resets config and selection."""
    st.session_state["analysis"] = Analysis(result, token=token, label=label)
    for key in ("config", "selected_village", "export_files"):
        st.session_state.pop(key, None)
    choices = st.session_state.get(CHOICES, {})
    # the population and the area filters belong to the region shown: its defaults again
    forget("profile_village", "population",
           *[k for k in choices if k.startswith(("weight_", "rule_"))],
           *[k for k in choices if k.endswith(("_regency", "_district"))])


def current_config():
    """The ranking config in use: the analysis' own unless the user changed it."""
    if "config" not in st.session_state:
        from geo.config import RankConfig, default_config

        method_config = current_analysis().result.method.config
        try:
            st.session_state["config"] = (RankConfig.from_dict(method_config) if method_config
                                          else default_config())
        except Exception:  # an older result's config format: fall back to the default
            st.session_state["config"] = default_config()
    return st.session_state["config"]


def set_config(config) -> None:
    st.session_state["config"] = config


def current_result() -> AnalysisResult:
    """The analysis rescored with the current config (cached per token and config)."""
    import ui.auth

    analysis = current_analysis()
    if "config" not in st.session_state:
        return ui.auth.shown_result(analysis.token, analysis.result)
    config_json = current_config().to_json()
    return ui.auth.shown_result(analysis.token + config_json,
                                _rescored(analysis.token, config_json, analysis.result))


def result_token() -> str:
    """Identifies what :func:`current_result` returns in this session (the analysis, the
    config in use, what the user's role may see): the key under which sessions showing the
    same result share what they derive from it (:func:`shared`)."""
    import ui.auth

    config = current_config().to_json() if "config" in st.session_state else ""
    return token_of(current_analysis().token, config,
                    "full" if ui.auth.allowed("full_detail") else "withheld")


@st.cache_resource(show_spinner=False, max_entries=32)  # shared, read-only: no copy per rerun
def _rescored(token: str, config_json: str, _result: AnalysisResult) -> AnalysisResult:
    import json

    from geo.config import RankConfig
    from geo.pipeline.analysis import rescore

    return rescore(_result, RankConfig.from_dict(json.loads(config_json)))


def display_layer(token: str, villages):
    """Simplified, rounded village shapes for drawing (:class:`geo.presentation.display.DisplayLayer`;
    geometry never changes on rescoring). Shared read-only by every session: pages copy
    before changing it. For the environment's files it was made in the background
    (:mod:`ui.preparation`) while the first visitor read the overview."""
    import ui.preparation

    prepared = ui.preparation.prepared_display(token, language())
    return prepared if prepared is not None else _display_layer(token, villages)


@st.cache_resource(show_spinner=False, max_entries=8)
def _display_layer(token: str, _villages):
    import ui.preparation

    return ui.preparation.display_of(_villages)


def map_detail(analysis):
    """The finer shapes for close zoom of this analysis's maps (:class:`ui.map_widget.MapDetail`),
    or None when the drawn shapes are fine enough already (a city); once per server and
    token, shared read-only."""
    display = display_layer(analysis.token, analysis.result.villages)
    return _map_detail(analysis.token, analysis.result.villages, display)


@st.cache_resource(show_spinner=False, max_entries=8)
def _map_detail(token: str, _villages, _drawn):
    from geo.presentation.detail import detail_plan
    from geo.presentation.display_cache import shapes_digest
    from ui.map_widget import MapDetail

    plan = detail_plan(_villages, _drawn, shapes_digest(_villages))
    return None if plan is None else MapDetail(plan, _villages)


def classification(values, scheme: str, k: int, palette: str, indicator: str, lang: str):
    """:func:`geo.presentation.display.classify` of these values, once per server for the
    same values and options (Fisher-Jenks over a province takes a second: a click on the map
    reruns the page and must not classify again). Shared read-only: the caller must not
    change what it returns."""
    import pandas as pd

    values = pd.Series(values, copy=False)
    keyed = pd.DataFrame({"row": values.index.to_numpy(), "value": values.to_numpy()})
    return _classification(content_token("classes", keyed), values,
                           scheme, int(k), palette, indicator, lang)


@st.cache_resource(show_spinner=False, max_entries=64)
def _classification(values_token: str, _values, scheme, k, palette, indicator, lang):
    from geo.presentation.display import classify

    return classify(_values, scheme, k, palette, indicator=indicator, lang=lang)


def shared(name: str, key: tuple, build):
    """``build()``, made once per server for the same ``name`` and ``key`` and then shared
    read-only by every session (the caller must not change what it returns).

    For what every visitor of a page derives the same way from the same analysis and the same
    choices: the villages of the chosen area and their labels, the values written out, the map's
    token. Twelve people opening the map at once then share that work instead of each doing
    it while the others wait for the interpreter (issue 19: bench_load). ``key`` names all it
    depends on: the analysis token first, then the choices (strings and numbers)."""
    return _shared(name, tuple(key), build)


@st.cache_resource(show_spinner=False, max_entries=64)  # each may hold a province's frame
def _shared(name: str, key: tuple, _build):
    return _build()


def token_of(*parts: bytes | str) -> str:
    """A short content hash that identifies an upload for the caches. Each part goes in with
    its length, so where one part ends and the next begins is part of the hash (an empty file
    and a column map "x" are not the same upload as a file "x" and no map)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part if isinstance(part, bytes) else part.encode("utf-8")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()[:16]


def content_token(*parts) -> str:
    """A short hash of what a cached map is drawn from: strings, numbers, frames, series.

    Frames and series are hashed by value (with their column names, without the index), so
    the same villages with the same values and colours give the same token in any session.
    """
    import pandas as pd

    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, (pd.DataFrame, pd.Series)):
            names = list(part.columns) if isinstance(part, pd.DataFrame) else [part.name]
            digest.update(repr(("frame", names, len(part))).encode("utf-8"))
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
        else:
            digest.update(repr(("value", part)).encode("utf-8"))
    return digest.hexdigest()[:24]


def show_input_error(exc: Exception, lang: str | None = None) -> None:
    """Show a user's input problem as one message in ``lang`` (default: the session's), never
    a traceback. The text is escaped: file and column names are the user's, not Markdown."""
    st.error(error_text(exc, lang))


def error_text(exc, lang: str | None = None) -> str:
    """A user's input problem (or a stored one) in ``lang``, escaped for Markdown."""
    lang = lang or st.session_state.get("lang", "id")
    text = exc.render(lang) if hasattr(exc, "render") else str(exc)
    return _escape_markdown(without_paths(text))  # no server folder (upload staging) on screen


def _escape_markdown(text: str) -> str:
    """Backslash the characters that would turn a one-line message into Markdown formatting,
    links, HTML, maths or Streamlit's ``:colour[...]`` (an underscore inside a word, a dot or a
    colon in a file name stay as they are), and break bare ``http://``/``www.`` autolinks."""
    import re

    from geo.common.safe_text import without_autolinks

    return without_autolinks(re.sub(r"([\\`*\[\]<>#|~$])", r"\\\1", text))


@st.cache_data(show_spinner=False, max_entries=32)
def focus_stability(token: str, config_json: str, _villages):
    """Weight-perturbation robustness of the focus list (cached per analysis and config)."""
    import json

    from geo.config import RankConfig

    try:
        from geo.ranking.robustness import focus_stability as stability
    except ImportError:
        return None
    return stability(_villages, RankConfig.from_dict(json.loads(config_json)))


def save_decision(result: AnalysisResult, config, *, title: str, decided_by: str) -> str:
    """Store the focus list and its config in the workspace; returns the saved title, version
    and id (escaped for Markdown: the title is typed by the user). No server path is shown."""
    from geo.decisions.store import Decision, DecisionStore

    sources = result.method.sha256_of()
    decision = Decision.from_selection(result.villages.drop(columns="geometry"), title=title,
                                       decided_by=decided_by, config=config, sources=sources)
    store = DecisionStore(workspace_dir())
    decision_id = store.save(decision)
    saved = store.load(decision_id)
    return f"{_escape_markdown(saved.title)} (v{saved.version}, id {decision_id})"


def decision_store():
    """The workspace's decision store (history, compare, re-run)."""
    from geo.decisions.store import DecisionStore

    return DecisionStore(workspace_dir())


def workspace_dir() -> Path:
    """Where saved decisions live (``./workspace``; tests point it elsewhere with the env var)."""
    import os

    return Path(os.environ.get("POVERTY_MAP_WORKSPACE", WORKSPACE))


def use_demo() -> None:
    """Go back to the built-in demo data."""
    set_analysis(_demo_analysis(), token=DEMO_TOKEN, label="demo")


def run_page(navigation) -> None:
    """Run the chosen page with a last resort for what nothing else caught (issue 18).

    An input problem that escaped its page is its one-line message; any other exception is a
    short message in the user's language with a reference, and the server log gets the
    reference, the exception type and the place (file, line, function) — never the exception's
    text or variables, which may hold a household's values. Streamlit's own control flow
    (``st.rerun``, ``st.stop``, ``st.switch_page``: BaseException) passes through.
    """
    try:
        navigation.run()
    except GeoInputError as exc:
        show_input_error(exc)
    except Exception as exc:  # noqa: BLE001 - the last resort of every page
        from streamlit.errors import FragmentHandledException

        if isinstance(exc, FragmentHandledException):
            raise
        show_unexpected_error(exc)


def show_unexpected_error(exc: BaseException) -> str:
    """The short message for an unexpected failure, logged by reference; returns the reference."""
    import logging
    import traceback
    import uuid

    reference = uuid.uuid4().hex[:8]
    places = [f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
              for frame in traceback.extract_tb(exc.__traceback__)[-6:]]
    logging.getLogger("ui").error("unexpected error %s: %s at %s", reference,
                                  type(exc).__name__, " < ".join(reversed(places)))
    st.error(t("app.unexpected_error", language(), reference=reference))
    return reference
