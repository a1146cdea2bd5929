"""SIGTERM ends a run the way Ctrl-C does: the stack unwinds, so temporary files go.

By default SIGTERM (``kill``, a batch scheduler's time limit, ``docker stop``) ends Python at
once, leaving the decoded recording in ``$TMPDIR/diarize-*`` and any half-written output's
temporary file behind. Inside :func:`exit_on_terminate` it raises :class:`Terminated` instead,
and every ``finally`` and ``with`` block on the way out runs.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

#: exit status of a run ended by SIGTERM (128 + signal number, as a shell reports it)
EXIT_TERMINATED = 128 + signal.SIGTERM


class Terminated(BaseException):
    """Raised in the main thread when the process receives SIGTERM."""


def _raise_terminated(signum: int, frame: FrameType | None) -> None:
    raise Terminated()


@contextmanager
def exit_on_terminate() -> Iterator[None]:
    """While inside, SIGTERM raises :class:`Terminated` in the main thread; outside (or called
    from another thread, where Python cannot set handlers) nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
