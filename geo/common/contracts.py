"""Helpers shared by the typed stage results (reports, reconciliation, method, pockets).

Each stage returns a frozen dataclass with named fields; its ``to_dict()`` gives the plain,
JSON-ready form that files record (``reconciliation.json``, ``--report`` files, the method
table). :func:`plain` does that conversion once for all of them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

import numpy as np


def plain(value):
    """``value`` as JSON-ready Python: tuples become lists, typed parts their ``to_dict()``,
    numpy scalars Python numbers, and a message (anything with ``render``) its English text."""
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    if isinstance(value, np.generic):
        return value.item()
    if hasattr(value, "render") and hasattr(value, "code"):  # geo.i18n.Message
        return str(value)
    if hasattr(value, "to_dict") and dataclasses.is_dataclass(value):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k) if not isinstance(k, str) else k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def fields_dict(obj, *, skip_none: tuple[str, ...] = ()) -> dict:
    """The fields of a dataclass in declaration order as :func:`plain` values; the fields
    named in ``skip_none`` are left out when they are None (keys a file did not have)."""
    out = {}
    for f in dataclasses.fields(obj):
        if f.name.startswith("_"):
            continue
        value = getattr(obj, f.name)
        if value is None and f.name in skip_none:
            continue
        out[f.name] = plain(value)
    return out


def known_fields(cls, data: Mapping) -> dict:
    """The entries of ``data`` that are fields of ``cls``, sequences as tuples."""
    names = {f.name for f in dataclasses.fields(cls)}
    return {k: tuple(v) if isinstance(v, list) else v for k, v in data.items() if k in names}
