"""Overview figures: sums and rates, the target gap, outcome and report tables, quality notes."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from geo.presentation.overview import (outcome_table, overview_figures, quality_notes, region_label,
                          report_table, target_gap, unused_rows)
from geo.boundaries.report import BoundaryReport
from geo.join.match import Reconciliation
from geo.pipeline.results import AnalysisResult, Method

VILLAGES = pd.DataFrame({"households": [10, 20, 0], "people": [40, 60, 0],
                         "desil1_households": [2, 3, 0], "desil1_people": [8, 12, 0],
                         "desil14_households": [5, 10, 0], "desil14_people": [20, 30, 0],
                         "mpi_poor_people": [10, 5, 0]})


def test_overview_figures_against_population():
    register = overview_figures(VILLAGES)
    assert register["people"] == 100 and register["villages_with_households"] == 2
    assert register["poverty_rate"] == pytest.approx(0.20)
    assert register["desil14_rate"] == pytest.approx(0.50)
    of_population = overview_figures(VILLAGES, population=1000, poor_column="mpi_poor_people")
    assert of_population["poverty_rate"] == pytest.approx(0.015)
    assert of_population["denominator_is_population"]


def test_target_gap_in_points_and_people():
    # Kota Malang 2022: 6.62 % against the RPJMD target 3.77 % -> 2.85 points above
    gap = target_gap(0.0662, 3.77, 1_000_000)
    assert gap["gap_pp"] == pytest.approx(2.85) and not gap["met"]
    assert gap["people_to_lift"] == pytest.approx(28_500)
    met = target_gap(0.03, 3.77, 1_000_000)
    assert met["met"] and met["people_to_lift"] == 0


def test_region_label_prefers_names_then_codes():
    named = pd.DataFrame({"regency_name": ["Kota Malang"] * 2, "province_name": ["Jawa Timur"] * 2,
                          "regency_code": ["35.73"] * 2})
    assert region_label(named) == "Kota Malang"
    coded = pd.DataFrame({"regency_code": ["35.73", "35.79"]})
    assert region_label(coded) == "35.73, 35.79"


RECON = Reconciliation(rows_in=10, outcomes={"matched_code": 6, "matched_location": 1,
                                             "matched_code_location_disagree": 1,
                                             "unknown_code": 1, "invalid": 1})


def test_outcomes_and_unused_rows():
    table = outcome_table(RECON)
    assert table["outcome"].tolist()[:2] == ["matched_code", "matched_location"]
    assert table["count"].sum() == RECON.rows_in
    assert unused_rows(RECON) == 2  # unknown_code + invalid; the disagreeing row is used
    assert unused_rows(None) == 0 and outcome_table(None).empty


def test_report_table_shows_scalars_and_list_lengths():
    report = BoundaryReport(features_in=5, rejected=({"row": 1}, {"row": 2}),
                            metric_crs="EPSG:32749", gaps={"count": 3, "largest_at": [1, 2]},
                            warnings=("x",), per_source={"a": {}})
    table = dict(report_table(report, "en").itertuples(index=False))
    shown = ("Features in", "Features rejected", "Metric CRS for areas and distances",
             "Gaps between villages")
    assert {k: table[k] for k in shown} == {
        "Features in": "5", "Features rejected": "2",
        "Metric CRS for areas and distances": "EPSG:32749", "Gaps between villages": "Count: 3"}
    assert not any(k in table for k in ("warnings", "per_source", "cache", "Warnings"))
    assert report_table(None).empty
    big = dict(report_table(BoundaryReport(features_in=4449, quality_checked=True, gaps=None), "id")
               .itertuples(index=False))
    assert {k: big[k] for k in ("Fitur masuk", "Kualitas topologi diperiksa", "Celah antar desa")} == {
        "Fitur masuk": "4.449", "Kualitas topologi diperiksa": "Ya", "Celah antar desa": "–"}
    assert "None" not in big.values()


def test_quality_notes_collect_mpi_notes_and_boundary_warnings():
    result = AnalysisResult(villages=VILLAGES,
                            boundary_report=BoundaryReport(warnings=("a.geojson: no CRS declared",)),
                            method=Method(mpi_notes=("dep_nutrition: no data in the household file",)))
    notes = quality_notes(result)
    assert notes == {"mpi_notes": ["dep_nutrition: no data in the household file"],
                     "boundary_warnings": ["a.geojson: no CRS declared"]}
    empty = AnalysisResult(villages=VILLAGES)
    assert quality_notes(empty) == {"mpi_notes": [], "boundary_warnings": []}


def test_quality_notes_do_not_wait_for_running_boundary_checks():
    """The overview shows before the overlap and gap checks end: the read's warnings."""
    from concurrent.futures import Future

    from geo.boundaries.report import PendingReport

    running = Future()  # checks that never end in this test
    report = PendingReport(running, so_far=BoundaryReport(warnings=("a.geojson: no CRS",)))
    result = AnalysisResult(villages=VILLAGES, boundary_report=report)
    assert quality_notes(result)["boundary_warnings"] == ["a.geojson: no CRS"]
    running.set_result(BoundaryReport(warnings=("a.geojson: no CRS",), quality_checked=True))
    assert report.quality_checked


