"""Session state and cached steps shared by the app's pages (the only Streamlit-side helper).

State lives in ``st.session_state`` under a few well-named keys:

- ``lang``: interface language (``id`` / ``en``)
- ``tiles``: base map (``none`` offline / ``openstreetmap`` / ``cartodb``)
- ``analysis``: the analysis the user loaded (:class:`geo.results.AnalysisResult`) and its
  ``token`` (what the caches key on), ``label`` (where the data came from)
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

from geo.errors import GeoInputError
from geo.i18n import DEFAULT_LANGUAGE, LANGUAGES, t
from geo.offline import ensure_leaflet_assets
from geo.results import AnalysisResult

ROOT = Path(__file__).resolve().parent
WORKSPACE = ROOT / "workspace"
MAX_UPLOAD_MB = 200  # also server.maxUploadSize in .streamlit/config.toml


@dataclass
class Analysis:
    """The loaded analysis: the result as analysed, and a token identifying it for caches."""

    result: AnalysisResult
    token: str
    label: str


def page_setup(title_key: str) -> str:
    """Common page start: config, Leaflet assets, sidebar (language, base map). Returns ``lang``."""
    st.set_page_config(page_title=t(title_key, st.session_state.get("lang", DEFAULT_LANGUAGE)),
                       layout="wide")
    _leaflet_assets()
    st.session_state.setdefault("lang", DEFAULT_LANGUAGE)
    st.session_state.setdefault("tiles", "none")
    with st.sidebar:
        lang = _persistent_select("lang", t("language", st.session_state["lang"]),
                                  list(LANGUAGES), LANGUAGES.get)
        _persistent_select("tiles", t("tiles", lang), ["none", "openstreetmap", "cartodb"],
                           lambda k: t(f"tiles_{k}", lang))
    return lang


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
    from geo.pipeline import analyse, demo_sources

    return analyse(*demo_sources())


def current_analysis() -> Analysis:
    """The loaded analysis; the built-in demo on first visit."""
    if "analysis" not in st.session_state:
        result = _demo_analysis()
        st.session_state["analysis"] = Analysis(result, token="demo", label="demo")
    return st.session_state["analysis"]


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
    from geo.pipeline import rescore

    return rescore(_result, RankConfig.from_dict(json.loads(config_json)))


@st.cache_resource(show_spinner=False, max_entries=8)  # pages copy before changing it
def display_layer(token: str, _villages):
    """Simplified, rounded village shapes for drawing (geometry never changes on rescoring)."""
    from geo.display import simplify_for_display

    keep = [c for c in ("village_code", "village_name", "district_code", "district_name")
            if c in _villages]
    return simplify_for_display(_villages[keep + ["geometry"]])


def token_of(*parts: bytes | str) -> str:
    """A short content hash that identifies an upload for the caches."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else part.encode("utf-8"))
    return digest.hexdigest()[:16]


def show_input_error(exc: Exception) -> None:
    """Show a user's input problem as one message, never a traceback."""
    st.error(str(exc))


def draw_legend(entries: list[dict], title: str, lang: str) -> None:
    """The map legend beside the map: colour swatch, class label, count (labels escaped)."""
    import html

    rows = []
    for entry in entries:
        label = entry.get("label", "")
        if label == "no data":
            label = t("no_data", lang)
        outline = entry.get("outline", "#555555")
        rows.append(
            f'<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="display:inline-block;width:18px;height:14px;background:{entry["colour"]};'
            f'border:1px solid {outline}"></span>'
            f'<span>{html.escape(str(label))} ({entry.get("count", 0):,})</span></div>'
        )
    st.markdown(f"**{html.escape(title)}**\n\n" + "".join(rows), unsafe_allow_html=True)


def numeric_indicators(villages) -> list[str]:
    """Indicator columns a planner may map: numeric, not identifiers or test statistics."""
    import pandas as pd

    skip_prefixes = ("lisa_", "gi_")
    skip = {"geometry", "source_row", "neighbours"}
    return [c for c in villages.columns
            if c not in skip and not c.startswith(skip_prefixes)
            and pd.api.types.is_numeric_dtype(villages[c]) and not pd.api.types.is_bool_dtype(villages[c])]


def village_choices(villages) -> dict[str, str]:
    """``{village_code: "name — district (code)"}`` for select boxes, ordered by code."""
    import pandas as pd

    frame = villages.sort_values("village_code")
    district = frame["district_name"] if "district_name" in frame else frame.get("district_code")
    return {
        str(code): f"{name} — {dist} ({code})" if not pd.isna(dist) else f"{name} ({code})"
        for code, name, dist in zip(frame["village_code"], frame["village_name"],
                                    district if district is not None else [None] * len(frame))
    }


