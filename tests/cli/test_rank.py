"""The ``python -m geo rank`` interface that later checks rely on (issues 3 and 4)."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pyogrio
import pytest

from geo.pipeline.analysis import demo_sources

ROOT = demo_sources()[0].parents[2]


@pytest.fixture(scope="module")
def rank_out(tmp_path_factory):
    out = tmp_path_factory.mktemp("rank")
    boundaries, households = demo_sources()
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "rank", "--boundaries", str(boundaries),
         "--households", str(households), "--top", "7", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return out


def test_reconciliation_accounts_for_every_row(rank_out):
    recon = json.loads((rank_out / "reconciliation.json").read_text(encoding="utf-8"))
    rows = len(pd.read_csv(demo_sources()[1], dtype=str))
    assert recon["rows_in"] == rows
    assert sum(recon["outcomes"].values()) == rows
    assert recon["outcomes"]["invalid"] > 0 and recon["outcomes"]["unknown_code"] > 0


def test_villages_geojson_carries_indicators_and_ranking(rank_out):
    villages = pyogrio.read_dataframe(rank_out / "villages.geojson")
    for column in ("village_code", "village_name", "households", "people", "mpi_h", "mpi_a",
                   "mpi_m0", "score", "rank", "in_focus_list", "pocket"):
        assert column in villages.columns, column
    assert villages["village_code"].is_unique
    assert "index" not in villages.columns  # no stray pandas index column
    assert set(villages["pocket"].dropna()) <= {"HH", "LL", "HL", "LH", "ns", "isolated", "no_data"}
    assert (villages["in_focus_list"].astype(bool)).sum() == 7
    # M0 = H x A in every village with people measured
    measured = villages[villages["mpi_h"] > 0]
    assert ((measured["mpi_h"] * measured["mpi_a"] - measured["mpi_m0"]).abs() < 1e-9).all()


def test_focus_list_csv_is_ordered_by_rank(rank_out):
    focus = pd.read_csv(rank_out / "focus_list.csv", dtype={"village_code": str})
    expected = ["rank", "village_code", "village_name", "district_name", "score"]
    assert [c for c in focus.columns if c in expected] == expected
    assert len(focus) == 7
    assert focus["rank"].is_monotonic_increasing
    assert focus["score"].is_monotonic_decreasing


def test_unusable_boundaries_exit_2_without_traceback(tmp_path):
    bad = tmp_path / "broken.geojson"
    bad.write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "geo", "rank", "--boundaries", str(bad), "--out", str(tmp_path / "o")],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 2
    assert "broken.geojson" in proc.stderr and "Traceback" not in proc.stderr


def test_rank_takes_a_crosswalk_a_bps_bridge_and_the_overlap_rule(tmp_path, capsys):
    from conftest import shared_file
    from geo.__main__ import main

    dump = shared_file("wilayah_boundaries_kel_35.78.sql")
    households = tmp_path / "dtks.csv"
    households.write_text("kode_desa,kode_bps,jumlah_art,desil,dep_water\n"
                          "35.78.12.1004,,3,1,1\n35.78.12.1002,,2,1,0\n,3578120001,2,2,1\n")
    crosswalk = tmp_path / "kode_lama_baru.csv"
    crosswalk.write_text("kode_lama,kode_baru\n35.78.12.1002,35.78.12.1003\n")
    bridge = tmp_path / "jembatan.csv"
    bridge.write_text("kode_bps,kode_kemendagri\n3578120001,35.78.12.1001\n")
    out = tmp_path / "out"
    code = main(["--lang", "en", "rank", "--boundaries", str(dump), "--households",
                 str(households), "--crosswalk", str(crosswalk), "--bps-bridge", str(bridge),
                 "--overlap", "largest_polygon", "--out", str(out)])
    assert code == 0
    recon = json.loads((out / "reconciliation.json").read_text(encoding="utf-8"))
    assert recon["outcomes"]["matched_successor_code"] == 2
    assert recon["outcomes"]["matched_code"] == 1
    assert recon["successors"] == {"crosswalk": 1, "kemendagri_2023": 1}
    assert recon["bps_codes"] == {"bridged": 1, "not_in_bridge": 0}
    assert recon["overlap"] == "largest_polygon" and recon["crosswalk"] == crosswalk.name
    assert "matched through an older code: crosswalk 1, kemendagri_2023 1" in capsys.readouterr().out
    broken = tmp_path / "broken.csv"
    broken.write_text("kode_lama,kode_baru\n35.78.12.1002,3573014107800002\n")
    assert main(["--lang", "en", "rank", "--boundaries", str(dump), "--households",
                 str(households), "--crosswalk", str(broken), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    assert "broken.csv" in err and "row 1, column kode_baru" in err and "\n" not in err
    assert "3573014107800002" not in err