def test_no_rate_to_compare_is_neither_met_nor_missed():
    from geo.presentation.overview import target_gap

    gap = target_gap(float("nan"), 3.77, 0)
    assert gap["met"] is None and gap["people_to_lift"] == 0.0
    assert target_gap(0.05, 3.77, 1000)["met"] is False
    assert target_gap(0.03, 3.77, 1000)["met"] is True


def test_detail_tables_are_readable_not_json():
    from geo.presentation.overview import detail_table, examples_table

    per_source = {"a.geojson": {"format": "GeoJSON", "features": 1234, "crs_in": None,
                                "columns": {"village_code": "KDEPUM"}}}
    table = detail_table(per_source, "id")
    assert list(table.columns) == ["Berkas", "Format", "Fitur", "CRS berkas", "Kolom yang dipakai"]
    assert table.iloc[0].tolist() == ["a.geojson", "GeoJSON", "1.234", "–", "village_code = KDEPUM"]
    repaired = detail_table([{"village_code": "35.73.01.1001", "area_before_m2": 1500.5}], "en")
    from geo.presentation.views import number_text

    area = repaired.iloc[0].tolist()[1]
    assert area == number_text("area_before_m2", 1500.5, "en") and area.startswith("1,500.5")
    examples = examples_table({"unknown_code": [{"source_row": 2264, "reason": "not in the layer",
                                                 "village_code": "99.71.04.1001"}],
                               "no_code_no_location": []}, "id")
    assert examples.iloc[0].tolist() == ["Kode desa tidak dikenal", "2264", "99.71.04.1001",
                                         "not in the layer"]  # a row number is not grouped
    assert examples_table({}, "en").empty


def test_quality_notes_render_messages_in_the_language():
    from geo.i18n import Message

    note = Message("value.pocket.HH")  # any catalogue entry stands for a note's code
    result = AnalysisResult(villages=VILLAGES, reconciliation=None,
                            boundary_report=BoundaryReport(warnings=(note,)),
                            method=Method(mpi_notes=("plain text stays",)))
    assert quality_notes(result, "id") == {"mpi_notes": ["plain text stays"],
                                           "boundary_warnings": [note.render("id")]}
    assert quality_notes(result, "en")["boundary_warnings"] == [note.render("en")]
    assert note.render("id") != note.render("en")


def test_report_details_are_lists_and_per_file_entries_only():
    from geo.presentation.overview import detail_table, report_details

    report = BoundaryReport(features_in=5, rejected=({"row": 1},), repaired=(), warnings=("w",),
                            gaps={"count": 0, "total_area_m2": 0.0},
                            per_source={"a.sql": {"features": 5}})
    assert [key for key, _ in report_details(report)] == ["rejected", "per_source"]
    small = detail_table({"pairs": 2, "area_m2": 12.5}, "id")
    assert small.iloc[:, 0].tolist() == ["Pasangan", "Luas (m²)"]  # labels, not raw keys


def test_report_table_says_how_many_names_came_from_the_reference_table():
    report = BoundaryReport(names_filled={"district_name": 15, "regency_name": 15,
                                          "province_name": 15},
                            names_unknown={"district_name": 0, "regency_name": 0,
                                           "province_name": 0})
    table = dict(report_table(report, "en").itertuples(index=False))
    assert table["Parent names from the Kemendagri 2025 table"] == \
        "District: 15; Regency/city: 15; Province: 15"
    assert table["Parent names unknown"] == "District: 0; Regency/city: 0; Province: 0"


def test_no_households_means_no_rate_even_against_a_population():
    empty = VILLAGES.assign(households=0, people=0, desil1_people=0, desil14_people=0,
                            mpi_poor_people=0)
    figures = overview_figures(empty, population=191_811)
    assert np.isnan(figures["poverty_rate"]) and np.isnan(figures["desil1_rate"])
    assert target_gap(figures["poverty_rate"], 3.75, figures["denominator"])["met"] is None
