"""Every page of the app driven with Streamlit's AppTest: change a widget, the output follows.

The pages run on the built-in demo (48 villages, data/boundaries/demo_README.md); the demo
analysis is cached once per test process.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import parse_decimal
from streamlit.testing.v1 import AppTest

from geo.pipeline.sources import MAX_UPLOAD_MB
from geo.presentation.views import MISSING

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 120
XSS = "<img src=x onerror=alert(1)>"


def run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]


def shown_number(text: str) -> float:
    """A number as an Indonesian screen table shows it (``4.449``, ``12,6 %``, ``–``)."""
    text = str(text).removesuffix(" %")
    return float("nan") if text == "–" else float(parse_decimal(text, locale="id_ID"))


def shown_flag(text: str) -> bool:
    """A yes/no cell of an Indonesian screen table."""
    assert text in ("Ya", "Tidak"), text
    return text == "Ya"


def frame_with(at: AppTest, *columns: str) -> pd.DataFrame:
    """The first table that has all these columns (AppTest does not expose dataframe keys)."""
    return next(d.value for d in at.dataframe if set(columns) <= set(d.value.columns))



# --- overview ----------------------------------------------------------------------------

def rate(at: AppTest) -> float:
    metric = next(m for m in at.metric if m.label.startswith("Tingkat kemiskinan"))
    return float(parse_decimal(metric.value.split()[0], locale="id_ID"))  # "12,63 %"


def test_overview_target_and_measure():
    at = run("app.py")
    assert [m.label for m in at.metric][:3] == ["Desa/kelurahan", "Rumah tangga", "Jiwa"]
    assert at.metric[0].value == "48"
    at.number_input(key="target").set_value(100.0).run()
    assert any("Target tercapai" in s for s in texts(at.success))
    at.number_input(key="target").set_value(0.0).run()
    assert not at.success and any("di atas target" in w for w in texts(at.warning))
    extreme = rate(at)
    at.radio(key="target_measure").set_value("desil14_people").run()
    assert rate(at) > extreme  # desil 1-4 includes desil 1
    # the same poor people against a (much larger) population give a lower rate
    register_rate = rate(at)
    at.number_input(key="population").set_value(10_000_000).run()
    assert rate(at) < register_rate


def test_language_switch():
    at = run("app.py")
    assert at.title[0].value == "Peta Kantong Kemiskinan"
    at.selectbox(key="_lang_widget").set_value("en").run()
    assert at.title[0].value == "Poverty-pocket map"
    assert at.metric[0].label == "Villages"


# --- map ---------------------------------------------------------------------------------

def legend_counts(at: AppTest) -> list[int]:
    legend = next(m.value for m in at.markdown if "<span" in m.value)
    return [int(n.replace(",", "")) for n in __import__("re").findall(r"\(([\d,]+)\)</span>", legend)]


def test_map_classes_indicator_and_district():
    at = run("pages/1_Peta.py")
    assert sum(legend_counts(at)) == 48
    assert len(legend_counts(at)) == 5
    at.number_input(key="map_k").set_value(3).run()
    assert len(legend_counts(at)) == 3
    before = next(m.value for m in at.markdown if "<span" in m.value)
    at.selectbox(key="map_indicator").set_value("mpi_m0").run()
    assert next(m.value for m in at.markdown if "<span" in m.value) != before
    district = at.selectbox(key="map_district").options[1]
    at.selectbox(key="map_district").set_value(district).run()
    assert 0 < sum(legend_counts(at)) < 48


def test_map_profile_of_a_chosen_village():
    at = run("pages/1_Peta.py")
    assert not [m for m in at.metric if m.label == "Peringkat"]  # no village chosen yet
    at.selectbox(key="profile_village").set_value("99.71.01.1005").run()
    rank = next(m.value for m in at.metric if m.label == "Peringkat")
    assert rank.isdigit() and 1 <= int(rank) <= 48
    assert any("99.71.01.1005" in m.value for m in at.markdown)
    headings = " ".join(m.value for m in at.markdown)
    assert "Rincian IKM" in headings and "Cakupan program" in headings
    assert any("kantong" in c.value for c in at.caption)  # why it is, or is not, a pocket



def test_map_data_is_made_once_per_server_and_a_selection_resends_no_layer(monkeypatch, tmp_path):
    """The map's data is built once per server and cache key and served as one static file;
    the component gets only its URL, the selection and the height, so a second session, a
    click or another selection sends a few bytes, never the layer. Names stay escaped text.
    The click lands in this session's state only (the shared cache holds one JSON string)."""
    import functools

    import geopandas as gpd
    import shapely
    import streamlit as st

    import ui.map_widget
    from geo.presentation.offline import publish_map_data
    from geo.presentation.webmap import choropleth_map

    boxes = [shapely.box(117.40 + 0.01 * i, 0.10, 117.41 + 0.01 * i, 0.11) for i in range(3)]
    gdf = gpd.GeoDataFrame({"village_code": ["99.71.01.1001", "99.71.01.1002", "99.71.01.1003"],
                            "village_name": [XSS, "{{ 7*7 }}", "Sukamaju"]},
                           geometry=boxes, crs="EPSG:4326")
    colours = pd.Series(["#ffffcc", "#bd0026", "#d9d9d9"], index=gdf.index)
    builds = []

    def build(colours=colours):
        builds.append(1)
        return choropleth_map(gdf, colours, {"Desa": "village_name"})

    sent = []
    monkeypatch.setattr(ui.map_widget, "_village_map_component",
                        lambda **kwargs: sent.append(kwargs) or None)
    monkeypatch.setattr(ui.map_widget, "publish_map_data",
                        functools.partial(publish_map_data, static_dir=tmp_path))
    token = ui.state.content_token("test", gdf[["village_code", "village_name"]], colours)
    assert token == ui.state.content_token("test", gdf[["village_code", "village_name"]].copy(),
                                           colours.copy())
    for selected in (None, None, "99.71.01.1002"):
        ui.map_widget.show_map(build, token, key="village_map", height=560, selected=selected)
    assert len(builds) == 1  # once for the server, whatever the selection
    first, second, third = ({k: v for k, v in kwargs.items() if k != "on_change"} for kwargs in sent)
    assert first == second
    assert {k: v for k, v in third.items() if k != "selected"} == \
        {k: v for k, v in first.items() if k != "selected"}
    assert third["selected"] == "99.71.01.1002" and first["selected"] is None
    assert len(repr(third)) < 300  # no village data in what each script run sends
    files = list((tmp_path / "maps").glob("*.json"))
    assert len(files) == 1 and first["data_url"].endswith("/maps/" + files[0].name)
    data = files[0].read_text()
    assert "\\u0026lt;img src=x" in data and "<img" not in data
    assert "{{ 7*7 }}" in data
    assert json.loads(data)["layers"][0]["columns"]["ids"] == gdf["village_code"].tolist()

    other = colours.copy()
    other.iloc[0] = "#000000"
    changed = ui.state.content_token("test", gdf[["village_code", "village_name"]], other)
    assert changed != token
    ui.map_widget.show_map(lambda: build(other), changed, key="village_map", height=560)
    assert len(builds) == 2 and sent[-1]["data_url"] != first["data_url"]

    chosen = []
    ui.map_widget.show_map(build, token, key="village_map", height=560, on_click=chosen.append)
    assert sent[-1]["clickable"] is True and sent[0]["clickable"] is False
    st.session_state["village_map"] = {"code": "99.71.01.1003", "at": 1}  # the browser's click
    sent[-1]["on_change"]()
    assert chosen == ["99.71.01.1003"]
    assert isinstance(ui.map_widget.map_data(token, build), str)  # nothing per session cached


