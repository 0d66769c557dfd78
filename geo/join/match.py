"""Join households to villages by code and by location, accounting for every input row.

Each row gets exactly one ``outcome``:

``matched_code``
    the village code is in the boundary layer (and the point, if any, lies in that village);
``matched_location``
    no usable code, but the point lies in a village (a code ingest could not use, kept in
    ``code_note``, is named in the reason);
``matched_successor_code``
    the code is not in the layer (or a user's crosswalk lists it) and the village that took its
    place is: decided by the crosswalk, the Kemendagri tables (same name re-coded, or the single
    new village of the district) or, among several candidates (a split), by the point
    (:mod:`geo.join.older_codes`); the reason names the old code, its old name and year, the
    new code and what decided;
``matched_code_location_disagree``
    the code names a village of the layer and the point lies outside it (in another village or
    in none); ``prefer`` decides which wins (the code when the point is in no village);
``unknown_code``
    a code that is not in the layer, with no successor in it and no point that lies in a
    village; the reason says what the Kemendagri tables know of it (retired with its old name
    and last year, renamed, a current code of another area, never a Kemendagri code);
``outside_villages``
    no code, and the point lies outside every village;
``no_code_no_location``
    neither a code nor coordinates;
``invalid``
    the ingest step gave the row a ``problem`` (kept as the reason);
``duplicate_household``
    a later valid row with the same ``household_id`` (the first valid one is kept).

Points are located in bulk (:mod:`geo.join.locate`: a grid of cells gives each village the
points in its box, tested with shapely's prepared ``intersects_xy`` in two threads; the
boundary counts as inside). This avoids building a GEOS point per household, which is what
dominates ``STRtree``/``geopandas.sjoin`` at a million rows.
A point in two villages (a shared border, or overlapping polygons: Ketro Harjo was split off Ketro
and its polygon lies inside Ketro's) goes to the village its code names when it is one of them;
otherwise the ``overlap`` rule decides: ``smallest_code`` (default), ``largest_polygon`` or
``newer_code`` (first listed in a later Kemendagri edition; among equals the higher code), so
the result never depends on row order. The reconciliation counts such points (``overlaps``).

Registries keyed by BPS codes (``village_code_bps``) are translated through a BPS → Kemendagri
bridge (:mod:`geo.reference.crosswalk`) before anything else; the bridged code is then the
row's code. A village layer without
polygons (codes only) cannot place a point: coordinates are then ignored and rows are matched by
code alone.

Reasons never quote a cell: codes appear normalised (``PP.KK.CC.VVVV``), a code that could not
be used is described (``code_note``), coordinates are never printed, and any run of 11+ digits
left in a text is masked (:func:`geo.common.privacy.mask_id_numbers`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import geopandas as gpd
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import shapely

from geo.common.errors import GeoInputError
from geo.common.messages import SEPARATOR, encode, encode_rows
from geo.join.locate import points_in_polygons
from geo.join.older_codes import CROSSWALK, LOCATION, reason_parts, resolve
from geo.reference.crosswalk import BpsBridge, Crosswalk, bridge_from_layer, combined_bridge
from geo.i18n import Message
from geo.common.privacy import mask_id_numbers
from geo.households.report import IngestReport

MATCHED: tuple[str, ...] = ("matched_code", "matched_location", "matched_successor_code",
                            "matched_code_location_disagree")
#: Outcomes with examples in the reconciliation (a successor match is matched, but worth a look).
PROBLEMS: tuple[str, ...] = (
    "matched_successor_code",
    "matched_code_location_disagree",
    "unknown_code",
    "outside_villages",
    "no_code_no_location",
    "invalid",
    "duplicate_household",
)
OUTCOMES: tuple[str, ...] = MATCHED + PROBLEMS[2:]
PREFER = ("code", "location")
#: How a point in two or more villages is placed when its code names none of them.
OVERLAP_RULES = ("smallest_code", "largest_polygon", "newer_code")
MAX_EXAMPLES = 5
_NONE = np.iinfo(np.int64).max
_CODE = {name: i for i, name in enumerate(OUTCOMES)}
_COUNTS = ("overlaps", "successors", "code_status", "bps_codes")

log = logging.getLogger(__name__)  # counts only, never a household's value


@dataclass(frozen=True)
class Reconciliation:
    """Where every input row went: the join's contract with the rest of the pipeline.

    Attributes
    ----------
    rows_in : rows in the household table
    outcomes : outcome -> row count; every outcome is present and the counts sum to ``rows_in``
    examples : for each problem outcome, up to five ``{source_row, reason, village_code}``
        (the code as given); never a name, id number, address or coordinate
    prefer : which village won when a row's code and location disagreed (``"code"`` or
        ``"location"``)
    ingest : the ingest report of the household file (:class:`geo.households.report.IngestReport`),
        when the analysis attached it
    backend : ``"dask"`` when the households were processed on Dask, else None (in memory)
    overlap : the rule for a point in two or more villages (:data:`OVERLAP_RULES`)
    overlaps : ``points_in_several`` (located rows in two or more villages), of which
        ``decided_by_code`` (the row's code named one of them) and ``decided_by_rule``
    successors : rows ``matched_successor_code`` by what decided: ``crosswalk``,
        ``kemendagri_<year>`` (the edition that shows the change) or ``location``
    code_status : rows whose code is not in the layer, by what the Kemendagri tables say:
        ``retired``, ``renamed``, ``current`` (a 2025 code of another area), ``never_listed``
    bps_codes : rows keyed by a BPS code: ``bridged`` and ``not_in_bridge``
    crosswalk, bps_bridge : names of the crosswalk file and of the bridge's source, if any
    """

    rows_in: int
    outcomes: Mapping[str, int] = field(default_factory=dict)
    examples: Mapping[str, list[dict]] = field(default_factory=dict)
    prefer: str | None = None
    ingest: IngestReport | None = None
    backend: str | None = None
    overlap: str | None = None
    overlaps: Mapping[str, int] = field(default_factory=dict)
    successors: Mapping[str, int] = field(default_factory=dict)
    code_status: Mapping[str, int] = field(default_factory=dict)
    bps_codes: Mapping[str, int] = field(default_factory=dict)
    crosswalk: str | None = None
    bps_bridge: str | None = None

    def to_dict(self) -> dict:
        """``{"rows_in", "outcomes", "examples"[, "ingest", "prefer", "backend"]}`` with plain
        Python values (JSON-ready): what ``reconciliation.json`` holds."""
        out = {
            "rows_in": int(self.rows_in),
            "outcomes": {k: int(v) for k, v in self.outcomes.items()},
            "examples": {k: [dict(e) for e in v] for k, v in self.examples.items()},
        }
        if self.ingest is not None:
            out["ingest"] = self.ingest.to_dict()
        for key in ("prefer", "backend", "overlap", "crosswalk", "bps_bridge"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        for key in _COUNTS:
            if getattr(self, key):
                out[key] = {k: int(v) for k, v in getattr(self, key).items()}
        return out

    @classmethod
    def from_dict(cls, data: Mapping) -> Reconciliation:
        """The reconciliation back from :meth:`to_dict` (e.g. a saved ``reconciliation.json``)."""
        ingest = data.get("ingest")
        return cls(rows_in=int(data.get("rows_in", 0)), outcomes=dict(data.get("outcomes") or {}),
                   examples=dict(data.get("examples") or {}), prefer=data.get("prefer"),
                   ingest=IngestReport.from_dict(ingest) if ingest is not None else None,
                   backend=data.get("backend"), overlap=data.get("overlap"),
                   crosswalk=data.get("crosswalk"), bps_bridge=data.get("bps_bridge"),
                   **{key: dict(data.get(key) or {}) for key in _COUNTS})

    def matched_through_older_code(self) -> int:
        """Rows placed through an older code (``matched_successor_code``)."""
        return int(self.outcomes.get("matched_successor_code", 0))


def join_households(
    households: pd.DataFrame, villages: gpd.GeoDataFrame, *, prefer: str = "code",
    overlap: str = "smallest_code", crosswalk: Crosswalk | None = None,
    bps_bridge: BpsBridge | None = None, code_history: bool = True,
) -> tuple[pd.DataFrame, Reconciliation]:
    """Assign each household to a village and say why for every row.

    Parameters
    ----------
    households : the canonical household table (``geo.households.read.read_households``).
        ``village_code``, ``longitude``/``latitude`` (WGS 84), ``household_id``, ``problem``,
        ``code_note`` (why a given code was unusable) and ``source_row`` are used; an absent one
        counts as empty (``source_row`` as 1..n).
    villages : the canonical village layer (``village_code`` + polygons). Any CRS; the points
        are transformed to it. ``geometry`` may be absent or empty (code matching only: the
        coordinates are then not used).
    prefer : ``"code"`` (default) or ``"location"``: which village wins when both are known and
        disagree.
    overlap : :data:`OVERLAP_RULES`: the village of a point in two or more villages when its
        code names none of them.
    crosswalk : a user's old → new code table (:func:`geo.reference.crosswalk.read_crosswalk`);
        it wins over the Kemendagri tables.
    bps_bridge : BPS → Kemendagri codes for rows keyed by ``village_code_bps``; default the
        layer's own (a KUGI layer's ``village_code_bps``), completed by it when given.
    code_history : explain codes that are not in the layer and find their successors with the
        shipped Kemendagri tables (:mod:`geo.reference.history`).

    Returns
    -------
    joined : DataFrame
        The input rows in input order with ``village_code`` replaced by the assigned village
        (``<NA>`` unless matched), plus ``village_code_given`` (the code given, or bridged from
        the BPS code), ``outcome`` (categorical over :data:`OUTCOMES`), ``reason`` (``<NA>`` for
        a clean match) and ``village_code_via`` (for ``matched_successor_code``: what decided,
        ``crosswalk`` / ``kemendagri_<year>`` / ``location``; else ``<NA>``).
    Reconciliation
        Counts per outcome and examples of each problem.

    Examples
    --------
    >>> import geopandas as gpd, pandas as pd
    >>> from shapely import box
    >>> villages = gpd.GeoDataFrame({"village_code": ["35.73.01.1001"]},
    ...                             geometry=[box(112.0, -8.0, 112.1, -7.9)], crs=4326)
    >>> hh = pd.DataFrame({"household_id": ["a", "b"], "village_code": [None, "35.73.01.1001"],
    ...                    "longitude": [112.05, None], "latitude": [-7.95, None]})
    >>> joined, rec = join_households(hh, villages)
    >>> joined["outcome"].tolist()
    ['matched_location', 'matched_code']
    """
    log.info("joining %d household rows to %d villages (prefer %s)", len(households),
             len(villages), prefer)
    if prefer not in PREFER:
        raise GeoInputError("err.join_prefer", source="prefer", given=repr(prefer))
    if overlap not in OVERLAP_RULES:
        raise GeoInputError("err.join_overlap", source="overlap", given=repr(overlap),
                            rules=", ".join(OVERLAP_RULES))
    n = len(households)
    codes, polygons, polygon_code = _layer(villages)

    given = _string_column(households, "village_code")
    bridge = combined_bridge(bps_bridge, bridge_from_layer(villages))
    given, bps_note, bps_counts = _bridge_bps(households, given, bridge)
    source_row = (
        _float_column(households, "source_row", n)
        if "source_row" in households.columns else np.arange(1, n + 1, dtype=float)
    )
    problem = _string_column(households, "problem")
    code_note = _string_column(households, "code_note")
    invalid = problem.notna().to_numpy()
    duplicate, first_row = _duplicates(households, invalid, source_row)
    active = ~invalid & ~duplicate

    has_code = given.notna().to_numpy() | bps_note.notna().to_numpy()
    code_idx = code_index(given, codes)
    older = resolve(given, code_idx, codes, crosswalk=crosswalk, history=code_history)
    crosswalked = older.decided_by == CROSSWALK
    code_idx = np.where(crosswalked, -1, code_idx)  # the crosswalk wins over the layer's code
    via_successor = older.successor >= 0
    claim = np.where(via_successor, older.successor, code_idx)

    x = _float_column(households, "longitude", n)
    y = _float_column(households, "latitude", n)
    point_given = np.isfinite(x) & np.isfinite(y)
    has_point = point_given & (len(polygons) > 0)  # no polygons: a point cannot be placed
    located = np.full(n, -1, dtype=np.int64)
    claim_holds = np.zeros(n, dtype=bool)
    several = np.zeros(n, dtype=bool)
    todo = np.nonzero(active & has_point)[0]
    if len(todo) and len(polygons):
        px, py = _to_layer_crs(x[todo], y[todo], villages)
        priority = _overlap_priority(overlap, codes, polygons, polygon_code, villages)
        located[todo], claim_holds[todo], several[todo] = _locate(
            px, py, claim[todo], polygons, polygon_code, priority)

    known = claim >= 0
    in_village = located >= 0
    disagree = active & known & has_point & ~claim_holds
    by_candidate = np.zeros(n, dtype=bool)  # a split: the point lies in one of the candidates
    hit = located[older.candidate_row] == older.candidate_code
    by_candidate[older.candidate_row[hit]] = True
    by_candidate &= active & ~known
    conditions = [
        invalid,
        duplicate,
        disagree,
        active & known & ~via_successor,
        active & known,
        active & by_candidate,
        active & in_village,
        active & has_code,
        active & has_point,
    ]
    choices = [
        "invalid",
        "duplicate_household",
        "matched_code_location_disagree",
        "matched_code",
        "matched_successor_code",
        "matched_successor_code",
        "matched_location",
        "unknown_code",
        "outside_villages",
    ]
    outcome = np.select(
        conditions, [_CODE[c] for c in choices], default=_CODE["no_code_no_location"]
    ).astype(np.int8)

    by_code = np.isin(outcome, [_CODE["matched_code"], _CODE["matched_code_location_disagree"],
                                _CODE["matched_successor_code"]])
    use_location = disagree & in_village & (prefer == "location")
    by_location = (outcome == _CODE["matched_location"]) | use_location | by_candidate
    assigned = np.where(by_location, located, np.where(by_code, claim, -1))
    explained = None  # what the tables say of codes the layer lacks (None: no such code)
    if older.explanation.notna().any() or bps_note.notna().any() or older.note.notna().any():
        explained = reason_parts(older.explanation.fillna(bps_note), older.note)
    reason = _reasons(outcome, problem, given, codes, located, first_row, has_point, prefer,
                      code_note, point_given & ~has_point, explained, by_candidate, claim)

    joined = households.copy(deep=False)
    joined["village_code"] = pd.Series(_take(codes, assigned), index=households.index)
    joined["village_code_given"] = given
    joined["outcome"] = pd.Categorical.from_codes(outcome, categories=OUTCOMES)
    joined["reason"] = reason
    successor_rows = outcome == _CODE["matched_successor_code"]
    decided = np.where(by_candidate[successor_rows], LOCATION,
                       older.decided_by[successor_rows]).astype(object)
    labels, which = np.unique(decided.astype(str), return_inverse=True)
    via_index = np.full(n, -1, dtype=np.int64)
    via_index[successor_rows] = which
    joined["village_code_via"] = _take(labels.astype(object), via_index)
    recon = _reconciliation(outcome, source_row, reason, given, prefer)
    settled = active & has_point & several
    by_claim = settled & claim_holds
    counts = {
        "overlap": overlap,
        "overlaps": _nonzero({"points_in_several": int(settled.sum()),
                              "decided_by_code": int(by_claim.sum()),
                              "decided_by_rule": int((settled & ~by_claim).sum())}),
        "successors": _tally(decided),
        "code_status": _tally(older.status[active & (code_idx < 0) & ~crosswalked]),
        "bps_codes": bps_counts,
        "crosswalk": crosswalk.source if crosswalk is not None else None,
        "bps_bridge": bridge.source if bridge is not None and bps_counts else None,
    }
    return joined, replace(recon, **counts)


def code_index(values: pd.Series, codes) -> np.ndarray:
    """Position of each value in ``codes`` (unique strings), ``-1`` when missing or absent.

    Arrow's hash lookup: about ten times faster than ``pd.Index.get_indexer`` on a million codes.
    """
    array = pa.array(pd.Series(values, copy=False).astype("string").array)
    found = pc.index_in(array, value_set=pa.array(list(codes), type=array.type))
    return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype(np.int64)


def rejected_rows(joined: pd.DataFrame) -> pd.DataFrame:
    """One row per input row that was not used: ``source_row``, ``outcome``, ``reason``.

    Safe to offer for download: no household id, name, address or coordinate.
    """
    used = joined["outcome"].isin(MATCHED).to_numpy()
    out = joined.loc[~used, ["source_row", "outcome", "reason"]].copy()
    out["outcome"] = out["outcome"].astype("string")
    return out.reset_index(drop=True)


def _layer(villages) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted unique village codes, the usable polygons, and each polygon's index in the codes."""
    if "village_code" not in villages.columns:
        raise GeoInputError("err.join_no_village_code", source="village_code")
    code = villages["village_code"].astype("string")
    codes = np.array(sorted(code.dropna().unique().tolist()), dtype=object)
    if not isinstance(villages, gpd.GeoDataFrame) or villages.active_geometry_name is None:
        return codes, np.empty(0, dtype=object), np.empty(0, dtype=np.int64)
    geoms = villages.geometry.to_numpy()
    usable = code.notna().to_numpy() & ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    polygon_code = code_index(code[usable], codes)
    return codes, geoms[usable], polygon_code.astype(np.int64)


