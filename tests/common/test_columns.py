"""The column registry: every produced column is described once, and the parts that show or
export columns all agree with it (issue 11: a household count shown as "2700.0 %", M0 as 0.000)."""

from __future__ import annotations

import dataclasses
import re
import tomllib

import pandas as pd
import pytest

from geo.common.columns import (FAMILIES, KINDS, NUMERIC_KINDS, ColumnInfo, UnknownColumnError, column,
                                columns, find_column, scorable_columns, short_name)
from geo.households.schema import DEPRIVATIONS, PROGRAMMES
from geo.i18n import CATALOGUE_DIR, Message, catalogue


@pytest.fixture(scope="module")
def demo_result():
    from geo.pipeline.analysis import analyse, demo_sources

    return analyse(*demo_sources())


def _codes(message: Message):
    """The catalogue ids a (possibly nested) message uses."""
    yield message.code
    for value in message.params.values():
        if isinstance(value, Message):
            yield from _codes(value)


# --------------------------------------------------------------------------- coverage

def test_every_column_of_the_demo_analysis_is_registered(demo_result):
    produced = [c for c in demo_result.villages.columns if c != "geometry"]
    missing = [c for c in produced if find_column(c) is None]
    assert not missing, f"add these columns to geo/common/columns.py: {missing}"


def test_robustness_pilot_and_export_columns_are_registered(demo_result):
    from geo.config import default_config
    from geo.export import build_layers
    from geo.ranking.robustness import focus_stability
    from geo.spatial.pilot import default_pilot, expansion_candidates

    stability = focus_stability(demo_result.villages, default_config(), draws=20, seed=1)
    pilot = default_pilot(demo_result.villages)
    candidates = expansion_candidates(demo_result.villages, pilot, ["desil1_share", "mpi_m0"])
    layers = build_layers(demo_result, min_households=5)
    frames = {"stability": stability, "candidates": candidates, "villages": layers.villages,
              "pocket_areas": layers.pocket_areas}
    for name, frame in frames.items():
        missing = [c for c in frame.columns if c != "geometry" and find_column(c) is None]
        assert not missing, (name, missing)


def test_scorable_columns_are_exactly_the_village_indicators(demo_result):
    from geo.indicators.village import village_indicators

    indicators = village_indicators(demo_result.households, demo_result.villages)
    produced = {c for c in indicators.columns if c != "village_code"}
    assert set(scorable_columns()) == produced
    assert len(scorable_columns()) == len(set(scorable_columns()))


def test_families_follow_the_household_schema():
    for dep in DEPRIVATIONS:
        for prefix in ("rate_", "cens_", "contrib_"):
            info = column(prefix + dep)
            assert info.family == prefix and info.subject == dep and info.is_percent
    for programme in PROGRAMMES:
        info = column("cov_" + programme.removeprefix("recv_"))
        assert info.kind == "share" and info.is_percent
    for name in scorable_columns():
        why = column("why_" + name)
        assert why.kind == "score" and why.unit == "points" and not why.scorable
    assert set(FAMILIES) == {"rate_", "cens_", "contrib_", "cov_", "why_"}


# --------------------------------------------------------------------------- the facts

def test_kinds_units_and_decimals_are_consistent():
    for info in columns():
        assert info.kind in KINDS, info.name
        assert (info.decimals is not None) == (info.kind in NUMERIC_KINDS), info.name
        if info.kind in ("share", "rate"):
            assert info.is_percent, info.name
        if info.kind in ("count", "rank", "code", "name", "text", "category", "flag"):
            assert not info.is_percent, info.name


def test_the_columns_issue_11_named():
    assert column("inclusion_error").kind == "count" and not column("inclusion_error").is_percent
    assert column("inclusion_error_rate").is_percent
    assert column("mpi_m0").is_percent and column("mpi_m0").excel_format == "0.0%"
    assert column("households").excel_format == "#,##0"
    assert column("village_code").excel_format == "@"
    assert column("score").excel_format == "0.00"
    assert column("focus_reason").excel_format is None


