"""Session state and cached steps shared by the app's pages (the only Streamlit-side helper).

State lives in ``st.session_state`` under a few well-named keys:

- ``lang``: interface language (``id`` / ``en``)
- ``tiles``: base map (``none`` offline / ``openstreetmap`` / ``cartodb``)
- ``analysis``: the analysis the user loaded (:class:`geo.pipeline.results.AnalysisResult`) and its
  ``token`` (what the caches key on), ``label`` (where the data came from). A new session
  opens on the files named in ``PPM_BOUNDARIES`` / ``PPM_HOUSEHOLDS`` / ``PPM_CONFIG``
  (:mod:`geo.app_inputs`) when set, else on the built-in demo
- ``environment_error``: why those files could not be read (the demo is used instead)
- ``config``: the current :class:`geo.config.RankConfig` (weights, rules, pins)
- ``selected_village``: the village whose profile is shown

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

from geo.pipeline.sources import MAX_UPLOAD_MB  # noqa: F401 (the Data page shows the limit)
from geo.common.errors import GeoInputError
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
    ("pages/5_Data.py", "page_data", "Data"),
    ("pages/6_Ekspor.py", "page_export", "Ekspor"),
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
        for script, title, _ in PAGES:
            try:
                st.page_link(script, label=t(title, language()))
            except StreamlitAPIException:  # a page script run on its own (AppTest): no pages
                return
    st.divider()


def _persistent_select(key: str, label: str, options: list, format_func):
    """A sidebar select whose value survives page changes (widget state does not)."""
    widget_key = f"_{key}_widget"

    def keep():
        st.session_state[key] = st.session_state[widget_key]

    current = st.session_state.get(key, options[0])
    st.selectbox(label, options, index=options.index(current), format_func=format_func,
                 key=widget_key, on_change=keep)
    return st.session_state[key]


@st.cache_resource
def _leaflet_assets() -> str:
    return str(ensure_leaflet_assets(ROOT / "static"))


@st.cache_resource(show_spinner="Analysing the demo data…")
def _demo_analysis() -> AnalysisResult:
    from geo.pipeline.analysis import analyse, demo_sources

    return analyse(*demo_sources())


@st.cache_resource(show_spinner="Analysing the files named in PPM_BOUNDARIES…", max_entries=2)
def _environment_analysis(fingerprint: str, _sources) -> AnalysisResult:
    """The files named in the environment, analysed once per server (keyed by their stats)."""
    from geo.pipeline.analysis import analyse

    return analyse(list(_sources.boundaries), _sources.households, config=_sources.config,
                   layer=_sources.layer)


def _initial_analysis() -> Analysis:
    """What a new session opens on: the files in ``PPM_BOUNDARIES``... if set, else the demo.

    A problem with those files is shown once (``environment_error``) and the demo is used, so
    the app still opens.
    """
    from geo.pipeline.sources import sources_from_environment

    try:
        sources = sources_from_environment()
        if sources is not None:
            fingerprint = sources.fingerprint()
            result = _environment_analysis(fingerprint, sources)
            return Analysis(result, token="env-" + token_of(fingerprint), label=sources.label())
    except (GeoInputError, OSError) as exc:  # the app still opens, on the demo
        st.session_state["environment_error"] = exc  # rendered in the language of each visit
    return Analysis(_demo_analysis(), token=DEMO_TOKEN, label="demo")


def current_analysis() -> Analysis:
    """The loaded analysis: the environment's files or the built-in demo on first visit."""
    if "analysis" not in st.session_state:
        st.session_state["analysis"] = _initial_analysis()
    return st.session_state["analysis"]


def data_source_caption(lang: str) -> str:
    """"Data source: …" for the top of a page; mentions a failed environment start once."""
    analysis = current_analysis()
    label = t("demo_data", lang) if analysis.is_demo else analysis.label
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
    for key in ("config", "selected_village", "profile_village", "export_files"):
        st.session_state.pop(key, None)


def current_config():
    """The ranking config in use: the analysis' own unless the user changed it."""
    if "config" not in st.session_state:
        from geo.config import RankConfig, default_config

        method_config = current_analysis().result.method.get("config")
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
    analysis = current_analysis()
    if "config" not in st.session_state:
        return analysis.result
    return _rescored(analysis.token, current_config().to_json(), analysis.result)


@st.cache_resource(show_spinner=False, max_entries=32)  # shared, read-only: no copy per rerun
def _rescored(token: str, config_json: str, _result: AnalysisResult) -> AnalysisResult:
    import json

    from geo.config import RankConfig
    from geo.pipeline.analysis import rescore

    return rescore(_result, RankConfig.from_dict(json.loads(config_json)))


@st.cache_resource(show_spinner=False, max_entries=8)  # pages copy before changing it
def display_layer(token: str, _villages):
    """Simplified, rounded village shapes for drawing (geometry never changes on rescoring)."""
    from geo.presentation.display import simplify_for_display

    keep = [c for c in ("village_code", "village_name", "district_code", "district_name")
            if c in _villages]
    shapes = simplify_for_display(_villages[keep + ["geometry"]])
    # plain Python strings: every map page looks its villages up in this column, and pandas'
    # isin on Arrow strings converts the other side value by value (~0.2 s for Jawa Timur)
    shapes["village_code"] = shapes["village_code"].astype(object)
    return shapes


def token_of(*parts: bytes | str) -> str:
    """A short content hash that identifies an upload for the caches."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
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
    return _escape_markdown(text)


def _escape_markdown(text: str) -> str:
    """Backslash the characters that would turn a one-line message into Markdown formatting,
    links, HTML, maths or Streamlit's ``:colour[...]`` (an underscore inside a word, a dot or a
    colon in a file name stay as they are)."""
    import re

    return re.sub(r"([\\`*\[\]<>#|~$])", r"\\\1", text)


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
    """Store the focus list and its config in the workspace; returns where it went."""
    from geo.decisions.store import Decision, DecisionStore

    sources = {s["file"]: s["sha256"] for s in result.method.get("sources", []) if "sha256" in s}
    decision = Decision.from_selection(result.villages.drop(columns="geometry"), title=title,
                                       decided_by=decided_by, config=config, sources=sources)
    store = DecisionStore(workspace_dir())
    decision_id = store.save(decision)
    return f"{title.strip()} (id {decision_id}, {store.path})"


def workspace_dir() -> Path:
    """Where saved decisions live (``./workspace``; tests point it elsewhere with the env var)."""
    import os

    return Path(os.environ.get("POVERTY_MAP_WORKSPACE", WORKSPACE))


def use_demo() -> None:
    """Go back to the built-in demo data."""
    set_analysis(_demo_analysis(), token=DEMO_TOKEN, label="demo")


def column_config(columns, lang: str) -> dict:
    """Readable headers, shares as percentages and scores with one decimal for st.dataframe."""
    from geo.presentation.display import is_percent
    from geo.i18n.labels import indicator_label

    config = {}
    for column in columns:
        label = indicator_label(column, lang)
        if column == "in_focus_share":
            config[column] = st.column_config.ProgressColumn(label, format="percent",
                                                             min_value=0.0, max_value=1.0)
        elif is_percent(column):
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column == "score" or column.startswith("why_"):
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            config[column] = st.column_config.Column(label)
    return config
