"""The Konvergensi page (issue 14) on the demo, with AppTest: figures, saving, privacy."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from geo.config.load import config_from_text
from geo.convergence import converge, read_registers
from geo.convergence.assignment import AssignmentStore
from geo.demo.registers import CATALOGUE, write_demo_registers
from geo.i18n import number
from geo.pipeline.analysis import analyse, demo_sources

ROOT = Path(__file__).resolve().parents[2]
PAGE = "pages/8_Konvergensi.py"
TIMEOUT = 180


def run(lang: str = "id") -> AppTest:
    at = AppTest.from_file(str(ROOT / PAGE), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.fixture(scope="module")
def expected(tmp_path_factory):
    """The same measures computed straight from geo, outside the app."""
    paths = write_demo_registers(tmp_path_factory.mktemp("registers"))
    result = analyse(*demo_sources())
    households = result.households[result.households["outcome"] != "duplicate_household"]
    registers = read_registers(paths, households["household_id"])
    return converge(households, registers, config_from_text(CATALOGUE).programmes)


def test_headline_numbers_are_the_measures(expected):
    at = run()
    metric = {m.label: m.value for m in at.metric}
    assert metric["Ruta layak ≥ 1 program"] == number(expected.eligible_any, "id")
    assert metric["Ruta layak belum tersentuh"] == \
        number(expected.untouched, "id")
    assert metric["Ruta layak terjangkau"] == number(
        expected.eligible_any - expected.untouched, "id")
    assert metric["Baris register tak tertaut"] == number(expected.unlinked_rows, "id")
    programmes = next(d.value for d in at.dataframe if "Syarat sasaran" in d.value.columns)
    assert list(programmes["Program"]) == [p.name for p in expected.programmes]
    assert list(programmes["Layak, belum menerima"]) == [number(p.exclusion, "id")
                                                        for p in expected.programmes]
    matrix = next(d.value for d in at.dataframe if "Zakat Produktif" in d.value.columns)
    assert len(matrix) == len(expected.villages)


def test_assignment_is_proposed_edited_and_saved_with_audit(workspace):
    at = run()
    editor = at.get("arrow_data_editor") or at.get("data_editor")
    assert editor, "the proposal is an editable table"
    at.text_input(key="assign_by").input("Sekretaris TKPK")
    at.button[[b.label for b in at.button].index("Simpan bagi tugas")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Bagi tugas tersimpan" in s.value for s in at.success)
    saved = AssignmentStore(workspace).latest()
    assert saved is not None and saved.assigned_by == "Sekretaris TKPK" and len(saved.villages) > 0
    from geo.audit import entries

    trail = entries(workspace)
    assert "assignment_saved" in set(trail["action"])


def test_no_planted_personal_value_on_screen():
    for lang in ("id", "en"):
        at = run(lang)
        words = [str(e.value) for kind in ("title", "subheader", "markdown", "caption", "info",
                                           "warning", "success", "error") for e in getattr(at, kind)]
        for frame in at.dataframe:
            words += [str(v) for c in frame.value.columns for v in frame.value[c]]
        text = "\n".join(words)
        assert "Penerima Sintetis" not in text and "99710000" not in text and "Jl. Sintetis" not in text


def test_uploaded_register_replaces_the_demo_registers(tmp_path):
    at = run()
    data = b"program,opd,id_keluarga,nik\nPKH,Dinas Sosial,DEMO-00001,\nPKH,Dinas Sosial,,9971019876543210\n"
    at.file_uploader(key="conv_registers").upload("pkh.csv", data, "text/csv")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    metric = {m.label: m.value for m in at.metric}
    assert metric["Baris register tak tertaut"] == "1"
    words = [str(c.value) for c in at.caption]
    assert not any("SINTETIS" in w for w in words)
    assert not any("9971019876543210" in str(v) for d in at.dataframe for c in d.value.columns
                   for v in d.value[c])


def test_downloads_offer_the_workbook_and_the_layer():
    at = run()
    labels = [b.proto.label for b in at.get("download_button")]
    assert {"convergence.xlsx", "convergence_villages.geojson", "convergence.json",
            "convergence_villages.csv", "assignment.csv"} <= set(labels)
