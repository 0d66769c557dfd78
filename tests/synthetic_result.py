"""A hand-built analysis result shared by the export and print-map tests.

A small Kota Malang-like grid with what real layers have and exports break on: clockwise
exteriors, a village with a hole (an enclave), a multipolygon village with an islet, names with
quotes, non-ASCII, HTML-ish and formula-like text, villages with a handful of households and one
with none (no score, no rank), two separate poverty pockets, and a household table that still
carries ``nik``, ``nama`` and ``alamat`` (fake values).
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import MultiPolygon, Polygon, box

from geo.config import default_config
from geo.boundaries.report import BoundaryReport
from geo.join.match import Reconciliation
from geo.pipeline.results import AnalysisResult, Method

PERSONAL_COLUMNS = ("nik", "nama", "alamat")
PERSONAL_VALUES = ("3573014403870001", "Siti Rahasiawati", "Jl. Kenanga Rahasia 17")
SPECIAL_NAMES = {
    0: "Palo'lo'an",
    1: "Kauman Ngadirejo — Ñ",
    2: '<b>Sukun</b> & "Bandulan"',
    3: "=SUM(1,2) Tlogomas",
}
NCOL, NROW = 5, 4
LON0, LAT0, STEP = 112.60, -8.00, 0.01


def _cell(col: int, row: int) -> Polygon:
    return box(LON0 + col * STEP, LAT0 + row * STEP, LON0 + (col + 1) * STEP, LAT0 + (row + 1) * STEP)


def _clockwise(poly: Polygon) -> Polygon:
    return Polygon(list(poly.exterior.coords)[::-1], [list(r.coords)[::-1] for r in poly.interiors])


def analysis_result() -> AnalysisResult:
    """Twenty villages plus an enclave: 21 features, two HH pockets, four focus villages."""
    rng = np.random.default_rng(42)
    geoms, codes, names, districts = [], [], [], []
    for i in range(NCOL * NROW):
        col, row = i % NCOL, i // NCOL
        geom = _cell(col, row)
        if i % 3 == 0:
            geom = _clockwise(geom)
        if i == 12:  # a village with an enclave (hole) holding village 20; rings the wrong way
            hole = _cell(col, row).centroid.buffer(STEP / 4, quad_segs=2).exterior
            geom = Polygon(_cell(col, row).exterior.coords[::-1], [hole.coords])
        if i == 19:  # a village with an islet off the grid
            geom = MultiPolygon([geom, box(LON0 + 5.2 * STEP, LAT0 + 3.2 * STEP,
                                           LON0 + 5.6 * STEP, LAT0 + 3.6 * STEP)])
        geoms.append(geom)
        district = 1 if col < 3 else 2
        codes.append(f"35.73.0{district}.{1001 + i}")
        names.append(SPECIAL_NAMES.get(i, f"Kelurahan {i:02d}"))
        districts.append("Klojen" if district == 1 else "Lowokwaru")
    geoms.append(_cell(2, 2).centroid.buffer(STEP / 4, quad_segs=2))
    codes.append("35.73.01.2021")
    names.append("Enclave Ñgalam")
    districts.append("Klojen")
    n = len(geoms)
    households = rng.integers(40, 400, n)
    households[[4, 9]] = [3, 2]  # tiny villages
    households[17] = 0  # no household registered
    desil1 = np.minimum(households, rng.integers(0, 60, n))
    desil14 = np.minimum(households, desil1 + rng.integers(0, 80, n))
    people = households * 4
    with np.errstate(invalid="ignore", divide="ignore"):
        share1 = np.where(households > 0, desil1 / households, np.nan)
        share14 = np.where(households > 0, desil14 / households, np.nan)
    mpi_h = np.where(households > 0, rng.uniform(0, 0.6, n), np.nan)
    mpi_a = np.where(households > 0, rng.uniform(0.34, 0.7, n), np.nan)
    score = np.round(100 * (0.6 * np.nan_to_num(share1) + 0.4 * np.nan_to_num(mpi_h * mpi_a)), 4)
    order = np.lexsort((codes, -desil1, -score))
    rank = np.empty(n, dtype=int)
    rank[order] = np.arange(1, n + 1)
    score = pd.array(score, dtype="Float64")
    rank = pd.array(rank, dtype="Int64")
    score[17], rank[17] = pd.NA, pd.NA  # no households: no score, no rank
    pocket = np.array(["ns"] * n, dtype=object)
    pocket[[0, 1, 5]] = "HH"  # one pocket of three touching villages
    pocket[[13, 14]] = ["HH", "HH"]  # a second pocket of two
    pocket[[9, 19]] = ["LL", "HL"]
    pocket[8] = "LH"
    pocket[20] = "isolated"
    pocket[17] = "no_data"
    in_focus = (rank <= 4).fillna(False).to_numpy(dtype=bool)
    villages = gpd.GeoDataFrame(
        {
            "village_code": pd.array(codes, dtype="string"),
            "village_name": pd.array(names, dtype="string"),
            "district_code": pd.array([c[:8] for c in codes], dtype="string"),
            "regency_code": pd.array(["35.73"] * n, dtype="string"),
            "province_code": pd.array(["35"] * n, dtype="string"),
            "district_name": pd.array(districts, dtype="string"),
            "regency_name": pd.array(["Kota Malang"] * n, dtype="string"),
            "province_name": pd.array(["Jawa Timur"] * n, dtype="string"),
            "village_type": pd.array(["kelurahan" if c[9] == "1" else "desa" for c in codes], dtype="string"),
            "households": households,
            "people": people,
            "desil1_households": desil1,
            "desil1_share": share1,
            "desil14_households": desil14,
            "desil14_share": share14,
            "mpi_h": mpi_h,
            "mpi_a": mpi_a,
            "mpi_m0": mpi_h * mpi_a,
            "rate_child_mortality": np.where(households > 0, rng.uniform(0, 0.2, n), np.nan),
            "contrib_child_mortality": np.where(households > 0, rng.uniform(0, 0.5, n), np.nan),
            "cov_pkh": np.where(households > 0, rng.uniform(0, 1, n), np.nan),
            "mpi_poor_people": np.round(people * np.nan_to_num(mpi_h)).astype(int),
            "poor_unreached": np.minimum(desil14, rng.integers(0, 30, n)),
            "score": score,
            "rank": rank,
            "in_focus_list": in_focus,
            "focus_reason": pd.array(
                [f"rank {r} <= 4 (top by score)" if f else "" for r, f in zip(rank, in_focus)],
                dtype="string",
            ),
            "quadrant": pd.array(rng.choice(["high-high", "high-low", "low-high", "low-low"], n), dtype="string"),
            "pocket": pd.array(pocket, dtype="string"),
            "hotspot": pd.array(np.where(pocket == "HH", "hot", "ns"), dtype="string"),
            "lisa_i": rng.normal(0, 1, n),
        },
        geometry=geoms,
        crs=4326,
    )
    hh_rows = 12
    household_table = pd.DataFrame(
        {
            "household_id": [f"row-{i}" for i in range(1, hh_rows + 1)],
            "source_row": range(1, hh_rows + 1),
            "village_code": pd.array([codes[i % n] for i in range(hh_rows)], dtype="string"),
            "nik": [PERSONAL_VALUES[0]] + [f"35730144038700{i:02d}" for i in range(2, hh_rows + 1)],
            "nama": [PERSONAL_VALUES[1]] + [f"Nama Rahasia {i}" for i in range(2, hh_rows + 1)],
            "alamat": [PERSONAL_VALUES[2]] + [f"Gang Rahasia {i}" for i in range(2, hh_rows + 1)],
            "members": pd.array([4] * hh_rows, dtype="Int64"),
            "desil": pd.array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1, 2], dtype="Int64"),
            "outcome": ["matched_code"] * hh_rows,
        }
    )
    method = {
        "config": default_config().to_dict(),
        "sources": [
            {"role": "boundaries", "file": "wilayah_boundaries_kel_35.73.sql", "sha256": "a" * 64},
            {"role": "households", "file": "dtsen_malang_2025.csv", "sha256": "b" * 64},
        ],
        "created_at": "2025-03-14T09:30:00+07:00",
        "software_version": "0.1.0",
    }
    reconciliation = {
        "rows_in": hh_rows,
        "outcomes": {"matched_code": hh_rows},
        "examples": {"matched_code": [{"source_row": 1, "reason": "ok"}]},
        "ingest": {"rows_read": hh_rows, "personal_columns_dropped": list(PERSONAL_COLUMNS)},
    }
    rejected = pd.DataFrame({"source_row": [99], "outcome": ["invalid"], "reason": ["desil 0 not in 1–10"]})
    return AnalysisResult(
        villages=villages,
        reconciliation=Reconciliation.from_dict(reconciliation),
        boundary_report=BoundaryReport(features_in=n, features_out=n),
        method=Method.from_dict(method),
        households=household_table,
        rejected=rejected,
    )
