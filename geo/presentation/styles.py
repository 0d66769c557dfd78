"""The colours of every map, in one table: the web map (Leaflet) and the printed map (matplotlib).

A poverty pocket is the same red on the screen, in the PDF of the decree annex and in the
legend beside either; the classes of the Local Moran's I (GeoDa conventions: High–High red,
Low–Low blue, outliers in light tones), of Getis-Ord Gi* (hot / cold), the focus list and the
"no data" grey are defined here once. Ramps are colour-blind-safe (ColorBrewer sequential,
viridis, cividis), hard-coded as hex so that no colour library reaches the browser.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Fill of a village without a value on a choropleth.
NO_DATA_COLOUR = "#d9d9d9"
#: Focus villages (lokus) and the others, on the printed focus map.
FOCUS_COLOUR = "#d7301f"
FOCUS_OUTLINE = "#67000d"
OTHER_COLOUR = "#e0e0e0"
OTHER_OUTLINE = "#999999"

# Nine-step ramps, light (low) to dark (high); k classes take k evenly spaced steps.
PALETTES: dict[str, tuple[str, ...]] = {
    "YlOrRd": ("#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c",
               "#fc4e2a", "#e31a1c", "#bd0026", "#800026"),
    "Reds": ("#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a",
             "#ef3b2c", "#cb181d", "#a50f15", "#67000d"),
    "YlGnBu": ("#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4",
               "#1d91c0", "#225ea8", "#253494", "#081d58"),
    "Purples": ("#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8",
                "#807dba", "#6a51a3", "#54278f", "#3f007d"),
    # viridis / cividis reversed so that dark = high, like the ColorBrewer ramps
    "viridis": ("#fde725", "#b5de2b", "#6ece58", "#35b779", "#1f9e89",
                "#26828e", "#31688e", "#3e4989", "#482878"),
    "cividis": ("#fee838", "#e1cc55", "#c3b369", "#a59c74", "#8a8678",
                "#707173", "#575d6d", "#3b496c", "#1f3a6f"),
}


@dataclass(frozen=True)
class ClassStyle:
    """How one class of villages is drawn.

    ``fill`` is the colour on screen and on paper; ``outline`` is the web map's border,
    ``print_outline`` the printed one (white between filled villages reads better on paper);
    ``hatch`` (matplotlib) and ``dash`` (Leaflet) mark a class drawn outlined rather than filled.
    """

    fill: str
    outline: str
    print_outline: str
    weight: float = 0.6
    fill_opacity: float = 0.85
    hatch: str | None = None
    dash: str | None = None


# LISA cluster classes (GeoDa conventions); "isolated" is drawn outlined and hatched, not filled.
POCKET_CLASSES: dict[str, ClassStyle] = {
    "HH": ClassStyle("#b2182b", "#555555", "#ffffff"),
    "LL": ClassStyle("#2166ac", "#555555", "#ffffff"),
    "HL": ClassStyle("#f4a6b7", "#555555", "#ffffff"),
    "LH": ClassStyle("#9ecae1", "#555555", "#ffffff"),
    "ns": ClassStyle("#eeeeee", "#888888", "#ffffff", weight=0.5, fill_opacity=0.7),
    "isolated": ClassStyle("#ffffff", "#000000", "#404040", weight=2.0, fill_opacity=0.2,
                           hatch="////", dash="4 3"),
    "no_data": ClassStyle("#ffffff", "#bbbbbb", "#9e9e9e", weight=0.5, fill_opacity=0.0),
}
POCKET_ORDER: tuple[str, ...] = tuple(POCKET_CLASSES)

# Getis-Ord Gi* classes.
HOTSPOT_CLASSES: dict[str, ClassStyle] = {
    "hot": ClassStyle("#d7301f", "#555555", "#ffffff"),
    "cold": ClassStyle("#2c7fb8", "#555555", "#ffffff"),
    "ns": POCKET_CLASSES["ns"],
    "isolated": POCKET_CLASSES["isolated"],
    "no_data": POCKET_CLASSES["no_data"],
}
HOTSPOT_ORDER: tuple[str, ...] = tuple(HOTSPOT_CLASSES)


def web_style(style: ClassStyle) -> dict:
    """Leaflet path options (``fillColor``, ``color``, ``weight``, ``fillOpacity``, ``dashArray``)."""
    out = {"fillColor": style.fill, "color": style.outline, "weight": style.weight,
           "fillOpacity": style.fill_opacity}
    if style.dash:
        out["dashArray"] = style.dash
    return out


def print_style(style: ClassStyle) -> tuple[str, str, str | None]:
    """``(fill, edge, hatch)`` for matplotlib."""
    return style.fill, style.print_outline, style.hatch
