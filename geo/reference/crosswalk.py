"""Code tables a user supplies: an old → new crosswalk, and the BPS → Kemendagri bridge.

A **crosswalk** (CSV/XLSX, one row per old code: ``old_code,new_code``, or in Indonesian
``kode_lama,kode_baru``) settles what the Kemendagri tables cannot (a split village, a local
re-coding): in the join it wins over the tables (:mod:`geo.join.older_codes`).

A **BPS bridge** turns the statistics office's 10-digit codes (``PPKKCCCVVV``) into Kemendagri
codes; the two numberings differ and never convert by string manipulation. BIG/KUGI layers carry
both (``KDEBPS`` beside ``KDEPUM``): :func:`bridge_from_layer` takes it from the boundary layer,
:func:`read_bps_bridge` from a user's table (``bps_code,village_code``, ``kode_bps,kode_desa``…)
or from a KUGI layer file. A user's bridge wins over the layer's.

Both are small frozen dataclasses (picklable: the Dask back end sends them to its workers).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from geo.common.codes import normalise_bps_code, normalise_village_code
from geo.common.errors import GeoInputError
from geo.common.privacy import normalise_header

OLD_ALIASES = ("old_code", "kode_lama", "kode_desa_lama", "kode_asal", "kode_sebelumnya",
               "old", "lama", "from_code", "dari")
NEW_ALIASES = ("new_code", "kode_baru", "kode_desa_baru", "kode_tujuan", "kode_sekarang",
               "new", "baru", "to_code", "ke")
BPS_ALIASES = ("bps_code", "village_code_bps", "kode_bps", "kd_bps", "kode_desa_bps", "kdebps",
               "iddesa", "idkel")
KEMENDAGRI_ALIASES = ("village_code", "kode_kemendagri", "kemendagri", "kdepum", "kode_desa",
                      "kd_desa", "kode_kel", "kode_kelurahan", "kode_wilayah")
#: Suffixes read as a boundary layer (a KUGI file used as the bridge), not as a table.
LAYER_SUFFIXES = (".gpkg", ".shp", ".zip", ".geojson", ".json", ".fgb", ".geoparquet", ".kml")


@dataclass(frozen=True)
class Crosswalk:
    """Old village code → new village code, from a user's file (``source``: its name)."""

    table: pd.DataFrame  # columns old_code, new_code (dotted, unique old_code)
    source: str

    def mapping(self) -> pd.Series:
        """old_code -> new_code."""
        return pd.Series(self.table["new_code"].to_numpy(), index=self.table["old_code"].to_numpy(),
                         dtype="string")


@dataclass(frozen=True)
class BpsBridge:
    """BPS code → Kemendagri village code (``source``: the file or ``"layer"``)."""

    table: pd.DataFrame  # columns bps_code (10 digits), village_code (dotted), unique bps_code
    source: str

    def mapping(self) -> pd.Series:
        """bps_code -> village_code."""
        return pd.Series(self.table["village_code"].to_numpy(),
                         index=self.table["bps_code"].to_numpy(), dtype="string")


def read_crosswalk(path) -> Crosswalk:
    """Read an old → new code crosswalk (CSV, XLSX or Parquet).

    Raises
    ------
    GeoInputError
        No old/new code column, a cell that is not a village code (naming the row and the
        column), or one old code mapped to two different new codes.

    Examples
    --------
    >>> crosswalk = read_crosswalk("kode_2022_2025.csv")  # doctest: +SKIP
    >>> crosswalk.mapping()["35.78.12.1004"]  # doctest: +SKIP
    '35.78.12.1006'
    """
    path = Path(path)
    frame = _read(path)
    old_col = _column(frame, OLD_ALIASES, path, "old_code")
    new_col = _column(frame, NEW_ALIASES, path, "new_code")
    old = _codes(frame[old_col], normalise_village_code, path, old_col)
    new = _codes(frame[new_col], normalise_village_code, path, new_col)
    table = _unique(pd.DataFrame({"old_code": old, "new_code": new}), "old_code", "new_code",
                    path)
    return Crosswalk(table=table[table["old_code"] != table["new_code"]].reset_index(drop=True),
                     source=path.name)


