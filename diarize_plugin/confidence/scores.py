"""Confidence of every turn, word and transcript segment: how likely its speaker label is right.

A turn's confidence is the calibrated probability (:mod:`~diarize_plugin.confidence.calibration`)
from its features (:mod:`~diarize_plugin.confidence.features`). A word's (or a segment's without
words) is the time-weighted confidence of its speaker's turns during it, where time in which
only other speakers talk counts as wrong (0); a word that meets no speech takes the confidence
of its speaker's nearest turn, an untimed word is judged over its segment. A segment with words takes the duration-weighted mean of its
words'.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Sequence

import numpy as np
from pyannote.core import Annotation

from ..transcript.model import Segment, Transcript, Word
from .calibration import Calibration, shipped_calibration
from ..diarization.evidence import RunEvidence
from .features import turn_features


def turn_confidences(annotation: Annotation, evidence: RunEvidence, calibration: Calibration | None = None) -> list[float]:
    """One confidence (0-1) per turn of ``annotation``, in ``itertracks`` order, from what the run
    that made it collected (:func:`~diarize_plugin.diarization.evidence.collecting`)."""
    model = calibration or shipped_calibration()
    return [float(value) for value in model.confidences(turn_features(annotation, evidence))]


class _ConfidenceTimeline:
    """Each speaker's turns with their confidences, for time-weighted questions (binary searches,
    so a transcript of an hour is scored in well under a second)."""

    def __init__(self, annotation: Annotation, confidences: Sequence[float]) -> None:
        by_speaker: dict[str, list[tuple[float, float, float]]] = {}
        for (segment, _, label), confidence in zip(annotation.itertracks(yield_label=True), confidences):
            by_speaker.setdefault(str(label), []).append((segment.start, segment.end, float(confidence)))
        self._turns = {label: np.array(sorted(turns)) for label, turns in by_speaker.items()}
        self._longest_s = {label: float((turns[:, 1] - turns[:, 0]).max()) for label, turns in self._turns.items()}
        speech = annotation.get_timeline(copy=False).support()
        self._speech_starts = np.array([region.start for region in speech])
        self._speech_ends = np.array([region.end for region in speech])

    def of(self, speaker: str | None, start_s: float, end_s: float) -> float | None:
        """The confidence of ``speaker`` over ``start_s``-``end_s`` (seconds); ``None`` when the
        speaker has no turn."""
        turns = self._turns.get(speaker or "")
        if turns is None:
            return None
        heard_s = self._heard_s(start_s, end_s)
        if heard_s <= 0.0:
            gaps = np.maximum(np.maximum(turns[:, 0] - end_s, start_s - turns[:, 1]), 0.0)
            return float(turns[int(np.argmin(gaps)), 2])
        first = int(np.searchsorted(turns[:, 0], start_s - self._longest_s[speaker], side="left"))
        last = int(np.searchsorted(turns[:, 0], end_s, side="left"))
        nearby = turns[first:last]
        shared_s = np.maximum(np.minimum(nearby[:, 1], end_s) - np.maximum(nearby[:, 0], start_s), 0.0)
        return min(1.0, float((shared_s * nearby[:, 2]).sum()) / heard_s)

    def _heard_s(self, start_s: float, end_s: float) -> float:
        """Seconds of ``start_s``-``end_s`` in which anyone talks."""
        if end_s <= start_s or not len(self._speech_starts):
            return 0.0
        first = max(int(np.searchsorted(self._speech_ends, start_s, side="right")), 0)
        last = int(np.searchsorted(self._speech_starts, end_s, side="left"))
        starts, ends = self._speech_starts[first:last], self._speech_ends[first:last]
        return float(np.maximum(np.minimum(ends, end_s) - np.maximum(starts, start_s), 0.0).sum())


def transcript_confidences(transcript: Transcript, annotation: Annotation, confidences: Sequence[float]) -> Transcript:
    """A copy of a merged ``transcript`` with ``confidence`` on every word and segment that has
    a speaker; ``confidences``: one per turn of ``annotation`` (:func:`turn_confidences`)."""
    timeline = _ConfidenceTimeline(annotation, confidences)
    segments = [_segment_confidence(segment, timeline) for segment in transcript.segments]
    return replace(transcript, segments=tuple(segments))


def _segment_confidence(segment: Segment, timeline: _ConfidenceTimeline) -> Segment:
    segment_s = segment.ordered_times()
    words = tuple(_word_confidence(word, timeline, segment_s) for word in segment.words)
    scored = [(max(w.end_s - w.start_s, 1e-3), w.confidence) for w in words if w.is_timed and w.confidence is not None]
    if scored:
        weights, values = zip(*scored)
        confidence = float(np.average(values, weights=weights))
    else:
        confidence = timeline.of(segment.speaker, *segment_s)
    return replace(segment, words=words, confidence=confidence)


def _word_confidence(word: Word, timeline: _ConfidenceTimeline, segment_s: tuple[float, float]) -> Word:
    """An untimed word is judged over its segment's interval."""
    if word.speaker is None:
        return word
    start_s, end_s = sorted((word.start_s, word.end_s)) if word.is_timed else segment_s
    return replace(word, confidence=timeline.of(word.speaker, start_s, end_s))
