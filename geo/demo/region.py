"""The built-in demo: a SYNTHETIC city with planted poverty pockets, made from a fixed seed.

Planners try the app before they hand it real registry data, so the demo must show what the
real thing shows: a poverty pocket (*kantong kemiskinan*), a lone high-poverty village among
well-off ones, large villages with many poor people but a moderate rate, a pilot kelurahan,
and the kinds of bad rows every registry extract has. Nothing here is real: the province code
99 does not exist, every name ends in "(sintetis)" or is invented, and the households are
random draws. The layer carries its own district, regency and province names, and province 99
is not in the shipped Kemendagri table, so no real name is ever filled in for the demo
(:mod:`geo.boundaries.names` fills empty names only, from codes the table knows).

The villages are a Voronoi tessellation (:func:`shapely.voronoi_polygons`) of jittered grid
points, clipped to an invented outline near 117.4 E, 0.1 N (East Kalimantan), so neighbours
share their borders exactly. Households use the column names a registry uses (``id_keluarga``,
``kode_desa``, ``jumlah_art``, ``desil``, ``lintang``, ``bujur``, raw housing fields...) and read
through :func:`geo.households.read.read_households` with no configuration.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPoint, Polygon

from geo.common.safe_text import neutralise_frame

SEED = 7403
CENTRE = (117.40, 0.11)
HALF_WIDTH = (0.085, 0.07)  # degrees: a city of roughly 19 km x 15 km
TARGET_VILLAGES = 56
GRID = 1e-6  # coordinate precision in degrees (about 0.1 m)

PROVINCE = ("99", "Provinsi Contoh (sintetis)")
REGENCY = ("99.71", "Kota Contoh (sintetis)")
DISTRICTS = {  # code: (name, direction of its centre from the city centre, degrees)
    "99.71.01": ("Contoh Utara", 90.0),
    "99.71.02": ("Contoh Timur", -30.0),
    "99.71.03": ("Contoh Barat", 210.0),
}
PILOT_NAME = "Contoh Telihan"

FILES = {
    "villages": "demo_villages.geojson",
    "households": "demo_households.csv",
    "metadata": "demo_metadata.json",
    "readme": "demo_README.md",
}

_JOINED_HEADS = ("Suka", "Sido", "Karang", "Sumber", "Mekar", "Tegal", "Tanjung", "Wono")
_SPACED_HEADS = ("Gunung", "Muara", "Teluk", "Loa", "Sungai", "Bukit", "Tanah", "Padang", "Batu")
_JOINED_TAILS = ("maju", "mulyo", "jaya", "sari", "harjo", "rejo", "makmur", "indah", "baru", "asri",
                 "agung", "wangi")
_SPACED_TAILS = ("Jaya", "Indah", "Baru", "Laut", "Limau", "Tengah", "Raya", "Ulin", "Bangun", "Hijau",
                 "Putih", "Emas")

# probability of each deprivation for a desil-1 household (scaled down for richer deciles)
_DEP_BASE = {
    "nutrition": 0.30, "child_mortality": 0.08, "schooling": 0.55, "attendance": 0.25,
    "cooking_fuel": 0.55, "sanitation": 0.50, "water": 0.40, "electricity": 0.12,
    "housing": 0.50, "assets": 0.55,
}
_ANSWERS = {  # raw registry answers: (deprived, not deprived)
    "jenis_lantai": (("tanah", "bambu", "kayu kualitas rendah"),
                     ("keramik", "semen", "ubin", "kayu kualitas tinggi")),
    "jenis_dinding": (("bambu", "kayu kualitas rendah", "tembok tanpa plester"),
                      ("tembok", "kayu kualitas tinggi")),
    "sumber_air_minum": (("sumur tak terlindung", "mata air tak terlindung", "sungai", "air hujan"),
                         ("air kemasan", "air isi ulang", "ledeng", "sumur bor", "sumur terlindung")),
    "sumber_penerangan": (("bukan listrik",), ("listrik pln", "listrik non pln")),
    "bahan_bakar_memasak": (("kayu bakar", "arang", "minyak tanah"),
                            ("lpg 3 kg", "lpg 12 kg", "listrik", "gas kota")),
    "fasilitas_bab": (("bersama", "umum", "tidak ada"), ("sendiri",)),
    "pendidikan_krt": (("tidak sekolah", "tidak tamat sd"), ("sd", "smp", "sma", "smk", "d3", "s1")),
    "anak_tidak_sekolah": (("ya",), ("tidak",)),
    "balita_gizi_kurang": (("ya",), ("tidak",)),
    "kematian_anak": (("ya",), ("tidak",)),
    "kepemilikan_aset": (("tidak ada",), ("ada",)),
}
_FIELD_OF = {
    "nutrition": "balita_gizi_kurang", "child_mortality": "kematian_anak",
    "schooling": "pendidikan_krt", "attendance": "anak_tidak_sekolah",
    "cooking_fuel": "bahan_bakar_memasak", "sanitation": "fasilitas_bab",
    "water": "sumber_air_minum", "electricity": "sumber_penerangan", "assets": "kepemilikan_aset",
}


@dataclass
class Demo:
    """The generated demo: villages (GeoDataFrame), households (registry-like), metadata."""

    villages: gpd.GeoDataFrame
    households: pd.DataFrame
    metadata: dict = field(default_factory=dict)


# --------------------------------------------------------------------------- geometry


def _outline(rng: np.random.Generator) -> Polygon:
    theta = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    phase = rng.uniform(0, 2 * np.pi, 3)
    radius = 1 + 0.12 * np.sin(2 * theta + phase[0]) + 0.08 * np.sin(3 * theta + phase[1]) \
        + 0.04 * np.sin(5 * theta + phase[2])
    x = CENTRE[0] + HALF_WIDTH[0] * radius * np.cos(theta)
    y = CENTRE[1] + HALF_WIDTH[1] * radius * np.sin(theta)
    return shapely.set_precision(Polygon(np.column_stack([x, y])), GRID)


def _seeds(rng: np.random.Generator, outline: Polygon) -> np.ndarray:
    spacing = np.sqrt(outline.area / TARGET_VILLAGES)
    minx, miny, maxx, maxy = outline.bounds
    gx, gy = np.meshgrid(np.arange(minx, maxx, spacing), np.arange(miny, maxy, spacing))
    points = np.column_stack([gx.ravel(), gy.ravel()]) + spacing / 2
    points += rng.uniform(-0.3 * spacing, 0.3 * spacing, points.shape)
    inner = outline.buffer(-0.25 * spacing)
    return points[shapely.contains_xy(inner, points[:, 0], points[:, 1])]


def _tessellate(outline: Polygon, seeds: np.ndarray) -> np.ndarray:
    """Voronoi cells of the seeds clipped to the outline, snapped to one grid (shared edges)."""
    cells = shapely.voronoi_polygons(MultiPoint(seeds), extend_to=outline, ordered=True)
    cells = shapely.intersection(shapely.get_parts(cells), outline)
    cells = shapely.set_precision(cells, GRID)
    cells = shapely.orient_polygons(cells)
    if not shapely.coverage_is_valid(cells):
        raise RuntimeError("demo villages do not form a clean coverage")  # a bug, not user input
    return cells


def _neighbours(cells: np.ndarray) -> list[set[int]]:
    """Queen contiguity: villages whose borders touch."""
    left, right = shapely.STRtree(cells).query(cells, predicate="touches")
    result: list[set[int]] = [set() for _ in cells]
    for a, b in zip(left.tolist(), right.tolist()):
        result[a].add(b)
    return result


def _hops(neighbours: list[set[int]], start: set[int]) -> np.ndarray:
    """Graph distance (in village steps) from a set of villages (breadth-first)."""
    far = len(neighbours) + 1
    dist = np.full(len(neighbours), far)
    dist[list(start)] = 0
    frontier, step = set(start), 0
    while frontier:
        step += 1
        frontier = {j for i in frontier for j in neighbours[i] if dist[j] == far}
        dist[list(frontier)] = step
    return dist


# --------------------------------------------------------------------------- villages


def _village_names(rng: np.random.Generator, n: int) -> list[str]:
    names = [h + t for h in _JOINED_HEADS for t in _JOINED_TAILS]
    names += [f"{h} {t}" for h in _SPACED_HEADS for t in _SPACED_TAILS]
    return [names[i] for i in rng.choice(len(names), size=n, replace=False)]


def _villages(rng: np.random.Generator, cells: np.ndarray, seeds: np.ndarray) -> gpd.GeoDataFrame:
    offset = (seeds - np.array(CENTRE)) / np.array(HALF_WIDTH)
    centres = {code: np.array([np.cos(np.radians(a)), np.sin(np.radians(a))]) * 0.5
               for code, (_, a) in DISTRICTS.items()}
    codes = list(centres)
    dist_to = np.stack([np.hypot(*(offset - centres[c]).T) for c in codes], axis=1)
    district = np.array(codes)[dist_to.argmin(axis=1)]
    radial = np.hypot(offset[:, 0], offset[:, 1])
    urban = radial <= np.quantile(radial, 0.45)
    frame = pd.DataFrame({"district_code": district, "urban": urban, "x": seeds[:, 0],
                          "y": seeds[:, 1], "cell": np.arange(len(cells))})
    frame = frame.sort_values(["district_code", "urban", "y", "x"],
                              ascending=[True, False, False, True]).reset_index(drop=True)
    frame["number"] = frame.groupby(["district_code", "urban"]).cumcount() + 1
    frame["village_code"] = (frame["district_code"] + "."
                             + np.where(frame["urban"], "1", "2")
                             + frame["number"].map("{:03d}".format))
    villages = gpd.GeoDataFrame({
        "village_code": frame["village_code"].astype("string"),
        "village_name": pd.Series(_village_names(rng, len(frame)), dtype="string"),
        "district_code": frame["district_code"].astype("string"),
        "district_name": frame["district_code"].map(lambda c: DISTRICTS[c][0]).astype("string"),
        "regency_code": REGENCY[0], "regency_name": REGENCY[1],
        "province_code": PROVINCE[0], "province_name": PROVINCE[1],
        "village_type": np.where(frame["urban"], "kelurahan", "desa"),
        "is_pilot": False,
    }, geometry=list(cells[frame["cell"].to_numpy()]), crs="EPSG:4326")
    for col in ("regency_code", "regency_name", "province_code", "province_name", "village_type"):
        villages[col] = villages[col].astype("string")
    return villages


def _plant(rng: np.random.Generator, villages: gpd.GeoDataFrame) -> dict:
    """Choose the pocket, the pilot, the lone outlier and the large villages."""
    cells = villages.geometry.to_numpy()
    neighbours = _neighbours(cells)
    centroid = shapely.centroid(cells)
    target = shapely.Point(CENTRE[0] - 0.3 * HALF_WIDTH[0], CENTRE[1] + 0.25 * HALF_WIDTH[1])
    order = np.argsort(shapely.distance(centroid, target))
    core = next(int(i) for i in order if len(neighbours[i]) >= 5)
    shared = {j: shapely.length(shapely.intersection(cells[core].boundary, cells[j].boundary))
              for j in neighbours[core]}
    ring = sorted(shared, key=lambda j: (-shared[j], j))[:5]
    pocket = [core, *ring]
    kelurahan = [i for i in pocket if villages["village_type"].iloc[i] == "kelurahan"]
    pilot = kelurahan[0] if kelurahan else core
    hops_pocket = _hops(neighbours, set(pocket))
    candidates = [i for i in range(len(cells)) if hops_pocket[i] >= 3 and len(neighbours[i]) >= 4]
    outlier = int(rng.choice(candidates))
    hops_outlier = _hops(neighbours, {outlier})
    large_pool = [i for i in range(len(cells)) if hops_pocket[i] >= 2 and hops_outlier[i] >= 2]
    large: list[int] = []
    for i in rng.permutation(large_pool).tolist():
        if all(i not in neighbours[j] for j in large):
            large.append(int(i))
        if len(large) == 3:
            break
    return {"pocket": pocket, "pilot": pilot, "outlier": outlier,
            "outlier_neighbours": sorted(neighbours[outlier]), "large": large}


# --------------------------------------------------------------------------- households


def _points_in(rng: np.random.Generator, polygon, n: int) -> np.ndarray:
    """``n`` points inside ``polygon``: most around a settlement centre, some spread out."""
    centre = np.array(polygon.representative_point().coords[0])
    minx, miny, maxx, maxy = polygon.bounds
    spread = 0.25 * np.array([maxx - minx, maxy - miny])
    found = np.empty((0, 2))
    while len(found) < n:
        k = 4 * n
        clustered = centre + rng.normal(0, 1, (k, 2)) * spread
        uniform = rng.uniform([minx, miny], [maxx, maxy], (k, 2))
        pick = rng.random(k) < 0.7
        cand = np.round(np.where(pick[:, None], clustered, uniform), 6)
        inside = shapely.contains_xy(polygon, cand[:, 0], cand[:, 1])
        found = np.vstack([found, cand[inside]])
    return found[:n]


def _desil_draw(rng: np.random.Generator, n: int, share1: float, poor: bool) -> np.ndarray:
    n1 = int(round(share1 * n))
    weights = np.exp(-0.25 * np.arange(9)) if poor else np.linspace(1.2, 0.8, 9)
    rest = rng.choice(np.arange(2, 11), size=n - n1, p=weights / weights.sum())
    return rng.permutation(np.concatenate([np.ones(n1, dtype=int), rest]))


def _answers(rng: np.random.Generator, deprived: np.ndarray, field_name: str) -> np.ndarray:
    bad, good = _ANSWERS[field_name]
    return np.where(deprived, rng.choice(bad, deprived.size), rng.choice(good, deprived.size))


def _households(rng: np.random.Generator, villages: gpd.GeoDataFrame, plan: dict) -> pd.DataFrame:
    n_villages = len(villages)
    share = rng.uniform(0.03, 0.09, n_villages)
    size = rng.integers(45, 95, n_villages)
    weight = np.ones(n_villages)
    share[plan["pocket"]] = rng.uniform(0.35, 0.45, len(plan["pocket"]))
    size[plan["pocket"]] = rng.integers(70, 100, len(plan["pocket"]))
    weight[plan["pocket"]] = 1.3
    share[plan["outlier_neighbours"]] = rng.uniform(0.02, 0.04, len(plan["outlier_neighbours"]))
    share[plan["outlier"]], size[plan["outlier"]], weight[plan["outlier"]] = 0.42, 75, 1.3
    share[plan["large"]] = rng.uniform(0.12, 0.15, len(plan["large"]))
    size[plan["large"]] = rng.integers(320, 380, len(plan["large"]))
    poor_village = np.zeros(n_villages, dtype=bool)
    poor_village[[*plan["pocket"], plan["outlier"]]] = True

    parts = []
    for i in range(n_villages):
        n = int(size[i])
        desil = _desil_draw(rng, n, float(share[i]), bool(poor_village[i]))
        xy = _points_in(rng, villages.geometry.iloc[i], n)
        parts.append(pd.DataFrame({"village": i, "desil": desil, "bujur": xy[:, 0],
                                   "lintang": xy[:, 1]}))
    hh = pd.concat(parts, ignore_index=True)
    n = len(hh)
    desil = hh["desil"].to_numpy()
    members = 1 + np.minimum(rng.poisson(2.6, n), 8) + ((desil <= 3) & (rng.random(n) < 0.3))
    scale = ((11 - desil) / 10.0) ** 2 * weight[hh["village"]] * rng.uniform(0.6, 1.4, n)
    flags = {name: rng.random(n) < np.minimum(0.95, base * scale) for name, base in _DEP_BASE.items()}

    columns: dict[str, object] = {
        "id_keluarga": [f"DEMO-{i + 1:05d}" for i in range(n)],
        "kode_desa": villages["village_code"].to_numpy()[hh["village"]].astype(object),
        "jumlah_art": members,
        "desil": desil,
        "lintang": hh["lintang"].map("{:.6f}".format),
        "bujur": hh["bujur"].map("{:.6f}".format),
    }
    floor_bad = flags["housing"] & (rng.random(n) < 0.7)
    wall_bad = flags["housing"] & ~floor_bad | (flags["housing"] & (rng.random(n) < 0.3))
    columns["jenis_lantai"] = _answers(rng, floor_bad, "jenis_lantai")
    columns["jenis_dinding"] = _answers(rng, wall_bad, "jenis_dinding")
    for name, field_name in _FIELD_OF.items():
        columns[field_name] = _answers(rng, flags[name], field_name)
    water = columns["sumber_air_minum"].astype(object)
    water[rng.random(n) < 0.01] = ""  # a few unanswered questions, as in any registry
    columns["sumber_air_minum"] = water

    eligible = desil <= 4
    low_reach = (hh["village"] == plan["outlier"]).to_numpy()  # aid has not found this village yet
    pkh_p = np.select([desil == 1, desil <= 4, desil == 5], [0.65, 0.45, 0.10], 0.03)
    pkh_p = np.where(low_reach & eligible, 0.15, pkh_p)
    bpnt_p = np.select([desil <= 2, desil <= 5], [0.70, 0.50], 0.05)
    bpnt_p = np.where(low_reach & eligible, 0.20, bpnt_p)
    pbi_p = np.select([desil <= 5], [0.75], 0.10)
    for name, p in (("penerima_pkh", pkh_p), ("penerima_bpnt", bpnt_p), ("pbi_jk", pbi_p)):
        columns[name] = (rng.random(n) < p).astype(int)
    table = pd.DataFrame(columns)
    return table


def _spoil(rng: np.random.Generator, table: pd.DataFrame, villages: gpd.GeoDataFrame,
           plan: dict, outline: Polygon) -> tuple[pd.DataFrame, dict]:
    """Plant the rows every registry extract has, so the reconciliation has something to show."""
    planted = {*plan["pocket"], plan["outlier"], *plan["outlier_neighbours"], *plan["large"]}
    ordinary_codes = set(villages["village_code"].iloc[[i for i in range(len(villages))
                                                        if i not in planted]])
    pool = table.index[table["kode_desa"].isin(ordinary_codes)].to_numpy()
    rows = rng.choice(pool, size=13, replace=False)
    kinds = ["desil_0", "members_0", "unknown_code", "outside_villages", "code_location_disagree",
             "no_code_no_location", "mangled_code", "duplicate_household"] + ["undotted_code"] * 5
    chosen = list(zip(kinds, rows.tolist()))
    spoilt = dict(chosen[:8])
    table = table.copy()
    table.loc[spoilt["desil_0"], "desil"] = 0
    table.loc[spoilt["members_0"], "jumlah_art"] = 0
    table.loc[spoilt["unknown_code"], ["kode_desa", "lintang", "bujur"]] = ["99.71.04.1001", "", ""]
    minx, miny, maxx, maxy = outline.bounds
    table.loc[spoilt["outside_villages"], ["kode_desa", "lintang", "bujur"]] = [
        "", f"{(miny + maxy) / 2:.6f}", f"{maxx + 0.03:.6f}"]
    far = villages["village_code"].iloc[plan["large"][0]]  # large villages are not in the pool
    table.loc[spoilt["code_location_disagree"], "kode_desa"] = far
    table.loc[spoilt["no_code_no_location"], ["kode_desa", "lintang", "bujur"]] = ["", "", ""]
    code = table.loc[spoilt["mangled_code"], "kode_desa"].replace(".", "")
    table.loc[spoilt["mangled_code"], ["kode_desa", "lintang", "bujur"]] = [f"{int(code):.5E}", "", ""]
    for _kind, row in chosen[8:]:
        table.loc[row, "kode_desa"] = table.loc[row, "kode_desa"].replace(".", "")
    original = spoilt["duplicate_household"]
    table = pd.concat([table.iloc[: original + 1], table.loc[[original]], table.iloc[original + 1:]],
                      ignore_index=True)
    deliberate: dict[str, list[dict]] = {}
    for kind, row in sorted(chosen, key=lambda kr: kr[1]):
        row = row + 1 if row >= original else row  # the copy sits right after the original
        deliberate.setdefault(kind, []).append(
            {"household_id": str(table.loc[row, "id_keluarga"]), "source_row": int(row) + 1})
    return table, deliberate


# --------------------------------------------------------------------------- public


def build_demo(seed: int = SEED) -> Demo:
    """Generate the synthetic region (same ``seed`` -> same demo, byte for byte).

    Returns
    -------
    Demo
        ``villages``: the canonical village layer (plus ``is_pilot``); ``households``: a
        registry-like table with Indonesian column names and raw housing fields;
        ``metadata``: where the pocket, pilot, outlier, large villages and bad rows are.
    """
    rng = np.random.default_rng(seed)
    outline = _outline(rng)
    seeds = _seeds(rng, outline)
    cells = _tessellate(outline, seeds)
    villages = _villages(rng, cells, seeds)
    plan = _plant(rng, villages)
    pilot = plan["pilot"]
    villages.loc[pilot, "village_name"] = PILOT_NAME
    villages.loc[pilot, "is_pilot"] = True
    households = _households(rng, villages, plan)
    households, deliberate = _spoil(rng, households, villages, plan, outline)
    code = villages["village_code"].tolist()
    metadata = {
        "synthetic": True,
        "note": "SYNTHETIC demo data generated by geo.demo; not a real place, not real households",
        "seed": seed,
        "province": {"code": PROVINCE[0], "name": PROVINCE[1]},
        "regency": {"code": REGENCY[0], "name": REGENCY[1]},
        "districts": {c: name for c, (name, _) in DISTRICTS.items()},
        "villages": len(villages),
        "households_rows": len(households),
        "pilot_village": {"code": code[pilot], "name": PILOT_NAME},
        "pocket_villages": sorted(code[i] for i in plan["pocket"]),
        "high_low_outlier": code[plan["outlier"]],
        "outlier_neighbours": sorted(code[i] for i in plan["outlier_neighbours"]),
        "large_moderate_villages": sorted(code[i] for i in plan["large"]),
        "deliberate_rows": deliberate,
    }
    return Demo(villages=villages, households=households, metadata=metadata)


def _round(coords: np.ndarray) -> np.ndarray:
    return np.round(coords, 6)


def villages_geojson(villages: gpd.GeoDataFrame) -> str:
    """Deterministic GeoJSON text (RFC 7946, 6 decimals, one feature per line)."""
    geoms = shapely.transform(shapely.orient_polygons(villages.geometry.to_numpy()), _round)
    lines = []
    props = villages.drop(columns="geometry")
    for record, geom in zip(props.to_dict("records"), geoms):
        clean = {k: (bool(v) if isinstance(v, (bool, np.bool_)) else str(v)) for k, v in record.items()}
        feature = {"type": "Feature", "properties": clean, "geometry": shapely.geometry.mapping(geom)}
        lines.append(json.dumps(feature, ensure_ascii=False, separators=(",", ":")))
    return ('{"type":"FeatureCollection","name":"demo_villages","features":[\n'
            + ",\n".join(lines) + "\n]}\n")


def _readme(demo: Demo) -> str:
    meta = demo.metadata
    rows = "\n".join(
        f"- `{kind}`: source row{'s' if len(found) > 1 else ''} "
        + ", ".join(f"{info['source_row']} ({info['household_id']})" for info in found)
        for kind, found in meta["deliberate_rows"].items())
    return f"""# Demo region — SYNTHETIC DATA (data sintetis)

