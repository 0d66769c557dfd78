"""Streamlit side of the trends page (issue 15): the stored target's widgets, the waves read once.

The RPJMD target is one stored value per region (:class:`geo.targets.store.TargetStore`): the
overview's target field and the trends page's editor both start from it and write to it (the
same ``kept_value`` key ``target``, so the two pages also agree within a session). A change is
saved when the user may save (``save_decision``), checked again by :func:`ui.auth.require`.
"""

from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path

import streamlit as st

import ui.auth
import ui.state
from geo.common.errors import GeoInputError
from geo.targets.store import TargetStore

TARGET_KEY = "target"
DEFAULT_TARGET = 3.77  # shown until a region's target is stored (Kota Malang's RPJMD figure)
SAVE = "save_decision"


def store() -> TargetStore:
    return TargetStore(ui.state.workspace_dir())


def target_field(widget, region: str | None, label: str, lang: str) -> float:
    """The RPJMD target number field: the region's stored target, saved when changed."""
    saved = store().target(region) if region else None
    default = float(saved.value_pct) if saved is not None else DEFAULT_TARGET
    before = ui.state.remembered(TARGET_KEY, None)
    value = ui.state.kept_value(widget, TARGET_KEY, label, default=default, min_value=0.0,
                                max_value=100.0, step=0.01, format="%.2f",
                                disabled=region is not None and not ui.auth.allowed(SAVE))
    changed = before is not None and value != before
    if region and changed and (saved is None or value != saved.value_pct):
        ui.auth.require(SAVE, lang)
        keep = saved.to_dict() if saved is not None else {}
        try:
            stored = store().set_target(region, value, keep.get("target_year"),
                                        keep.get("baseline_pct"), keep.get("baseline_year"),
                                        by=ui.auth.actor())
        except GeoInputError as exc:
            ui.state.show_input_error(exc, lang)
        else:
            ui.auth.audit("target_saved", stored.to_dict())
    return value


@st.cache_resource(show_spinner=False)
def _demo_files() -> list[tuple[str, str]]:
    """The demo households as wave 2024 and their synthetic second wave as 2025 (once a server)."""
    from geo.demo.waves import write_demo_wave
    from geo.pipeline.analysis import demo_sources

    _, households = demo_sources()
    folder = Path(tempfile.mkdtemp(prefix="ppm_demo_waves_"))
    return [("2024", str(households)), ("2025", str(write_demo_wave(folder / "wave_2025.csv")))]


@st.cache_resource(show_spinner=False, max_entries=4)
def _movement(token: str, _files: tuple[tuple[str, str], ...], _villages, _config):
    """The waves' movement, kept per ``token`` (the files' contents, not their paths)."""
    from geo.waves.movement import movement
    from geo.waves.read import read_waves

    waves = read_waves(list(_files), _villages, overlap=_config.join.overlap, mpi=_config.mpi)
    return movement(waves, _villages["village_code"])


def demo_waves(analysis, config):
    """The demo's two waves' movement (the page works on first start without uploads)."""
    files = tuple(_demo_files())
    return _movement(f"{analysis.token}:demo", files, analysis.result.villages, config)


def label_of(name: str) -> str:
    """A wave label from an uploaded file's name: ``dtsen 2025q1.parquet`` -> ``dtsen_2025q1``."""
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", Path(str(name)).stem).strip("_.-")
    return (stem or "wave")[:32]


def uploaded_waves(analysis, config, uploads):
    """Movement of uploaded wave files (oldest first, labels from the file names)."""
    from geo.waves.read import parse_waves

    # household files hold personal data: they live in a private folder (0700) only while they
    # are read, and the cache is keyed by their contents' digests, not by where they were put
    with tempfile.TemporaryDirectory(prefix="ppm_waves_") as folder:
        items, keys, seen = [], [], set()
        for upload in uploads:
            data = upload.getvalue()
            digest = hashlib.sha256(data).hexdigest()[:16]
            label = label_of(upload.name)
            while label in seen:
                label = f"{label[:28]}_{len(seen)}"
            seen.add(label)
            suffix = "".join(Path(str(upload.name)).suffixes[-2:]) or ".csv"
            path = Path(folder) / f"{digest}{suffix}"
            path.write_bytes(data)
            items.append(f"{label}={path}")
            keys.append(f"{label}={digest}")
        files = tuple(parse_waves(items))
        token = ui.state.token_of(analysis.token, *keys)
        return _movement(token, files, analysis.result.villages, config)


@st.cache_resource(show_spinner=False, max_entries=4)
def persisted(token: str, _villages, _table, first: str, last: str):
    from geo.waves.focus import persisted_pockets

    return persisted_pockets(_villages, _table, first, last, permutations=999)