def _locate(x, y, claim, polygons, polygon_code, priority=None
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Village index of each point (-1 if none), whether the point lies in (or on the border
    of) the village its code claims, and whether it lies in two or more villages.

    ``priority[code index]``: lower wins when a point is in several villages (default the
    code's own index: the smallest code)."""
    point_i, polygon_i = points_in_polygons(x, y, polygons)
    best = np.full(len(x), _NONE, dtype=np.int64)
    holds = np.zeros(len(x), dtype=bool)
    hits = np.zeros(len(x), dtype=np.int64)
    if priority is None:
        priority = np.arange(int(polygon_code.max()) + 1 if len(polygon_code) else 0)
    by_priority = np.empty(len(priority), dtype=np.int64)
    by_priority[priority] = np.arange(len(priority))
    if len(point_i):
        village = polygon_code[polygon_i]
        np.minimum.at(best, point_i, priority[village])
        hits = np.bincount(point_i, minlength=len(x))
        holds[point_i[claim[point_i] == village]] = True
    found = best != _NONE
    located = np.full(len(x), -1, dtype=np.int64)
    located[found] = by_priority[best[found]]
    return located, holds, hits > 1


def _overlap_priority(rule: str, codes, polygons, polygon_code, villages) -> np.ndarray:
    """Rank of each code (0 wins) for a point in several villages, under ``rule``."""
    n = len(codes)
    position = np.arange(n)
    if rule == "smallest_code":
        return position
    if rule == "largest_polygon":
        from geo.common.crs import metric_crs

        metric = metric_crs(villages)
        area = np.zeros(n)
        projected = gpd.GeoSeries(polygons, crs=villages.crs).to_crs(metric)
        np.maximum.at(area, polygon_code, projected.area.to_numpy())
        order = np.lexsort((position, -area))  # largest first, then the smaller code
    else:  # newer_code: first listed in a later edition, then the higher code
        from geo.reference.history import first_listed

        year = first_listed(pd.Series(codes, dtype="string")).fillna(0).to_numpy(dtype=np.int64)
        order = np.lexsort((-position, -year))
    priority = np.empty(n, dtype=np.int64)
    priority[order] = position
    return priority


def _to_layer_crs(x, y, villages) -> tuple[np.ndarray, np.ndarray]:
    crs = getattr(villages, "crs", None)
    if crs is None or crs.equals("EPSG:4326", ignore_axis_order=True):
        return x, y
    from pyproj import Transformer

    return Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(x, y)


def _duplicates(households, invalid, source_row) -> tuple[np.ndarray, np.ndarray]:
    """Later valid repeats of a household_id, and the source row of the kept first one."""
    n = len(households)
    duplicate = np.zeros(n, dtype=bool)
    first_row = np.full(n, np.nan)
    if "household_id" not in households.columns:
        return duplicate, first_row
    hid = households["household_id"].astype("string")
    candidates = np.nonzero(~invalid & hid.notna().to_numpy())[0]
    if not len(candidates):
        return duplicate, first_row
    # factorize numbers the ids in order of first appearance, so the first row of id c is
    # where the running maximum of the numbers reaches c (one hash pass, no reindex)
    number, _ = pd.factorize(hid.iloc[candidates])
    first = np.searchsorted(np.maximum.accumulate(number), np.arange(number.max() + 1))
    repeat = np.ones(len(number), dtype=bool)
    repeat[first] = False
    if repeat.any():
        duplicate[candidates[repeat]] = True
        first_row[candidates[repeat]] = source_row[candidates[first[number[repeat]]]]
    return duplicate, first_row


def _reasons(outcome, problem, given, codes, located, first_row, has_point, prefer, code_note,
             point_unused, explained, by_candidate, claim) -> pd.Series:
    """A short, personal-data-free reason per row (``<NA>`` for a clean match).

    Texts are built only for the rows that need them, so a clean 1M-row join pays nothing.
    ``point_unused``: coordinates given but the layer has no polygons to place them.
    """
    rows, texts = [], []
    code = given

    def put(mask, make):
        if mask.any():
            where = np.nonzero(mask)[0]
            made = make(mask).to_numpy(dtype=object, na_value=None) if callable(make) else None
            rows.append(where)
            texts.append(made if made is not None else np.full(len(where), make, dtype=object))

    def unknown(m):  # what the tables say of the code, else that it is not in the layer
        plain = encode_rows("join.unknown_code", code=code[m])
        return explained[m].fillna(plain) if explained is not None else plain

    def successor(m):
        text = explained[m]
        picked = m & by_candidate
        if picked.any():
            where = pd.Series(codes[located[picked]], index=given.index[picked], dtype="string")
            text = text.copy()
            text[picked[m]] = (text[picked[m]] + then
                               + encode_rows("older.by_location", located=where).to_numpy())
        return text

    def first(m):
        return encode_rows("join.duplicate", row=pd.Series(
            first_row[m], index=given.index[m]).astype("Int64").astype("string"))

    def claimed(m):  # the code the row claims: its own, or its successor's
        return pd.Series(codes[claim[m]], index=given.index[m], dtype="string")

    def lies_in(m):
        where = pd.Series(codes[located[m]], index=given.index[m], dtype="string")
        return encode_rows("join.disagree", code=claimed(m), located=where,
                           used=Message(f"join.used_{prefer}"))

    def is_(name):
        return outcome == _CODE[name]

    noted = code_note.notna().to_numpy()

    def note(m):
        return code_note[m]

    then = SEPARATOR  # messages of one reason follow each other (geo.common.messages)
    put(is_("invalid"), lambda m: problem[m])
    put(is_("duplicate_household"), first)
    put(is_("matched_successor_code"), successor)
    put(is_("unknown_code") & ~has_point, unknown)
    put(is_("unknown_code") & has_point,
        lambda m: unknown(m) + then + encode("join.outside_too"))
    put(is_("matched_location") & code.notna().to_numpy(),
        lambda m: unknown(m) + then + encode("join.by_location"))
    put(is_("matched_location") & noted, lambda m: note(m) + then + encode("join.by_location"))
    put(is_("outside_villages") & ~noted, encode("join.no_code_outside"))
    put(is_("outside_villages") & noted,
        lambda m: note(m) + then + encode("join.outside_too"))
    no_place = is_("no_code_no_location")
    unused = encode("join.points_unused")
    put(no_place & ~noted & ~point_unused, encode("row.no_location"))
    put(no_place & ~noted & point_unused, encode("join.no_code") + then + unused)
    put(no_place & noted & ~point_unused, lambda m: note(m) + then + encode("join.no_coordinates"))
    put(no_place & noted & point_unused, lambda m: note(m) + then + unused)
    disagree = is_("matched_code_location_disagree")
    older = (explained.notna().to_numpy() if explained is not None  # a successor's claim
             else np.zeros(len(outcome), dtype=bool))

    def after(make):
        return lambda m: (explained[m] + then + make(m)).fillna(make(m))

    put(disagree & (located < 0) & ~older,
        lambda m: encode_rows("join.disagree_outside", code=code[m]))
    put(disagree & (located < 0) & older,
        after(lambda m: encode_rows("join.disagree_outside", code=claimed(m))))
    put(disagree & (located >= 0) & ~older, lies_in)
    put(disagree & (located >= 0) & older, after(lies_in))
    index = np.full(len(outcome), -1, dtype=np.int64)
    if rows:
        index[np.concatenate(rows)] = np.arange(sum(len(r) for r in rows))
    reasons = pd.Series(_take(np.concatenate(texts) if texts else [], index), index=given.index)
    return mask_id_numbers(reasons) if rows else reasons


def _reconciliation(outcome, source_row, reason, given, prefer) -> Reconciliation:
    counts = np.bincount(outcome, minlength=len(OUTCOMES))
    examples: dict[str, list[dict]] = {}
    for name in PROBLEMS:
        rows = np.nonzero(outcome == _CODE[name])[0][:MAX_EXAMPLES]
        examples[name] = [
            {
                "source_row": None if np.isnan(source_row[i]) else int(source_row[i]),
                "reason": None if pd.isna(reason.iloc[i]) else str(reason.iloc[i]),
                "village_code": (None if pd.isna(given.iloc[i])
                                 else str(mask_id_numbers([given.iloc[i]]).iloc[0])),
            }
            for i in rows
        ]
    return Reconciliation(
        rows_in=len(outcome),
        outcomes={name: int(counts[i]) for i, name in enumerate(OUTCOMES)},
        examples=examples,
        prefer=prefer,
    )


def _take(codes: np.ndarray, index: np.ndarray) -> pd.arrays.ArrowStringArray:
    """``codes[index]`` as a string array, ``<NA>`` where ``index`` is -1 (Arrow take: no
    million-element Python object array on the way)."""
    taken = pa.array(list(codes), type=pa.large_string()).take(pa.array(index, mask=index < 0))
    return pd.arrays.ArrowStringArray(taken)


def _string_column(df: pd.DataFrame, name: str) -> pd.Series:
    """A string column with empty text as ``<NA>``; all ``<NA>`` when the column is absent."""
    if name not in df.columns:
        return pd.Series(pd.NA, index=df.index, dtype="string")
    column = df[name].astype("string")
    return column.mask((column == "").fillna(False).astype(bool), pd.NA)


def _float_column(df: pd.DataFrame, name: str, n: int) -> np.ndarray:
    if name not in df.columns:
        return np.full(n, np.nan)
    return pd.to_numeric(df[name], errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def _bridge_bps(households, given: pd.Series, bridge: BpsBridge | None):
    """Rows without a Kemendagri code but with a BPS code get the bridged code; returns the
    codes, a note for BPS codes the bridge lacks (or with no bridge at all), and the counts."""
    from geo.common.codes import normalise_bps_code

    none = pd.Series(pd.NA, index=given.index, dtype="string")
    if "village_code_bps" not in households.columns:
        return given, none, {}
    raw = households["village_code_bps"]
    wanted = (given.isna() & raw.notna()).to_numpy()  # only these rows need their BPS code
    bps = pd.Series(pd.NA, index=given.index, dtype="string")
    if wanted.any():
        bps[wanted] = normalise_bps_code(raw[wanted]).to_numpy()
        wanted = wanted & bps.notna().to_numpy()
    if not wanted.any():
        return given, none, {}
    mapped = (bridge.mapping().reindex(bps[wanted].to_numpy()).to_numpy()
              if bridge is not None else np.full(int(wanted.sum()), pd.NA, dtype=object))
    given = given.copy()
    given[wanted] = mapped
    lost = wanted & given.isna().to_numpy()
    note = none.copy()
    if lost.any():
        note[lost] = (encode_rows("older.bps_not_in_bridge", code=bps[lost], source=bridge.source)
                      if bridge is not None else encode_rows("older.bps_no_bridge", code=bps[lost]))
    return given, note, {"bridged": int((wanted & ~lost).sum()), "not_in_bridge": int(lost.sum())}


def _tally(labels: np.ndarray) -> dict[str, int]:
    """Counts of the non-empty labels, in label order."""
    kept = pd.Series(labels, dtype="object").dropna()
    return {str(k): int(v) for k, v in kept.value_counts().sort_index().items()}


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return counts if any(counts.values()) else {}
