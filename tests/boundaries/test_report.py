"""The boundary report is a frozen dataclass whose to_dict() is the --report JSON."""

from __future__ import annotations

import dataclasses
import json

import pytest

from geo.boundaries.read import read_villages
from geo.boundaries.report import BoundaryReport


def test_report_of_a_real_layer_is_frozen_and_round_trips(bontang_sql):
    _, report = read_villages(bontang_sql, check_quality=False)
    assert isinstance(report, BoundaryReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.features_out = 0
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert BoundaryReport.from_dict(data) == report
    assert data["features_out"] == report.features_out == 15
    assert "cache" not in data  # only a cached read says hit or miss
    assert list(data)[:3] == ["sources", "features_in", "rejected"]  # the file's key order


def test_cache_state_is_a_field_and_unknown_keys_are_ignored():
    report = BoundaryReport.from_dict({"features_in": 3, "features_out": 2, "later_key": 1,
                                       "rejected": [{"row": 1, "reason": "empty geometry"}]})
    assert report.rejected == ({"row": 1, "reason": "empty geometry"},)
    hit = report.with_cache("hit")
    assert hit.cache == "hit" and report.cache is None
    assert hit.to_dict()["cache"] == "hit"


def test_warnings_may_be_messages_and_are_written_in_english():
    from geo.i18n import Message, catalogue

    code = next(iter(catalogue()))
    message = Message(code)
    report = BoundaryReport(warnings=("plain text", message))
    assert report.to_dict()["warnings"] == ["plain text", str(message)]
