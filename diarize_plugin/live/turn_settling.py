"""From settled frames to final turns that are never rewritten, and to provisional guesses.

A turn is reported as soon as its first frames settle, again (same id, later end) each time
more of it settles, and closed once its speaker has been silent for
:data:`~diarize_plugin.diarization.neural.SAME_SPEAKER_GAP_S` (a shorter pause belongs to the turn, as
offline). A second voice in overlapped frames is a turn of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ..segmentation.frame_runs import true_runs
from ..diarization.overlap import MIN_OVERLAP_S, SAME_SPEAKER_GAP_S
from ..segmentation.network import FRAME_DURATION_SAMPLES, FRAME_STEP_SAMPLES, SAMPLE_RATE
from ..diarization.turns import speaker_label
from .events import LiveEvent, LiveTurn

#: first sample of frame ``i``'s share of the time line, minus ``i * FRAME_STEP_SAMPLES``
#: (a frame stands for the step around the centre of its receptive field, as offline)
FRAME_OFFSET_SAMPLES = FRAME_DURATION_SAMPLES / 2 - FRAME_STEP_SAMPLES / 2


def frame_start_s(frame: int | np.ndarray) -> float | np.ndarray:
    """Where global frame ``frame``'s share of the time line starts, in seconds."""
    return (np.maximum(frame * FRAME_STEP_SAMPLES + FRAME_OFFSET_SAMPLES, 0)) / SAMPLE_RATE


@dataclass(frozen=True)
class LabelledFrames:
    """Global frames ``[start, start + len(speech))``: speech and overlap flags, the main
    speaker and the second one (speaker labels; -1 where none is known)."""

    start: int
    speech: np.ndarray
    overlap: np.ndarray
    first: np.ndarray
    second: np.ndarray

    def runs(self) -> list[tuple[float, float, int]]:
        """``(start_s, end_s, label)`` of every run of one speaker, main voices and second
        voices (these at least :data:`MIN_OVERLAP_S` long), in time order."""
        found: list[tuple[float, float, int]] = []
        main = np.where(self.speech, self.first, -1)
        extra = np.where(self.overlap & (self.second != self.first), self.second, -1)
        for labels, shortest_s in ((main, 0.0), (extra, MIN_OVERLAP_S)):
            for label in np.unique(labels[labels >= 0]):
                for run_start, run_end in true_runs(labels == label):
                    start_s = float(frame_start_s(self.start + run_start))
                    end_s = float(frame_start_s(self.start + run_end))
                    if end_s - start_s >= shortest_s and end_s > start_s:
                        found.append((start_s, end_s, int(label)))
        return sorted(found)


@dataclass
class _OpenTurn:
    turn_id: int
    start_s: float
    end_s: float


class TurnSettler:
    """Final turns of a stream, reported as they settle. ``name_of(label)``: the enrolled
    person a speaker label was recognised as, or ``None``."""

    def __init__(self, name_of: Callable[[int], str | None] = lambda label: None) -> None:
        self._name_of = name_of
        self._open: dict[int, _OpenTurn] = {}
        self._labels: dict[int, str] = {}
        self._next_id = 0
        #: end of the settled time line, seconds
        self.settled_s = 0.0

    def label_name(self, label: int) -> str:
        """``SPEAKER_00``, ``SPEAKER_01``, ... by first report."""
        if label not in self._labels:
            self._labels[label] = speaker_label(len(self._labels))
        return self._labels[label]

    def has_reported(self, label: int) -> bool:
        """Whether speaker ``label`` has a name in the reports already."""
        return label in self._labels

    def settle(self, frames: LabelledFrames, at_s: float) -> list[LiveEvent]:
        """The final turns that ``frames`` (the next settled stretch) open, extend or close."""
        events: list[LiveTurn] = []
        extended: dict[int, _OpenTurn] = {}
        for start_s, end_s, label in frames.runs():
            turn = self._open.get(label)
            if turn is not None and start_s - turn.end_s < SAME_SPEAKER_GAP_S:
                turn.end_s = max(turn.end_s, end_s)
            else:
                if turn is not None:  # the closing report carries the turn's last extension
                    extended.pop(label, None)
                    events.append(self._event(label, turn, at_s, still_open=False))
                turn = _OpenTurn(self._next_id, start_s, end_s)
                self._next_id += 1
                self._open[label] = turn
            extended[label] = turn
        self.settled_s = float(frame_start_s(frames.start + len(frames.speech)))
        quiet = [label for label in sorted(self._open) if self.settled_s - self._open[label].end_s >= SAME_SPEAKER_GAP_S]
        events += [self._event(label, turn, at_s, still_open=True) for label, turn in extended.items() if label not in quiet]
        for label in quiet:
            events.append(self._event(label, self._open.pop(label), at_s, still_open=False))
        return sorted(events, key=lambda event: (event.start_s, event.turn_id))

    def close_all(self, at_s: float) -> list[LiveEvent]:
        """End of the stream: every open turn closes."""
        events = [self._event(label, self._open[label], at_s, still_open=False) for label in sorted(self._open)]
        self._open.clear()
        return sorted(events, key=lambda event: (event.start_s, event.turn_id))  # type: ignore[union-attr]

    def provisional(self, frames: LabelledFrames, at_s: float) -> list[LiveEvent]:
        """Guesses about the unsettled frames (replaced by the next step's)."""
        return [
            LiveTurn(start_s, end_s, self.label_name(label), final=False, settled_at_s=at_s, name=self._name_of(label))
            for start_s, end_s, label in frames.runs()
        ]

    def _event(self, label: int, turn: _OpenTurn, at_s: float, still_open: bool) -> LiveTurn:
        return LiveTurn(
            turn.start_s, turn.end_s, self.label_name(label), final=True, turn_id=turn.turn_id, open=still_open,
            settled_at_s=at_s, name=self._name_of(label),
        )
