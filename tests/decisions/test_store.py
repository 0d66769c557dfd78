"""Saved decisions: append-only history, concurrent saves, reopening, no personal data."""

from __future__ import annotations

import hashlib
import multiprocessing
import sqlite3

import pandas as pd
import pytest

from geo.config import Pin, RankConfig, default_config
from geo.decisions.store import DB_NAME, Decision, DecisionStore, file_sha256
from geo.common.errors import GeoInputError

from decision_workers import CODES, decision, focus_list, save_many  # noqa: F401


def test_save_and_load_round_trip(tmp_path):
    store = DecisionStore(tmp_path)
    saved = decision()
    new_id = store.save(saved)
    loaded = store.load(new_id)
    assert (tmp_path / DB_NAME).is_file()
    assert loaded.id == new_id and loaded.version == 1
    assert loaded.title == saved.title and loaded.decided_by == "Sekda"
    assert loaded.village_codes == CODES
    assert loaded.focus_list["score"].tolist() == [91.5, 80.25, 77.0]
    assert loaded.focus_list["rank"].tolist() == [1, 2, 3]
    assert loaded.pins == saved.pins and loaded.sources == saved.sources
    assert RankConfig.from_dict(__import__("json").loads(loaded.config_text)) == default_config()
    assert store.config_of(new_id) == default_config()
    assert loaded.decided_at.endswith("+00:00")  # UTC, ISO 8601


def test_saving_a_title_again_adds_a_version_and_keeps_history(tmp_path):
    store = DecisionStore(tmp_path)
    first = store.save(decision(n=3))
    second = store.save(decision(n=2, tag=" (revised)"))
    other = store.save(decision(title="Pilot 2025", n=1))
    listing = store.list()
    assert listing["id"].tolist() == [first, second, other]
    assert listing["version"].tolist() == [1, 2, 1]
    assert listing["villages"].tolist() == [3, 2, 1]
    latest = store.latest("Lokus desa miskin 2026")
    assert latest.id == second and latest.version == 2 and len(latest.focus_list) == 2
    assert store.load(first).village_codes == CODES  # the old version is intact
    assert store.latest("never saved") is None


def test_history_cannot_be_changed_or_deleted(tmp_path):
    store = DecisionStore(tmp_path)
    store.save(decision())
    db = sqlite3.connect(tmp_path / DB_NAME)
    for statement in ("UPDATE decision SET decided_by = 'someone else'",
                      "DELETE FROM focus_village", "DELETE FROM decision",
                      "UPDATE pin SET reason = 'x'"):
        with pytest.raises(sqlite3.DatabaseError, match="kept"):
            db.execute(statement)
    db.close()
    assert store.load(1).decided_by == "Sekda" and len(store.load(1).focus_list) == 3


def test_survives_reopening(tmp_path):
    first_id = DecisionStore(tmp_path).save(decision())
    reopened = DecisionStore(tmp_path)
    assert reopened.load(first_id).village_codes == CODES
    assert reopened.save(decision()) == first_id + 1
    assert reopened.latest("Lokus desa miskin 2026").version == 2


