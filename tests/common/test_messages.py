"""Messages as data: every code geo emits is in the catalogue, cells round-trip, errors render
in the reader's language while ``str()`` stays English."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from geo.common.errors import GeoInputError, joined
from geo.common.messages import (
    decode,
    encode,
    encode_rows,
    join,
    render_cell,
    render_column,
)
from geo.i18n import Message, catalogue

GEO = Path(__file__).resolve().parents[2] / "geo"
PREFIXES = ("err", "row", "join", "focus", "note", "warn", "kind", "dim", "cli", "desc", "code",
            "config")
_LITERAL = re.compile(r"""["'](?P<code>(?:{})\.[a-z0-9_]+)["']""".format("|".join(PREFIXES)))


def _sources():
    return sorted(p for p in GEO.rglob("*.py"))


def _codes_in_source() -> dict[str, str]:
    found = {}
    for path in _sources():
        for match in _LITERAL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match["code"], str(path.relative_to(GEO)))
    return found


def test_the_scan_sees_the_codes_geo_uses():
    codes = _codes_in_source()
    assert {"err.file_not_found", "row.out_of_range", "join.unknown_code", "focus.top_n",
            "note.weight_moved_within", "err.decision_title"} <= set(codes)


def test_every_message_code_in_geo_is_in_the_catalogue_in_both_languages():
    table = catalogue()
    missing = {code: where for code, where in _codes_in_source().items() if code not in table}
    assert missing == {}
    for code in _codes_in_source():
        assert table[code].get("id") and table[code].get("en"), code


def test_codes_built_from_names_are_in_the_catalogue():
    from geo.households.read import _MAGIC

    built = [f"kind.{kind}" for kind in (*_MAGIC.values(), "word", "zip", "sep_tab", "sep_pipe")]
    built += [f"focus.pinned_{action}" for action in ("in", "out")]
    built += [f"join.used_{prefer}" for prefer in ("code", "location")]
    built += [f"err.src_{what}_mapping" for what in ("boundary", "household")]
    built += [f"desc.{kind}" for kind in ("text", "symbols", "separated", "digits")]
    built += [f"kind.{k}" for k in ("text", "bool", "number", "list", "mapping")]
    from geo.indicators.weights import DIMENSIONS

    built += [f"dim.{d}" for d in DIMENSIONS]
    assert [code for code in built if code not in catalogue()] == []


def test_geo_raises_only_message_codes():
    prose = re.compile(r"GeoInputError\(\s*f?[\"'][^\"']*\s[^\"']*[\"']")  # a sentence, not a code
    offending = [f"{p.relative_to(GEO)}: {m.group()}" for p in _sources()
                 for m in prose.finditer(p.read_text(encoding="utf-8"))]
    assert offending == []


def test_error_renders_per_language_and_str_stays_english():
    exc = GeoInputError("err.decision_title", source="title")
    assert str(exc) == "title: a decision needs a title, e.g. 'Lokus desa miskin 2026'"
    assert exc.render("id") == "title: keputusan perlu judul, mis. 'Lokus desa miskin 2026'"
    assert exc.code == "err.decision_title" and exc.source == "title"
    numbers = GeoInputError("err.hh_codes_lost_digits", source="hh.csv", column="KODE",
                            lost=1200, given=1500)
    assert "1.200 dari 1.500" in numbers.render("id") and "1,200 of 1,500" in str(numbers)


def test_an_error_pickled_across_processes_keeps_its_code_and_source():
    import pickle

    exc = GeoInputError("err.hh_desil_empty", source="hh.csv", column="DESIL")
    back = pickle.loads(pickle.dumps(exc))
    assert isinstance(back, GeoInputError) and back.code == exc.code and back.source == "hh.csv"
    assert back.render("id") == exc.render("id") and str(back) == str(exc)


def test_plain_text_and_message_objects_are_accepted_during_the_migration():
    plain = GeoInputError("something went wrong here", source="x.csv")
    assert str(plain) == plain.render("id") == "x.csv: something went wrong here"
    assert plain.code is None
    message = GeoInputError(Message("err.upload_size", {"size": 300}), limit=200)
    assert message.render("en") == "the file is 300 MB; at most 200 MB"


def test_nested_messages_render_in_the_same_language():
    parts = joined([Message("row.missing", {"field": "desil"}), Message("row.no_location")])
    assert parts.render("id") == "desil kosong; tanpa kode desa dan tanpa koordinat"
    exc = GeoInputError("err.hh_not_table", source="a.png", kind=Message("kind.png"))
    assert exc.render("id") == "a.png: ini gambar PNG, bukan tabel rumah tangga: berikan berkas " \
                               "CSV, XLSX atau Parquet"


_typed = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@given(reason=_typed, by=_typed)
def test_typed_text_in_params_survives_the_cell(reason, by):
    cell = join([encode("focus.top_n", n=3), encode("focus.pinned_in", reason=reason, by=by)])
    parts = decode(cell)
    assert parts == [Message("focus.top_n", {"n": 3}),
                     Message("focus.pinned_in", {"reason": reason, "by": by})]
    assert render_cell(cell, "en") == f"top 3; pinned in: {reason} (by {by})"


@given(text=_typed)
def test_a_cell_without_codes_comes_back_unchanged(text):
    """Typed or old text is kept as written, split and joined again at every "; "; only a part
    that is exactly a catalogue code (``err.file_empty``) would be read as a message."""
    assume(not any(code in text for code in catalogue()))
    assert render_cell(text, "id") == text


def test_vectorised_cells_equal_one_by_one_cells_and_keep_missing_rows():
    values = pd.Series(['35.73.01.1001', None, 'a "quoted"\\ name'], dtype="string")
    cells = encode_rows("join.unknown_code", code=values)
    assert cells[0] == encode("join.unknown_code", code="35.73.01.1001")
    assert cells[2] == encode("join.unknown_code", code='a "quoted"\\ name')
    assert pd.isna(cells[1])
    assert render_column(cells, "id").tolist()[2] == (
        'kode desa a "quoted"\\ name tidak ada di lapisan batas wilayah')


def test_config_errors_keep_their_code_and_speak_the_readers_language():
    from geo.config import config_from_text, default_config

    with pytest.raises(GeoInputError) as weights:
        default_config().with_weights({s.column: 0.0 for s in default_config().indicators})
    with pytest.raises(GeoInputError) as unknown:
        config_from_text("[[indikator]]\ncolumn = 'mpi_m0'\n", source="rules.toml")
    for info in (weights, unknown):
        assert info.value.code is not None
        assert info.value.render("id") != info.value.render("en") == str(info.value)
