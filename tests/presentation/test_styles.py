"""One colour table for the web map and the printed map (issue 11: pocket colours differed)."""

from __future__ import annotations

import geopandas as gpd
import pytest
import shapely
from matplotlib.colors import to_hex

from geo.presentation import display, printmap, webmap
from geo.presentation.styles import (FOCUS_COLOUR, HOTSPOT_CLASSES, OTHER_COLOUR, NO_DATA_COLOUR, PALETTES, POCKET_CLASSES,
                                     POCKET_ORDER, print_style, web_style)
from geo.spatial.pockets import HOTSPOT_LABELS, POCKET_LABELS


def _villages(pockets) -> gpd.GeoDataFrame:
    boxes = [shapely.box(117.40 + 0.01 * i, 0.10, 117.41 + 0.01 * i, 0.11) for i in range(len(pockets))]
    return gpd.GeoDataFrame({
        "village_code": [f"99.71.01.{1001 + i}" for i in range(len(pockets))],
        "village_name": [f"Desa {i}" for i in range(len(pockets))],
        "regency_name": ["Kota Contoh"] * len(pockets),
        "pocket": list(pockets),
    }, geometry=boxes, crs="EPSG:4326")


def test_every_stored_pocket_and_hotspot_class_has_a_style():
    assert set(POCKET_LABELS) == set(POCKET_CLASSES) and POCKET_ORDER == tuple(POCKET_LABELS)
    assert set(HOTSPOT_LABELS) == set(HOTSPOT_CLASSES)


def test_web_and_print_tables_use_the_same_fill_for_every_pocket_class():
    for name in POCKET_CLASSES:
        assert display.POCKET_STYLES[name]["fillColor"] == printmap.POCKET_STYLE[name][0], name
        assert display.POCKET_STYLES[name] == web_style(POCKET_CLASSES[name])
        assert printmap.POCKET_STYLE[name] == print_style(POCKET_CLASSES[name])
    entries = display.pocket_legend(list(POCKET_CLASSES))
    assert {e["pocket"]: e["colour"] for e in entries} == {n: s.fill for n, s in POCKET_CLASSES.items()}


def test_drawn_web_and_print_maps_share_each_pocket_colour():
    """The colour really drawn: in the web map data, and in the matplotlib legend patches."""
    filled = ("HH", "LL", "HL", "LH", "ns")  # isolated and no_data are white
    villages = _villages(filled)
    for name in filled:
        one = villages[villages["pocket"] == name]
        html = webmap.pocket_map(one, {"Desa": "village_name"}).to_json()
        assert POCKET_CLASSES[name].fill in html, name
        others = [POCKET_CLASSES[o].fill for o in filled if o != name]
        assert not any(colour in html for colour in others), name
    figure = printmap.pocket_map(villages, lang="en")
    legend = next(ax.get_legend() for ax in figure.axes if ax.get_legend())
    drawn = [to_hex(patch.get_facecolor()) for patch in legend.get_patches()]
    assert drawn == [POCKET_CLASSES[n].fill for n in printmap.POCKET_STYLE]


def test_focus_and_no_data_colours_are_the_shared_ones():
    assert printmap.FOCUS_COLOUR == FOCUS_COLOUR and printmap.OTHER_COLOUR == OTHER_COLOUR
    assert display.NO_DATA_COLOUR == NO_DATA_COLOUR
    assert display.PALETTES is PALETTES
    assert all(len(ramp) == 9 for ramp in PALETTES.values())


@pytest.mark.parametrize("style", list(POCKET_CLASSES.values()) + list(HOTSPOT_CLASSES.values()))
def test_colours_are_hex(style):
    for colour in (style.fill, style.outline, style.print_outline):
        assert len(colour) == 7 and colour.startswith("#") and int(colour[1:], 16) >= 0
