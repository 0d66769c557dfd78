"""``python -m geo convergence`` on the demo region (issue 14 interface)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from geo.pipeline.analysis import demo_sources

ROOT = demo_sources()[0].parents[2]
PLANTED_NIK = "3571019876543210"
PLANTED_KK = "3571010101019999"
PLANTED_NAME = "Sulastri Wahyuningsih"
CONFIG = """
[[programme]]
name = "PKH"
agency = "Dinas Sosial"
eligible = "desil <= 2"

[[programme]]
name = "RTLH"
agency = "Dinas Perumahan"
eligible = "dep_housing == 1 and desil <= 5"
"""


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("convergence")
    households = pd.read_csv(demo_sources()[1], dtype=str)
    ids = households["id_keluarga"].dropna().drop_duplicates()
    pkh_ids, rtlh_ids = ids.iloc[:40].tolist(), ids.iloc[30:55].tolist()
    pkh = pd.DataFrame({"program": "PKH", "opd": "Dinas Sosial", "tahun": "2025",
                        "id_keluarga": pkh_ids, "nama_penerima": PLANTED_NAME, "nik": ""})
    pkh.loc[len(pkh)] = ["PKH", "Dinas Sosial", "2025", "", PLANTED_NAME, PLANTED_NIK]  # unlinked
    pkh.loc[len(pkh)] = ["PKH", "Dinas Sosial", "2025", "", PLANTED_NAME, ""]            # no key
    pkh.to_csv(folder / "pkh.csv", index=False)
    rtlh = pd.DataFrame({"programme": "RTLH", "agency": "Dinas Perumahan", "year": "2026",
                         "household_id": rtlh_ids, "no_kk": PLANTED_KK, "alamat": "Jl. Mawar 7"})
    rtlh.to_csv(folder / "rtlh.csv", index=False)
    (folder / "programmes.toml").write_text(CONFIG, encoding="utf-8")
    out = folder / "out"
    boundaries, registry = demo_sources()
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "convergence", "--boundaries", str(boundaries),
         "--households", str(registry), "--programmes", str(folder / "pkh.csv"),
         str(folder / "rtlh.csv"), "--config", str(folder / "programmes.toml"), "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return out, proc, len(set(pkh_ids)), len(set(rtlh_ids))


def test_json_interface(demo_run):
    out, _proc, n_pkh, n_rtlh = demo_run
    data = json.loads((out / "convergence.json").read_text(encoding="utf-8"))
    assert set(data["programmes"]) == {"PKH", "RTLH"}
    for name, reached in (("PKH", n_pkh), ("RTLH", n_rtlh)):
        p = data["programmes"][name]
        assert p["reached"] == reached
        assert p["exclusion"] + (p["reached"] - p["inclusion"]) == p["eligible"]
    assert data["unlinked_rows"] == 2
    assert data["rows"]["reasons"] == {"key_not_in_registry": 1, "no_key": 1}
    assert sum(data["reached_by"].values()) == data["households"]
    registry = pd.read_csv(demo_sources()[1], dtype=str)
    assert data["households"] == len(registry) - registry["id_keluarga"].duplicated().sum()
    assert data["reached_by"]["2"] == 10  # ids 30-39 are in both registers
    assert data["untouched"] > 0


def test_villages_csv_sums_to_the_totals(demo_run):
    out, *_ = demo_run
    villages = pd.read_csv(out / "convergence_villages.csv", dtype={"village_code": str})
    data = json.loads((out / "convergence.json").read_text(encoding="utf-8"))
    assert {"village_code", "untouched", "PKH_reached", "PKH_exclusion", "PKH_inclusion",
            "RTLH_reached", "RTLH_exclusion", "RTLH_inclusion"} <= set(villages.columns)
    assert villages["village_code"].str.match(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$").all()
    assert villages["untouched"].sum() <= data["untouched"]  # unplaced households are in no village
    assert villages["PKH_reached"].sum() <= data["programmes"]["PKH"]["reached"]


def test_no_personal_value_in_outputs_or_stdout(demo_run):
    out, proc, *_ = demo_run
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir()] + [proc.stdout, proc.stderr]
    for text in texts:
        for planted in (PLANTED_NIK, PLANTED_KK, PLANTED_NAME, "Sulastri", "Mawar"):
            assert planted not in text


def test_refused_expression_is_one_line(tmp_path):
    (tmp_path / "bad.toml").write_text(
        '[[programme]]\nname = "X"\nagency = "Y"\neligible = "__import__(\'os\').system(\'true\')"\n',
        encoding="utf-8")
    (tmp_path / "r.csv").write_text("program,id_keluarga\nX,DEMO-00001\n", encoding="utf-8")
    boundaries, registry = demo_sources()
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "convergence", "--boundaries", str(boundaries),
         "--households", str(registry), "--programmes", str(tmp_path / "r.csv"),
         "--config", str(tmp_path / "bad.toml"), "--out", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "eligible" in proc.stderr
    assert not (tmp_path / "out").exists()


def test_demo_registers_with_assignment_saved_and_audited(tmp_path):
    from geo.audit import entries
    from geo.convergence.assignment import AssignmentStore
    from geo.demo.registers import write_demo_registers

    paths = write_demo_registers(tmp_path / "registers")
    boundaries, registry = demo_sources()
    out, workspace = tmp_path / "out", tmp_path / "ws"
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "convergence", "--boundaries", str(boundaries),
         "--households", str(registry), "--programmes", *map(str, paths),
         "--config", str(tmp_path / "registers" / "programmes.toml"), "--out", str(out),
         "--assign", "--title", "Bagi tugas 2026", "--by", "TKPK", "--workspace", str(workspace)],
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    table = pd.read_csv(out / "assignment.csv", dtype=str, keep_default_na=False)
    saved = AssignmentStore(workspace).latest("Bagi tugas 2026")
    assert saved.villages["village_code"].tolist() == table["village_code"].tolist()
    assert len(table) > 0 and (table["agency"] != "").all()
    # balanced: no agency holds more than its share ceil(villages / 6 agencies)
    share = -(-len(table) // 6)
    over = table[table["reason"] == "over_share"]
    assert (table["agency"].value_counts() <= share).all() or len(over) > 0
    trail = entries(workspace)
    assert trail["action"].tolist() == ["assignment_saved"]
    assert trail["actor"].iloc[0].startswith("cli")
    for path in [*out.iterdir()]:
        text = path.read_text(encoding="utf-8")
        assert "Penerima Sintetis" not in text and "9971000000" not in text
    data = json.loads((out / "convergence.json").read_text(encoding="utf-8"))
    from geo.demo.registers import PLANTED

    unlinked = sum(p.get("key_not_in_registry", 0) + p.get("no_key", 0) for p in PLANTED.values())
    assert data["unlinked_rows"] == unlinked and data["need_effort"]["go_next"] == "high_need_low_coverage"
