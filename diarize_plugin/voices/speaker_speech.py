"""The speech of one speaker of a diarization, as one waveform to embed."""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation, Timeline

from ..audio.decode import SAMPLE_RATE
from ..audio.source import AudioSource

#: below this many seconds of speech heard alone, overlapped speech is used as well
MIN_SOLO_S = 2.0


def solo_speech(annotation: Annotation, label: str) -> Timeline:
    """Where ``label`` speaks and nobody else does (falls back to all of ``label``'s speech
    when that is shorter than :data:`MIN_SOLO_S` seconds)."""
    own = annotation.label_timeline(label, copy=False).support()
    others = Timeline([segment for segment, _, other in annotation.itertracks(yield_label=True) if other != label])
    alone = own.extrude(others.support()) if len(others) else own
    return alone if alone.duration() >= MIN_SOLO_S else own


def speech_samples(audio: AudioSource, speech: Timeline, max_s: float | None = None) -> np.ndarray:
    """The samples of 16 kHz ``audio`` inside ``speech``, concatenated in time
    order; at most ``max_s`` seconds, taken evenly from the whole timeline so that a long
    recording is represented by all of it, not only its start. Only those samples are read."""
    spans = [_clipped(int(segment.start * SAMPLE_RATE), int(segment.end * SAMPLE_RATE), audio.num_samples) for segment in speech]
    lengths = np.array([stop - start for start, stop in spans], dtype=np.int64)
    total = int(lengths.sum())
    if max_s is None or total <= max_s * SAMPLE_RATE:
        pieces = [audio.read(start, stop) for start, stop in spans]
        return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    chunk = 5 * SAMPLE_RATE
    count = int(max_s * SAMPLE_RATE) // chunk
    offsets = np.concatenate([[0], np.cumsum(lengths)])
    starts = np.linspace(0, total - chunk, count).astype(int)
    return np.concatenate([_read_joined(audio, spans, offsets, int(start), chunk) for start in starts])


def _clipped(start: int, stop: int, num_samples: int) -> tuple[int, int]:
    start = min(max(start, 0), num_samples)
    return start, max(start, min(stop, num_samples))


def _read_joined(audio: AudioSource, spans: list[tuple[int, int]], offsets: np.ndarray, start: int, count: int) -> np.ndarray:
    """``count`` samples from position ``start`` of the spans' samples joined end to end."""
    pieces = []
    index = int(np.searchsorted(offsets, start, side="right")) - 1
    while count > 0 and index < len(spans):
        span_start, span_stop = spans[index]
        first = span_start + start - int(offsets[index])
        last = min(span_stop, first + count)
        if last > first:
            pieces.append(audio.read(first, last))
            count -= last - first
            start += last - first
        index += 1
    return np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
