"""What a run saw that tells how sure it may be: the window embeddings and the segmentation
network's per-frame probabilities, collected only when asked.

The stages hand what they computed to :func:`add_windows` and :func:`add_frame_probabilities`,
which keep it for the :func:`collecting` block in progress (a context variable, so concurrent
runs in other threads keep their own) and do nothing outside one: collecting changes no
decision of the run, so the turns are the same with or without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import numpy as np
from pyannote.core import Segment


@dataclass
class RunEvidence:
    """``windows`` (time segments, seconds) and their ``embeddings`` (N×D); the network's
    ``frame_probabilities`` (frames×2: anyone speaks, two speak at once) on a grid of
    ``frame_step_s`` seconds starting ``frame_offset_s`` seconds in; ``None`` when the run had
    none (webrtcvad, the pyannote decoding)."""

    windows: list[Segment] = field(default_factory=list)
    embeddings: np.ndarray | None = None
    frame_probabilities: np.ndarray | None = None
    frame_step_s: float = 0.0
    frame_offset_s: float = 0.0


_CURRENT: ContextVar[RunEvidence | None] = ContextVar("diarize_run_evidence", default=None)


@contextmanager
def collecting() -> Iterator[RunEvidence]:
    """Collect the evidence of the runs inside the block (the last one's is kept)."""
    evidence = RunEvidence()
    token = _CURRENT.set(evidence)
    try:
        yield evidence
    finally:
        _CURRENT.reset(token)


def add_windows(windows: list[Segment], embeddings: np.ndarray) -> None:
    """Keep the run's embedding windows and their embeddings (nothing outside :func:`collecting`)."""
    evidence = _CURRENT.get()
    if evidence is not None:
        evidence.windows, evidence.embeddings = list(windows), np.asarray(embeddings, dtype=np.float32)


def add_frame_probabilities(probabilities: np.ndarray, frame_step_s: float, frame_offset_s: float) -> None:
    """Keep the network's per-frame probabilities of speech and of overlap (frames×2)."""
    evidence = _CURRENT.get()
    if evidence is not None:
        evidence.frame_probabilities = np.asarray(probabilities, dtype=np.float32)
        evidence.frame_step_s, evidence.frame_offset_s = frame_step_s, frame_offset_s