# --- priority ----------------------------------------------------------------------------

def ranked(at: AppTest) -> pd.DataFrame:
    # the full ranked table (all villages, with the in/out flag), below the decision table
    return next(d.value for d in at.dataframe
                if {"rank", "in_focus_list"} <= set(d.value.columns))


def test_focus_reasons_on_screen_are_in_the_chosen_language():
    at = run("pages/2_Prioritas.py")
    reasons = [r for r in ranked(at)["focus_reason"].dropna() if r != MISSING]  # "–": not in the list
    assert reasons and all("teratas" in r or "kecamatan" in r or "disematkan" in r
                           or "miskin ekstrem" in r or "skor minimal" in r for r in reasons)
    assert not [r for r in reasons if "focus." in r or "top " in r]


def test_weights_and_rules_update_the_table():
    at = run("pages/2_Prioritas.py")
    first = ranked(at)["village_code"].tolist()
    # weight only the desil-1 household count: the order becomes the count's order
    for spec in ("mpi_m0", "desil1_share", "mpi_poor_people"):
        at.slider(key=f"weight_{spec}").set_value(0.0)
    at.slider(key="weight_desil1_households").set_value(1.0).run()
    table = ranked(at)
    assert table["village_code"].tolist() != first
    ranked_rows = table[table["rank"] != "–"]
    counts = ranked_rows["desil1_households"].map(shown_number).to_numpy()
    assert (counts[:-1] >= counts[1:]).all()
    at.number_input(key="rule_top_n").set_value(3).run()
    assert int(ranked(at)["in_focus_list"].map(shown_flag).sum()) == 3
    assert any("Desa lokus: 3" in s.value for s in at.subheader)


def test_pin_out_removes_a_village_from_the_focus_list():
    at = run("pages/2_Prioritas.py")
    top = ranked(at).iloc[0]["village_code"]
    at.selectbox(key="pin_village").set_value(top)
    at.radio(key="pin_action").set_value("out")
    at.text_input(key="pin_reason").input("sudah menerima program provinsi")
    at.text_input(key="pin_by").input("Bappeda")
    at.button[[b.label for b in at.button].index("Tambah sematan")].click().run()
    table = ranked(at)
    assert not shown_flag(table.loc[table["village_code"] == top, "in_focus_list"].iloc[0])
    # the robustness table and a saved decision follow the pinned config
    at.text_input(key="decision_title").input("Lokus desa miskin 2026")
    at.text_input(key="decision_by").input("Tim TKPK")
    at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
    assert any("Keputusan tersimpan" in s for s in texts(at.success))

    from geo.decisions.store import DecisionStore
    import os

    store = DecisionStore(os.environ["POVERTY_MAP_WORKSPACE"])
    decision = store.load(int(store.list()["id"].max()))
    assert top not in decision.village_codes
    assert decision.pins[0]["village_code"] == top


def test_decision_needs_a_title():
    at = run("pages/2_Prioritas.py")
    at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
    assert any("title" in e for e in texts(at.error))
    assert not at.exception


# --- pockets -----------------------------------------------------------------------------

HH_ID = "Kantong kemiskinan (Tinggi–Tinggi)"


def test_pockets_table_and_district_filter():
    at = run("pages/3_Kantong_Kemiskinan.py")
    pockets = at.dataframe[0].value
    assert len(pockets) > 0 and set(pockets["pocket"]) == {HH_ID}  # shown translated
    counts = frame_with(at, "pocket", "count")
    assert counts["pocket"].iloc[0] == HH_ID and shown_number(counts["count"].iloc[0]) == len(pockets)
    legend = next(m.value for m in at.markdown if "<span" in m.value)
    assert f"{HH_ID} ({len(pockets)})" in legend
    district = at.selectbox(key="pocket_district").options[1]
    at.selectbox(key="pocket_district").set_value(district).run()
    filtered = at.dataframe[0].value
    assert len(filtered) <= len(pockets)
    assert set(filtered["district_name"]) <= {district}


