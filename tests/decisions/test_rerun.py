"""Re-running a saved decision on the data in memory (geo.decisions.rerun.rerun_on_result)."""

import dataclasses

import pytest

from geo.common.errors import GeoInputError
from geo.config import RankConfig
from geo.decisions.history import compare
from geo.decisions.rerun import focus_of, rerun_on_result
from geo.decisions.store import Decision, DecisionStore
from geo.pipeline.analysis import rescore
from tests.synthetic_result import analysis_result


def _saved(tmp_path):
    config = RankConfig.from_dict(analysis_result().method.config)
    result = rescore(analysis_result(), config)  # the hand-built ranks are not the config's
    store = DecisionStore(tmp_path)
    decision = Decision.from_selection(result.villages.drop(columns="geometry"), title="Lokus",
                                       decided_by="Sekda", config=config,
                                       sources=result.method.sha256_of())
    return store, store.save(decision), result, config


def test_same_data_other_weights_in_session_gives_back_the_saved_list(tmp_path):
    store, decision_id, result, config = _saved(tmp_path)
    columns = [s.column for s in config.indicators]
    session = rescore(result, config.with_weights(
        {c: (0.97 if i == 0 else 0.01) for i, c in enumerate(columns)}))
    decision, again = rerun_on_result(store, decision_id, session)
    assert compare(decision, focus_of(again)).unchanged
    assert not compare(decision, focus_of(session)).unchanged  # the weights did matter


def test_other_data_is_refused_naming_the_file(tmp_path):
    store, decision_id, result, _ = _saved(tmp_path)
    sources = [dataclasses.replace(s, sha256="c" * 64) if s.role == "households" else s
               for s in result.method.sources]
    other = dataclasses.replace(result, method=dataclasses.replace(result.method, sources=sources))
    with pytest.raises(GeoInputError) as caught:
        rerun_on_result(store, decision_id, other)
    assert caught.value.code == "err.decision_input_changed"
    assert "dtsen_malang_2025.csv" in caught.value.render("en")
    missing = dataclasses.replace(result, method=dataclasses.replace(
        result.method, sources=[s for s in result.method.sources if s.role != "households"]))
    with pytest.raises(GeoInputError, match="dtsen_malang_2025.csv"):
        rerun_on_result(store, decision_id, missing)
