"""Speaker turns indexed for fast questions about time intervals.

Each speaker's speech is kept as sorted, disjoint intervals with cumulative durations, so the
time a speaker talks inside any interval is two binary searches. Asking for N intervals at
once costs O(N · speakers · log turns) in numpy, not a Python loop over words × turns.
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation


class SpeakerTurns:
    """The turns of every speaker of ``annotation``; labels sorted for deterministic ties."""

    def __init__(self, annotation: Annotation) -> None:
        labels = sorted(annotation.labels(), key=str)
        self.labels: tuple[str, ...] = tuple(str(label) for label in labels)
        self._starts: list[np.ndarray] = []
        self._ends: list[np.ndarray] = []
        self._cumulative_s: list[np.ndarray] = []
        for label in labels:
            # Overlapping turns of one speaker must count once: merge them first.
            support = list(annotation.label_timeline(label, copy=False).support())
            starts = np.array([turn.start for turn in support], dtype=np.float64)
            ends = np.array([turn.end for turn in support], dtype=np.float64)
            self._starts.append(starts)
            self._ends.append(ends)
            self._cumulative_s.append(np.cumsum(ends - starts))
        self.end_s: float = max((float(ends[-1]) for ends in self._ends if len(ends)), default=0.0)

    def __len__(self) -> int:
        return len(self.labels)

    def overlap_s(self, starts_s: np.ndarray, ends_s: np.ndarray) -> np.ndarray:
        """Seconds each speaker talks inside each interval: an ``(N, speakers)`` array.

        ``starts_s``/``ends_s``: ``(N,)`` interval bounds in seconds, ``starts_s <= ends_s``.
        """
        columns = [
            self._spoken_until(index, ends_s) - self._spoken_until(index, starts_s)
            for index in range(len(self.labels))
        ]
        return _stack(columns, len(starts_s))

    def gap_s(self, starts_s: np.ndarray, ends_s: np.ndarray) -> np.ndarray:
        """Seconds from each interval to the nearest turn of each speaker (0 when they touch or
        overlap; ``inf`` for a speaker without turns): an ``(N, speakers)`` array.
        """
        columns = []
        for starts, ends in zip(self._starts, self._ends):
            after = np.searchsorted(starts, starts_s, side="right")
            before = after - 1
            gap_before = np.where(before >= 0, starts_s - ends[np.maximum(before, 0)], np.inf)
            gap_after = np.where(
                after < len(starts), starts[np.minimum(after, len(starts) - 1)] - ends_s, np.inf
            )
            columns.append(np.maximum(np.minimum(gap_before, gap_after), 0.0))
        return _stack(columns, len(starts_s))

    def speakers_of(
        self, starts_s: np.ndarray, ends_s: np.ndarray, tolerance_s: float
    ) -> list[str | None]:
        """The speaker of each interval: whoever talks most inside it; failing any overlap, the
        nearest speaker no further than ``tolerance_s`` seconds away; otherwise ``None``.
        """
        count = len(starts_s)
        if not self.labels or count == 0:
            return [None] * count
        overlap = self.overlap_s(starts_s, ends_s)
        nearest = self.gap_s(starts_s, ends_s)
        by_overlap = np.argmax(overlap, axis=1)
        by_gap = np.argmin(nearest, axis=1)
        rows = np.arange(count)
        has_overlap = overlap[rows, by_overlap] > 0.0
        within = nearest[rows, by_gap] <= tolerance_s
        chosen = np.where(has_overlap, by_overlap, by_gap)
        found = (has_overlap | within).tolist()
        return [self.labels[index] if ok else None for index, ok in zip(chosen.tolist(), found)]

    def _spoken_until(self, index: int, times_s: np.ndarray) -> np.ndarray:
        """Seconds speaker ``index`` has talked between 0 and each of ``times_s``."""
        starts, ends, cumulative = self._starts[index], self._ends[index], self._cumulative_s[index]
        if len(starts) == 0:
            return np.zeros(len(times_s))
        begun = np.searchsorted(starts, times_s, side="right")
        last = np.maximum(begun - 1, 0)
        # Turns are disjoint, so only the last turn begun can still be running at ``time``.
        unfinished = np.maximum(ends[last] - times_s, 0.0)
        return np.where(begun > 0, cumulative[last] - unfinished, 0.0)


def _stack(columns: list[np.ndarray], count: int) -> np.ndarray:
    if not columns:
        return np.zeros((count, 0))
    return np.stack(columns, axis=1)
