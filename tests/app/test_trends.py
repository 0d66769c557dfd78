"""The trends page (issue 15) with AppTest: demo waves on first start, the target kept in the
workspace (across sessions, pages and a restart), the overview reading the same target."""

from __future__ import annotations

from pathlib import Path

from babel.numbers import parse_decimal
from streamlit.testing.v1 import AppTest

from geo import audit
from geo.targets.store import TargetStore

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 300
REGION = "99.71"  # the demo's kota


def run(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / page), default_timeout=TIMEOUT).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label.startswith(label))


def test_first_start_shows_the_demo_waves_without_uploads():
    at = run("pages/9_Tren.py")
    subheaders = [s.value for s in at.subheader]
    assert subheaders[0] == "Target RPJMD dan angka resmi BPS"
    assert "Perubahan per desa/kelurahan, 2024 → 2025" in subheaders
    assert "Kantong kemiskinan yang bertahan" in subheaders
    stuck = int(metric(at, "Tetap desil 1").replace(".", ""))
    left = int(metric(at, "Keluar dari desil 1").replace(".", ""))
    assert stuck > 0 and left > 0
    matrix = next(d.value for d in at.dataframe if "Desil 1" in d.value.index)
    assert matrix.loc["Desil 1"].sum() == stuck + left  # desil 1 first: stayed or left
    assert any("Selisih" == m.label for m in at.metric)
    assert any("Desa kantong" in m.value for m in at.markdown)
    focus = at.session_state["choices"] if "choices" in at.session_state else {}
    assert at.selectbox(key="trend_village").value  # a village's trend is shown from the start
    assert focus.get("trend_village") == at.selectbox(key="trend_village").value
    # the demo's planted pilot kelurahan, before and after (its share in each wave)
    pilot = next(d.value for d in at.dataframe if "before" in d.value.columns)
    assert list(pilot["village_name"]) == ["Contoh Telihan"]
    before, after = (float(parse_decimal(pilot[c].iloc[0].removesuffix(" %"), locale="id_ID"))
                     for c in ("before", "after"))
    change = float(parse_decimal(metric(at, "Perubahan porsi desil 1, desa percontohan").split()[0],
                                 locale="id_ID"))
    assert abs((after - before) - change) <= 0.051  # shares shown to 0.1, the change to 0.01
    # no target stored yet: the field shows the placeholder figure, nothing is saved
    assert TargetStore(_ws()).target(REGION) is None


def _ws():
    import os

    return os.environ["POVERTY_MAP_WORKSPACE"]


def test_target_typed_on_the_page_is_stored_and_survives_a_new_session():
    at = run("pages/9_Tren.py")
    at.number_input(key="target").set_value(3.75).run()
    assert TargetStore(_ws()).target(REGION).value_pct == 3.75
    at.number_input(key=f"trend_target_year_{REGION}_None").set_value(2026).run()
    at.number_input(key=f"trend_baseline_pct_{REGION}_None").set_value(4.62).run()
    assert any("dasar" in e.value for e in at.error)  # baseline without its year: one line
    at.number_input(key=f"trend_baseline_year_{REGION}_None").set_value(2022).run()
    assert not at.exception
    target = TargetStore(_ws()).target(REGION)
    assert (target.value_pct, target.target_year, target.baseline_pct, target.baseline_year) == (
        3.75, 2026, 4.62, 2022)
    TargetStore(_ws()).set_rates(REGION, {2023: 4.44, 2024: 4.30})
    fresh = run("pages/9_Tren.py")  # a new session on the same workspace: as after a restart
    assert fresh.number_input(key="target").value == 3.75
    assert fresh.number_input(key=f"trend_target_year_{REGION}_2026").value == 2026
    # (4.30 - 3.75) / (2026 - 2024) = 0.275 a year still needed; the path falls 0.2175 a year
    assert metric(fresh, "Penurunan per tahun yang masih dibutuhkan") in ("0,28 poin", "0,27 poin")
    assert metric(fresh, "Penurunan per tahun menurut lintasan") == "0,22 poin"
    assert float(parse_decimal(metric(fresh, "Lintasan lurus").split()[0], locale="id_ID")) == 4.19
    assert fresh.get("arrow_vega_lite_chart") or fresh.get("vega_lite_chart")
    actions = list(audit.entries(_ws())["action"])
    assert actions.count("target_saved") == 3  # value, year, baseline with its year


def test_the_overview_reads_and_writes_the_same_stored_target():
    TargetStore(_ws()).set_target(REGION, 4.1, 2026, 5.0, 2022)
    at = run("app.py")
    assert at.number_input(key="target").value == 4.1  # not 3.77
    at.number_input(key="target").set_value(4.25).run()
    stored = TargetStore(_ws()).target(REGION)
    assert stored.value_pct == 4.25 and stored.target_year == 2026  # year and baseline kept
    again = run("app.py")
    assert again.number_input(key="target").value == 4.25
    trends = run("pages/9_Tren.py")
    assert trends.number_input(key="target").value == 4.25


def test_the_quarterly_report_is_offered_for_download():
    TargetStore(_ws()).set_target(REGION, 3.75, 2026, 4.62, 2022)
    at = run("pages/9_Tren.py")
    button = next(b for b in at.button if b.label == "Siapkan laporan triwulanan")
    at = button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    downloads = at.get("download_button")
    assert len(downloads) == 2


class _Upload:
    """What ``st.file_uploader`` hands over: a name and the bytes."""

    def __init__(self, name: str, data: bytes):
        self.name, self._data = name, data

    def getvalue(self) -> bytes:
        return self._data


def test_uploaded_waves_leave_no_household_file_behind(monkeypatch, tmp_path):
    """Uploaded household waves are written only while they are read, into a private folder,
    and the cache is keyed by their contents: the same bytes again are not written anew."""
    import ui.trends
    from types import SimpleNamespace

    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    seen = []

    def fake_movement(token, files, villages, config):
        for _, path in files:
            folder = Path(path).parent
            seen.append((token, Path(path).read_bytes(), oct(folder.stat().st_mode & 0o777)))
        return token

    monkeypatch.setattr(ui.trends, "_movement", fake_movement)
    analysis = SimpleNamespace(token="a1", result=SimpleNamespace(villages=None))
    uploads = [_Upload("dtsen 2024.csv", b"id,desil\n1,1\n"), _Upload("dtsen 2025.csv", b"id,desil\n1,2\n")]
    first = ui.trends.uploaded_waves(analysis, None, uploads)
    again = ui.trends.uploaded_waves(analysis, None, uploads)
    assert first == again  # same contents, same key, wherever they were put
    assert [s[1] for s in seen[:2]] == [b"id,desil\n1,1\n", b"id,desil\n1,2\n"]
    assert {s[2] for s in seen} == {"0o700"}
    assert list(tmp_path.iterdir()) == []  # nothing left once read
    changed = ui.trends.uploaded_waves(analysis, None, [uploads[0], _Upload("dtsen 2025.csv", b"x\n")])
    assert changed != first
