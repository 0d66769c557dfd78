"""The method sheet states the MPI missing-answer rule and the region's sample loss.

On the demo region 39 of the 4,449 placed households lack one answer (drinking water).
"""

from __future__ import annotations

from dataclasses import replace

import pyogrio
import pytest
from openpyxl import load_workbook

from geo.config import default_config
from geo.export import export_result
from geo.export.method import method_rows
from geo.i18n import t
from geo.indicators.sample import MpiSample
from geo.pipeline.analysis import analyse, demo_sources, rescore
from geo.presentation.overview import mpi_sample_note


@pytest.fixture(scope="module")
def demo():
    return analyse(*demo_sources())


@pytest.fixture(scope="module")
def complete_case(demo):
    config = default_config()
    return rescore(demo, replace(config, mpi=replace(config.mpi, missing="complete_case")))


def test_the_sample_loss_follows_the_rule(demo, complete_case):
    default = demo.method.mpi_sample
    assert default == MpiSample("not_deprived", 4449, 39, 4449)
    assert default.left_out_households == 0 and default.missing_share == pytest.approx(39 / 4449)
    assert complete_case.method.mpi_sample == MpiSample("complete_case", 4449, 39, 4410)
    assert complete_case.method.mpi_sample.left_out_share == pytest.approx(39 / 4449)
    # per village: the gaps add up to the region's, and complete cases lose exactly them
    villages = complete_case.villages
    assert villages["mpi_missing_households"].sum() == 39
    assert (villages["households"] - villages["mpi_households"]).sum() == 39
    assert demo.villages["mpi_people"].sum() > villages["mpi_people"].sum()
    assert MpiSample.from_dict(default.to_dict()) == default


def test_geopackage_and_xlsx_method_tables_state_the_rule(complete_case, tmp_path):
    written = export_result(complete_case, tmp_path, formats="gpkg,xlsx", lang="id")
    gpkg = next(p for p in written["gpkg"] if p.suffix == ".gpkg")
    method = pyogrio.read_dataframe(gpkg, layer="method")
    rows = dict(zip(method["key"], method["value"]))
    assert rows["config.mpi.missing"] == "complete_case"
    assert rows["mpi_missing_rule"].startswith("complete_case: a household missing any")
    assert rows["mpi_sample.left_out_households"] == "39"
    assert rows["mpi_sample.measured_households"] == "4410"
    assert "39 of 4,449 households (0.9 %)" in rows["mpi_sample_loss"]
    book = load_workbook(next(p for p in written["xlsx"] if p.suffix == ".xlsx"))
    sheet = {r[0]: r[1:] for r in book["Metode"].iter_rows(values_only=True) if r and r[0]}
    value, meaning = sheet["mpi_missing_rule"][:2]
    assert value.startswith("complete_case: keluarga dengan jawaban kosong")
    assert meaning == t("method.key.mpi_missing_rule", "id")
    assert "39 dari 4.449 keluarga (0,9 %)" in sheet["mpi_sample_loss"][0]


def test_method_rows_and_the_app_note_in_both_languages(demo):
    from geo.export.layers import build_layers

    rows = {key: (value, meaning) for key, value, meaning
            in method_rows(build_layers(demo).method, "en")}
    assert rows["mpi_missing_rule"][0].startswith("not_deprived: a missing answer counts as")
    assert rows["mpi_sample.missing_households"] == (
        "39", t("method.key.mpi_sample.missing_households", "en"))
    assert mpi_sample_note(demo, "en").startswith("Missing MPI answers count as not deprived")
    assert "0,9 %" in mpi_sample_note(demo, "id")