def read_bps_bridge(path) -> BpsBridge:
    """Read a BPS → Kemendagri bridge: a table (CSV, XLSX, Parquet) or a KUGI boundary layer
    (GeoPackage, Shapefile, GeoJSON... with ``KDEPUM`` and ``KDEBPS``).

    Raises
    ------
    GeoInputError
        No BPS or Kemendagri code column, a cell that is not a code, or one BPS code bridged
        to two Kemendagri codes.
    """
    path = Path(path)
    if path.suffix.lower() in LAYER_SUFFIXES:
        from geo.boundaries.read import read_villages

        villages, _ = read_villages(path, check_quality=False)
        bridge = bridge_from_layer(villages, source=path.name)
        if bridge is None:
            raise GeoInputError("err.bridge_no_bps", source=path.name)
        return bridge
    frame = _read(path)
    bps_col = _column(frame, BPS_ALIASES, path, "bps_code")
    code_col = _column(frame, KEMENDAGRI_ALIASES, path, "village_code")
    bps = _codes(frame[bps_col], normalise_bps_code, path, bps_col, kind="bps")
    code = _codes(frame[code_col], normalise_village_code, path, code_col)
    table = _unique(pd.DataFrame({"bps_code": bps, "village_code": code}), "bps_code",
                    "village_code", path)
    return BpsBridge(table=table, source=path.name)


def bridge_from_layer(villages, *, source: str = "layer") -> BpsBridge | None:
    """The bridge a KUGI layer carries (its ``village_code_bps`` column), or None.

    BPS codes given to two villages of the layer are left out (they decide nothing).
    """
    from geo.boundaries.read import BPS_COLUMN

    if BPS_COLUMN not in getattr(villages, "columns", ()):
        return None
    table = pd.DataFrame({"bps_code": normalise_bps_code(villages[BPS_COLUMN]).to_numpy(),
                          "village_code": villages["village_code"].astype("string").to_numpy()})
    table = table.dropna().drop_duplicates()
    table = table[~table["bps_code"].duplicated(keep=False)].reset_index(drop=True)
    return BpsBridge(table=table, source=source) if len(table) else None


def combined_bridge(user: BpsBridge | None, layer: BpsBridge | None) -> BpsBridge | None:
    """The user's bridge, completed by the layer's for BPS codes the user's does not list."""
    if user is None or layer is None:
        return user or layer
    extra = layer.table[~layer.table["bps_code"].isin(user.table["bps_code"])]
    return BpsBridge(table=pd.concat([user.table, extra], ignore_index=True),
                     source=f"{user.source} + {layer.source}")


def _read(path: Path) -> pd.DataFrame:
    from geo.households.read import read_table

    frame, _, _ = read_table(path)
    return frame


def _column(frame: pd.DataFrame, aliases, path: Path, wanted: str) -> str:
    by_norm = {normalise_header(c): str(c) for c in frame.columns}
    for alias in aliases:
        if alias in by_norm:
            return by_norm[alias]
    raise GeoInputError("err.codes_table_column", source=path.name, field=wanted,
                        aliases=", ".join(aliases[:5]),
                        columns=", ".join(map(str, frame.columns)))


def _codes(values: pd.Series, normalise, path: Path, column: str, kind: str = "kemendagri"):
    code = normalise(values)
    bad = values.notna() & code.isna()
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0]) + 1
        raise GeoInputError(f"err.codes_table_bad_{kind}", source=path.name, row=row,
                            column=column)
    return code


def _unique(table: pd.DataFrame, key: str, value: str, path: Path) -> pd.DataFrame:
    table = table.dropna().drop_duplicates()
    twice = table[key].duplicated(keep=False)
    if twice.any():
        code = str(table.loc[twice, key].iloc[0])
        targets = ", ".join(sorted(table.loc[table[key] == code, value].astype(str)))
        raise GeoInputError("err.codes_table_conflict", source=path.name, code=code,
                            targets=targets)
    return table.reset_index(drop=True)
