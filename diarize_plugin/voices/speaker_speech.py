"""The speech of one speaker of a diarization, as one waveform to embed."""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation, Timeline

from ..audio import SAMPLE_RATE

#: below this many seconds of speech heard alone, overlapped speech is used as well
MIN_SOLO_S = 2.0


def solo_speech(annotation: Annotation, label: str) -> Timeline:
    """Where ``label`` speaks and nobody else does (falls back to all of ``label``'s speech
    when that is shorter than :data:`MIN_SOLO_S` seconds)."""
    own = annotation.label_timeline(label, copy=False).support()
    others = Timeline([segment for segment, _, other in annotation.itertracks(yield_label=True) if other != label])
    alone = own.extrude(others.support()) if len(others) else own
    return alone if alone.duration() >= MIN_SOLO_S else own


def speech_samples(waveform: np.ndarray, speech: Timeline, max_s: float | None = None) -> np.ndarray:
    """The samples of ``waveform`` (16 kHz) inside ``speech``, concatenated in time order; at
    most ``max_s`` seconds, taken evenly from the whole timeline so that a long recording is
    represented by all of it, not only its start."""
    pieces = [waveform[int(segment.start * SAMPLE_RATE) : int(segment.end * SAMPLE_RATE)] for segment in speech]
    samples = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    if max_s is None or samples.size <= max_s * SAMPLE_RATE:
        return samples
    chunk = 5 * SAMPLE_RATE
    count = int(max_s * SAMPLE_RATE) // chunk
    starts = np.linspace(0, samples.size - chunk, count).astype(int)
    return np.concatenate([samples[start : start + chunk] for start in starts])
