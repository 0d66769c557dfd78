"""Decision history through the command line: decide, list, show, compare, re-run, refuse."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from geo.__main__ import main
from geo.decisions.history import compare, list_decisions
from geo.decisions.store import DecisionStore
from geo.pipeline.analysis import demo_sources


@pytest.fixture(autouse=True)
def english(monkeypatch):
    monkeypatch.setenv("PPM_LANG", "en")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    """Copies of the demo files (a test changes one) and a config with another top N."""
    folder = tmp_path_factory.mktemp("inputs")
    boundaries, households = (shutil.copy(p, folder / p.name) for p in demo_sources())
    top6 = folder / "top6.toml"
    top6.write_text(open("config/default.toml", encoding="utf-8").read()
                    .replace("top_n = 10", "top_n = 6"), encoding="utf-8")
    assert "top_n = 6" in top6.read_text(encoding="utf-8")
    return folder, str(boundaries), str(households), str(top6)


@pytest.fixture(scope="module")
def workspace(inputs, tmp_path_factory):
    folder, boundaries, households, top6 = inputs
    ws = tmp_path_factory.mktemp("ws")
    for title, by, extra in (("Lokus 2026", "Sekda", []), ("Lokus 2026", "Bappeda", ["--config", top6])):
        assert main(["decide", "--boundaries", boundaries, "--households", households, *extra,
                     "--title", title, "--by", by, "--workspace", str(ws)]) == 0
    return ws


def test_two_decisions_saved_and_listed(workspace, capsys):
    capsys.readouterr()
    assert main(["decisions", "list", "--workspace", str(workspace)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    first, second = (line.split("\t") for line in lines)
    assert first[0] == "1" and first[2] == "Lokus 2026" and first[3] == "Sekda"
    assert second[0] == "2" and second[3] == "Bappeda" and second[4] == "v2"
    assert first[1][:4].isdigit() and first[1].endswith("+00:00")
    summaries = list_decisions(DecisionStore(workspace))
    assert [s.villages for s in summaries] == [10, 6]
    assert {f for f, _ in summaries[0].sources} == {"demo_villages.geojson", "demo_households.csv"}
    assert "/" not in "".join(lines)  # no server path in the listing


def test_compare_two_decisions(workspace, capsys):
    store = DecisionStore(workspace)
    ten, six = store.load(1), store.load(2)
    result = compare(ten, six)
    assert set(result.left) == set(ten.village_codes) - set(six.village_codes)
    assert len(result.left) == 4 and not result.entered and not result.moved
    assert list(result.kept) == six.village_codes
    back = compare(six, ten)
    assert back.entered == result.left
    capsys.readouterr()
    assert main(["decisions", "compare", "1", "2", "--workspace", str(workspace)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == sorted(f"out\t{c}" for c in result.left)
    moved = compare(pd.DataFrame({"village_code": ["a", "b"], "rank": [1, 2]}),
                    pd.DataFrame({"village_code": ["b", "c"], "rank": [1, 2]}))
    assert moved.entered == ("c",) and moved.left == ("a",)
    assert [(m.village_code, m.rank_before, m.rank_after) for m in moved.moved] == [("b", 2, 1)]


def test_show_names_the_villages(workspace, capsys):
    capsys.readouterr()
    assert main(["decisions", "show", "2", "--workspace", str(workspace)]) == 0
    out = capsys.readouterr().out
    for code in DecisionStore(workspace).load(2).village_codes:
        assert code in out
    assert "top 6" in out  # the reason rendered, not its code


def test_rerun_reproduces_the_saved_focus_list_exactly(inputs, workspace, tmp_path):
    folder, boundaries, households, top6 = inputs
    assert main(["decisions", "rerun", "2", "--workspace", str(workspace),
                 "--out", str(tmp_path / "rerun")]) == 0
    assert main(["rank", "--boundaries", boundaries, "--households", households,
                 "--config", top6, "--out", str(tmp_path / "rank")]) == 0
    rerun_bytes = (tmp_path / "rerun" / "focus_list.csv").read_bytes()
    assert rerun_bytes == (tmp_path / "rank" / "focus_list.csv").read_bytes()
    rerun = pd.read_csv(tmp_path / "rerun" / "focus_list.csv", dtype={"village_code": str})
    assert rerun["village_code"].tolist() == DecisionStore(workspace).load(2).village_codes
    for name in ("villages.geojson", "reconciliation.json"):
        assert (tmp_path / "rerun" / name).is_file()


def test_rerun_on_changed_or_missing_input_is_refused(inputs, workspace, tmp_path, capsys):
    folder, boundaries, households, _ = inputs
    changed = tmp_path / "changed"
    changed.mkdir()
    copy = shutil.copy(households, changed / "demo_households.csv")
    with open(copy, "a", encoding="utf-8") as out:
        out.write("\n")
    capsys.readouterr()
    code = main(["decisions", "rerun", "1", "--workspace", str(workspace), "--out",
                 str(tmp_path / "out"), "--boundaries", boundaries, "--households", str(copy)])
    err = capsys.readouterr().err
    assert code == 2
    assert "demo_households.csv" in err and "fingerprint" in err
    assert str(changed) not in err and "Traceback" not in err
    assert not (tmp_path / "out" / "focus_list.csv").exists()
    code = main(["decisions", "rerun", "1", "--workspace", str(workspace), "--out",
                 str(tmp_path / "out"), "--boundaries", str(tmp_path / "gone.geojson"),
                 "--households", households])
    err = capsys.readouterr().err
    assert code == 2 and "gone.geojson" in err and "not found" in err


def test_decide_and_rerun_are_in_the_audit_trail_without_a_typed_nik(inputs, tmp_path):
    from geo.audit import entries

    _, boundaries, households, _ = inputs
    ws = tmp_path / "ws"
    assert main(["decide", "--boundaries", boundaries, "--households", households,
                 "--title", "Lokus 3573010101010001", "--by", "Sekda", "--workspace", str(ws)]) == 0
    assert main(["decisions", "rerun", "1", "--workspace", str(ws), "--out", str(tmp_path / "again")]) == 0
    trail = entries(ws)
    assert list(trail["action"]) == ["decision_rerun", "decision_saved"]  # newest first
    assert trail["actor"].str.startswith("cli").all()
    assert "3573010101010001" not in trail.to_csv()