@st.cache_data(show_spinner=False, max_entries=32)
def focus_stability(token: str, config_json: str, _villages):
    """Weight-perturbation robustness of the focus list (cached per analysis and config)."""
    import json

    from geo.config import RankConfig

    try:
        from geo.robustness import focus_stability as stability
    except ImportError:
        return None
    return stability(_villages, RankConfig.from_dict(json.loads(config_json)))


def save_decision(result: AnalysisResult, config, *, title: str, decided_by: str) -> str:
    """Store the focus list and its config in the workspace; returns where it went."""
    from geo.decisions import Decision, DecisionStore

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


BOUNDARY_TYPES = ("geojson", "json", "gpkg", "zip", "kml", "sql", "fgb", "parquet", "geoparquet")
HOUSEHOLD_TYPES = ("csv", "txt", "xlsx", "xlsm", "parquet")


def parse_column_map(text: str, what: str) -> dict[str, str] | None:
    """``canonical = source`` lines to a dict; a malformed line is the user's to fix."""
    mapping = {}
    for number, line in enumerate((text or "").splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        canonical, sep, source = line.partition("=")
        if not sep or not canonical.strip() or not source.strip():
            raise GeoInputError(f"line {number} {line!r} is not 'canonical_column = column_in_file'",
                                source=f"{what} column mapping")
        mapping[canonical.strip()] = source.strip()
    return mapping or None


def _checked_upload(upload, allowed: tuple[str, ...]) -> bytes:
    name = upload.name
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if suffix not in allowed:
        raise GeoInputError(f"file type .{suffix} is not accepted here; use one of "
                            f"{', '.join('.' + a for a in allowed)}", source=name)
    size = upload.size if hasattr(upload, "size") else len(upload.getvalue())
    if size > MAX_UPLOAD_MB * 1024 * 1024:
        raise GeoInputError(f"the file is {size / 2**20:.0f} MB; at most {MAX_UPLOAD_MB} MB",
                            source=name)
    return upload.getvalue()


def analyse_uploads(boundary_file, household_file, boundary_map_text: str,
                    household_map_text: str, lang: str) -> None:
    """Analyse uploaded files and make them the loaded analysis.

    The files are written to a private temporary folder only for the time of the analysis
    (the household file may hold personal columns, which ``read_households`` drops) and
    deleted right after.
    """
    import tempfile

    from geo.pipeline import analyse

    boundary_columns = parse_column_map(boundary_map_text, "boundary")
    household_columns = parse_column_map(household_map_text, "household")
    boundary_bytes = _checked_upload(boundary_file, BOUNDARY_TYPES)
    household_bytes = (_checked_upload(household_file, HOUSEHOLD_TYPES)
                       if household_file is not None else b"")
    with tempfile.TemporaryDirectory(prefix="upload-") as folder:
        boundary_path = Path(folder) / Path(boundary_file.name).name
        boundary_path.write_bytes(boundary_bytes)
        household_path = None
        if household_file is not None:
            household_path = Path(folder) / Path(household_file.name).name
            household_path.write_bytes(household_bytes)
        result = analyse(boundary_path, household_path, boundary_columns=boundary_columns,
                         household_columns=household_columns)
    token = token_of(boundary_bytes, household_bytes, boundary_map_text or "",
                     household_map_text or "")
    label = boundary_file.name + (f" + {household_file.name}" if household_file else "")
    set_analysis(result, token=token, label=label)


def use_demo() -> None:
    """Go back to the built-in demo data."""
    set_analysis(_demo_analysis(), token="demo", label="demo")


def public_rejected(rejected):
    """Rejected rows safe to show and download: row number, outcome, reason — nothing personal."""
    if rejected is None:
        return None
    from geo.privacy import drop_personal

    keep = [c for c in ("source_row", "outcome", "reason") if c in rejected]
    public, _ = drop_personal(rejected[keep])
    return public.reset_index(drop=True)


def column_config(columns, lang: str) -> dict:
    """Readable headers, shares as percentages and scores with one decimal for st.dataframe."""
    from geo.display import is_percent
    from geo.i18n import indicator_label

    config = {}
    for column in columns:
        label = indicator_label(column, lang)
        if is_percent(column):
            config[column] = st.column_config.NumberColumn(label, format="percent")
        elif column == "score" or column.startswith("why_"):
            config[column] = st.column_config.NumberColumn(label, format="%.1f")
        else:
            config[column] = st.column_config.Column(label)
    return config


def district_column(villages) -> str:
    """``district_name`` when the boundary file had names, else ``district_code``."""
    if "district_name" in villages and villages["district_name"].notna().any():
        return "district_name"
    return "district_code"
