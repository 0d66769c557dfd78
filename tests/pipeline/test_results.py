"""The analysis result and its method: typed, frozen, JSON through to_dict()."""

from __future__ import annotations

import dataclasses
import json

import pytest
from synthetic_result import analysis_result

from geo.pipeline.results import AnalysisResult, Method, SourceFile


def test_method_round_trips_and_keeps_the_method_table_keys():
    method = Method(sources=(SourceFile("boundaries", "a.sql", "a" * 64, bytes=10),
                             SourceFile("households", "b.csv", "b" * 64)),
                    created_at="2025-03-14T09:30:00+00:00", software_version="0.1.0",
                    config={"pockets": {"seed": 3}}, mpi_weights_used={"dep_water": "1/18"},
                    mpi_notes=("dep_nutrition: no data",))
    data = method.to_dict()
    assert list(data) == ["sources", "created_at", "software_version", "config",
                          "mpi_weights_used", "mpi_notes"]
    assert data["sources"][0] == {"role": "boundaries", "file": "a.sql", "bytes": 10,
                                  "sha256": "a" * 64}
    assert "bytes" not in data["sources"][1]
    assert Method.from_dict(json.loads(json.dumps(data))) == method
    assert method.sha256_of() == {"a.sql": "a" * 64, "b.csv": "b" * 64}
    assert method.pocket_settings == {"seed": 3}
    with pytest.raises(dataclasses.FrozenInstanceError):
        method.created_at = ""


def test_empty_parts_have_defaults_not_dicts():
    result = AnalysisResult(villages=analysis_result().villages)
    assert result.reconciliation is None and result.pockets is None
    assert result.boundary_report.features_out == 0 and result.method.sources == ()
    data = result.to_dict()
    assert data["reconciliation"] == {} and data["pockets"] is None
    assert json.loads(json.dumps(data)) == data
