"""Every label the library stores has a translation; focus reasons are translated part by part."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.i18n import Message, catalogue, date_text, number, percent, t
from geo.i18n.labels import (VALUE_LABELS, focus_reason_text, indicator_label, report_label,
                             translate_values, value_label)


@pytest.mark.parametrize("column, values", [
    ("outcome", "geo.join.match:OUTCOMES"), ("pocket", "geo.spatial.pockets:POCKET_LABELS"),
    ("hotspot", "geo.spatial.pockets:HOTSPOT_LABELS"), ("quadrant", "geo.ranking.focus:QUADRANTS"),
])
def test_every_stored_label_is_translated(column, values):
    import importlib

    module, name = values.split(":")
    for value in getattr(importlib.import_module(module), name):
        indonesian, english = value_label(column, value, "id"), value_label(column, value, "en")
        assert indonesian != value or english != value, (column, value)
        assert indonesian and english


def test_outcome_pocket_and_stability_examples():
    assert value_label("outcome", "matched_code", "id") == "Cocok lewat kode"
    assert value_label("outcome", "matched_code", "en") == "Matched by code"
    assert value_label("pocket", "HH", "id") == "Kantong kemiskinan (Tinggi–Tinggi)"
    assert value_label("stability", "solid in", "en") == "Solid in"
    assert value_label("pocket", "new_label", "id") == "new_label"  # unknown: shown as stored
    assert value_label("pocket", None, "id") is None


def test_focus_reasons_rendered_part_by_part_keeping_typed_text():
    from geo.common.messages import encode, join

    reason = join([encode("focus.top_n", n=10), encode("focus.covers_extreme_poor", percent=75),
                   encode("focus.best_in_district", district="Kedungkandang"),
                   encode("focus.pinned_in", reason="sudah diverifikasi; lapangan", by="Bappeda")])
    assert focus_reason_text(reason, "id") == (
        "10 teratas; mencakup 75 % miskin ekstrem; terbaik di kecamatan Kedungkandang; "
        "disematkan masuk: sudah diverifikasi; lapangan (oleh Bappeda)")
    assert focus_reason_text(reason, "en") == (
        "top 10; covers 75 % of the extreme poor; best in district Kedungkandang; "
        "pinned in: sudah diverifikasi; lapangan (by Bappeda)")
    assert focus_reason_text(encode("focus.score_at_least", score=62.5), "id") == "skor minimal 62,5"
    assert value_label("focus_reason", encode("focus.top_n", n=1500), "id") == "1.500 teratas"
    assert focus_reason_text("something new", "id") == "something new"  # an old saved text


def test_reasons_from_select_focus_are_all_recognised():
    """The reasons geo.ranking.focus writes are all codes (none pass through in English)."""
    from geo.config import Pin, default_config
    from geo.ranking.focus import select_focus

    scored = pd.DataFrame({"village_code": [f"99.71.0{1 + i // 3}.100{i}" for i in range(6)],
                           "district_code": ["99.71.01"] * 3 + ["99.71.02"] * 3,
                           "district_name": ["Utara"] * 3 + ["Timur"] * 3,
                           "score": [90.0, 80, 70, 60, 50, 40], "rank": [1.0, 2, 3, 4, 5, 6],
                           "desil1_households": [30, 20, 10, 8, 6, 4],
                           "desil1_share": [0.3, 0.2, 0.1, 0.08, 0.06, 0.04]})
    rules = default_config().focus
    rules = type(rules)(**{**rules.__dict__, "top_n": 1, "score_threshold": 75.0,
                           "cover_extreme_poor": 0.5, "min_per_district": True,
                           "pins": (Pin(village_code="99.71.01.1002", action="in",
                                        reason="usulan musrenbang", by="Camat"),)})
    reasons = select_focus(scored, rules)["focus_reason"].dropna().tolist()
    english_words = ("top ", "score at least", "covers", "best in district", "pinned", "(by ")
    translated = [focus_reason_text(r, "id") for r in reasons]
    assert any("terbaik di kecamatan Timur" in r for r in translated)
    assert any("disematkan masuk: usulan musrenbang (oleh Camat)" in r for r in translated)
    assert reasons and not [r for r in translated if any(w in r for w in english_words)]


def test_translate_values_changes_only_a_copy():
    frame = pd.DataFrame({"pocket": ["HH", "ns"], "outcome": ["invalid", "unknown_code"],
                          "village_name": ["HH", "ns"]})
    shown = translate_values(frame, "en")
    assert shown["pocket"].tolist() == ["Poverty pocket (High–High)", "Not significant"]
    assert shown["outcome"].tolist() == ["Invalid row", "Unknown village code"]
    assert shown["village_name"].tolist() == ["HH", "ns"]  # names are never translated
    assert frame["pocket"].tolist() == ["HH", "ns"]


def test_labels_pages_and_report_keys_in_both_languages():
    for key in ("page_overview", "page_map", "page_priority", "page_pockets", "page_pilot",
                "page_data", "page_export"):
        assert catalogue()[key]["id"] and catalogue()[key]["en"]
    assert t("page_pockets", "id") == "Kantong Kemiskinan" and t("page_pilot", "en") == "Pilot area"
    assert report_label("features_in", "id") == "Fitur masuk"
    assert report_label("unknown_key", "en") == "unknown_key"
    assert indicator_label("in_focus_share", "en") == "How often in the focus list"
    assert set(VALUE_LABELS["stability"]) == {"solid in", "depends on weights", "solid out"}


def test_pocket_method_follows_the_settings():
    from geo.i18n.labels import pocket_method_text

    text = pocket_method_text({"permutations": 9999, "alpha": 0.05, "seed": 7}, "id")
    assert "9.999 permutasi" in text and "p ≤ 0,05" in text and "seed 7" in text
    assert "tanpa koreksi" in text and "mentah" in text  # no correction, no smoothing given
    old = pocket_method_text({"permutations": 499, "alpha": 0.01, "fdr": True}, "en")
    assert "499 conditional permutations" in old and "p ≤ 0.01" in old and "FDR" in old  # fdr = true
    eb = pocket_method_text({"correction": "bonferroni", "smoothing": "eb", "base": "households"},
                            "en")
    assert "Bonferroni" in eb and "Empirical Bayes" in eb and "Households" in eb
    assert "ties counted as extreme" in eb and "independently per village" in eb


def test_every_catalogue_entry_has_both_languages_with_the_same_placeholders():
    import string

    def fields(text):
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, entry in catalogue().items():
        assert set(entry) == {"id", "en"}, key
        assert entry["id"].strip() and entry["en"].strip(), key
        assert fields(entry["id"]) == fields(entry["en"]), key


def test_numbers_percentages_and_dates_follow_the_language():
    assert number(4449, "id") == "4.449" and number(4449, "en") == "4,449"
    assert number(1234.5, "id") == "1.234,5" and number(1234.5, "en") == "1,234.5"
    assert number(2.0, "id", 1) == "2,0"
    assert percent(0.12634, "id") == "12,6 %" and percent(0.12634, "en") == "12.6 %"
    assert percent(float("nan"), "id") == "–" and number(None, "en") == "–"
    assert date_text("2025-03-14T09:30:00+07:00", "id") == "14 Mar 2025"
    assert "Mar" in date_text("2025-03-14", "en") and "2025" in date_text("2025-03-14", "en")


def test_messages_render_late_with_numbers_in_the_readers_language():
    message = Message("unmatched_warning", {"n": 4449})
    assert message.render("id").startswith("4.449 baris")
    assert message.render("en").startswith("4,449 ")
    assert str(message) == message.render("en")
    assert t("no_such_message_id", "id") == "no_such_message_id"


# --- issue 19: numbers formatted once per displayed value ---------------------------------

def test_numbers_read_exactly_as_babel_writes_them():
    """number() rounds as Babel does before asking it (one call per displayed value): the
    text is Babel's own for halves, negative zero, large and tiny numbers, numpy scalars."""
    import random

    import numpy as np
    from babel.numbers import format_decimal

    from geo.i18n import LOCALES, number

    rng = random.Random(19)
    values = ([rng.uniform(-1e6, 1e6) for _ in range(3000)] + [rng.random() for _ in range(3000)]
              + [x / 1000 for x in range(-1500, 1500)]
              + [0.05, 0.15, 0.25, 2.5, 0.5, 1.5, 2.675, 1.005, -0.0, -0.04, 1e20, 3, 7e-9,
                 np.int64(12345), np.float32(0.1), np.float64(12.345)])
    for value in values:
        for lang in ("id", "en"):
            for decimals in (None, 0, 1, 2, 3):
                integral = float(value).is_integer()
                pattern = (("#,##0" if integral else "#,##0.###") if decimals is None
                           else "#,##0" + ("." + "0" * decimals if decimals else ""))
                assert number(value, lang, decimals) == \
                    format_decimal(value, format=pattern, locale=LOCALES[lang]), (value, lang)
