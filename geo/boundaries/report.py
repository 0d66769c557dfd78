"""The boundary report: what reading a village layer repaired, merged or rejected, and why."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass, field, replace

from geo.common.contracts import fields_dict, known_fields

log = logging.getLogger(__name__)


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


class PendingReport:
    """The report of a layer whose overlap and gap checks may still be running, standing in
    for its :class:`BoundaryReport`.

    Why: the checks are most of a first read (about 8 CPU-seconds on Jawa Timur), and only the
    report needs them. ``rank`` writes its files while they run and commits them once they
    end (``analyse(wait_for_checks=False)``); the app shows the map first and lets them
    finish behind it (``analyse(defer_checks=True)``). Reading any field of the
    report (``report.overlaps``, ``report.to_dict()``) waits for the checks, starting them if
    they were deferred, and raises what they raised; :attr:`so_far` is the report without
    them, at once. Pickled or copied, it becomes the finished report.
    """

    def __init__(self, future: Future | None = None, report: BoundaryReport | None = None, *,
                 so_far: BoundaryReport | None = None,
                 start: Callable[[], Future] | None = None):
        self._future, self._report = future, report
        self._so_far, self._start = so_far, start
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start deferred checks (once; nothing when they run or ran already)."""
        with self._lock:
            if self._future is None and self._report is None and self._start is not None:
                self._future = self._start()

    @property
    def done(self) -> bool:
        """The checks are over (the report is final, or :meth:`result` raises at once)."""
        return self._report is not None or (self._future is not None and self._future.done())

    def result(self) -> BoundaryReport:
        """The finished report, waiting for the checks."""
        if self._report is None:
            self.start()
            self._report = self._future.result()
        return self._report

    @property
    def so_far(self) -> BoundaryReport:
        """What is known now, without waiting: the finished report once the checks ended
        well, else the report of the read without them (its warnings, repairs, rejections)."""
        if self._report is None and self.done and self._future.exception() is None:
            self._report = self._future.result()
        return self._report if self._report is not None else self._so_far

    def __getattr__(self, name: str):
        if name.startswith("_"):  # own attributes, and copy/pickle probes before __init__
            raise AttributeError(name)
        return getattr(self.result(), name)

    def __reduce__(self):
        return _finished, (self.result(),)

    def __enter__(self) -> PendingReport:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        """Leaving a ``with`` block on an error settles the checks (see :meth:`settle`)."""
        if isinstance(error, Exception):
            self.settle()

    def settle(self) -> None:
        """Wait for running checks (so their entry is stored) without raising what they
        raised: for a caller that fails for another reason, such as a bad household file.
        Deferred checks that never started are left alone."""
        if self._future is not None:
            try:
                self._future.result()
            except Exception:  # noqa: BLE001 - the caller's own error is the one to report
                log.debug("quality checks failed behind another error", exc_info=False)


def _finished(report: BoundaryReport) -> BoundaryReport:
    return report


def so_far(report: BoundaryReport | PendingReport) -> BoundaryReport:
    """The report as far as it is known now: for readers that must not wait for the checks
    (the overview's warnings come from the read itself)."""
    return report.so_far if isinstance(report, PendingReport) else report


def is_pending(report: BoundaryReport | PendingReport) -> bool:
    """True while the overlap and gap checks behind ``report`` are still to finish."""
    return isinstance(report, PendingReport) and not report.done


def final_report(report: BoundaryReport | PendingReport) -> BoundaryReport:
    """The finished report, waiting for checks still running (and raising what they raised)."""
    return report.result() if isinstance(report, PendingReport) else report