Nothing in these files is real. **{meta['regency']['name']}** in **{meta['province']['name']}**
(province code 99 does not exist) is an invented city near 117.4 E, 0.1 N, generated by
`python -m geo demo --out DIR` (`geo/demo.py`, seed {meta['seed']}). Regenerating gives the same
bytes; a test checks that these files match the generator.

- `{FILES['villages']}`: {meta['villages']} villages (kelurahan `1xxx`, desa `2xxx`) in 3 districts,
  a Voronoi tessellation clipped to an invented outline, EPSG:4326, neighbours share borders
  exactly. Columns are the canonical village layer plus `is_pilot`.
- `{FILES['households']}`: {meta['households_rows']} synthetic households with the column names a
  registry uses (`id_keluarga`, `kode_desa`, `jumlah_art`, `desil`, `lintang`, `bujur`, raw
  housing/education fields, `penerima_pkh`, `penerima_bpnt`, `pbi_jk`). No personal columns.
  Deprivations are derived by the default rules in `geo/deprivation_rules.py`.
- `{FILES['metadata']}`: where everything below was planted.

Planted structure:
- pilot area: Kelurahan {meta['pilot_village']['name']} (`{meta['pilot_village']['code']}`),
  inside the pocket;
- a poverty pocket of 6 adjacent villages with 35–45 % desil-1 households and more deprivation:
  {', '.join(meta['pocket_villages'])};
