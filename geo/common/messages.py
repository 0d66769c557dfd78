"""Messages stored in table cells: a compact, readable serialisation of :class:`geo.i18n.Message`.

Row problems (``problem``, ``code_note`` of the household table), reconciliation reasons and
``focus_reason`` are columns of plain strings, so that tables stay simple (CSV, Parquet,
GeoPackage all hold them). Each cell holds one or more messages joined by ``"; "``; one message
is its catalogue code, followed by its parameters as a JSON object when it has any::

    focus.top_n{"n": 10}; focus.best_in_district{"district": "Blimbing"}

:func:`render_cell` turns such a cell into the reader's language. A cell that is not in this
form (an old saved result, a text typed by a person) comes back unchanged, so rendering never
loses text. Parameters describe cells (``a 16-digit number, like a NIK``), never quote them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from geo.i18n import DEFAULT_LANGUAGE, Message, has_text, render

SEPARATOR = "; "
_CODE = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")
_DECODER = json.JSONDecoder()


def encode(message: Message | str, /, **params) -> str:
    """One message as cell text: ``code`` or ``code{"name": value, ...}``.

    Nested :class:`Message` parameters are stored as their encoded text under a ``{"msg": ...}``
    object so that they are rendered in the same language.
    """
    if isinstance(message, str):
        message = Message(message, params)
    elif params:
        message = Message(message.code, {**message.params, **params})
    if not message.params:
        return message.code
    stored = {name: ({"msg": encode(value)} if isinstance(value, Message) else _plain(value))
              for name, value in message.params.items()}
    return message.code + json.dumps(stored, ensure_ascii=False, separators=(", ", ": "))


def join(parts: Iterable[str | None]) -> str | None:
    """Encoded messages joined into one cell; ``None`` when there are none."""
    kept = [p for p in parts if p]
    return SEPARATOR.join(kept) if kept else None


def decode(cell: str) -> list[Message | str]:
    """The parts of a cell: a :class:`Message` for each encoded part, the text of any other part.

    Plain parts (an old saved result, a text typed by a person) are kept as written, so
    ``render_cell`` of a cell without any code gives the cell back unchanged.
    """
    if not isinstance(cell, str) or not cell:
        return []
    parts: list[Message | str] = []
    pos = 0
    while pos <= len(cell):
        message, end = _message_at(cell, pos)
        if message is None or not (end == len(cell) or cell.startswith(SEPARATOR, end)):
            end = cell.find(SEPARATOR, pos)
            end = len(cell) if end < 0 else end
            message = cell[pos:end]
        parts.append(message)
        if end >= len(cell):
            break
        pos = end + len(SEPARATOR)
    return parts


def _message_at(cell: str, pos: int) -> tuple[Message | None, int]:
    found = _CODE.match(cell, pos)
    if found is None or not has_text(found.group()):
        return None, pos
    code, end = found.group(), found.end()
    params = {}
    if end < len(cell) and cell[end] == "{":
        try:
            params, end = _DECODER.raw_decode(cell, end)
        except json.JSONDecodeError:
            return None, pos
        if not isinstance(params, dict):
            return None, pos
        params = {name: _nested(value) for name, value in params.items()}
    return Message(code, params), end


def render_cell(cell, lang: str = DEFAULT_LANGUAGE):
    """A cell of encoded messages in ``lang`` (parts joined by ``"; "``); other values unchanged."""
    if not isinstance(cell, str) or not _CODE.search(cell):
        return cell
    return SEPARATOR.join(render(part, lang) for part in decode(cell))


def render_column(cells, lang: str = DEFAULT_LANGUAGE):
    """A Series of cells rendered in ``lang``, each distinct cell once (missing values kept)."""
    import pandas as pd

    cells = pd.Series(cells, copy=False)
    return cells.map(lambda c: render_cell(c, lang), na_action="ignore").astype(cells.dtype)


def _plain(value):
    """A JSON-safe parameter: numpy scalars become Python numbers."""
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):
        return value.item()
    return value


def _nested(value):
    if isinstance(value, dict) and set(value) == {"msg"}:
        inner = decode(value["msg"])
        if len(inner) == 1 and isinstance(inner[0], Message):
            return inner[0]
    return value


class Nested:
    """A Series of encoded messages passed to :func:`encode_rows` as one parameter: each row's
    message is rendered inside the outer one, in the same language."""

    def __init__(self, cells):
        self.cells = cells


def encode_rows(code: str, /, **params):
    """One encoded message per row, vectorised: ``params`` are scalars or pandas Series.

    Series parameters are stored as text (a :class:`Nested` Series as messages); a row where
    any of them is missing gives ``<NA>``.
    For the row-level columns of large tables (a million households), where building one
    :class:`Message` per row would cost more than the check itself.
    """
    import pandas as pd

    series = {name: (value.cells if isinstance(value, Nested) else value)
              for name, value in params.items() if isinstance(value, (pd.Series, Nested))}
    if not series:
        raise ValueError("encode_rows needs at least one Series parameter")
    index = next(iter(series.values())).index
    out = pd.Series(code + "{", index=index, dtype="string")
    for k, (name, value) in enumerate(params.items()):
        nested = isinstance(value, Nested)
        if nested:
            value = value.cells
        if name in series or nested:
            text = value.astype("string")
            text = ('"' + text.str.replace("\\", "\\\\", regex=False)
                    .str.replace('"', '\\"', regex=False)
                    .str.replace(r"[\x00-\x1f]", " ", regex=True) + '"')
            if nested:
                text = '{"msg": ' + text + "}"
        elif isinstance(value, Message):
            text = json.dumps({"msg": encode(value)}, ensure_ascii=False)
        else:
            text = json.dumps(_plain(value), ensure_ascii=False)
        out = out + ("" if k == 0 else ", ") + json.dumps(name) + ": " + text
    return (out + "}").astype("string")


#: Columns whose cells are encoded messages (row problems, join reasons, focus reasons).
MESSAGE_COLUMNS = ("problem", "code_note", "reason", "focus_reason", "decision_change")


def render_columns(frame, lang: str = DEFAULT_LANGUAGE):
    """A copy of ``frame`` with every :data:`MESSAGE_COLUMNS` column rendered in ``lang``.

    For what leaves the program: CSV/XLSX downloads in the reader's language, GIS layers in
    English (see ``docs/exports.md``). A frame without such columns is returned as it is.
    """
    present = [c for c in MESSAGE_COLUMNS if c in getattr(frame, "columns", ())]
    if not present:
        return frame
    out = frame.copy()
    for column in present:
        out[column] = render_column(out[column], lang)
    return out


def render_nested(value, lang: str = DEFAULT_LANGUAGE):
    """Lists and dicts (a boundary report, reconciliation examples) with every encoded
    message among their strings rendered in ``lang``; other values unchanged."""
    if isinstance(value, str):
        return render_cell(value, lang)
    if isinstance(value, dict):
        return {key: render_nested(item, lang) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [render_nested(item, lang) for item in value]
    return value
