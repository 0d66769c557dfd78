"""SYNTHETIC programme registers for the built-in demo, so the Konvergensi page shows something.

Six recipient lists over the demo households (``data/boundaries/demo_households.csv``, same
``id_keluarga``), drawn from a fixed seed: PKH, BPNT and PBI-JK follow the receipt flags of
the household file (``penerima_pkh``, ``penerima_bpnt``, ``pbi_jk``); RTLH (housing), a CSR
clean-water programme and Baznas are drawn among poorer households. Each agency works harder
in some villages than in others (a village effort factor), and a few villages are barely
reached (:data:`FORGOTTEN`), so some villages come out "high need, low coverage".

Every list carries the errors real lists carry (:data:`PLANTED`): keys not in the registry,
blank keys, bad years, repeated rows, a blank programme, and the CSR programme shares counts
per village only (village-level rows). Names and NIK are made up
(``Penerima Sintetis``, numbers starting with the non-existent province 99) and are dropped by
the reader like any personal column. :data:`CATALOGUE` is the demo's ``[[programme]]`` text.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from geo.common.atomic import write_text_atomic
from geo.demo.region import DEMO_DIR, FILES

SEED = 1414
#: villages an agency rarely reaches in the demo (by position in the sorted village codes)
FORGOTTEN = (3, 11, 19, 27, 41)
YEAR = "2025"

CATALOGUE = """\
# SYNTHETIC demo programme catalogue (issue 14)
[[programme]]
name = "PKH"
agency = "Dinas Sosial"
eligible = "desil <= 2"
strategy = "reduce_burden"
budget_tag = "langsung"

[[programme]]
name = "BPNT"
agency = "Dinas Sosial"
eligible = "desil <= 3"
strategy = "reduce_burden"
budget_tag = "langsung"

[[programme]]
name = "PBI-JK"
agency = "Dinas Kesehatan"
eligible = "desil <= 4"
strategy = "reduce_burden"
budget_tag = "langsung"

[[programme]]
name = "RTLH"
agency = "Dinas Perumahan"
eligible = "dep_housing == 1 and desil <= 5"
strategy = "reduce_pockets"
budget_tag = "langsung"

[[programme]]
name = "CSR Air Bersih"
agency = "CSR PT Contoh (sintetis)"
eligible = "dep_water == 1 and desil <= 4"
strategy = "reduce_pockets"
budget_tag = "tidak_langsung"

[[programme]]
name = "Zakat Produktif"
agency = "Baznas"
eligible = "desil <= 2 and dep_assets == 1"
strategy = "raise_income"
budget_tag = "langsung"
"""

#: file name -> the errors planted in it (what the reader must account for)
PLANTED = {
    "pkh_dinsos.csv": {"key_not_in_registry": 3, "no_key": 2, "duplicate_rows": 2, "bad_year": 1},
    "bpnt_dinsos.xlsx": {"key_not_in_registry": 2, "bad_year": 2, "no_programme": 1},
    "pbi_jk_dinkes.csv": {"key_not_in_registry": 2, "no_key": 1},
    "rtlh_perkim.csv": {"duplicate_rows": 1, "bad_budget": 1},
    "csr_air_bersih.csv": {"village_level": 6},
    "baznas.csv": {"key_not_in_registry": 1, "no_key": 1},
}


def _raw_households(folder: str | Path = DEMO_DIR) -> pd.DataFrame:
    return pd.read_csv(Path(folder) / FILES["households"], dtype=str, keep_default_na=False)


def _effort(rng: np.random.Generator, codes: pd.Series) -> pd.Series:
    """Per household: its village's effort factor for one agency (0.05 in forgotten villages)."""
    villages = sorted(c for c in codes.unique() if c)
    factor = dict(zip(villages, rng.uniform(0.45, 1.0, len(villages))))
    for i in FORGOTTEN:
        if i < len(villages):
            factor[villages[i]] = 0.05
    return codes.map(factor).fillna(0.5).astype(float)


def _draw(rng, households, chance: np.ndarray) -> pd.DataFrame:
    return households[rng.random(len(households)) < chance]


def _deprived(values: pd.Series, words: tuple[str, ...]) -> np.ndarray:
    return values.str.lower().isin(words).to_numpy()