- a lone high-poverty village (High-Low outlier) among low-poverty neighbours, where programmes
  reach few of the poor: {meta['high_low_outlier']};
- large villages with many poor households but a moderate rate (12–15 %):
  {', '.join(meta['large_moderate_villages'])}.

Deliberately bad rows, so the reconciliation has something to show:
{rows}
"""


def write_demo(out_dir, seed: int = SEED) -> dict[str, Path]:
    """Write the demo files into ``out_dir`` (created if needed); return their paths by role."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    demo = build_demo(seed)
    paths = {role: out / name for role, name in FILES.items()}
    paths["villages"].write_text(villages_geojson(demo.villages), encoding="utf-8")
    neutralise_frame(demo.households).to_csv(paths["households"], index=False, lineterminator="\n")
    paths["metadata"].write_text(json.dumps(demo.metadata, indent=2, ensure_ascii=False) + "\n",
                                 encoding="utf-8")
    paths["readme"].write_text(_readme(demo), encoding="utf-8")
    return paths


DEMO_DIR = Path(__file__).resolve().parents[2] / "data" / "boundaries"


def demo_metadata(folder: str | Path = DEMO_DIR) -> dict:
    """What the built-in demo planted (pilot, pockets, outlier, bad rows), as written by
    :func:`write_demo` — so the app can open on the planted pilot instead of guessing it."""
    path = Path(folder) / FILES["metadata"]
    return json.loads(path.read_text(encoding="utf-8"))


def demo_pilot_codes(folder: str | Path = DEMO_DIR) -> list[str]:
    """Village codes of the demo's pilot kelurahan (``99.71.01.1005``, Contoh Telihan)."""
    pilot = demo_metadata(folder).get("pilot_village") or {}
    return [pilot["code"]] if pilot.get("code") else []
