"""The demo's synthetic programme registers (issue 14): planted errors come out as planted."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.config.load import config_from_text
from geo.convergence import converge, read_registers
from geo.demo.registers import CATALOGUE, PLANTED, demo_registers, write_demo_registers
from geo.pipeline.analysis import analyse, demo_sources


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registers")
    paths = write_demo_registers(folder)
    result = analyse(*demo_sources())
    households = result.households[result.households["outcome"] != "duplicate_household"]
    registers = read_registers(paths, households["household_id"])
    return folder, paths, registers, converge(households, registers,
                                              config_from_text(CATALOGUE).programmes)


def test_same_seed_same_registers():
    first, again = demo_registers(), demo_registers()
    assert list(first) == list(PLANTED)
    for name in first:
        pd.testing.assert_frame_equal(first[name], again[name])


def test_planted_errors_are_accounted_per_reason(demo):
    _folder, _paths, registers, _result = demo
    rows = registers.rows
    for name, planted in PLANTED.items():
        mine = rows[rows["source"] == name]
        for reason in ("key_not_in_registry", "no_key", "bad_year", "bad_budget", "no_programme"):
            assert int((mine["reason"] == reason).sum()) == planted.get(reason, 0), (name, reason)
        assert int((mine["outcome"] == "village_level").sum()) == planted.get("village_level", 0)
    assert registers.accounting.rows_in == sum(len(t) for t in demo_registers().values())
    assert sum(registers.accounting.outcomes.values()) == registers.accounting.rows_in


def test_repeated_rows_link_once(demo):
    _folder, _paths, registers, result = demo
    linked = registers.linked()
    pkh = linked[linked["programme"] == "PKH"]
    # the two repeated PKH rows (and the bad-year row) name households already in the list
    assert len(pkh) - pkh["household_id"].nunique() == PLANTED["pkh_dinsos.csv"]["duplicate_rows"]
    assert result.programme("PKH").reached == pkh["household_id"].nunique()


def test_the_demo_shows_every_programme_and_villages_to_go_next(demo):
    _folder, _paths, _registers, result = demo
    assert {p.name for p in result.programmes} == {"PKH", "BPNT", "PBI-JK", "RTLH",
                                                   "CSR Air Bersih", "Zakat Produktif"}
    assert result.untouched > 0
    assert result.quadrant.counts["high_need_low_coverage"] > 0
    assert result.programme("CSR Air Bersih").village_level_recipients > 0


def test_synthetic_names_and_nik_are_dropped(demo):
    folder, _paths, registers, _result = demo
    text = (folder / "pkh_dinsos.csv").read_text(encoding="utf-8")
    assert "Penerima Sintetis" in text and ",99710" in text  # planted in the input
    assert {"nama_penerima", "nik", "alamat"} <= set(registers.accounting.dropped_columns)
    dumped = registers.rows.to_csv()
    assert "Penerima Sintetis" not in dumped and "9971000000000" not in dumped


def test_the_demo_command_writes_the_registers_of_its_households(tmp_path):
    """``python -m geo demo`` writes the registers too, naming the households it wrote: the
    same files as the app's demo registers (made from the committed households)."""
    import argparse

    from geo.cli import demo as demo_cli

    parser = argparse.ArgumentParser()
    demo_cli.add_arguments(parser)
    assert demo_cli.run(parser.parse_args(["--out", str(tmp_path / "demo")])) == 0
    written = tmp_path / "demo" / "registers"
    app = write_demo_registers(tmp_path / "app")
    assert sorted(p.name for p in written.iterdir()) == sorted([p.name for p in app] + ["programmes.toml"])
    for path in app:
        if path.suffix == ".csv":  # xlsx carries a timestamp
            assert (written / path.name).read_bytes() == path.read_bytes(), path.name
    assert (written / "programmes.toml").read_text(encoding="utf-8") == CATALOGUE