def demo_registers(households: pd.DataFrame | None = None, seed: int = SEED) -> dict[str, pd.DataFrame]:
    """The six registers as tables (file name -> rows, headers as agencies write them)."""
    hh = (_raw_households() if households is None else households).copy()
    hh = hh[hh["id_keluarga"] != ""].drop_duplicates("id_keluarga").reset_index(drop=True)
    rng = np.random.default_rng([seed, 14])
    desil = pd.to_numeric(hh["desil"], errors="coerce").fillna(10).to_numpy()
    codes = hh["kode_desa"].astype(str)
    out = {}

    def keyed(flag_column, keep_share, agency_seed):
        effort = _effort(np.random.default_rng([seed, agency_seed]), codes).to_numpy()
        chance = np.where(hh[flag_column] == "1", keep_share * effort, 0.0)
        return _draw(rng, hh, chance)

    # PKH (Dinas Sosial): Indonesian headers, a synthetic name and NIK beside the key
    pkh = keyed("penerima_pkh", 1.0, 1)
    table = pd.DataFrame({"program": "PKH", "opd": "Dinas Sosial", "tahun": YEAR,
                          "id_keluarga": pkh["id_keluarga"].to_numpy(),
                          "nama_penerima": [f"Penerima Sintetis {i:04d}" for i in range(len(pkh))],
                          "nik": [f"99710{i:011d}" for i in range(len(pkh))],
                          "anggaran_rp": "3000000"})
    extra = [["PKH", "Dinas Sosial", YEAR, f"DEMO-9{i:04d}", "Penerima Sintetis X", "", "3000000"]
             for i in range(3)]
    extra += [["PKH", "Dinas Sosial", YEAR, "", "Penerima Sintetis Y", "", "3000000"]] * 2
    extra += [table.iloc[0].tolist(), table.iloc[1].tolist()]         # repeated rows
    extra += [["PKH", "Dinas Sosial", "2O25", table.iloc[2]["id_keluarga"], "", "", "3000000"]]
    out["pkh_dinsos.csv"] = pd.concat([table, pd.DataFrame(extra, columns=table.columns)],
                                      ignore_index=True)

    # BPNT (Dinas Sosial), an XLSX: bad years, a blank programme, unknown keys
    bpnt = keyed("penerima_bpnt", 0.95, 2)
    table = pd.DataFrame({"jenis_bantuan": "BPNT", "dinas": "Dinas Sosial", "tahun_anggaran": YEAR,
                          "id_keluarga_p3ke": bpnt["id_keluarga"].to_numpy(),
                          "nilai_bantuan": "2400000"})
    table.loc[[3, 4], "tahun_anggaran"] = ["1925", "dua ribu"]
    table.loc[5, "jenis_bantuan"] = ""
    unknown = pd.DataFrame({"jenis_bantuan": "BPNT", "dinas": "Dinas Sosial", "tahun_anggaran": YEAR,
                            "id_keluarga_p3ke": ["DEMO-88001", "DEMO-88002"], "nilai_bantuan": "2400000"})
    out["bpnt_dinsos.xlsx"] = pd.concat([table, unknown], ignore_index=True)

    # PBI-JK (Dinas Kesehatan): English headers
    pbi = keyed("pbi_jk", 0.9, 3)
    table = pd.DataFrame({"programme": "PBI-JK", "agency": "Dinas Kesehatan", "year": YEAR,
                          "household_id": pbi["id_keluarga"].to_numpy(), "budget": "504000"})
    more = pd.DataFrame({"programme": "PBI-JK", "agency": "Dinas Kesehatan", "year": YEAR,
                         "household_id": ["DEMO-77001", "DEMO-77002", ""], "budget": "504000"})
    out["pbi_jk_dinkes.csv"] = pd.concat([table, more], ignore_index=True)

    # RTLH (Dinas Perumahan): poorer households with bad floors or walls, some mistargeted
    poor_house = _deprived(hh["jenis_lantai"], ("tanah", "bambu")) | _deprived(
        hh["jenis_dinding"], ("bambu", "anyaman bambu", "kayu kualitas rendah", "lainnya"))
    effort = _effort(np.random.default_rng([seed, 4]), codes).to_numpy()
    chance = np.where(poor_house & (desil <= 5), 0.35 * effort, 0.0) + np.where(desil >= 6, 0.01, 0)
    rtlh = _draw(rng, hh, chance)
    table = pd.DataFrame({"program": "RTLH", "opd": "Dinas Perumahan",
                          "tahun": YEAR, "id_keluarga": rtlh["id_keluarga"].to_numpy(),
                          "alamat": "Jl. Sintetis", "anggaran_rp": "20.000.000"})
    table.loc[len(table)] = table.iloc[0]
    table.loc[1, "anggaran_rp"] = "-20000000"
    out["rtlh_perkim.csv"] = table

    # CSR: counts per village only
    villages = sorted(c for c in codes.unique() if c)
    chosen = [villages[i] for i in np.sort(rng.choice(len(villages), 6, replace=False))]
    counts = rng.integers(8, 30, 6)
    out["csr_air_bersih.csv"] = pd.DataFrame({
        "program": "CSR Air Bersih", "pelaksana": "CSR PT Contoh (sintetis)", "tahun": YEAR,
        "kode_desa": chosen, "jumlah_penerima": counts, "anggaran": counts * 1_500_000})

    # Baznas: the poorest, few villages
    effort = _effort(np.random.default_rng([seed, 6]), codes).to_numpy()
    baz = _draw(rng, hh, np.where(desil <= 2, 0.12 * effort, 0.0))
    table = pd.DataFrame({"program": "Zakat Produktif", "instansi": "Baznas", "tahun": YEAR,
                          "id_keluarga": baz["id_keluarga"].to_numpy(), "nilai": "5000000"})
    table.loc[len(table)] = ["Zakat Produktif", "Baznas", YEAR, "DEMO-66001", "5000000"]
    table.loc[len(table)] = ["Zakat Produktif", "Baznas", YEAR, "", "5000000"]
    out["baznas.csv"] = table
    return out


def write_demo_registers(folder, seed: int = SEED, households_folder: str | Path = DEMO_DIR
                         ) -> list[Path]:
    """Write :func:`demo_registers` and ``programmes.toml`` into ``folder``; returns the
    register paths (each file written whole). ``households_folder``: the demo whose households
    the registers name (the committed one by default)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, table in demo_registers(_raw_households(households_folder), seed=seed).items():
        path = folder / name
        if name.endswith(".xlsx"):
            partial = folder / f".{name}.partial.xlsx"
            table.to_excel(partial, index=False)
            partial.replace(path)
        else:
            write_text_atomic(path, table.to_csv(index=False, lineterminator="\n"))
        paths.append(path)
    write_text_atomic(folder / "programmes.toml", CATALOGUE)
    return paths
