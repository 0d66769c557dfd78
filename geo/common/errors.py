"""The one exception type for problems a user caused (bad file, wrong column, unknown code).

The CLI prints its message and exits 2; the app shows it with ``st.error``. Anything else
that escapes is a bug in this project, not the user's fault.
"""


class GeoInputError(Exception):
    """Input a user can fix: the message names the file, row or column and says what to do."""

    def __init__(self, message: str, *, source: str | None = None):
        self.source = source
        super().__init__(f"{source}: {message}" if source else message)
