"""What happened to a village code between Kemendagri editions, and which code took its place.

A registry coded in 2022 and a boundary layer of 2025 do not match one to one: between the
editions the shipped table holds (:data:`geo.reference.kemendagri.YEARS`) thousands of village
codes were retired, new ones appeared and names changed (Perak Timur 35.78.12.1004 and Perak
Utara 35.78.12.1005 left in 2023 when Tanjung Perak 35.78.12.1006 appeared; seven Sidoarjo
villages under the Lapindo mudflow were abolished; the new Papua provinces re-coded whole
regencies). :func:`explain_codes` says what the tables know of a code; :func:`successors`
finds, among a pool of codes (usually the boundary layer's), the one that took its place.

Successor rules, in this order (the first that gives exactly one code decides):

``same_name``
    re-coded: a code with the same village name *and* the same district name (case, spaces and
    punctuation ignored), listed only in editions where the old one is not. This catches
    re-coded districts and regencies too (with the next rule, 5,371 of the 5,773 village codes
    retired between 2022 and 2025 get a single successor; 19 get several, 383 none);
``only_new_code``
    the single code of the same district whose listing starts in the edition right after the
    old one's last (or, for a layer older than the registry, ends right before the registry
    code's first): a merge gives every old code that one successor.

Several codes under a rule (a split: Ketro Harjo left Ketro) make the code ambiguous: the
candidates are returned and nothing is decided; the join lets a household's coordinates decide
among them (:mod:`geo.join.older_codes`). Work is per distinct code, on small merges.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from geo.reference.kemendagri import YEARS
from geo.reference.table import code_history

#: Status of a code in :func:`explain_codes`.
STATUSES = ("current", "renamed", "retired", "never_listed")
#: Successor rules of :func:`successors`, in the order they are tried.
RULES = ("same_name", "only_new_code")
_FLAGS = [f"in_{year}" for year in YEARS]


def normalise_name(names) -> pd.Series:
    """Names compared across editions: case, spaces and punctuation ignored."""
    text = pd.Series(names, copy=False).astype("string").str.casefold()
    return text.str.replace(r"[^0-9a-z]", "", regex=True)


@lru_cache(maxsize=1)
def _spans() -> pd.DataFrame:
    """One row per village code of any edition: first/last edition listed (indices into
    :data:`YEARS`), its latest and earliest names, the edition its latest name first appears
    in, and whether its normalised name changed."""
    table = code_history()
    v = table[table["level"] == 4].reset_index(drop=True)
    flags = v[_FLAGS].to_numpy(dtype=bool)
    first_row = np.argmax(flags, axis=1)
    last_row = flags.shape[1] - 1 - np.argmax(flags[:, ::-1], axis=1)
    rows = pd.DataFrame({"code": v["code"].astype("string"), "name": v["name"].astype("string"),
                         "norm": normalise_name(v["name"]), "first": first_row,
                         "last": last_row})
    rows = rows.sort_values(["code", "first"], kind="stable")
    grouped = rows.groupby("code", sort=True)
    spans = pd.DataFrame({
        "first": grouped["first"].min(),
        "last": grouped["last"].max(),
        "old_name": grouped["name"].first(),
        "name": grouped["name"].last(),
        "renamed_in": grouped["first"].last(),
        "names": grouped["norm"].nunique(),
    })
    spans.index = pd.Index(spans.index.astype(str), dtype=object, name="code")  # fast isin
    spans["district"] = spans.index.str.slice(0, 8)
    return spans


@lru_cache(maxsize=1)
def _name_keys() -> pd.DataFrame:
    """(code, village name, district name) for every name pair a village code was listed
    under, normalised: the key of the ``same_name`` rule."""
    table = code_history()
    villages = table[table["level"] == 4]
    districts = table[table["level"] == 3]
    keys = pd.DataFrame({"code": villages["code"].astype("string"),
                         "norm": normalise_name(villages["name"]),
                         "district": villages["code"].astype("string").str.slice(0, 8)})
    dnames = pd.DataFrame({"district": districts["code"].astype("string"),
                           "dnorm": normalise_name(districts["name"])})
    keys = keys.merge(dnames, on="district", how="left").drop(columns="district")
    keys = keys.astype({"code": object, "norm": object, "dnorm": object})
    return keys.drop_duplicates().reset_index(drop=True)


def first_listed(codes) -> pd.Series:
    """Year each village code was first listed by Kemendagri (``<NA>`` for a code in no
    edition): the ``newer_code`` overlap rule's key."""
    codes = pd.Series(codes, copy=False).astype("string")
    first = _spans()["first"].reindex(codes.to_numpy())
    years = np.asarray(YEARS)[first.fillna(0).to_numpy(dtype=int)]
    return pd.Series(pd.array(np.where(first.notna(), years, 0), dtype="Int64"),
                     index=codes.index).mask(first.isna().to_numpy())


