"""The decision screen's one table (geo.presentation.decision_table)."""

import numpy as np

from geo.config import Pin
from geo.decisions.store import Decision
from geo.pipeline.analysis import rescore
from geo.presentation.decision_table import decision_table
from geo.presentation.views import screen_headers, screen_table
from tests.synthetic_result import analysis_result


def _result_and_config():
    from geo.config import RankConfig

    result = analysis_result()
    config = RankConfig.from_dict(result.method.config)
    return rescore(result, config), config


def test_points_add_up_to_the_score_and_rows_are_the_focus_list():
    result, config = _result_and_config()
    columns = [s.column for s in config.indicators]
    table = decision_table(result.villages, columns)
    focus = result.villages[result.villages["in_focus_list"].fillna(False).astype(bool)]
    assert sorted(table["village_code"]) == sorted(focus["village_code"])
    assert list(table["rank"]) == sorted(table["rank"])
    points = table[[f"why_{c}" for c in columns]].sum(axis=1)
    assert np.allclose(points, table["score"])
    assert table["decision_change"].isna().all()  # nothing saved yet


def test_change_against_the_last_decision_and_translated_cells():
    result, config = _result_and_config()
    columns = [s.column for s in config.indicators]
    saved = Decision.from_selection(result.villages.drop(columns="geometry"), title="T",
                                    decided_by="Sekda", config=config)
    first = decision_table(result.villages, columns, last=saved)
    assert set(first["decision_change"]) == {"decision.change_kept"}
    # Pin in a village outside the list: it is new, and whoever ranked below it moves
    outside = result.villages[~result.villages["in_focus_list"].fillna(False).astype(bool)
                              & result.villages["rank"].notna()]
    code = str(outside.sort_values("rank")["village_code"].iloc[0])
    weights = {c: (0.7 if i == 0 else 0.1) for i, c in enumerate(columns)}
    changed = config.with_weights(weights).with_focus(
        pins=(Pin(village_code=code, action="in", reason="*banjir* 2025", by="<Bupati>"),))
    after = rescore(result, changed)
    table = decision_table(after.villages, columns, last=saved)
    row = table[table["village_code"] == code].iloc[0]
    assert row["decision_change"] == "decision.change_new"
    shown = screen_table(table, "en")
    text = shown.loc[table["village_code"] == code].iloc[0]
    assert text["decision_change"] == "new"
    assert "*banjir* 2025" in text["focus_reason"] and "<Bupati>" in text["focus_reason"]
    before = dict(zip(saved.focus_list["village_code"].astype(str), saved.focus_list["rank"]))
    for code_, rank, cell in zip(table["village_code"], table["rank"], shown["decision_change"]):
        if code_ not in before:
            assert cell == "new"
        elif int(before[code_]) == int(rank):
            assert cell == "kept"
        else:
            assert cell == f"moved from rank {int(before[code_])}"
    assert any(c.startswith("moved from rank") for c in shown["decision_change"])


def test_robustness_and_headers_from_the_registry():
    result, config = _result_and_config()
    columns = [s.column for s in config.indicators]
    from geo.ranking.robustness import focus_stability

    stability = focus_stability(result.villages, config, draws=20)
    table = decision_table(result.villages, columns, stability)
    assert table["in_focus_share"].between(0, 1).all()
    headers = screen_headers(table.columns, "id")
    assert headers["decision_change"] == "Perubahan"
    assert all(not h.startswith("why_") for h in headers.values())
    assert headers[f"why_{columns[0]}"].startswith("Poin skor dari")
    assert headers["in_focus_share"] != "in_focus_share"
    assert headers["pocket"] != "pocket"
    shown = screen_table(table, "en")
    assert all("%" in v for v in shown["in_focus_share"])


def test_focus_colours_and_legend_count_the_proposed_villages():
    from geo.presentation.decision_table import FOCUS_COLOUR, focus_colours, focus_legend

    result, _ = _result_and_config()
    shapes = result.villages
    codes = list(shapes.loc[shapes["in_focus_list"].fillna(False).astype(bool), "village_code"])
    colours = focus_colours(shapes, codes)
    assert int((colours == FOCUS_COLOUR).sum()) == len(codes)
    legend = focus_legend(shapes, codes, "en")
    assert [e["count"] for e in legend] == [len(codes), len(shapes) - len(codes)]
    assert legend[0]["label"] == "Proposed focus villages"
