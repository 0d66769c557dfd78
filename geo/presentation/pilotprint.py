"""The pilot-area print map from an analysis result: pilot, neighbours, candidates, grid.

One function shared by the CLI (``--formats pilot``), the export package and the pilot page,
so paper and screen follow the same rule for candidates and the same grid defaults.
"""

from __future__ import annotations

from matplotlib.figure import Figure

from geo.pipeline.results import AnalysisResult
from geo.presentation.printmap import pilot_area_map, print_text
from geo.spatial.pilot import (DEFAULT_MIN_HOUSEHOLDS, NEAR_KM, expansion_candidates,
                               household_grid, neighbours, suggest_cell_size)


def similarity_columns(result: AnalysisResult) -> list[str]:
    """The indicator columns of the run's ranking config (what "similar" compares)."""
    config = result.method.config or {}
    columns = [str(spec["column"]) for spec in config.get("indicator", ()) if "column" in spec]
    return [c for c in columns if c in result.villages] or ["desil14_share"]


def pilot_print(result: AnalysisResult, codes, *, lang: str = "id", n_similar: int = 5,
                min_households: int = DEFAULT_MIN_HOUSEHOLDS, cell_m: float | None = None,
                villages=None, date: str = "", sources=()) -> Figure:
    """The print map of the pilot ``codes`` (unknown codes raise ``err.pilot_unknown``).

    ``villages`` is the layer to draw (the export's public layer); by default the result's.
    ``cell_m`` None picks the finest cell size that shows something (:func:`suggest_cell_size`).
    """
    layer = result.villages if villages is None else villages
    codes = [str(c) for c in codes]
    near = neighbours(result.villages, codes, graph=result.neighbours)
    candidates = expansion_candidates(result.villages, codes, similarity_columns(result),
                                      n_similar=n_similar, graph=result.neighbours)
    similar = candidates.loc[~candidates["neighbour"], "village_code"]
    if cell_m is None:
        cell_m = suggest_cell_size(result.households, result.villages, codes,
                                   min_households=min_households)
    grid = household_grid(result.households, result.villages, codes, cell_m=cell_m,
                          min_households=min_households)
    rule = print_text("pilot_rule", lang, n=n_similar, km=f"{NEAR_KM:g}",
                      min=min_households)
    return pilot_area_map(layer, codes, near["village_code"], similar, grid=grid.cells, lang=lang,
                          date=date or result.method.created_at[:10], sources=sources, rule=rule)
