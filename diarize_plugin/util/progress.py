"""Progress bars on stderr for long work; silent for short inputs and for library use."""

from __future__ import annotations

import sys
from contextlib import contextmanager
from typing import Iterator, Protocol

#: inputs shorter than this, in seconds, get no progress bar
PROGRESS_MIN_DURATION_S = 60.0


class ProgressBar(Protocol):
    def update(self, count: int = 1) -> None: ...


class ProgressFactory(Protocol):
    def __call__(self, total: int, duration_s: float, description: str) -> "contextmanager[ProgressBar]": ...


class _Silent:
    def update(self, count: int = 1) -> None:
        pass


@contextmanager
def no_progress(total: int, duration_s: float = 0.0, description: str = "") -> Iterator[ProgressBar]:
    """A progress bar that shows nothing (the library default)."""
    yield _Silent()


@contextmanager
def stderr_progress(total: int, duration_s: float = 0.0, description: str = "") -> Iterator[ProgressBar]:
    """A tqdm bar on stderr when the audio lasts more than a minute, else nothing."""
    if duration_s < PROGRESS_MIN_DURATION_S or total <= 1:
        yield _Silent()
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=description, unit="win", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
        yield bar
