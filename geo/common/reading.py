"""Errors of the input libraries as one line naming the file (issue 18).

csv, GDAL (pyogrio, fiona), GEOS (shapely), pyarrow, openpyxl and numpy raise their own types
with texts that may quote a cell (pyarrow's "CSV parse error ... got 3 columns: <the row>") or a
temporary path. While a named file is read, :func:`reading` turns such an exception into a
:class:`~geo.common.errors.GeoInputError` naming the file and the kind of failure, never the
library's text; the detail goes to the debug log without the text either (``PPM_LOG=DEBUG``).
"""

from __future__ import annotations

import csv
import logging
import struct
import zipfile
from contextlib import contextmanager
from pathlib import Path

from geo.common.errors import GeoInputError
from geo.common.safe_text import safe_file_name

log = logging.getLogger(__name__)


def library_errors() -> tuple[type[BaseException], ...]:
    """The exception types of the libraries that parse input (imported lazily)."""
    errors: list[type[BaseException]] = [csv.Error, UnicodeError, OverflowError, struct.error,
                                         zipfile.BadZipFile, EOFError]
    try:
        import shapely.errors

        errors.append(shapely.errors.ShapelyError)
    except ImportError:  # pragma: no cover - shapely is a dependency
        pass
    try:
        import pyarrow

        errors.append(pyarrow.ArrowException)
    except ImportError:  # pragma: no cover
        pass
    try:
        import pyogrio.errors

        errors.append(pyogrio.errors.DataSourceError)
        errors.append(pyogrio.errors.DataLayerError)
        errors.append(pyogrio.errors.GeometryError)
        errors.append(pyogrio.errors.FieldError)
    except (ImportError, AttributeError):  # pragma: no cover
        pass
    return tuple(errors)


def failure_kind(exc: BaseException) -> str:
    """The library and exception type (``csv.Error``, ``pyarrow.ArrowInvalid``): what failed,
    without the text, which may quote a cell or a temporary path."""
    module = type(exc).__module__.split(".")[0].lstrip("_")
    name = type(exc).__name__
    return name if module == "builtins" else f"{module}.{name}"


@contextmanager
def reading(path, *, what: str = "input"):
    """Inside this block, an input library's exception becomes a one-line GeoInputError naming
    ``path`` (its own name, or a description when the name looks personal)."""
    try:
        yield
    except GeoInputError:
        raise
    except library_errors() as exc:
        name = safe_file_name(Path(str(path)).name, role=what)
        log.debug("reading %s failed in %s", name, failure_kind(exc))
        raise GeoInputError("err.input_library", source=name, kind=failure_kind(exc)) from exc