def test_pockets_page_says_why_a_chosen_village_is_or_is_not_a_pocket():
    at = run("pages/3_Kantong_Kemiskinan.py")
    assert any("9.999 permutasi" in c.value and "tanpa koreksi" in c.value for c in at.caption)
    at.selectbox(key="pocket_village").set_value("99.71.01.1005").run()
    said = " ".join(m.value for m in at.markdown)
    assert "kantong" in said and "p = " in said


# --- pilot -------------------------------------------------------------------------------

def test_pilot_starts_on_the_demo_planted_pilot():
    """data/boundaries/demo_metadata.json plants Kelurahan Contoh Telihan as the pilot."""
    at = run("pages/4_Area_Percontohan.py")
    assert at.multiselect(key="pilot_villages").value == ["99.71.01.1005"]


def test_pilot_candidates_follow_the_pilot():
    at = run("pages/4_Area_Percontohan.py")
    at.multiselect(key="pilot_villages").set_value(["99.71.01.1005"]).run()
    assert len(at.dataframe[0].value.columns) == 2  # the pilot's own figures: indicator + one village
    candidates = at.dataframe[2].value
    assert "99.71.01.1005" not in set(candidates["village_code"])
    assert candidates["neighbour"].map(shown_flag).any()
    assert candidates["similar"].map(shown_flag).sum() == 5
    at.number_input(key="pilot_similar").set_value(2).run()
    assert at.dataframe[2].value["similar"].map(shown_flag).sum() == 2
    caption = next(c.value for c in at.caption if "Grid" in c.value)
    at.select_slider(key="pilot_cell").set_value(1000).run()
    assert next(c.value for c in at.caption if "Grid" in c.value) != caption
    at.multiselect(key="pilot_villages").set_value([]).run()
    assert any("Pilih satu" in i for i in texts(at.info))


# --- data --------------------------------------------------------------------------------

def _geojson(names: list[str]) -> bytes:
    features = [{"type": "Feature",
                 "properties": {"village_code": f"99.71.01.100{i + 1}", "village_name": name},
                 "geometry": {"type": "Polygon", "coordinates": [[
                     [117.40 + 0.01 * i, 0.10], [117.41 + 0.01 * i, 0.10],
                     [117.41 + 0.01 * i, 0.11], [117.40 + 0.01 * i, 0.11],
                     [117.40 + 0.01 * i, 0.10]]]}}
                for i, name in enumerate(names)]
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def test_upload_boundaries_replaces_the_analysis():
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").upload("desa.geojson", _geojson([XSS, "Biasa"]),
                                                     "application/geo+json")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    assert any("Analisis selesai: 2 desa" in s for s in texts(at.success))
    assert any("desa.geojson" in c.value for c in at.caption)
    at.button(key="use_demo").click().run()
    assert any("contoh" in c.value for c in at.caption)


def test_upload_a_zipped_shapefile(tmp_path):
    import zipfile

    import geopandas as gpd

    demo = gpd.read_file(ROOT / "data" / "boundaries" / "demo_villages.geojson")
    big = demo[["village_code", "village_name", "geometry"]].rename(
        columns={"village_code": "KDEPUM", "village_name": "WADMKD"})  # BIG/KUGI names
    big.to_file(tmp_path / "desa.shp")
    archive = tmp_path / "desa.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for part in tmp_path.glob("desa.*"):
            if part.suffix != ".zip":
                zipped.write(part, part.name)
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").upload("desa.zip", archive.read_bytes(),
                                                     "application/zip")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    assert any("Analisis selesai: 48 desa" in s for s in texts(at.success))


def test_wrong_file_type_is_refused():
    from types import SimpleNamespace

    import ui.state
    import ui.uploads
    from geo.common.errors import GeoInputError

    upload = SimpleNamespace(name="desa.exe", size=10, getvalue=lambda: b"MZ")
    with pytest.raises(GeoInputError, match="desa.exe"):
        ui.uploads.analyse_uploads([upload], None, "", "")
    huge = SimpleNamespace(name="desa.geojson", size=(MAX_UPLOAD_MB + 1) * 2**20,
                           getvalue=lambda: b"")
    with pytest.raises(GeoInputError, match="MB"):
        ui.uploads.analyse_uploads([huge], None, "", "")


def test_bad_upload_shows_the_library_message_not_a_traceback():
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").upload("desa.geojson", b"{ not json",
                                                     "application/geo+json")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.exception
    assert at.error and "desa.geojson" in at.error[0].value


def test_bad_column_mapping_is_reported():
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").upload("desa.geojson", _geojson(["A"]),
                                                     "application/geo+json")
    at.text_area(key="boundary_columns").input("village_code KODE")
    at.run()
    at.button(key="run_analysis").click().run()
    assert at.error and at.error[0].value.startswith("pemetaan kolom batas wilayah: baris 1")


def test_data_page_reports_reconciliation_without_personal_data():
    at = run("pages/5_Data.py")
    outcomes = frame_with(at, "outcome", "count")
    assert "Cocok lewat kode" in set(outcomes["outcome"])  # matched_code, translated
    assert not {"matched_code", "unknown_code"} & set(outcomes["outcome"])
    rejected = frame_with(at, "source_row")
    assert list(rejected.columns) == ["source_row", "outcome", "reason"]
    used = {"Cocok lewat kode", "Cocok lewat lokasi", "Kode dan lokasi menunjuk desa berbeda"}
    assert len(rejected) == sum(shown_number(n) for k, n in zip(outcomes["outcome"], outcomes["count"])
                                if k not in used)
    assert "Kode desa tidak dikenal" in set(rejected["outcome"])
    report = frame_with(at, "key", "value")
    assert "Fitur masuk" in set(report["key"]) and "features_in" not in set(report["key"])


