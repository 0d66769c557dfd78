"""The one exception type for problems a user caused (bad file, wrong column, unknown code).

The CLI prints its message and exits 2; the app shows it with ``st.error``. Anything else
that escapes is a bug in this project, not the user's fault.

The message is data: a :class:`geo.i18n.Message` (a catalogue code such as ``err.decision_title``
and its parameters), rendered late in the reader's language with :meth:`GeoInputError.render`.
``str(exc)`` is the English text, so logs and tests read as before. A plain string is still
accepted (it is shown as written in every language) while the last raise sites move over.
"""

from __future__ import annotations

from geo.i18n import DEFAULT_LANGUAGE, Message, render, t


class GeoInputError(Exception):
    """Input a user can fix: the message names the file, row or column and says what to do.

    Parameters
    ----------
    message : a catalogue code (``"err.decision_title"``), a :class:`~geo.i18n.Message`, or (during
        the migration) an English sentence. A code takes its parameters from ``params``.
    source : the file, column or key the problem is in (or a :class:`~geo.i18n.Message` naming
        it, e.g. "the boundary column mapping"); shown before the message.
    **params : the message's parameters (numbers, codes, file and column names; never a
        personal value).

    Examples
    --------
    >>> exc = GeoInputError("err.hh_desil_empty", source="hh.csv", column="DESIL")
    >>> exc.render("id")
    "hh.csv: kolom 'DESIL' (desil) kosong di semua baris"
    >>> str(exc)
    "hh.csv: column 'DESIL' (desil) is empty in every row"
    """

    def __init__(self, message: str | Message, /, *, source: str | Message | None = None,
                 **params):
        if isinstance(message, Message):
            if params:
                message = Message(message.code, {**message.params, **params})
        elif params or _is_code(message):
            message = Message(message, params)
        self.message = message
        self.source = source
        super().__init__(self.render("en"))

    def __reduce__(self):  # pickled across processes (Dask workers) with its code and source
        return _rebuild, (self.message, self.source)

    @property
    def code(self) -> str | None:
        """The catalogue code of the message, ``None`` for a plain-text message."""
        return self.message.code if isinstance(self.message, Message) else None

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The whole message (``source: text``) in ``lang``."""
        text = self.message.render(lang) if isinstance(self.message, Message) else str(self.message)
        if not self.source:
            return text
        return t("err.with_source", lang, source=render(self.source, lang), text=text)


def _rebuild(message, source) -> GeoInputError:
    return GeoInputError(message, source=source)


def _is_code(text: str) -> bool:
    """Whether ``text`` is a catalogue id (``err.xxx``) rather than a sentence."""
    from geo.i18n import has_text

    return isinstance(text, str) and " " not in text and has_text(text)


def joined(parts) -> Message | str:
    """Several messages (or texts) as one, joined by ``"; "``, still rendered per language."""
    parts = list(parts)
    if not parts:
        return ""
    out = parts[-1]
    for part in reversed(parts[:-1]):
        out = Message("err.list_pair", {"first": part, "rest": out})
    return out
