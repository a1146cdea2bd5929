"""How many threads ONNX Runtime may use: an option, ``$DIARIZE_THREADS``, or the cores.

Light on purpose (no ONNX Runtime import), so that the command line checks the option before
any model loads.
"""

from __future__ import annotations

import os

from ..errors import DiarizeError

#: environment variable that sets the default number of threads
THREADS_ENV = "DIARIZE_THREADS"
#: most threads used by default: more rarely pays off for these small models
MAX_DEFAULT_THREADS = 8


def default_threads() -> int:
    """``$DIARIZE_THREADS`` when set, else the machine's cores (at most 8).

    Raises :class:`DiarizeError` when ``$DIARIZE_THREADS`` is set but not a whole number of
    at least 1.
    """
    configured = os.environ.get(THREADS_ENV, "").strip()
    if configured:
        if not configured.isdigit() or int(configured) < 1:
            raise DiarizeError(
                f"{THREADS_ENV}={configured!r} is not a number of threads; set it to a whole number of at "
                f"least 1, or unset it"
            )
        return int(configured)
    return max(1, min(MAX_DEFAULT_THREADS, os.cpu_count() or 1))


def resolve_threads(threads: int | None) -> int:
    """``threads`` when given (checked: a whole number of at least 1), else :func:`default_threads`."""
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise DiarizeError(f"threads must be a whole number of at least 1, not {threads!r} (--threads)")
    return threads
