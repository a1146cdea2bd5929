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
from pyannote.core import Annotation, Segment as TimeSegment

from ..transcript.model import Segment, Transcript, Word
from .calibration import Calibration, shipped_calibration
from .evidence import RunEvidence
from .features import turn_features


def turn_confidences(annotation: Annotation, evidence: RunEvidence, calibration: Calibration | None = None) -> list[float]:
    """One confidence (0-1) per turn of ``annotation``, in ``itertracks`` order, from what the run
    that made it collected (:func:`~diarize_plugin.confidence.evidence.collecting`)."""
    model = calibration or shipped_calibration()
    return [float(value) for value in model.confidences(turn_features(annotation, evidence))]


class _ConfidenceTimeline:
    """Each speaker's turns with their confidences, for time-weighted questions."""

    def __init__(self, annotation: Annotation, confidences: Sequence[float]) -> None:
        self._turns: dict[str, list[tuple[float, float, float]]] = {}
        for (segment, _, label), confidence in zip(annotation.itertracks(yield_label=True), confidences):
            self._turns.setdefault(str(label), []).append((segment.start, segment.end, float(confidence)))
        self._speech = annotation.get_timeline(copy=False).support()

    def of(self, speaker: str | None, start_s: float, end_s: float) -> float | None:
        turns = self._turns.get(speaker or "")
        if not turns:
            return None
        heard_s = self._speech.crop(TimeSegment(start_s, end_s), mode="intersection").duration() if end_s > start_s else 0.0
        if heard_s <= 0.0:
            nearest = min(turns, key=lambda turn: max(turn[0] - end_s, start_s - turn[1], 0.0))
            return nearest[2]
        weighted = sum(max(0.0, min(end, end_s) - max(start, start_s)) * confidence for start, end, confidence in turns)
        return min(1.0, weighted / heard_s)


def transcript_confidences(transcript: Transcript, annotation: Annotation, confidences: Sequence[float]) -> Transcript:
    """A copy of a merged ``transcript`` with ``confidence`` on every word and segment that has
    a speaker; ``confidences``: one per turn of ``annotation`` (:func:`turn_confidences`)."""
    timeline = _ConfidenceTimeline(annotation, confidences)
    segments = [_segment_confidence(segment, timeline) for segment in transcript.segments]
    return replace(transcript, segments=tuple(segments))


def _segment_confidence(segment: Segment, timeline: _ConfidenceTimeline) -> Segment:
    words = tuple(_word_confidence(word, timeline, segment.ordered_times()) for word in segment.words)
    scored = [(max(w.end_s - w.start_s, 1e-3), w.confidence) for w in words if w.is_timed and w.confidence is not None]
    if scored:
        weights, values = zip(*scored)
        confidence = float(np.average(values, weights=weights))
    else:
        start_s, end_s = segment.ordered_times()
        confidence = timeline.of(segment.speaker, start_s, end_s)
    return replace(segment, words=words, confidence=confidence)


def _word_confidence(word: Word, timeline: _ConfidenceTimeline, segment_s: tuple[float, float]) -> Word:
    """An untimed word is judged over its segment's interval."""
    if word.speaker is None:
        return word
    start_s, end_s = sorted((word.start_s, word.end_s)) if word.is_timed else segment_s
    return replace(word, confidence=timeline.of(word.speaker, start_s, end_s))
