"""Hand-computed movement over two and three waves (issue 15)."""

from __future__ import annotations

import math

import pytest

from geo.waves.movement import movement
from geo.waves.read import read_waves
from tests.waves.files import V1, V2, write_wave


def _run(tmp_path, villages, waves):
    files = [(label, write_wave(tmp_path / f"{label}.csv", rows)) for label, rows in waves]
    return movement(read_waves(files, villages), villages["village_code"])


def _village(result, code):
    table = result.villages.set_index("village_code")
    return table.loc[code]


def test_two_waves_hand_computed(tmp_path, villages):
    first = [("h1", V1, 1), ("h2", V1, 1), ("h3", V2, 3), ("h4", V2, 1), ("h5", V1, 2),
             ("h7", V1, 1)]
    last = [("h1", V1, 1),   # stuck, V1
            ("h2", V1, 4),   # left, V1
            ("h3", V2, 1),   # entered, V2
            ("h4", V1, 1),   # stuck, moved V2 -> V1: counted in V1 (last wave)
            ("h6", V2, 1),   # only last
            ("h7", V2, 5)]   # left, moved V1 -> V2: counted in V1 (first wave)
    result = _run(tmp_path, villages, [("2024", first), ("2025", last)])
    assert (result.matched, result.only_first, result.only_last) == (5, 1, 1)
    assert (result.stuck_desil1, result.left_desil1, result.entered_desil1) == (2, 2, 1)
    v1, v2 = _village(result, V1), _village(result, V2)
    assert (v1.stuck_desil1, v1.left_desil1, v1.entered_desil1) == (2, 2, 0)
    assert (v2.stuck_desil1, v2.left_desil1, v2.entered_desil1) == (0, 0, 1)
    assert math.isclose(v1.desil1_share_2024, 3 / 4) and math.isclose(v2.desil1_share_2024, 1 / 2)
    assert math.isclose(v1.desil1_share_2025, 2 / 3) and math.isclose(v2.desil1_share_2025, 2 / 3)
    t = result.transition
    assert t["1"]["1"] == 2 and t["1"]["4"] == 1 and t["1"]["5"] == 1 and t["3"]["1"] == 1
    assert sum(sum(row.values()) for row in t.values()) == result.matched
    assert set(t) == {str(i) for i in range(1, 11)}


def test_three_waves_stuck_means_every_wave(tmp_path, villages):
    a = [("h1", V1, 1), ("h2", V1, 1), ("h3", V1, 1), ("h4", V1, 2), ("h5", V2, 1)]
    b = [("h1", V1, 1), ("h2", V1, 2), ("h4", V1, 1), ("h5", V2, 1), ("h6", V2, 1)]
    c = [("h1", V1, 1), ("h2", V1, 1), ("h3", V2, 1), ("h4", V1, 1), ("h5", V2, 3)]
    result = _run(tmp_path, villages, [("q1", a), ("q2", b), ("q3", c)])
    # h1 1,1,1 stuck; h2 1,2,1 none; h3 1,-,1 stuck (judged on the waves it is in);
    # h4 2,1,1 entered; h5 1,1,3 left; h6 only in the middle wave
    assert result.matched == 5 and result.only_middle == 1
    assert (result.only_first, result.only_last) == (0, 0)
    assert (result.stuck_desil1, result.left_desil1, result.entered_desil1) == (2, 1, 1)
    assert result.matched_missing_middle == 1
    assert _village(result, V2).stuck_desil1 == 1  # h3 moved V1 -> V2: its last village
    assert _village(result, V1).stuck_desil1 == 1
    assert [c for c in result.villages.columns if c.startswith("desil1_share_")] == [
        "desil1_share_q1", "desil1_share_q2", "desil1_share_q3"]


def test_a_village_without_households_in_a_wave_has_no_share(tmp_path, villages):
    result = _run(tmp_path, villages, [("a", [("h1", V1, 1)]), ("b", [("h1", V1, 2)])])
    v2 = _village(result, V2)
    assert math.isnan(v2.desil1_share_a) and v2.stuck_desil1 == 0
    assert result.left_desil1 == 1


def test_movement_needs_two_waves(tmp_path, villages):
    files = [("a", write_wave(tmp_path / "a.csv", [("h1", V1, 1)]))]
    with pytest.raises(ValueError):
        movement(read_waves(files, villages), villages["village_code"])


def _mpi_wave(path, rows):
    """rows of (id, village, desil, poor?): poor = deprived in nutrition and schooling (1/6 + 1/6
    = k = 1/3 under the global weights), not poor = deprived in nutrition only (1/6)."""
    from geo.households.schema import DEPRIVATIONS

    header = "household_id,village_code,members,desil," + ",".join(DEPRIVATIONS)
    lines = [header]
    for hid, code, desil, poor in rows:
        flags = {d: 0 for d in DEPRIVATIONS}
        flags["dep_nutrition"] = 1
        flags["dep_schooling"] = int(poor)
        lines.append(f"{hid},{code},2,{desil}," + ",".join(str(flags[d]) for d in DEPRIVATIONS))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def test_mpi_poor_movement_hand_computed(tmp_path, villages):
    a = _mpi_wave(tmp_path / "a.csv", [("h1", V1, 1, True), ("h2", V1, 2, True),
                                       ("h3", V2, 3, False), ("h4", V2, 4, False)])
    b = _mpi_wave(tmp_path / "b.csv", [("h1", V2, 1, True), ("h2", V1, 2, False),
                                       ("h3", V2, 3, True), ("h4", V2, 4, False)])
    result = movement(read_waves([("a", a), ("b", b)], villages), villages["village_code"])
    assert result.mpi_matched == 4
    assert (result.stuck_mpi_poor, result.left_mpi_poor, result.entered_mpi_poor) == (1, 1, 1)
    assert result.mpi_transition == {"poor": {"poor": 1, "not_poor": 1},
                                     "not_poor": {"poor": 1, "not_poor": 1}}
    v1, v2 = _village(result, V1), _village(result, V2)
    assert (v1.stuck_mpi_poor, v1.left_mpi_poor, v2.stuck_mpi_poor, v2.entered_mpi_poor) == (0, 1, 1, 1)
    # M0 = poor people's scores / people, 2 members each, a poor score 1/3:
    # a: V1 h1, h2 poor -> (2/3 + 2/3) / 4 = 1/3; V2 nobody poor -> 0
    # b: V1 h2 not poor -> 0; V2 h1, h3 poor of h1, h3, h4 -> (2/3 + 2/3) / 6 = 2/9
    assert math.isclose(v1.m0_a, 1 / 3) and v2.m0_a == 0
    assert v1.m0_b == 0 and math.isclose(v2.m0_b, 2 / 9)


def test_no_mpi_columns_means_no_mpi_movement(tmp_path, villages):
    result = _run(tmp_path, villages, [("a", [("h1", V1, 1)]), ("b", [("h1", V1, 1)])])
    assert result.stuck_desil1 == 1 and result.mpi_matched == 0 and result.stuck_mpi_poor == 0