def test_data_page_in_english():
    at = run("pages/5_Data.py")
    at.selectbox(key="_lang_widget").set_value("en").run()
    outcomes = frame_with(at, "outcome", "count")
    assert "Matched by code" in set(outcomes["outcome"])
    assert "Features in" in set(frame_with(at, "key", "value")["key"])


# --- export ------------------------------------------------------------------------------

def test_export_offers_the_chosen_files():
    at = run("pages/6_Ekspor.py")
    assert len(at.get("download_button")) == 0
    at.multiselect(key="export_formats").set_value(["geojson", "csv"]).run()
    at.button(key="prepare_export").click().run()
    assert not at.error, texts(at.error)
    labels = [b.proto.label for b in at.get("download_button")]
    assert any(".geojson" in label for label in labels) and any(".csv" in label for label in labels)
    assert not any(".gpkg" in label for label in labels)


def test_real_boundaries_without_households_on_every_page(malang_sql):
    """Kota Malang's 57 kelurahan, no household file: every page still draws, nothing crashes."""
    at = run("app.py")
    at.switch_page("pages/5_Data.py").run()
    at.file_uploader(key="upload_boundaries").upload(malang_sql.name, malang_sql.read_bytes(),
                                                     "application/sql")
    at.run()
    at.button(key="run_analysis").click().run()
    assert any("Analisis selesai: 57 desa" in s for s in texts(at.success)), texts(at.error)
    for page in ("pages/0_Ringkasan.py", "pages/1_Peta.py", "pages/2_Prioritas.py",
                 "pages/3_Kantong_Kemiskinan.py", "pages/4_Area_Percontohan.py",
                 "pages/6_Ekspor.py"):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert not at.error, (page, texts(at.error))
        assert not any("nan" in str(m.value) for m in at.metric), page
    at.switch_page("pages/0_Ringkasan.py").run()
    assert any("Belum ada tingkat kemiskinan" in s for s in texts(at.info))
    at.switch_page("pages/1_Peta.py").run()
    assert any("no data" in m.value or "tidak ada data" in m.value for m in at.markdown)


# --- several files at once, layers, notes ---------------------------------------------------

@pytest.fixture(scope="module")
def demo_layer():
    import geopandas as gpd

    return gpd.read_file(ROOT / "data" / "boundaries" / "demo_villages.geojson")


def _uploaded_files(folder: Path, stem: str) -> list[tuple[str, bytes, str]]:
    return [(p.name, p.read_bytes(), "application/octet-stream")
            for p in sorted(folder.glob(f"{stem}.*"))]


def test_shapefile_parts_uploaded_together(tmp_path, demo_layer):
    big = demo_layer[["village_code", "village_name", "geometry"]].rename(
        columns={"village_code": "KDEPUM", "village_name": "WADMKD"})
    big.to_file(tmp_path / "desa.shp")
    parts = _uploaded_files(tmp_path, "desa")
    assert {Path(name).suffix for name, _, _ in parts} >= {".shp", ".dbf", ".shx", ".prj"}
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").set_value(parts)
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    assert any("Analisis selesai: 48 desa" in s for s in texts(at.success))
    # without its .dbf the shapefile is refused with a message naming what is missing
    at.file_uploader(key="upload_boundaries").set_value(
        [p for p in parts if not p[0].endswith(".dbf")])
    at.run()
    at.button(key="run_analysis").click().run()
    assert at.error and "desa.shp" in at.error[0].value and ".dbf" in at.error[0].value


def test_geopackage_with_two_layers_offers_a_layer_choice(tmp_path, demo_layer):
    path = tmp_path / "wilayah.gpkg"
    north = demo_layer[demo_layer["district_name"] == "Contoh Utara"]
    north.to_file(path, layer="desa_utara", driver="GPKG")
    demo_layer.to_file(path, layer="desa_semua", driver="GPKG")
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").upload(path.name, path.read_bytes())
    at.run()
    assert set(at.selectbox(key="upload_layer").options) == {"desa_utara", "desa_semua"}
    at.selectbox(key="upload_layer").set_value("desa_utara").run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    assert any(f"Analisis selesai: {len(north)} desa" in s for s in texts(at.success))


def test_several_sql_dumps_in_one_upload(malang_sql):
    """Kota Malang (57) and Kota Batu (24) dumps uploaded together: one layer of 81 villages."""
    batu = malang_sql.with_name("wilayah_boundaries_kel_35.79.sql")
    if not batu.exists():
        pytest.skip(f"{batu} is absent")
    at = run("pages/5_Data.py")
    at.file_uploader(key="upload_boundaries").set_value(
        [(p.name, p.read_bytes(), "application/sql") for p in (malang_sql, batu)])
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    assert any("Analisis selesai: 81 desa" in s for s in texts(at.success))
    assert any(malang_sql.name in c.value and batu.name in c.value for c in at.caption)


def _households_without_health(demo_layer) -> bytes:
    """A small household file with no nutrition / child-mortality columns."""
    codes = demo_layer["village_code"].tolist()[:6]
    rows = ["id_keluarga,kode_desa,jumlah_art,desil,pendidikan_krt,sumber_air_minum"]
    rows += [f"K{i:03d},{codes[i % 6]},{2 + i % 4},{1 + i % 10},SD,sumur tidak terlindung"
             for i in range(60)]
    return ("\n".join(rows) + "\n").encode()


