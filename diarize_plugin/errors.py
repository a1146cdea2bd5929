"""The one exception type a user of the plugin can cause.

Every error that comes from the user's input (a file that cannot be read, an option out of
range, a model that is not installed) is raised as :class:`DiarizeError` with a message that
says what went wrong and what to do. The CLI prints that message as one line on stderr.
"""

from __future__ import annotations


class DiarizeError(Exception):
    """An error caused by the user's input, with a message that says what to do.

    ``exit_code`` is what the command-line tool exits with (2 unless a subclass says otherwise).
    """

    exit_code: int = 2