def test_two_processes_saving_at_once_lose_nothing(tmp_path):
    count = 25
    ctx = multiprocessing.get_context("spawn")
    start, queue = ctx.Barrier(2), ctx.Queue()
    workers = [ctx.Process(target=save_many, args=(str(tmp_path), who, count, start, queue))
               for who in ("Bappeda", "Dinsos")]
    for worker in workers:
        worker.start()
    saved = dict(queue.get(timeout=120) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    results = [saved["Bappeda"], saved["Dinsos"]]
    ids = results[0] + results[1]
    assert len(set(ids)) == 2 * count
    store = DecisionStore(tmp_path)
    listing = store.list()
    assert len(listing) == 2 * count
    assert sorted(listing["version"]) == list(range(1, 2 * count + 1))  # no version twice
    assert listing["decided_by"].value_counts().to_dict() == {"Bappeda": count, "Dinsos": count}
    for who, own in zip(("Bappeda", "Dinsos"), results):
        reasons = [store.load(i).focus_list["focus_reason"].iloc[0] for i in own]
        assert reasons == [f"top 10 {who} {i}" for i in range(count)]  # each save intact


def test_from_selection_hashes_sources_and_keeps_no_personal_data(tmp_path):
    source = tmp_path / "households.csv"
    source.write_text("nik,nama,desil\n3573010101010001,Siti Aminah,1\n", encoding="utf-8")
    selected = pd.DataFrame({
        "village_code": CODES, "village_name": ["Balearjosari", "Arjosari", "Klojen"],
        "rank": [1, 2, 5], "score": [90.0, 80.0, 60.0],
        "focus_reason": ["top 2", "top 2", None], "in_focus_list": [True, True, False],
        "nik": ["3573010101010001"] * 3, "head_name": ["Siti Aminah"] * 3,
    })
    config = default_config().with_focus(pins=(Pin(CODES[1], "in", "pilot", "TKPK"),))
    made = Decision.from_selection(selected, title="Lokus 2026", decided_by="Wali Kota",
                                   config=config, sources=[source])
    assert made.village_codes == CODES[:2]
    assert made.pins == [{"village_code": CODES[1], "action": "in", "reason": "pilot",
                          "by": "TKPK"}]
    assert made.sources == {"households.csv": hashlib.sha256(source.read_bytes()).hexdigest()}
    store = DecisionStore(tmp_path / "workspace")
    store.save(made)
    raw = b"".join(p.read_bytes() for p in (tmp_path / "workspace").iterdir())
    assert b"3573010101010001" not in raw and b"Siti Aminah" not in raw


def test_user_errors(tmp_path):
    store = DecisionStore(tmp_path)
    with pytest.raises(GeoInputError, match="title"):
        store.save(decision(title="  "))
    with pytest.raises(GeoInputError, match="decided_by"):
        store.save(decision(by=""))
    with pytest.raises(GeoInputError, match="no saved decision with id 99"):
        store.load(99)
    with pytest.raises(GeoInputError, match="cannot read"):
        file_sha256(tmp_path / "absent.csv")
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    with pytest.raises(GeoInputError, match="workspace"):
        DecisionStore(blocker / "workspace")


def test_config_of_returns_none_for_text_that_is_not_a_valid_config(tmp_path):
    store = DecisionStore(tmp_path)
    toml = ('[[indicator]]\ncolumn = "desil1_share"\nweight = 1\n[focus]\ntop_n = 3\n')
    kept = store.save(Decision(title="TOML", decided_by="Sekda", focus_list=focus_list(),
                               config_text=toml))
    assert store.config_of(kept).focus.top_n == 3  # TOML text is read back too
    for text in ('{"indicator": [{"column": "mpi_mo", "weight": 1}]}',  # JSON, bad column
                 '{"indicator": ', "not a config", ""):
        saved = store.save(Decision(title="old", decided_by="Sekda", focus_list=focus_list(),
                                    config_text=text))
        assert store.config_of(saved) is None
        assert store.load(saved).config_text == text  # the text itself is kept


def test_from_selection_keeps_the_pins_of_a_config_given_as_text():
    selected = pd.DataFrame({"village_code": CODES, "rank": [1, 2, 3], "score": [9.0, 8.0, 7.0],
                             "in_focus_list": [True, False, True]})
    pins = (Pin(CODES[0], "in", "pilot kelurahan", "TKPK"), Pin(CODES[1], "out", "CSR", "Bappeda"))
    config = default_config().with_focus(top_n=2, pins=pins)
    expected = [{"village_code": p.village_code, "action": p.action, "reason": p.reason,
                 "by": p.by} for p in pins]
    yaml_text = ("indicator:\n  - {column: desil1_share, weight: 1}\nfocus:\n  pins:\n"
                 + "".join(f"    - {{village_code: '{p.village_code}', action: {p.action}, "
                           f"reason: {p.reason}, by: {p.by}}}\n" for p in pins))
    for text in (config.to_json(), yaml_text):
        made = Decision.from_selection(selected, title="Lokus 2026", decided_by="Wali Kota",
                                       config=text)
        assert made.pins == expected
        assert made.config_text == text
    with pytest.raises(GeoInputError, match="mpi_mo"):
        Decision.from_selection(selected, title="Lokus 2026", decided_by="Wali Kota",
                                config='[[indicator]]\ncolumn = "mpi_mo"\nweight = 1\n')