def explain_codes(codes) -> pd.DataFrame:
    """What the Kemendagri tables say of each village code.

    Parameters
    ----------
    codes : dotted village codes ``PP.KK.CC.VVVV`` (``<NA>`` allowed).

    Returns
    -------
    DataFrame, one row per input value, same index:
    ``code``; ``status`` (``current``: listed in the latest edition under one name;
    ``renamed``: listed in the latest edition, under another name before; ``retired``: not in
    the latest edition; ``never_listed``: in no edition; ``<NA>`` for a missing code);
    ``name`` (its latest name), ``old_name`` (its earliest name), ``first_listed`` /
    ``last_listed`` (years), ``renamed_in`` (year the latest name first appears, renamed only).

    Examples
    --------
    >>> explain_codes(["35.78.12.1004"]).loc[0, ["status", "name", "last_listed"]].tolist()
    ['retired', 'Perak Timur', 2022]
    """
    codes = pd.Series(codes, copy=False).astype("string")
    spans = _spans().reindex(codes.to_numpy())
    years = np.asarray(YEARS)
    known = spans["first"].notna().to_numpy()
    latest = spans["last"].to_numpy(dtype=float, na_value=np.nan) == len(YEARS) - 1
    renamed = known & latest & (spans["names"].to_numpy(dtype=float, na_value=0) > 1)
    status = np.select([~known, ~latest, renamed], ["never_listed", "retired", "renamed"],
                       default="current").astype(object)
    status[codes.isna().to_numpy()] = None

    def year(column, where):
        index = spans[column].fillna(0).to_numpy(dtype=int)
        return pd.array(np.where(where, years[index], 0), dtype="Int64")

    out = pd.DataFrame({
        "code": codes.to_numpy(),
        "status": pd.array(status, dtype="string"),
        "name": spans["name"].to_numpy(),
        "old_name": spans["old_name"].to_numpy(),
        "first_listed": year("first", known),
        "last_listed": year("last", known),
        "renamed_in": year("renamed_in", renamed),
    }, index=codes.index)
    for column in ("first_listed", "last_listed", "renamed_in"):
        out[column] = out[column].mask(out[column] == 0)
    out["name"] = out["name"].astype("string")
    out["old_name"] = out["old_name"].astype("string")
    return out


def successors(codes, pool=None) -> pd.DataFrame:
    """The code that took each code's place, by the tables (rules in the module docstring).

    Parameters
    ----------
    codes : dotted village codes (any status; a code of the pool is its own answer and is not
        looked up).
    pool : the codes a successor may be (e.g. the boundary layer's); default the codes of
        the latest edition. A code with no candidate in the pool is followed through a code
        of an edition between, when that one has a single successor in the pool.

    Returns
    -------
    DataFrame, one row per input value, same index: ``successor`` (a code of the pool or
    ``<NA>``), ``rule`` (:data:`RULES` or ``<NA>``), ``year`` (the edition that shows the
    change: the later first listing of the two codes), ``candidates`` (tuple of pool codes
    under the deciding or the ambiguous rule; empty when none), ``candidate_names`` (their
    latest names, same order).

    Examples
    --------
    >>> successors(["35.78.12.1005"]).loc[0, ["successor", "rule", "year"]].tolist()
    ['35.78.12.1006', 'only_new_code', 2023]
    """
    codes = pd.Series(codes, copy=False).astype("string")
    spans = _spans()
    pool_codes = (spans.index[spans["last"] == len(YEARS) - 1] if pool is None else pd.Index(
        pd.Series(pool, dtype="string").dropna().unique().astype(str), dtype=object))
    wanted = pd.Index(codes.dropna().unique().astype(str), dtype=object)
    wanted = wanted[~wanted.isin(pool_codes) & wanted.isin(spans.index)]
    pool_codes = pool_codes[pool_codes.isin(spans.index)]
    found = _decide(_pairs(wanted, pool_codes, spans), spans)
    found = _through_steps(found, wanted, pool_codes, spans)
    empty = {"successor": pd.NA, "rule": pd.NA, "year": pd.NA, "candidates": (),
             "candidate_names": ()}
    out = found.reindex(codes.to_numpy())
    out.index = codes.index
    for column, value in empty.items():
        if column in ("candidates", "candidate_names"):
            out[column] = [v if isinstance(v, tuple) else () for v in out[column]]
        else:
            out[column] = out[column].where(out[column].notna(), value)
    out["successor"] = out["successor"].astype("string")
    out["rule"] = out["rule"].astype("string")
    out["year"] = out["year"].astype("Int64")
    return out[list(empty)]


