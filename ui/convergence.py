"""The Konvergensi page's cached step: registers read and measured once per data and files.

Uploaded registers are written to a private temporary folder only while they are read (they may
hold NIK, No. KK and names, which the reader hashes or drops) and deleted right after; the
built-in demo's synthetic registers are written once per server. The cache keeps the
:class:`geo.convergence.Convergence` (counts and register rows without personal columns).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from geo.config.load import config_from_text
from geo.convergence import converge, read_registers
from geo.demo.registers import CATALOGUE, write_demo_registers
from geo.pipeline.sources import HOUSEHOLD_TYPES, check_upload
from ui.state import token_of

REGISTER_TYPES = HOUSEHOLD_TYPES
CATALOGUE_TYPES = ("toml", "yaml", "yml")


@st.cache_resource(show_spinner=False)
def demo_register_folder() -> Path:
    """The demo's synthetic registers, written once per server into a temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="demo-registers-"))
    write_demo_registers(folder)
    return folder


def _registry(result):
    households = result.households
    if "outcome" in households.columns:  # a repeated household row counts once
        households = households[households["outcome"] != "duplicate_household"]
    return households


@st.cache_resource(show_spinner=False, max_entries=6)
def _measured(token: str, registers_token: str, catalogue_text: str, _result, _files):
    programmes = config_from_text(catalogue_text).programmes if catalogue_text else ()
    households = _registry(_result)
    if _files is None:
        paths = sorted(p for p in demo_register_folder().iterdir() if p.suffix != ".toml")
        registers = read_registers(paths, households["household_id"])
        return converge(households, registers, programmes)
    with tempfile.TemporaryDirectory(prefix="registers-") as folder:
        paths = []
        for position, (name, data) in enumerate(_files):
            path = Path(folder) / str(position) / Path(name).name  # the file keeps its name
            path.parent.mkdir()
            path.write_bytes(data)
            paths.append(path)
        registers = read_registers(paths, households["household_id"])
    return converge(households, registers, programmes)


def convergence_for(analysis, result, uploads, catalogue_upload, config=None):
    """The measures for the session's data: uploaded registers when given, else the demo's
    (only on the demo data). Returns ``(Convergence or None, source)`` with source ``upload``,
    ``demo`` or ``none`` (real data, no register uploaded yet)."""
    catalogue_text = ""
    if catalogue_upload is not None:
        check_upload(catalogue_upload.name, len(catalogue_upload.getvalue()), CATALOGUE_TYPES)
        catalogue_text = catalogue_upload.getvalue().decode("utf-8", errors="replace")
        config_from_text(catalogue_text)  # a bad catalogue is refused here, naming the key
    if uploads:
        files = []
        for upload in uploads:
            data = upload.getvalue()
            check_upload(upload.name, len(data), REGISTER_TYPES)
            files.append((upload.name, data))
        if not catalogue_text and config is not None and config.programmes:
            catalogue_text = config.to_json()  # the session's config carries a catalogue
        key = token_of(*(part for name, data in files for part in (name, data)))
        return _measured(analysis.token, key, catalogue_text, result, tuple(files)), "upload"
    if not analysis.is_demo:
        return None, "none"
    return _measured(analysis.token, "demo", catalogue_text or CATALOGUE, result, None), "demo"
