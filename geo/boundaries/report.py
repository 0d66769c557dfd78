"""The boundary report: what reading a village layer repaired, merged or rejected, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from geo.common.contracts import fields_dict, known_fields


@dataclass(frozen=True)
class BoundaryReport:
    """Returned by :func:`geo.boundaries.read.read_villages` beside the village layer.

    Attributes
    ----------
    sources : file names read, in order.
    features_in, features_out : features read, and villages in the canonical layer.
    rejected : ``{source, row, village_code, village_name, reason[, line]}`` per rejected row.
    islands_fixed : polygons whose holes were islands of another village (per source).
    warnings : texts or :class:`geo.i18n.Message` items (render with :func:`geo.i18n.render`).
    per_source : file name -> what was found in it (format, layer, schema, columns, features).
    empty : rows with an empty geometry.
    repaired : invalid geometries repaired (problem, area before and after in m²).
    duplicates : codes found more than once and what was done with them.
    merged_duplicates : rows dropped or merged into another row of the same code.
    kelurahan, desa, desa_adat : villages of each type (from the code).
    metric_crs : the CRS in which areas and distances were measured.
    overlaps : overlapping pairs, worst first (at most 100 listed).
    overlaps_total : ``{pairs, area_m2}`` over all overlaps, None without quality checks.
    gaps : holes in the union of all villages, None without quality checks.
    quality_checked : overlaps and gaps were computed.
    names_filled : per parent name column (``district_name``, ``regency_name``,
        ``province_name``), names the source lacked and the Kemendagri 2025 table gave.
    names_unknown : per parent name column, names still empty (code not in the 2025 table).
    cache : ``"hit"`` or ``"miss"`` when read through :mod:`geo.boundaries.cache`, else None.
    """

    sources: tuple[str, ...] = ()
    features_in: int = 0
    rejected: tuple[dict, ...] = ()
    islands_fixed: tuple = ()
    warnings: tuple[object, ...] = ()
    per_source: Mapping[str, dict] = field(default_factory=dict)
    empty: tuple[dict, ...] = ()
    repaired: tuple[dict, ...] = ()
    duplicates: tuple[dict, ...] = ()
    features_out: int = 0
    merged_duplicates: int = 0
    kelurahan: int = 0
    desa: int = 0
    desa_adat: int = 0
    metric_crs: str | None = None
    overlaps: tuple[dict, ...] = ()
    overlaps_total: dict | None = None
    gaps: dict | None = None
    quality_checked: bool = False
    names_filled: Mapping[str, int] = field(default_factory=dict)
    names_unknown: Mapping[str, int] = field(default_factory=dict)
    cache: str | None = None

    def to_dict(self) -> dict:
        """JSON-ready, with the keys of the ``--report`` file (``cache`` only when cached)."""
        return fields_dict(self, skip_none=("cache",))

    @classmethod
    def from_dict(cls, data: Mapping) -> BoundaryReport:
        """The report back from :meth:`to_dict` (unknown keys ignored)."""
        return cls(**known_fields(cls, data))

    def with_cache(self, state: str) -> BoundaryReport:
        return replace(self, cache=state)
