"""Bagi tugas (issue 14): the proposal rule on the hand-made registry, saving and auditing."""

from __future__ import annotations

import sqlite3

import pandas as pd
import pytest

from geo.audit import entries
from geo.config.load import config_from_text
from geo.convergence import converge, read_registers
from geo.convergence.assignment import (AssignmentStore, agency_load, propose_assignment,
                                        save_assignment)

from tests.convergence.test_measures import CATALOGUE, SALT, registry, write_registers


@pytest.fixture()
def result(tmp_path):
    households = registry()
    registers = read_registers(write_registers(tmp_path), households["household_id"], salt=SALT)
    return converge(households, registers, config_from_text(CATALOGUE).programmes)


def villages(main_b="dep_housing") -> pd.DataFrame:
    """B ranks first; A is driven by water, B by ``main_b`` (each: its contribution minus the
    median of the two villages is the largest)."""
    out = pd.DataFrame({"village_code": ["A", "B"], "village_name": ["Desa A", "Desa B"],
                        "rank": [2, 1], "in_focus_list": [True, True],
                        "contrib_dep_water": [0.5, 0.2], "contrib_dep_housing": [0.1, 0.3]})
    if main_b == "dep_water":  # water: median 0.55, B +0.05; housing: median 0.175, A +0.125
        out["contrib_dep_water"] = [0.5, 0.6]
        out["contrib_dep_housing"] = [0.3, 0.05]
    return out


def test_agency_with_largest_exclusion_and_dimension_match(result):
    # exclusion A: PKH 1 (h2), RTLH 0, BPNT 1 (h2); B: PKH 2 (h5 h6), RTLH 1 (h6), BPNT 0
    # B first (rank 1), housing drives it: Perumahan 1 x 2 = 2, Sosial 2 -> tie, by name:
    # Perumahan (dimension_match). A: Sosial 1 + 1 = 2, Perumahan 0 -> Sosial.
    got = propose_assignment(result, villages())
    assert got["village_code"].tolist() == ["B", "A"]
    assert got["agency"].tolist() == ["Dinas Perumahan", "Dinas Sosial"]
    assert got["reason"].tolist() == ["dimension_match", "largest_exclusion"]
    assert got["main_dimension"].tolist() == ["dep_housing", "dep_water"]
    assert got["exclusion"].tolist() == [1, 2]
    assert got["programmes"].tolist() == ["RTLH", "BPNT, PKH"]
    assert got["runner_up"].tolist() == ["Dinas Sosial", ""]
    assert agency_load(got) == {"Dinas Perumahan": 1, "Dinas Sosial": 1}


def test_one_agency_is_not_given_everything(result):
    # A (housing: but no housing exclusion there) -> Sosial (2); B (water): Sosial 2,
    # Perumahan 1, but Sosial
    # already holds its share ceil(2 villages / 2 agencies) = 1 -> Perumahan (balanced)
    got = propose_assignment(result, villages("dep_water"), codes=["A", "B"])
    assert got["agency"].tolist() == ["Dinas Sosial", "Dinas Perumahan"]
    assert got["reason"].tolist() == ["largest_exclusion", "balanced"]
    assert got["runner_up"].tolist() == ["", "Dinas Sosial"]


def test_without_focus_list_the_go_next_villages(result):
    # no village is high need and low coverage here (A high-high, B low-low): nothing to assign
    assert propose_assignment(result, None).empty


def test_saved_versions_are_kept_and_audited(result, tmp_path):
    proposal = propose_assignment(result, villages())
    edited = proposal.copy()
    edited.loc[edited["village_code"] == "A", "agency"] = "Baznas"
    first = save_assignment(tmp_path, proposal, title="Bagi tugas 2026", by="Kepala Bappeda",
                            actor="analis1")
    second = save_assignment(tmp_path, edited, title="Bagi tugas 2026", by="Kepala Bappeda",
                             actor="analis1")
    store = AssignmentStore(tmp_path)
    assert store.load(first).version == 1 and store.load(second).version == 2
    latest = store.latest("Bagi tugas 2026")
    assert latest.id == second and latest.changed == 1
    assert latest.villages.set_index("village_code")["agency"].to_dict() == {
        "A": "Baznas", "B": "Dinas Perumahan"}
    assert store.list()["villages"].tolist() == [2, 2]
    trail = entries(tmp_path)
    saved = trail[trail["action"] == "assignment_saved"]
    assert len(saved) == 2 and set(saved["actor"]) == {"analis1"}
    assert '"changed": 1' in saved.iloc[0]["details"]
    db = sqlite3.connect(tmp_path / "decisions.sqlite")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("UPDATE assignment_village SET agency = 'x'")
    with pytest.raises(sqlite3.DatabaseError):
        db.execute("DELETE FROM assignment")
    db.close()


def test_saving_needs_a_title_and_who(result, tmp_path):
    from geo.common.errors import GeoInputError

    proposal = propose_assignment(result, villages())
    with pytest.raises(GeoInputError):
        AssignmentStore(tmp_path).save(proposal, title=" ", by="x")
    with pytest.raises(GeoInputError):
        AssignmentStore(tmp_path).save(proposal, title="t", by="")
