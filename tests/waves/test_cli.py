"""``python -m geo waves`` on the demo region and its second wave (issue 15 interface)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from geo.__main__ import main
from geo.demo.waves import write_demo_wave
from geo.pipeline.analysis import demo_sources


@pytest.fixture(scope="module")
def waves_out(tmp_path_factory):
    base = tmp_path_factory.mktemp("waves")
    boundaries, households = demo_sources()
    second = write_demo_wave(base / "wave2.csv")
    out = base / "out"
    code = main(["waves", "--boundaries", str(boundaries), "--households",
                 f"2024={households}", f"2025={second}", "--out", str(out)])
    assert code == 0
    return out, households, second


def test_waves_json_and_village_csv(waves_out):
    out, households, second = waves_out
    report = json.loads((out / "waves.json").read_text(encoding="utf-8"))
    for key in ("stuck_desil1", "left_desil1", "entered_desil1", "matched", "only_first",
                "only_last", "transition", "waves"):
        assert key in report
    assert report["matched"] > 0 and report["left_desil1"] > 0 and report["entered_desil1"] > 0
    rows = [len(pd.read_csv(households, dtype=str)), len(pd.read_csv(second, dtype=str))]
    assert [w["rows_in"] for w in report["waves"]] == rows
    for wave in report["waves"]:
        assert sum(wave["outcomes"].values()) == wave["rows_in"]
        assert wave["placed"] == wave["linkable"] + sum(wave["not_linked"].values())
        assert wave["not_linked"]["repeated_key"] > 0  # the demo repeats an id
    first, last = report["waves"]
    assert report["matched"] + report["only_first"] == first["linkable"]
    assert report["matched"] + report["only_last"] == last["linkable"]
    assert sum(sum(r.values()) for r in report["transition"].values()) == report["matched"]

    table = pd.read_csv(out / "waves_villages.csv", dtype={"village_code": str})
    assert list(table.columns) == ["village_code", "stuck_desil1", "left_desil1",
                                   "entered_desil1", "desil1_share_2024", "desil1_share_2025",
                                   "stuck_mpi_poor", "left_mpi_poor", "entered_mpi_poor",
                                   "m0_2024", "m0_2025"]
    assert table["m0_2024"].notna().all() and (table["m0_2024"] != table["m0_2025"]).any()
    assert report["mpi_matched"] > 0 and report["stuck_mpi_poor"] > 0
    assert report["left_mpi_poor"] > 0 and report["entered_mpi_poor"] > 0
    for name in ("stuck_desil1", "left_desil1", "entered_desil1", "stuck_mpi_poor",
                 "left_mpi_poor", "entered_mpi_poor"):
        assert table[name].sum() == report[name]
    assert table["village_code"].str.match(r"^\d\d\.\d\d\.\d\d\.\d{4}$").all()
    assert not any(p.name.endswith(".tmp") for p in out.iterdir())


def test_no_household_key_in_outputs(waves_out):
    out, households, _ = waves_out
    ids = pd.read_csv(households, dtype=str)["id_keluarga"].dropna()
    text = (out / "waves.json").read_text(encoding="utf-8") + (out / "waves_villages.csv").read_text()
    assert not any(i in text for i in ids.head(200))


def test_bad_label_is_one_line(tmp_path, capsys):
    boundaries, households = demo_sources()
    code = main(["--lang", "en", "waves", "--boundaries", str(boundaries), "--households",
                 f"2024{households}", f"2025={households}", "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "LABEL=FILE" in err and "Traceback" not in err
    assert not (tmp_path / "o").exists()


def test_quarterly_report_from_the_command_line(tmp_path):
    from pypdf import PdfReader

    from geo.targets.store import TargetStore

    boundaries, households = demo_sources()
    second = write_demo_wave(tmp_path / "wave2.csv")
    ws = tmp_path / "ws"
    TargetStore(ws).set_target("99.71", 3.75, 2026, 4.62, 2022)
    out = tmp_path / "out"
    for lang in ("id", "en"):
        code = main(["waves", "--boundaries", str(boundaries), "--households",
                     f"2024={households}", f"2025={second}", "--out", str(out),
                     "--report", "pdf", "xlsx", "--lang", lang, "--workspace", str(ws),
                     "--focus", "99.71.01.1001", "99.71.01.1002"])
        assert code == 0
        text = "".join(p.extract_text() for p in PdfReader(out / f"quarterly_{lang}.pdf").pages)
        assert ("99.71.01.1001" in text) and ("3,75 %" if lang == "id" else "3.75 %") in text
        assert (out / f"quarterly_{lang}.xlsx").stat().st_size > 0
