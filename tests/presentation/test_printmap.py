"""Tests of geo.presentation.printmap: the printable focus-list and pocket maps (PNG, PDF).

The maps must be what a decree annex needs (A4 landscape, title, legend, north arrow, true
scale bar, date, source) and must survive names that are hostile to text rendering.
"""

from __future__ import annotations

import re

import matplotlib.image as mpimg
import numpy as np
import pyproj
import pytest
from matplotlib.patches import Rectangle

from geo.export import build_layers, write_print_maps
from geo.i18n import date_text
from geo.i18n.labels import value_label
from geo.presentation.printmap import PNG_DPI, POCKET_STYLE, _nice_length, print_text, focus_map, pocket_map, save_map
from synthetic_result import NCOL, analysis_result


@pytest.fixture(scope="module")
def layers():
    return build_layers(analysis_result())


@pytest.fixture(scope="module")
def maps(layers, tmp_path_factory):
    return write_print_maps(layers, tmp_path_factory.mktemp("maps"))


def _texts(fig) -> list[str]:
    texts = [t.get_text() for t in fig.texts]
    for ax in fig.axes:
        texts += [t.get_text() for t in ax.texts]
        legend = ax.get_legend()
        if legend:
            texts += [t.get_text() for t in legend.get_texts()] + [legend.get_title().get_text()]
    return texts


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def test_png_is_a4_landscape_at_200_dpi_and_not_blank(maps):
    for path in (p for p in maps if p.suffix == ".png"):
        image = mpimg.imread(path)
        assert image.shape[:2] == (round(8.27 * PNG_DPI), round(11.69 * PNG_DPI))  # A4: 297 x 210 mm
        assert image[..., :3].std() > 0.05, f"{path.name} looks blank"


def test_pocket_map_shows_the_pocket_colours(maps):
    image = mpimg.imread(next(p for p in maps if p.name == "map_pockets.png"))[..., :3]
    for pocket in ("HH", "LL", "LH"):
        close = np.abs(image - _hex_rgb(POCKET_STYLE[pocket][0])).max(axis=2) < 0.02
        assert close.sum() > 1000, f"no {pocket} area drawn"