def _through_steps(found: pd.DataFrame, wanted: pd.Index, pool: pd.Index,
                   spans: pd.DataFrame) -> pd.DataFrame:
    """Codes with no candidate in the pool, followed through a code of an edition between
    (a 2022 code re-coded in 2023 and again in 2025, as in the new Papua provinces)."""
    alone = wanted[~wanted.isin(found.index)]
    for _ in range(len(YEARS) - 2):
        if not len(alone):
            break
        step = _decide(_pairs(alone, spans.index, spans), spans)
        step = step[step["successor"].notna() & ~step["successor"].isin(pool)]
        if not len(step):
            break
        onward = _decide(_pairs(pd.Index(step["successor"].unique().astype(str), dtype=object),
                                pool, spans), spans)
        onward = onward[onward["successor"].notna()]
        hop = step["successor"][step["successor"].isin(onward.index)]
        if not len(hop):
            break
        ended = onward.loc[hop.to_numpy()].set_axis(hop.index)
        found = pd.concat([found, ended])
        alone = pd.Index(step.index.difference(hop.index), dtype=object)
    return found


def _pairs(wanted: pd.Index, pool: pd.Index, spans: pd.DataFrame) -> pd.DataFrame:
    """(code, candidate, rule) for each pool code that could have taken the code's place."""
    columns = ["code", "candidate", "rule"]
    if not len(wanted) or not len(pool):
        return pd.DataFrame(columns=columns)
    old = spans.loc[wanted, ["first", "last", "district"]].rename_axis("code").reset_index()
    new = spans.loc[pool, ["first", "last", "district"]].rename_axis("candidate").reset_index()
    keys = _name_keys()
    by_name = (keys[keys["code"].isin(wanted)]
               .merge(keys[keys["code"].isin(pool)].rename(columns={"code": "candidate"}),
                      on=["norm", "dnorm"])[["code", "candidate"]].drop_duplicates())
    by_name = by_name.merge(old, on="code").merge(new, on="candidate", suffixes=("", "_c"))
    disjoint = (by_name["last_c"] < by_name["first"]) | (by_name["first_c"] > by_name["last"])
    by_name = by_name[disjoint & (by_name["code"] != by_name["candidate"])].assign(
        rule="same_name")
    nearby = old.merge(new, on="district", suffixes=("", "_c"))
    adjacent = ((nearby["first_c"] == nearby["last"] + 1)
                | (nearby["last_c"] + 1 == nearby["first"]))
    nearby = nearby[adjacent & (nearby["code"] != nearby["candidate"])].assign(
        rule="only_new_code")
    both = pd.concat([by_name, nearby], ignore_index=True)
    return both[columns]


def _decide(pairs: pd.DataFrame, spans: pd.DataFrame) -> pd.DataFrame:
    """Per code: the first rule with candidates gives them; one candidate decides."""
    columns = ["successor", "rule", "year", "candidates", "candidate_names"]
    if not len(pairs):
        return pd.DataFrame(columns=columns, index=pd.Index([], dtype="string"))
    order = {rule: i for i, rule in enumerate(RULES)}
    pairs = pairs.assign(order=pairs["rule"].map(order))
    best = pairs.groupby("code")["order"].transform("min")
    pairs = pairs[pairs["order"] == best].sort_values(["code", "candidate"])
    pairs = pairs.assign(candidate=pairs["candidate"].astype(object),
                         candidate_name=spans["name"].reindex(pairs["candidate"]).to_numpy())
    grouped = pairs.groupby("code", sort=True)
    out = pd.DataFrame({
        "candidates": grouped["candidate"].agg(lambda s: tuple(s.tolist())),
        "candidate_names": grouped["candidate_name"].agg(lambda s: tuple(map(str, s))),
        "rule": grouped["rule"].first(),
    })
    single = out["candidates"].map(len) == 1
    out["successor"] = out["candidates"].map(lambda c: c[0]).where(single)
    first_new = spans["first"].reindex(out["successor"].to_numpy()).to_numpy()
    first_old = spans["first"].reindex(out.index.to_numpy()).to_numpy()
    later = np.fmax(first_new.astype(float), first_old.astype(float))
    out["year"] = pd.array(np.where(single, np.asarray(YEARS)[np.nan_to_num(later).astype(int)],
                                    0), dtype="Int64")
    out["year"] = out["year"].mask(~single.to_numpy())
    out["rule"] = out["rule"].where(single | out["candidates"].map(len).gt(1))
    return out[columns]