def test_mpi_notes_and_boundary_warnings_on_data_and_overview(demo_layer):
    boundaries = json.loads(_geojson(["Jauh"]))
    for ring in boundaries["features"][0]["geometry"]["coordinates"]:
        for point in ring:
            point[0] -= 100.0  # moved to the Atlantic: outside Indonesia, a boundary warning
    at = run("app.py")
    at.switch_page("pages/5_Data.py").run()
    at.file_uploader(key="upload_boundaries").set_value(
        [("jauh.geojson", json.dumps(boundaries).encode(), "application/geo+json"),
         ("desa.geojson", (ROOT / "data" / "boundaries" / "demo_villages.geojson").read_bytes(),
          "application/geo+json")])
    at.file_uploader(key="upload_households").upload("ruta.csv",
                                                     _households_without_health(demo_layer),
                                                     "text/csv")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    for page in ("pages/5_Data.py", "pages/0_Ringkasan.py"):
        at.switch_page(page).run()
        warnings = " ".join(texts(at.warning)).replace("\\", "")  # Markdown escapes
        assert "Indikator IKM yang tidak ada di file rumah tangga" in warnings, page
        assert "dep_nutrition" in warnings and "dep_child_mortality" in warnings, page
        assert "Peringatan batas wilayah" in warnings and "jauh.geojson" in warnings, page


def test_demo_has_no_quality_warnings():
    at = run("app.py")
    assert not [w for w in texts(at.warning) if "IKM" in w or "batas" in w]


# --- files named in the environment ---------------------------------------------------------

def test_environment_files_replace_the_demo(tmp_path, monkeypatch, demo_layer):
    first = tmp_path / "utara.geojson"
    second = tmp_path / "lainnya.geojson"
    north = demo_layer["district_name"] == "Contoh Utara"
    demo_layer[north].to_file(first, driver="GeoJSON")
    demo_layer[~north].to_file(second, driver="GeoJSON")
    monkeypatch.setenv("PPM_BOUNDARIES", f"{first}{os.pathsep}{second}")
    monkeypatch.setenv("PPM_HOUSEHOLDS",
                       str(ROOT / "data" / "boundaries" / "demo_households.csv"))
    at = run("app.py")
    assert at.metric[0].value == "48"
    assert any("utara.geojson" in c.value and "demo_households.csv" in c.value
               for c in at.caption)
    assert not any("contoh bawaan" in c.value for c in at.caption)
    at.switch_page("pages/4_Area_Percontohan.py").run()
    top = at.multiselect(key="pilot_villages").value
    assert len(top) == 1  # user data: the top-ranked village, not the demo's planted pilot


def test_bad_environment_falls_back_to_the_demo(tmp_path, monkeypatch):
    monkeypatch.setenv("PPM_BOUNDARIES", str(tmp_path / "tidak_ada.sql"))
    at = run("app.py")
    assert any("PPM_BOUNDARIES" in w and "tidak_ada.sql" in w for w in texts(at.warning))
    assert any("contoh bawaan" in c.value for c in at.caption)
    assert at.metric[0].value == "48"


# --- every screen in the chosen language (issue 11) ----------------------------------------

PAGES = ("app.py", "pages/1_Peta.py", "pages/2_Prioritas.py", "pages/3_Kantong_Kemiskinan.py",
         "pages/4_Area_Percontohan.py", "pages/5_Data.py", "pages/6_Ekspor.py",
         "pages/8_Konvergensi.py")
RAW_TEXTS = ("None", "nan", "NaN", "<NA>", "NaT", "empty", "Choose an option", "Choose options")


def english_decimal(text: str) -> bool:
    """``12.6 %`` or ``87.35``: a dot before 1–2 digits is a decimal point, never an Indonesian
    thousands sign (always 3 digits). Codes (``99.71.01.1005``, ``EPSG:4326``) are left out."""
    text = re.sub(r"\d+(\.\d+){2,}", "", str(text))
    return bool(re.search(r"(?<![\d.])\d+\.\d{1,2}(?![\d.])", text))