def test_pdf_is_one_a4_landscape_page(maps):
    for path in (p for p in maps if p.suffix == ".pdf"):
        data = path.read_bytes()
        assert data.startswith(b"%PDF") and len(data) > 10_000
        assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) == 1
        box = re.search(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", data)
        width, height = float(box.group(1)), float(box.group(2))
        assert width == pytest.approx(841.89, abs=1) and height == pytest.approx(595.28, abs=1)


def test_focus_map_has_title_legend_north_arrow_date_and_source(layers):
    fig = focus_map(layers.villages, date="2025-03-14", sources=("kel_35.73.sql", "dtsen.csv"))
    texts = _texts(fig)
    assert print_text('focus_title', 'id') in texts
    assert f"{print_text('focus', 'id')} (4)" in texts
    assert f"{print_text('other', 'id')} (17)" in texts
    assert print_text('north', 'id') in texts
    footer = " ".join(texts)
    assert date_text("2025-03-14", "id") in footer and "kel_35.73.sql; dtsen.csv" in footer
    ranks = sorted(layers.focus_list["rank"])
    map_ax = fig.axes[0]
    assert sorted(int(t.get_text()) for t in map_ax.texts if t.get_gid() == "rank") == ranks
    assert any("Palo'lo'an" in t for t in texts), "focus villages are listed by name"


def test_scale_bar_is_true_to_scale(layers):
    fig = pocket_map(layers.villages)
    ax = fig.axes[0]
    x0, x1 = ax.get_xlim()
    # the grid is NCOL cells of 0.01 degree (plus an islet), measured on the ellipsoid
    geod = pyproj.Geod(ellps="WGS84")
    grid_width_m = geod.inv(112.60, -7.98, 112.60 + NCOL * 0.01, -7.98)[2]
    assert grid_width_m < x1 - x0 < grid_width_m * 1.3, "map axes are in metres"
    bars = [p for p in ax.patches if isinstance(p, Rectangle)]
    assert len(bars) == 2
    length = sum(p.get_width() for p in bars)
    labels = [t.get_text() for t in ax.texts]
    assert f"{length / 1000:g} km" in labels or f"{length:g} m" in labels


@pytest.mark.parametrize("span, expected", [(12_345, 2000), (5_800, 1000), (480_000, 50_000), (3, 1)])
def test_nice_scale_bar_length(span, expected):
    assert _nice_length(span) == expected


def test_pocket_legend_counts_every_class(layers):
    texts = _texts(pocket_map(layers.villages, lang="en"))
    assert print_text('pocket_title', 'en') in texts
    assert f"{value_label('pocket', 'HH', 'en')} (5)" in texts
    assert f"{value_label('pocket', 'isolated', 'en')} (1)" in texts
    assert f"{value_label('pocket', 'no_data', 'en')} (1)" in texts
    assert "N" in texts


def test_hostile_names_render(layers, tmp_path):
    """Dollar signs would start matplotlib mathtext; unbalanced ones used to crash the draw."""
    villages = layers.villages.copy()
    focus = villages["in_focus_list"].to_numpy()
    names = ["Rp $5 $ ^_ desa", "50% $\\frac{", "<i>x</i> & 'y'", "Ñ — Ⅳ"]
    villages.loc[focus, "village_name"] = names
    fig = focus_map(villages, max_labels=2)
    path = save_map(fig, tmp_path / "hostile.png")
    assert mpimg.imread(path)[..., :3].std() > 0.05
    save_map(fig, tmp_path / "hostile.pdf")
    texts = _texts(fig)
    assert any("Rp $5 $ ^_ desa" in t for t in texts)
    assert any("… dan 2 lainnya" in t for t in texts), "more focus villages than labels"


def test_villages_without_pocket_column_are_no_data(layers):
    villages = layers.villages.drop(columns=["pocket"])
    texts = _texts(pocket_map(villages))
    assert f"{value_label('pocket', 'no_data', 'id')} ({len(villages)})" in texts


def test_print_map_names_the_region_and_the_focus_villages_districts(bontang_sql):
    """Kota Bontang's dump has village names only: the map names the city and the districts."""
    from geo.boundaries.read import read_villages

    villages, _ = read_villages(bontang_sql, check_quality=False)
    villages["in_focus_list"] = villages["village_code"] == "64.74.03.1002"
    villages["rank"] = np.arange(1, len(villages) + 1)
    villages.loc[villages["in_focus_list"], "rank"] = 1
    texts = _texts(focus_map(villages))
    assert "Kota Bontang" in texts and not any("64.74" == t for t in texts)
    assert any("Gunung Telihan (Bontang Barat)" in t for t in texts)


# --- issue 20: indicator, district and pilot-area print maps -------------------------------

def test_indicator_district_and_pilot_maps_have_title_legend_scale_and_north(layers):
    from geo.presentation.printmap import district_map, indicator_map, pilot_area_map

    villages = layers.villages
    codes = list(villages["village_code"][:1])
    district = str(villages["district_code"].iloc[0])
    figures = {
        "indicator": indicator_map(villages, "desil1_share", date="2025-03-14"),
        "district": district_map(villages, district, "desil1_share"),
        "pilot": pilot_area_map(villages, codes, villages["village_code"][1:3],
                                villages["village_code"][3:5]),
    }
    for kind, fig in figures.items():
        texts = _texts(fig)
        assert any(t.get_gid() == "title" and t.get_text() for t in fig.texts), kind
        assert print_text("north", "id") in texts, kind
        assert any(text.endswith("km") or text.endswith(" m") for text in texts), kind  # scale bar
        assert any(ax.get_legend() and ax.get_legend().get_texts() for ax in fig.axes), kind
    assert print_text("pilot_pilot", "id") + " (1)" in _texts(figures["pilot"])


def test_a_saved_map_gets_the_mode_of_a_plain_new_file(tmp_path):
    """Written through a private temp file, but readable like any file the user makes."""
    import os

    import matplotlib.pyplot as plt

    fig = plt.figure()
    path = save_map(fig, tmp_path / "map.png")
    mask = os.umask(0)
    os.umask(mask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~mask