def test_format_follows_the_kind_and_the_language():
    assert column("inclusion_error").format(27, "en") == "27"
    assert column("households").format(4449, "id") == "4.449"
    assert column("households").format(4449, "en") == "4,449"
    assert column("desil1_share").format(0.1263, "id") == "12,6 %"
    assert column("desil1_share").format(0.1263, "en") == "12.6 %"
    assert column("lisa_p").format(0.0123, "en") == "0.012"
    assert column("households").format(None) == "–"
    assert column("households").format(pd.NA) == "–"
    assert column("pocket").format("HH") == "HH"


def test_unknown_columns_fail_clearly_or_give_none():
    with pytest.raises(UnknownColumnError, match=r"unknown column 'mpi_mo'.*did you mean 'mpi_m0'"):
        column("mpi_mo")
    assert find_column("mpi_mo") is None


def test_column_info_is_frozen():
    info = column("mpi_m0")
    assert isinstance(info, ColumnInfo)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.kind = "count"  # type: ignore[misc]


# --------------------------------------------------------------------------- labels

def test_every_label_and_description_exists_in_both_languages():
    table = catalogue()
    for info in columns():
        for message in (info.label, info.description):
            for code in _codes(message):
                assert code in table, (info.name, code)
                assert table[code].get("id") and table[code].get("en"), (info.name, code)
        for lang in ("id", "en"):
            text = info.label_text(lang)
            assert text and "{" not in text and text != info.name, (info.name, lang)
            assert info.description_text(lang) and "{" not in info.description_text(lang)
    # the two languages really differ where a translation is expected
    assert column("households").label_text("id") != column("households").label_text("en")
    assert column("rate_dep_water").label_text("id") == "Deprivasi air minum"
    assert column("why_mpi_m0").label_text("en") == "Score points from MPI M0 (adjusted headcount)"


def test_no_entry_of_the_columns_catalogue_is_unused():
    with (CATALOGUE_DIR / "columns.toml").open("rb") as handle:
        defined = set(tomllib.load(handle))
    used = {code for info in columns() for m in (info.label, info.description) for code in _codes(m)}
    assert defined == used


def test_indicator_label_reads_the_registry():
    from geo.i18n.labels import indicator_label

    for info in columns():
        assert indicator_label(info.name, "id") == info.label_text("id")
        assert indicator_label(info.name, "en") == info.label_text("en")
    assert indicator_label("rate_water", "en") == "Deprived in drinking water"  # family rule
    assert indicator_label("something_else", "en") == "something_else"


# --------------------------------------------------------------------------- Shapefile names

def test_shapefile_names_are_short_unique_and_by_rule():
    names = [info.shapefile for info in columns()]
    assert all(0 < len(n) <= 10 and re.fullmatch(r"[A-Z0-9_]+", n) for n in names)
    assert len({n.upper() for n in names}) == len(names), "two registered columns share a name"
    assert all(info.shapefile == short_name(info.name) for info in columns())
    assert column("desil1_share").shapefile == "D1_SHARE"
    assert column("rate_dep_water").shapefile == "R_WATR"


def test_village_profile_writes_counts_as_counts_and_shares_as_percentages(demo_result):
    """What the Peta page's profile boxes show for a village of the demo (format_value per row)."""
    from geo.i18n import number
    from geo.presentation.display import format_value
    from geo.presentation.views import PROFILE_GROUPS, profile_rows

    row = demo_result.villages.sort_values("inclusion_error").iloc[-1]
    assert row["inclusion_error"] > 1  # a village where a percentage would read "2700.0 %"
    shown = {c: format_value(c, row[c], "id") for g in PROFILE_GROUPS for c in profile_rows(row, g)}
    assert shown["inclusion_error"] == number(int(row["inclusion_error"]), "id")
    for name, text in shown.items():
        assert text.endswith(" %") == column(name).is_percent, (name, text)


def test_docs_field_table_describes_fields_as_the_registry_does():
    """docs/exports.md's villages table is what describe() writes into the GeoPackage."""
    from pathlib import Path

    from geo.export.fields import describe

    text = (Path(__file__).resolve().parents[2] / "docs" / "exports.md").read_text(encoding="utf-8")
    villages_table = re.split(r"^\| field \| Shapefile \|", text, flags=re.M)[1]
    rows = re.findall(r"^\|\s*`([a-z0-9_]+)`\s*\|\s*`[A-Z0-9_]+`\s*\|\s*(.*?)\s*\|$", villages_table,
                      flags=re.M)
    assert len(rows) > 50
    for field, documented in rows:
        assert documented == describe(field), field