def run_in(page: str, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def screen_words(at: AppTest) -> list[str]:
    """Every text a reader sees: prose, metrics, table cells and headers, widget placeholders."""
    words = [str(e.value) for kind in ("title", "subheader", "markdown", "caption", "info",
                                       "warning", "success", "error") for e in getattr(at, kind)]
    words += [f"{m.label} {m.value} {m.proto.delta}" for m in at.metric]
    for frame in at.dataframe:
        words += [str(c) for c in frame.value.columns]
        words += [str(v) for column in frame.value.columns for v in frame.value[column]]
    for widget in (*at.selectbox, *at.multiselect):
        words += [str(widget.proto.placeholder), widget.label, *map(str, widget.options)]
    return words


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_no_raw_values_on_any_page(page, lang):
    """No "None"/"nan"/"empty", no Streamlit "Choose an option", no JSON blocks, in either language."""
    at = run_in(page, lang)
    words = screen_words(at)
    assert len(words) > 5
    for word in words:
        for raw in RAW_TEXTS:
            assert not re.search(rf"(?<![\w]){re.escape(raw)}(?![\w])", word), (raw, word)
    assert not at.get("json"), "quality details are tables, not JSON"
    for widget in (*[w for w in at.selectbox if w.value is None], *at.multiselect):
        # an empty placeholder makes the browser show Streamlit's English "Choose an option"
        assert widget.proto.placeholder.strip(), widget.label
    if lang == "id":  # and no English decimal point (12.6 %, 87.3) on the Indonesian screen
        assert not [w for w in words if english_decimal(w)], [w for w in words if english_decimal(w)]


def test_indonesian_overview_numbers_follow_the_locale():
    from geo.i18n import number, percent
    from geo.pipeline.analysis import analyse, demo_sources
    from geo.presentation.overview import overview_figures

    figures = overview_figures(analyse(*demo_sources()).villages)
    assert figures["households"] >= 1000 and 0 < figures["desil1_rate"] < 1
    at = run_in("app.py", "id")
    metric = {m.label: m for m in at.metric}
    households = metric["Rumah tangga"].value
    assert households == number(figures["households"], "id")
    assert re.fullmatch(r"\d{1,3}(\.\d{3})+", households), households  # 4.449, not 4,449
    share = metric["Miskin ekstrem (desil 1)"].proto.delta
    assert share == percent(figures["desil1_rate"], "id")
    assert re.fullmatch(r"\d+,\d %", share), share  # 12,6 %, not 12.6 %
    rate_metric = next(m for m in at.metric if m.label.startswith("Tingkat kemiskinan"))
    assert re.fullmatch(r"\d+,\d\d %", rate_metric.value)
    outcomes = frame_with(at, "outcome", "count")
    assert number(int(outcomes["count"].map(shown_number).max()), "id") in set(outcomes["count"])

    english = run_in("app.py", "en")
    assert {m.label: m for m in english.metric}["Households"].value == number(figures["households"], "en")


def test_empty_selects_have_translated_placeholders():
    for lang, expected in (("id", "Pilih desa/kelurahan…"), ("en", "Choose a village…")):
        at = run_in("pages/1_Peta.py", lang)
        assert at.selectbox(key="profile_village").proto.placeholder == expected
        at = run_in("pages/2_Prioritas.py", lang)
        assert at.selectbox(key="pin_village").proto.placeholder == expected


def test_export_formats_have_names_not_keys():
    at = run_in("pages/6_Ekspor.py", "id")
    options = at.multiselect(key="export_formats").options
    assert "GeoPackage (QGIS)" in options and not {"gpkg", "geojson", "shp"} & set(options)
    assert at.multiselect(key="export_formats").value == ["geojson", "gpkg", "xlsx"]  # codes kept


def test_data_page_details_are_readable_tables():
    at = run_in("pages/5_Data.py", "id")
    files = frame_with(at, "Berkas", "Format", "CRS berkas")  # per_source, was JSON
    assert list(files["Berkas"]) == ["demo_villages.geojson"]
    examples = frame_with(at, "Hasil", "Baris di berkas", "Alasan")  # reconciliation examples
    assert "Kode desa tidak dikenal" in set(examples["Hasil"])
    assert not {"unknown_code", "invalid"} & set(examples["Hasil"])
    report = frame_with(at, "key", "value")
    assert "Ya" in set(report["value"]) and "True" not in set(report["value"])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_real_boundaries_without_households_show_no_raw_values(malang_sql, lang):
    """Kota Malang without households: many figures are missing, and every one shows as –."""
    at = run_in("app.py", lang)
    at.switch_page("pages/5_Data.py").run()
    at.file_uploader(key="upload_boundaries").upload(malang_sql.name, malang_sql.read_bytes(),
                                                     "application/sql")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    for page in PAGES:
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        for word in screen_words(at):
            for raw in RAW_TEXTS:
                assert not re.search(rf"(?<![\w]){re.escape(raw)}(?![\w])", word), (page, raw, word)
        assert not at.get("json"), page


def test_the_map_component_folder_is_laid_out_whole_from_its_sources(tmp_path):
    import ui.map_widget
    from geo.presentation.offline import component_page

    folder = ui.map_widget._write_component(tmp_path / "village_map")
    assert (folder / "index.html").read_text(encoding="utf-8") == component_page()
    assert (folder / "main.js").read_text(encoding="utf-8") == \
        ui.map_widget.COMPONENT_SOURCE.read_text(encoding="utf-8")
    (folder / "index.html").write_text("stale", encoding="utf-8")
    ui.map_widget._write_component(folder)  # a stale page is replaced, no partial file is left
    assert (folder / "index.html").read_text(encoding="utf-8") == component_page()
    assert sorted(p.name for p in folder.iterdir()) == ["index.html", "main.js"]



# --- names for every level (issue 13) --------------------------------------------------------

def _analysed(at: AppTest, *paths: Path) -> AppTest:
    at.switch_page("pages/5_Data.py").run()
    at.file_uploader(key="upload_boundaries").set_value(
        [(p.name, p.read_bytes(), "application/sql") for p in paths])
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    return at


def _keys(at: AppTest) -> list[str]:
    return [s.key for s in at.selectbox]


def test_kota_bontang_shows_names_not_codes_and_its_2025_population(bontang_sql):
    """The real Kota Bontang dump has village names only; every page shows the parents' names."""
    at = _analysed(run("app.py"), bontang_sql)
    report = dict(frame_with(at, "key", "value").itertuples(index=False))  # the Data page
    assert report["Nama wilayah induk dari tabel Kemendagri 2025"] == \
        "Kecamatan: 15; Kabupaten/kota: 15; Provinsi: 15"
    at.switch_page("pages/0_Ringkasan.py").run()
    titles = texts(at.subheader)
    assert "Wilayah: Kota Bontang" in titles, titles
    assert not any("64.74" in s for s in titles)
    assert at.number_input(key="population").value == 191_811  # Kemendagri 2025
    assert any("Kemendagri" in c and "191.811" in c and "2025" in c for c in texts(at.caption))
    at.number_input(key="population").set_value(200_000).run()  # editable, and kept
    at.switch_page("pages/1_Peta.py").run()
    at.switch_page("pages/0_Ringkasan.py").run()
    assert at.number_input(key="population").value == 200_000
    at.switch_page("pages/1_Peta.py").run()
    assert "map_regency" not in _keys(at)  # one regency: no regency filter
    assert at.selectbox(key="map_district").options == [
        "Semua kecamatan", "Bontang Barat", "Bontang Selatan", "Bontang Utara"]
    assert "Gunung Telihan — Bontang Barat (64.74.03.1002)" in \
        at.selectbox(key="profile_village").options
    at.switch_page("pages/2_Prioritas.py").run()
    ranked = frame_with(at, "village_code", "district_name")
    assert set(ranked["district_name"]) == {"Bontang Barat", "Bontang Selatan", "Bontang Utara"}
    assert "regency_name" not in ranked.columns  # one regency: it is in the title


def test_several_regencies_get_a_regency_filter_and_telling_village_labels(malang_sql,
                                                                           pekalongan_sql):
    """Kota Malang with Kabupaten Pekalongan (342 villages): both have a Mulyorejo."""
    at = _analysed(run("app.py"), malang_sql, pekalongan_sql)
    at.switch_page("pages/0_Ringkasan.py").run()
    assert "Wilayah: Kabupaten Pekalongan, Kota Malang" in texts(at.subheader)
    assert at.number_input(key="population").value == 1_034_241 + 889_359  # both, 2025
    at.switch_page("pages/1_Peta.py").run()
    assert at.selectbox(key="map_regency").options == [
        "Semua kabupaten/kota", "Kabupaten Pekalongan", "Kota Malang"]
    everywhere = at.selectbox(key="map_district").options
    assert "Klojen — Kota Malang" in everywhere and len(everywhere) == 1 + 5 + 19
    labels = [o for o in at.selectbox(key="profile_village").options if o.startswith("Mulyorejo")]
    assert len(labels) == 3 and len(set(labels)) == 3, labels
    assert any("Sukun, Kota Malang" in o for o in labels)
    assert sum("Kabupaten Pekalongan" in o for o in labels) == 2
    at.selectbox(key="map_regency").set_value("35.73").run()
    assert at.selectbox(key="map_district").options == [
        "Semua kecamatan", "Blimbing", "Kedungkandang", "Klojen", "Lowokwaru", "Sukun"]
    assert sum(legend_counts(at)) == 57  # the map shows Kota Malang only
    at.selectbox(key="map_district").set_value("35.73.02").run()
    assert 0 < sum(legend_counts(at)) < 57
    at.switch_page("pages/3_Kantong_Kemiskinan.py").run()
    assert "pocket_regency" in _keys(at) and "pocket_district" in _keys(at)
    at.switch_page("pages/2_Prioritas.py").run()
    ranked = frame_with(at, "village_code", "district_name", "regency_name")
    assert set(ranked["regency_name"]) == {"Kabupaten Pekalongan", "Kota Malang"}


def test_a_hostile_regency_name_is_shown_as_typed():
    """Names are data: a regency called like HTML or Markdown is escaped in the title."""
    data = json.loads(_geojson(["A", "B"]))
    for feature in data["features"]:
        feature["properties"].update(regency_name=XSS, district_name="**tebal**")
    at = run("app.py")
    at.switch_page("pages/5_Data.py").run()
    at.file_uploader(key="upload_boundaries").upload("desa.geojson", json.dumps(data).encode(),
                                                     "application/geo+json")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    at.switch_page("pages/0_Ringkasan.py").run()
    title = next(s for s in texts(at.subheader) if s.startswith("Wilayah"))
    assert title == "Wilayah: \\<img src=x onerror=alert(1)\\>"  # escaped, shown as typed
    at.switch_page("pages/1_Peta.py").run()
    assert at.selectbox(key="map_district").options[1] == "**tebal**"  # plain-text option

# --- MPI missing answers (issue 12) ------------------------------------------------------------

@pytest.mark.parametrize("page", ["app.py", "pages/5_Data.py"])
def test_overview_and_data_state_the_mpi_missing_rule_and_sample_loss(page):
    at = run(page)
    infos = " ".join(texts(at.info)).replace("\\", "")  # Markdown escapes
    assert "Jawaban IKM yang kosong" in infos
    assert "dihitung tidak terdeprivasi" in infos and "39 dari 4.449 keluarga (0,9 %)" in infos

# --- registry codes of other years (Surabaya coded in 2022) --------------------------------------


def test_data_page_counts_rows_matched_through_an_older_code(tmp_path):
    from conftest import shared_file

    dump = shared_file("wilayah_boundaries_kel_35.78.sql")
    households = ("kode_desa,jumlah_art,desil,dep_water\n35.78.12.1004,3,1,1\n35.78.12.1005,2,2,0\n"
                  "35.78.12.1002,4,1,1\n35.15.04.1005,2,1,0\n").encode()
    crosswalk = b"kode_lama,kode_baru\n35.78.12.1002,35.78.12.1003\n"
    at = run("pages/5_Data.py")
    at.selectbox(key="_lang_widget").set_value("en").run()
    at.file_uploader(key="upload_boundaries").upload(dump.name, dump.read_bytes(), "text/plain")
    at.file_uploader(key="upload_households").upload("dtks_2022.csv", households, "text/csv")
    at.file_uploader(key="upload_crosswalk").upload("kode_2022.csv", crosswalk, "text/csv")
    at.run()
    at.button(key="run_analysis").click().run()
    assert not at.error, texts(at.error)
    codes = frame_with(at, "what", "count")
    shown = dict(zip(codes["what"], (shown_number(n) for n in codes["count"])))
    assert shown["Matched through an older code: decided by the Kemendagri 2023 table"] == 2
    assert shown["Matched through an older code: decided by the crosswalk file"] == 1
    assert shown["Code not in the layer: retired by Kemendagri"] == 3
    assert any("Crosswalk file used: kode_2022.csv" in c.value for c in at.caption)
    outcomes = frame_with(at, "outcome", "count")
    assert "Matched through an older code's successor" in set(outcomes["outcome"])


# --- print-map downloads (issue 20 item 4) ---------------------------------------------------

@pytest.mark.parametrize("page, key", [("pages/1_Peta.py", "map"), ("pages/2_Prioritas.py", "focus"),
                                       ("pages/3_Kantong_Kemiskinan.py", "pockets")])
def test_each_map_page_prints_its_map_as_pdf_and_png_when_asked(page, key):
    at = run(page)
    assert f"{key}_print" not in at.session_state  # nothing drawn until asked
    at.button(key=f"{key}_print_prepare").click().run()
    assert not at.exception, [e.value for e in at.exception]
    _, files = at.session_state[f"{key}_print"]
    assert files["pdf"].startswith(b"%PDF") and files["png"].startswith(b"\x89PNG")


def test_the_map_print_of_a_chosen_district_is_made_again_for_it():
    at = run("pages/1_Peta.py")
    at.button(key="map_print_prepare").click().run()
    first = at.session_state["map_print"][0]
    at.selectbox(key="map_district").set_value(at.selectbox(key="map_district").options[1]).run()
    assert "map_print_prepare" in [b.key for b in at.button]  # the old print is not offered
    at.button(key="map_print_prepare").click().run()
    assert at.session_state["map_print"][0] != first

# --- quality on the map (issue 20 item 5) ----------------------------------------------------

def test_data_page_draws_bontangs_overlaps_and_gaps_worst_first(bontang_sql):
    at = _analysed(run("app.py"), bontang_sql)
    assert not at.exception, [e.value for e in at.exception]
    assert "Peta mutu batas wilayah" in texts(at.subheader)
    table = frame_with(at, "kind", "rank", "place", "area_m2")
    overlaps = table[table["kind"] == "Tumpang tindih"]
    assert len(overlaps) == 19 and overlaps["rank"].tolist() == list(range(1, 20))
    assert (table[table["kind"] == "Celah"]["place"].iloc[0]) == "Celah ke-1"
    legend = " ".join(m.value for m in at.markdown)
    assert "Tumpang tindih (19)" in legend and "Celah (41)" in legend
    assert "Tidak ada tumpang tindih, celah atau perbaikan geometri yang perlu digambar." \
        not in texts(at.info)


def test_data_page_on_the_demo_says_there_is_nothing_to_draw():
    at = run("pages/5_Data.py")
    assert "Tidak ada tumpang tindih, celah atau perbaikan geometri yang perlu digambar." \
        in texts(at.info)
    assert not any({"kind", "place"} <= set(d.value.columns) for d in at.dataframe)


def test_saved_decisions_appear_in_the_history_and_compare():
    """Issue 16: save twice, both listed with title and version, no path; compare two."""
    at = run("pages/2_Prioritas.py")
    for by in ("Sekda", "Bappeda"):
        at.text_input(key="decision_title").input("Lokus 2026 riwayat")
        at.text_input(key="decision_by").input(by)
        at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
        assert not at.exception, [e.value for e in at.exception]
    saved = [s for s in texts(at.success) if "Keputusan tersimpan" in s]
    assert saved and "v2" in saved[-1] and "id " in saved[-1]
    workspace = os.environ["POVERTY_MAP_WORKSPACE"]
    assert workspace not in saved[-1] and "sqlite" not in saved[-1]
    history = frame_with(at, "Judul", "Versi", "Oleh")
    mine = history[history["Judul"] == "Lokus 2026 riwayat"]
    assert mine["Oleh"].tolist()[-2:] == ["Sekda", "Bappeda"]
    assert mine["Versi"].tolist()[-2:] == [1, 2]
    ids = mine["Id"].tolist()[-2:]
    at.multiselect(key="decision_compare").set_value(ids).run()
    assert not at.exception
    assert any("tidak ada perubahan" in c for c in texts(at.caption))  # same list twice
    at.button(key="make_lampiran").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) >= 2


