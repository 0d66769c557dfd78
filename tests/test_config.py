"""Ranking config: the documented default, TOML/YAML parity, line-precise errors."""

from __future__ import annotations

import re
import textwrap
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest

from geo.config import (
    DEFAULT_CONFIG_PATH,
    RankConfig,
    default_config,
    load_config,
)
from geo.common.errors import GeoInputError

TOML = textwrap.dedent("""\
    # a small config
    [[indicator]]
    column = "mpi_m0"
    weight = 2
    normalisation = "minmax"

    [[indicator]]
    column = "desil1_households"
    direction = "higher_is_worse"
    weight = 1
    normalisation = "percentile"
    missing = "zero"

    [focus]
    top_n = 5
    cover_extreme_poor = 0.75
    pins = [
      { village_code = "35.73.01.1001", action = "in", reason = "pilot", by = "TKPK" },
      { village_code = "3573011002", action = "out", reason = "covered by CSR", by = "Bappeda" },
    ]

    [pockets]
    variable = "desil1_share"
    fdr = true
    """)

YAML = textwrap.dedent("""\
    # the same config in YAML
    indicator:
      - column: mpi_m0
        weight: 2
        normalisation: minmax
      - column: desil1_households
        direction: higher_is_worse
        weight: 1
        normalisation: percentile
        missing: zero
    focus:
      top_n: 5
      cover_extreme_poor: 0.75
      pins:
        - {village_code: "35.73.01.1001", action: in, reason: pilot, by: TKPK}
        - village_code: "3573011002"
          action: out
          reason: covered by CSR
          by: Bappeda
    pockets:
      variable: desil1_share
      fdr: true
    """)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def line_of(text: str, fragment: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing ``fragment`` (found independently of geo)."""
    hits = [i + 1 for i, line in enumerate(text.splitlines()) if fragment in line]
    return hits[occurrence - 1]


def error_of(path) -> str:
    with pytest.raises(GeoInputError) as info:
        load_config(path)
    return str(info.value)


def test_default_config_combines_depth_and_size():
    config = default_config()
    weights = config.weights
    assert DEFAULT_CONFIG_PATH.name == "default.toml"
    assert sum(weights.values()) == pytest.approx(1.0)
    depth = weights.get("mpi_m0", 0) + weights.get("desil1_share", 0)
    size = weights.get("desil1_households", 0) + weights.get("mpi_poor_people", 0)
    assert depth > 0 and size > 0 and depth + size == pytest.approx(1.0)
    assert config.mpi.k == Fraction(1, 3)
    assert sum(config.mpi.weights.values()) == 1
    assert config.robustness.spread == 0.25 and config.pockets.permutations == 9999
    assert config.pockets.correction == "none" and config.pockets.smoothing == "eb"


def test_toml_and_yaml_give_the_same_config(tmp_path):
    a = load_config(write(tmp_path, "rank.toml", TOML))
    b = load_config(write(tmp_path, "rank.yaml", YAML))
    assert a == b
    assert a.weights == pytest.approx({"mpi_m0": 2 / 3, "desil1_households": 1 / 3})
    assert [p.village_code for p in a.focus.pins] == ["35.73.01.1001", "35.73.01.1002"]
    assert a.focus.cover_extreme_poor == 0.75 and a.pockets.correction == "fdr"  # fdr = true, as older configs say
    assert a.indicators[0].missing == "median"  # the documented default policy


def test_round_trip_through_dict_and_json(tmp_path):
    import json

    config = load_config(write(tmp_path, "rank.toml", TOML))
    assert RankConfig.from_dict(config.to_dict()) == config
    assert RankConfig.from_dict(json.loads(config.to_json())) == config


def test_typo_in_key_names_file_line_key_and_suggestion(tmp_path):
    text = TOML.replace("weight = 1\n", "wieght = 1\n")
    path = write(tmp_path, "rank.toml", text)
    message = error_of(path)
    assert str(path) in message
    assert f"line {line_of(text, 'wieght')}" in message
    assert "'wieght'" in message and "did you mean 'weight'" in message


def test_unknown_indicator_column_suggests_the_closest(tmp_path):
    text = TOML.replace('column = "mpi_m0"', 'column = "mpi_mo"')
    message = error_of(write(tmp_path, "rank.toml", text))
    assert f"line {line_of(text, 'mpi_mo')}" in message
    assert "'mpi_mo'" in message and "did you mean 'mpi_m0'" in message


def test_typo_inside_a_multiline_inline_pin_names_its_line(tmp_path):
    text = TOML.replace('action = "out"', 'acton = "out"')
    message = error_of(write(tmp_path, "rank.toml", text))
    assert f"line {line_of(text, 'acton')}" in message
    assert "did you mean 'action'" in message


def test_typo_in_section_name(tmp_path):
    text = TOML.replace("[focus]", "[fokus]")
    message = error_of(write(tmp_path, "rank.toml", text))
    assert f"line {line_of(text, '[fokus]')}" in message and "did you mean 'focus'" in message


def test_yaml_typo_names_its_line(tmp_path):
    text = YAML.replace("normalisation: percentile", "normalisaton: percentile")
    path = write(tmp_path, "rank.yml", text)
    message = error_of(path)
    assert str(path) in message
    assert f"line {line_of(text, 'normalisaton')}" in message
    assert "did you mean 'normalisation'" in message


def test_yaml_bad_value_in_nested_pin_names_its_line(tmp_path):
    text = YAML.replace("action: out", "action: outt")
    message = error_of(write(tmp_path, "rank.yaml", text))
    assert f"line {line_of(text, 'action: outt')}" in message and "'out'" in message


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ('direction = "higher_is_worse"', 'direction = "higher_is_wrose"', "higher_is_worse"),
        ('missing = "zero"', 'missing = "zeroo"', "zero"),
        ("top_n = 5", "top_n = 5.5", "whole number"),
        ("cover_extreme_poor = 0.75", "cover_extreme_poor = 75", "write 0.75"),
        ("weight = 2", "weight = -2", "out of range"),
        ('"35.73.01.1001"', '"35.73.01"', "not a village code"),
        ("fdr = true", 'fdr = "yes"', "true or false"),
    ],
)
def test_bad_values_are_reported_on_their_line(tmp_path, old, new, expected):
    text = TOML.replace(old, new, 1)
    message = error_of(write(tmp_path, "rank.toml", text))
    assert expected in message
    assert f"line {line_of(text, new)}" in message


def test_village_pinned_both_in_and_out_is_refused(tmp_path):
    text = TOML.replace('"3573011002", action = "out"', '"3573011001", action = "out"')
    assert "both in and out" in error_of(write(tmp_path, "rank.toml", text))


def test_mpi_weights_must_sum_to_one(tmp_path):
    text = TOML + '\n[mpi]\nk = "1/3"\n[mpi.weights]\ndep_nutrition = 0.5\ndep_water = 0.2\n'
    message = error_of(write(tmp_path, "rank.toml", text))
    assert "sum to 1" in message and f"line {line_of(text, '[mpi.weights]')}" in message


def test_mpi_weights_as_fractions_are_exact(tmp_path):
    text = TOML + '\n[mpi]\nk = "1/3"\n[mpi.weights]\ndep_nutrition = "2/3"\ndep_water = "1/3"\n'
    config = load_config(write(tmp_path, "rank.toml", text))
    assert config.mpi.weights == {"dep_nutrition": Fraction(2, 3), "dep_water": Fraction(1, 3)}


def test_syntax_errors_missing_files_and_unknown_types(tmp_path):
    assert "line" in error_of(write(tmp_path, "bad.toml", "[focus\ntop_n = 3\n"))
    assert "line 3" in error_of(write(tmp_path, "bad.yaml", "focus:\n  top_n: 3\n  - x\n"))
    assert "not found" in error_of(tmp_path / "absent.toml")
    assert ".toml, .yaml" in error_of(write(tmp_path, "rank.ini", "x=1"))
    empty = write(tmp_path, "empty.toml", "indicator = []\n[focus]\ntop_n = 3\n")
    assert "line 1, indicator: no [[indicator]] entries" in error_of(empty)


def test_duplicate_indicator_is_refused(tmp_path):
    text = TOML.replace('column = "desil1_households"', 'column = "mpi_m0"')
    message = error_of(write(tmp_path, "rank.toml", text))
    assert "listed twice" in message and f"line {line_of(text, 'mpi_m0', 2)}" in message


def test_with_weights_and_with_focus_return_changed_copies():
    config = default_config()
    changed = config.with_weights({"mpi_m0": 0.75})
    assert changed.weights["mpi_m0"] == pytest.approx(0.75 / 1.5)
    assert config.weights["mpi_m0"] == pytest.approx(0.25)
    assert config.with_focus(top_n=3).focus.top_n == 3
    with pytest.raises(GeoInputError, match="no indicator"):
        config.with_weights({"mpi_mo": 1})


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("weight = 2", "weight = nan", "indicator[1].weight"),
        ("weight = 1", "weight = inf", "indicator[2].weight"),
        ("cover_extreme_poor = 0.75", "cover_extreme_poor = nan", "focus.cover_extreme_poor"),
        ("top_n = 5", "top_n = 5\nscore_threshold = -inf", "focus.score_threshold"),
        ("fdr = true", "fdr = true\nalpha = nan", "pockets.alpha"),
        ("fdr = true", "fdr = true\nsnap_tolerance_m = inf", "pockets.snap_tolerance_m"),
        ("fdr = true", "fdr = true\n[robustness]\nspread = nan", "robustness.spread"),
        ("fdr = true", "fdr = true\n[mpi]\nk = nan", "mpi.k"),
    ],
)
def test_nan_and_infinity_in_toml_are_refused_on_their_line(tmp_path, old, new, key):
    # nan passes every range check (nan < 0 is False): weight = nan once gave an empty list
    text = TOML.replace(old, new, 1)
    message = error_of(write(tmp_path, "rank.toml", text))
    assert key in message and ("nan" in message or "inf" in message)
    assert f"line {line_of(text, new.splitlines()[-1])}" in message


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("    weight: 2", "    weight: .nan", "indicator[1].weight"),
        ("  cover_extreme_poor: 0.75", "  cover_extreme_poor: .NaN", "focus.cover_extreme_poor"),
        ("  fdr: true", "  fdr: true\n  alpha: .inf", "pockets.alpha"),
        ("  top_n: 5", "  top_n: 5\n  score_threshold: -.inf", "focus.score_threshold"),
    ],
)
def test_nan_and_infinity_in_yaml_are_refused_on_their_line(tmp_path, old, new, key):
    text = YAML.replace(old, new, 1)
    message = error_of(write(tmp_path, "rank.yaml", text))
    assert key in message and "finite" in message
    assert f"line {line_of(text, new.splitlines()[-1].strip())}" in message


def test_non_finite_slider_weights_are_refused():
    with pytest.raises(GeoInputError, match="finite"):
        default_config().with_weights({"mpi_m0": float("inf")})
    with pytest.raises(GeoInputError, match="finite"):
        default_config().with_weights({"mpi_m0": float("nan")})


def test_config_text_in_json_toml_or_yaml_reads_the_same(tmp_path):
    from geo.config import config_from_text

    expected = load_config(write(tmp_path, "rank.toml", TOML))
    assert config_from_text(TOML) == expected
    assert config_from_text(YAML) == expected
    assert config_from_text(expected.to_json()) == expected
    bad = TOML.replace("weight = 2", "weight = nan")
    with pytest.raises(GeoInputError) as info:
        config_from_text(bad)
    assert f"line {line_of(bad, 'weight = nan')}, indicator[1].weight" in str(info.value)
    with pytest.raises(GeoInputError, match="neither TOML .* nor YAML"):
        config_from_text("[[indicator]\ncolumn = 'mpi_m0'\n")
    with pytest.raises(GeoInputError, match="not valid JSON"):
        config_from_text('{"indicator": ')
    with pytest.raises(GeoInputError, match="empty"):
        config_from_text("  ")


def test_errors_are_catalogue_messages_in_both_languages(tmp_path):
    from geo.config.load import validate
    from geo.i18n import catalogue

    text = TOML.replace("weight = 1\n", "wieght = 1\n")
    with pytest.raises(GeoInputError) as info:
        validate(__import__("tomllib").loads(text), source="rank.toml",
                 lines={("indicator", 1, "wieght"): 10})
    assert str(info.value) == ("rank.toml: line 10, indicator[2].wieght: unknown key 'wieght' in "
                               "[[indicator]]; did you mean 'weight'? (valid keys: column, weight, "
                               "direction, normalisation, missing, label)")
    codes = {code for code in catalogue() if code.startswith("config.")}
    source = "".join(p.read_text(encoding="utf-8")
                     for p in (Path(__file__).resolve().parents[1] / "geo" / "config").glob("*.py"))
    used = {f"config.{c}" for c in re.findall(r'problem\("(\w+)"', source)}
    used |= set(re.findall(r'"(config\.\w+)"', source))
    assert used and used <= codes  # every code the validators raise has a text in both languages


def test_indonesian_rendering_of_a_config_problem():
    from geo.i18n import Message

    message = Message("config.at_line", {"line": "3", "setting": "focus.top_n", "problem": Message(
        "config.range_at_least", {"value": "-1", "low": 0})})
    assert message.render("id") == "baris 3, focus.top_n: -1 di luar rentang: harus paling sedikit 0"
    assert str(message) == "line 3, focus.top_n: -1 is out of range: it must be at least 0"


def test_sections_validate_when_built_in_code_too():
    from dataclasses import replace

    from pydantic import ValidationError

    from geo.config import FocusRules, Pin

    assert Pin("3573011002", "in", " pilot ", "TKPK") == Pin("35.73.01.1002", "in", "pilot", "TKPK")
    with pytest.raises(ValidationError):
        Pin("35.73.01", "in", "pilot", "TKPK")
    with pytest.raises(ValidationError):
        FocusRules(cover_extreme_poor=75)
    rules = FocusRules(top_n=3)
    with pytest.raises(ValidationError):
        replace(rules, quadrant_split="modus")
    assert replace(rules, top_n=0).top_n is None  # 0 means the rule is off, as in a file


def test_config_file_has_a_json_schema():
    from geo.config import ConfigFile

    schema = ConfigFile.model_json_schema()
    assert schema["required"] == ["indicator"] and schema["additionalProperties"] is False
    spec = schema["$defs"]["IndicatorSpec"]
    assert "mpi_m0" in spec["properties"]["column"]["enum"]
    assert spec["properties"]["normalisation"]["enum"] == ["minmax", "zscore", "percentile"]


# --- a config file holding only some tables takes config/default.toml for the rest -------

def test_a_file_with_only_a_pocket_seed_is_the_default_with_that_seed(tmp_path):
    expected = default_config().to_dict()
    expected["pockets"]["seed"] = 7
    toml = load_config(write(tmp_path, "seed.toml", "[pockets]\nseed = 7\n"))
    yaml_ = load_config(write(tmp_path, "seed.yaml", "pockets:\n  seed: 7\n"))
    assert toml.to_dict() == expected == yaml_.to_dict()
    assert default_config().pockets.seed != 7  # the test would prove nothing otherwise


def test_a_table_given_in_part_is_merged_key_by_key(tmp_path):
    config = load_config(write(tmp_path, "rank.toml", textwrap.dedent("""\
        [focus]
        min_per_district = true

        [mpi]
        missing = "reweight"
        """)))
    default = default_config()
    assert config.focus.min_per_district is True
    assert config.focus.top_n == default.focus.top_n == 10  # from the default file, not None
    assert config.mpi.missing == "reweight"
    assert config.mpi.k == default.mpi.k and config.mpi.weights == default.mpi.weights
    assert config.indicators == default.indicators and config.description == default.description


def test_mpi_weights_and_indicators_given_replace_the_defaults_whole(tmp_path):
    config = load_config(write(tmp_path, "rank.toml", textwrap.dedent("""\
        [[indicator]]
        column = "desil1_share"
        weight = 1

        [mpi]
        k = "1/2"

        [mpi.weights]
        dep_water = "1/2"
        dep_assets = "1/2"
        """)))
    assert [s.column for s in config.indicators] == ["desil1_share"]
    assert config.description == ""  # the default's description is about its own indicators
    assert config.mpi.weights == {"dep_water": Fraction(1, 2), "dep_assets": Fraction(1, 2)}
    assert config.mpi.k == Fraction(1, 2) and config.mpi.missing == "not_deprived"
    assert config.focus.top_n == 10 and config.pockets == default_config().pockets


def test_errors_in_a_partial_file_name_its_own_line(tmp_path):
    text = "# only the pockets\n\n[pockets]\nseed = -1\n"
    message = error_of(write(tmp_path, "seed.toml", text))
    assert "seed.toml: line 4, pockets.seed: -1 is out of range" in message
    text = "[focus]\nmin_per_district = true\ntop_m = 3\n"
    message = error_of(write(tmp_path, "typo.toml", text))
    assert "line 3, focus.top_m" in message and "did you mean 'top_n'" in message
    yaml_text = "focus:\n  min_per_district: true\nmpi:\n  missing: complete\n"
    message = error_of(write(tmp_path, "rank.yaml", yaml_text))
    assert "line 4, mpi.missing: 'complete'" in message
    assert "did you mean 'complete_case'" in message


def test_a_focus_rule_of_the_defaults_is_switched_off_with_its_off_value(tmp_path):
    config = load_config(write(tmp_path, "rank.toml",
                               "[focus]\ntop_n = 0\nscore_threshold = 60\n"))
    assert config.focus.top_n is None and config.focus.score_threshold == 60


def test_config_text_merges_toml_but_reads_saved_json_as_it_is():
    import json

    from geo.config import config_from_text

    assert config_from_text("[pockets]\nseed = 7\n").pockets.seed == 7
    saved = default_config().with_focus(top_n=0, score_threshold=50.0)
    data = json.loads(saved.to_json())
    assert "top_n" not in data["focus"]  # None is left out of the JSON...
    assert config_from_text(saved.to_json()) == saved  # ...and not filled from the defaults


# --- [mpi] missing ---------------------------------------------------------------------

def test_mpi_missing_round_trips_and_old_saved_json_reads_as_not_deprived():
    import json

    from geo.config import MpiSettings, config_from_text

    config = default_config()
    assert config.mpi.missing == "not_deprived"
    changed = replace(config, mpi=replace(config.mpi, missing="complete_case"))
    assert changed.to_dict()["mpi"]["missing"] == "complete_case"
    assert RankConfig.from_dict(changed.to_dict()) == changed
    old = json.loads(config.to_json())
    del old["mpi"]["missing"]  # a decision saved before the rule existed
    assert config_from_text(json.dumps(old)).mpi == MpiSettings(k=config.mpi.k,
                                                                weights=config.mpi.weights)
    assert config_from_text(json.dumps(old)).mpi.missing == "not_deprived"


def test_a_bad_mpi_missing_rule_names_the_key_and_the_closest_rule(tmp_path):
    message = error_of(write(tmp_path, "rank.toml", '[mpi]\nmissing = "reweigh"\n'))
    assert "rank.toml: line 2, mpi.missing: 'reweigh'" in message
    assert "did you mean 'reweight'" in message
    assert "not_deprived, complete_case, reweight" in message


def test_an_older_fdr_key_in_a_partial_file_is_not_contradicted_by_the_default(tmp_path):
    """``fdr = true`` (written before ``correction`` existed) in a file holding only [pockets]."""
    path = tmp_path / "old.toml"
    path.write_text("[pockets]\nfdr = true\n")
    config = load_config(path)
    assert config.pockets.correction == "fdr"
    assert config.to_dict()["indicator"] == default_config().to_dict()["indicator"]
