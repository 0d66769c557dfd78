"""The ingest report is a frozen dataclass; to_dict() keeps the --report keys and order."""

from __future__ import annotations

import dataclasses
import json

import pytest

from geo.households.read import read_households
from geo.households.report import IngestReport
from geo.pipeline.analysis import demo_sources


def test_ingest_report_is_frozen_and_round_trips():
    _, report = read_households(demo_sources()[1])
    assert isinstance(report, IngestReport)
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.rows_read = 0
    data = report.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert IngestReport.from_dict(data).to_dict() == data
    assert list(data)[:2] == ["file", "format"] and data["rows_read"] == report.rows_read
    assert "files" not in data and "sheet" not in data  # a CSV read in memory


def test_the_dask_summary_keeps_its_short_form():
    summary = IngestReport(files=3, rows_read=10, rows_with_problem=1, problems={"desil": 1},
                           household_id_from="row number")
    assert summary.to_dict() == {"files": 3, "rows_read": 10, "rows_with_problem": 1,
                                 "problems": {"desil": 1}, "household_id_from": "row number"}