def _decision_table(at: AppTest):
    """The decision screen's one table (values as shown) and its headers (as the reader reads)."""
    import json

    shown = next(d for d in at.dataframe if "decision_change" in d.value.columns)
    labels = {c: v.get("label", c) for c, v in json.loads(shown.proto.columns).items()}
    return shown.value, labels


def test_the_decision_table_has_points_robustness_pocket_and_change_translated():
    """Issue 16: one table of the proposed villages; after a save and a weight change the
    change column shows movement; a re-run on unchanged inputs reports no change."""
    at = run("pages/2_Prioritas.py")
    table, labels = _decision_table(at)
    points = [c for c in table.columns if c.startswith("why_")]
    assert len(points) == 4 and all(labels[c].startswith("Poin skor dari ") for c in points)
    assert labels["in_focus_share"] == "Seberapa sering masuk lokus"
    assert labels["pocket"] == "Kantong (LISA)" and labels["decision_change"] == "Perubahan"
    assert labels["focus_reason"] != "focus_reason"
    assert all(v.endswith(" %") for v in table["in_focus_share"])
    before = dict(zip(table["village_code"], table["rank"]))
    score = [shown_number(v) for v in table["score"]]
    assert all(abs(s - sum(shown_number(r[c]) for c in points)) < 0.05
               for s, (_, r) in zip(score, table.iterrows()))  # the points add up to the score

    at.text_input(key="decision_title").input("Lokus 2026 layar")
    at.text_input(key="decision_by").input("Sekda")
    at.button[[b.label for b in at.button].index("Simpan keputusan")].click().run()
    assert not at.exception, [e.value for e in at.exception]
    table, _ = _decision_table(at)
    assert set(table["decision_change"]) == {"tetap"}

    for spec in ("mpi_m0", "desil1_share", "mpi_poor_people"):
        at.slider(key=f"weight_{spec}").set_value(0.0)
    at.slider(key="weight_desil1_households").set_value(1.0).run()
    assert not at.exception, [e.value for e in at.exception]
    table, _ = _decision_table(at)
    changes = dict(zip(table["village_code"], table["decision_change"]))
    for code, rank in zip(table["village_code"], table["rank"]):
        if code not in before:
            assert changes[code] == "baru"
        elif before[code] != rank:
            assert changes[code] == f"pindah dari peringkat {before[code]}"
    assert any(c == "baru" or c.startswith("pindah dari peringkat") for c in changes.values())

    at.button(key="decision_rerun").click().run()  # the latest saved one is opened
    assert not at.exception, [e.value for e in at.exception]
    assert any("daftar lokus sama dengan yang tersimpan" in c for c in texts(at.caption))
    assert not at.error
