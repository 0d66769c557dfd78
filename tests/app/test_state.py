"""Values the user sets survive page changes and language switches (ui.state's ``kept_*`` widgets).

Streamlit forgets the state of every widget not drawn in a run, so without ``ui.state`` the
RPJMD target typed on the overview came back as 3.77 after a visit to the map, and a switch to
English followed by any click raised ``ValueError: 'Tanpa peta dasar (luring)' is not in list``
(issue 11). These tests drive the real pages with Streamlit's AppTest on the built-in demo;
tests/app/test_browser.py checks the same in Chromium.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
OVERVIEW = "pages/0_Ringkasan.py"


def ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def start(page: str | None = None) -> AppTest:
    """A new session on the app (``app.py``, as in the browser), then on ``page``."""
    at = ok(AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run())
    return visit(at, page) if page else at


def visit(at: AppTest, page: str) -> AppTest:
    return ok(at.switch_page(page).run())


def switch_language(at: AppTest, lang: str) -> AppTest:
    return ok(at.selectbox(key="_lang_widget").set_value(lang).run())


# --- across pages ------------------------------------------------------------------------

def test_rpjmd_target_and_population_survive_a_visit_to_the_map():
    at = start()
    at.number_input(key="target").set_value(5.25).run()
    at.number_input(key="population").set_value(250_000).run()
    at.radio(key="target_measure").set_value("desil14_people").run()
    visit(at, "pages/1_Peta.py")
    assert at.title[0].value == "Peta"
    visit(at, OVERVIEW)
    assert at.number_input(key="target").value == pytest.approx(5.25)
    assert at.number_input(key="population").value == 250_000
    assert at.radio(key="target_measure").value == "desil14_people"


def test_map_choices_survive_a_visit_to_another_page():
    at = start("pages/1_Peta.py")
    label = next(o for o in at.selectbox(key="profile_village").options if "99.71.01.1005" in o)
    district = next(d for d in at.selectbox(key="map_district").options[1:] if d in label)
    at.selectbox(key="map_indicator").set_value("mpi_m0").run()
    at.number_input(key="map_k").set_value(3).run()
    at.selectbox(key="map_scheme").set_value("equal_interval").run()
    at.selectbox(key="map_district").set_value(district).run()
    at.selectbox(key="profile_village").set_value("99.71.01.1005").run()
    ok(at)
    chosen_district = at.selectbox(key="map_district").value
    visit(at, "pages/6_Ekspor.py")
    visit(at, "pages/1_Peta.py")
    assert at.selectbox(key="map_indicator").value == "mpi_m0"
    assert at.number_input(key="map_k").value == 3
    assert at.selectbox(key="map_scheme").value == "equal_interval"
    assert at.selectbox(key="map_district").value == chosen_district
    assert at.selectbox(key="profile_village").value == "99.71.01.1005"
    assert any("99.71.01.1005" in m.value for m in at.markdown)  # the profile is drawn again


def test_pilot_and_export_choices_survive_a_visit_to_another_page():
    at = start("pages/4_Area_Percontohan.py")
    at.multiselect(key="pilot_villages").set_value(["99.71.01.1002", "99.71.01.1005"]).run()
    at.select_slider(key="pilot_cell").set_value(1000).run()
    at.number_input(key="pilot_similar").set_value(2).run()
    visit(at, "pages/6_Ekspor.py")
    at.multiselect(key="export_formats").set_value(["csv"]).run()
    at.number_input(key="export_min_households").set_value(7).run()
    visit(at, "pages/4_Area_Percontohan.py")
    assert at.multiselect(key="pilot_villages").value == ["99.71.01.1002", "99.71.01.1005"]
    assert at.select_slider(key="pilot_cell").value == 1000
    assert at.number_input(key="pilot_similar").value == 2
    visit(at, "pages/6_Ekspor.py")
    assert at.multiselect(key="export_formats").value == ["csv"]
    assert at.number_input(key="export_min_households").value == 7


def test_a_weight_and_a_rule_survive_a_visit_and_a_language_switch():
    at = start("pages/2_Prioritas.py")
    sliders = [s for s in at.slider if s.key and s.key.startswith("weight_")]
    key = sliders[0].key
    at.slider(key=key).set_value(0.85).run()
    at.number_input(key="rule_top_n").set_value(4).run()
    switch_language(at, "en")
    assert at.slider(key=key).value == pytest.approx(0.85)
    visit(at, OVERVIEW)
    visit(at, "pages/2_Prioritas.py")
    switch_language(at, "id")
    assert at.slider(key=key).value == pytest.approx(0.85)
    assert at.number_input(key="rule_top_n").value == 4


# --- language switch, then a control -----------------------------------------------------

@pytest.mark.parametrize(("page", "setting", "control"), [
    ("pages/0_Ringkasan.py", ("number_input", "target", 4.5),
     ("number_input", "population", 100_000)),
    ("pages/1_Peta.py", ("selectbox", "map_scheme", "natural_breaks"),
     ("number_input", "map_k", 4)),
    ("pages/2_Prioritas.py", ("number_input", "rule_top_n", 6),
     ("number_input", "rule_cover", 50)),
    ("pages/3_Kantong_Kemiskinan.py", ("selectbox", "_tiles_widget", "openstreetmap"),
     ("selectbox", "pocket_district", 1)),
    ("pages/4_Area_Percontohan.py", ("select_slider", "pilot_cell", 500),
     ("number_input", "pilot_min", 8)),
    ("pages/5_Data.py", ("selectbox", "_tiles_widget", "openstreetmap"),
     ("text_area", "boundary_columns", "village_code = KDEPUM")),
    ("pages/6_Ekspor.py", ("multiselect", "export_formats", ["csv", "gpkg"]),
     ("number_input", "export_min_households", 3)),
])
def test_switching_the_language_then_moving_a_control_keeps_the_values(page, setting, control):
    at = start(page)

    def put(kind, key, value):
        widget = getattr(at, kind)(key=key)
        if isinstance(value, int) and kind == "selectbox":  # an option by position
            value = widget.options[value]
        (widget.input(value) if kind == "text_area" else widget.set_value(value)).run()
        ok(at)
        return getattr(at, kind)(key=key).value

    kind, key, value = setting
    expected = put(kind, key, value)
    switch_language(at, "en")
    assert getattr(at, kind)(key=key).value == expected
    moved = put(*control)
    switch_language(at, "id")
    assert getattr(at, kind)(key=key).value == expected
    assert getattr(at, control[0])(key=control[1]).value == moved
    assert at.selectbox(key="_lang_widget").value == "id"


def test_base_map_survives_a_language_switch_and_a_click_elsewhere():
    """The reported crash: Bahasa → English, then touch any control."""
    at = start("pages/1_Peta.py")
    at.selectbox(key="_tiles_widget").set_value("openstreetmap").run()
    switch_language(at, "en")
    at.number_input(key="map_k").set_value(4).run()
    ok(at)
    assert at.session_state["tiles"] == "openstreetmap"
    assert at.selectbox(key="_tiles_widget").value == "openstreetmap"
    assert at.session_state["lang"] == "en"


def test_a_language_switch_sends_the_new_labels_of_chosen_options():
    """The browser keeps the label it was sent; relabelled selects get theirs again.

    Without this, the browser still shows (and later sends back) "Tanpa peta dasar (luring)"
    after the switch to English.
    """
    from geo.i18n import t

    at = start("pages/1_Peta.py")
    at.selectbox(key="map_scheme").set_value("equal_interval").run()
    assert not at.selectbox(key="_tiles_widget").proto.set_value  # nothing to resend yet
    switch_language(at, "en")
    for key, code, label in (("_tiles_widget", "none", t("tiles_none", "en")),
                             ("map_scheme", "equal_interval", t("equal_interval", "en")),
                             ("map_district", "*", t("all_districts", "en"))):
        widget = at.selectbox(key=key)
        assert widget.value == code
        assert widget.proto.set_value and widget.proto.raw_value == label
    at.number_input(key="map_k").set_value(4).run()  # the next run sends nothing again
    assert not ok(at).selectbox(key="map_scheme").proto.set_value
    assert at.selectbox(key="map_scheme").value == "equal_interval"


# --- stale values ------------------------------------------------------------------------

def test_stale_stored_values_fall_back_to_the_defaults():
    """Values stored for another data set (or an older app) never raise: defaults instead."""
    at = AppTest.from_file(str(ROOT / "pages/1_Peta.py"), default_timeout=TIMEOUT)
    at.session_state["choices"] = {"map_indicator": "no_such_column", "map_k": 42,
                                   "map_scheme": "Kuantil", "map_district": "Kecamatan Hilang",
                                   "profile_village": "00.00.00.0000", "map_palette": None}
    at.session_state["tiles"] = "Tanpa peta dasar (luring)"
    ok(at.run())
    assert at.selectbox(key="map_indicator").value == "desil1_share"
    assert at.number_input(key="map_k").value == 5
    assert at.selectbox(key="map_scheme").value == "quantiles"
    assert at.selectbox(key="map_district").value == "*"
    assert at.selectbox(key="profile_village").value is None
    assert at.session_state["tiles"] == "none"


def test_stale_pilot_villages_fall_back_to_the_default_pilot():
    fresh = start("pages/4_Area_Percontohan.py")
    default = fresh.multiselect(key="pilot_villages").value
    assert default  # the demo's planted pilot
    at = AppTest.from_file(str(ROOT / "pages/4_Area_Percontohan.py"), default_timeout=TIMEOUT)
    at.session_state["choices"] = {"pilot_villages": ["00.00.00.0000"], "pilot_cell": 333,
                                   "pilot_min": "5"}
    ok(at.run())
    assert at.multiselect(key="pilot_villages").value == default
    assert at.select_slider(key="pilot_cell").value == fresh.select_slider(key="pilot_cell").value  # the data-chosen default
    assert at.number_input(key="pilot_min").value == 5


def _options_script():
    """A page whose options change between runs, as when another data set is loaded."""
    import streamlit as st

    import ui.state

    options = st.session_state.get("offered", ["a", "b", "c"])
    st.session_state["shown"] = ui.state.kept_choice(st.selectbox, "pick", "Pick", options,
                                                     default=options[0])
    st.session_state["shown_many"] = ui.state.kept_choices(st.multiselect, "many", "Many",
                                                           options, default=options[:1])
    st.session_state["shown_number"] = ui.state.kept_value(st.number_input, "number", "N",
                                                           default=2, min_value=0,
                                                           max_value=st.session_state.get("top", 9))


def test_a_choice_that_is_no_longer_offered_falls_back_without_raising():
    at = AppTest.from_function(_options_script, default_timeout=TIMEOUT)
    at.run()
    at.selectbox(key="pick").set_value("c").run()
    at.multiselect(key="many").set_value(["b", "c"]).run()
    at.number_input(key="number").set_value(8).run()
    assert (at.session_state["shown"], at.session_state["shown_many"]) == ("c", ["b", "c"])
    at.session_state["offered"] = ["a", "b"]  # "c" is gone
    at.session_state["top"] = 5  # 8 is out of range now
    ok(at.run())
    assert at.session_state["shown"] == "a"
    assert at.session_state["shown_many"] == ["b"]
    assert at.session_state["shown_number"] == 2
    at.session_state["offered"] = ["x", "y"]  # nothing stored is offered any more
    ok(at.run())
    assert at.session_state["shown"] == "x"
    assert at.session_state["shown_many"] == ["x"]


def test_remember_sets_what_the_widget_shows_next():
    def script():
        import streamlit as st

        import ui.state

        if st.button("jump", key="jump"):
            ui.state.remember("pick", "b")
            st.rerun()
        st.session_state["shown"] = ui.state.kept_choice(st.selectbox, "pick", "Pick",
                                                         ["a", "b", "c"])

    at = AppTest.from_function(script, default_timeout=TIMEOUT)
    at.run()
    assert at.session_state["shown"] is None  # no default: nothing chosen yet
    at.selectbox(key="pick").set_value("c").run()
    at.button(key="jump").click().run()
    ok(at)
    assert at.session_state["shown"] == "b"
    assert at.selectbox(key="pick").value == "b"


def test_upload_tokens_keep_where_each_part_ends():
    import ui.state

    assert ui.state.token_of(b"", "x") != ui.state.token_of(b"x", "")
    assert ui.state.token_of("ab", "c") != ui.state.token_of("a", "bc")
    assert ui.state.token_of("ab", "c") == ui.state.token_of(b"ab", b"c")  # text is its UTF-8
