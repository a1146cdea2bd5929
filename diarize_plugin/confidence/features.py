"""What a turn's confidence is computed from, per turn of an annotation (``itertracks`` order).

- ``margin``: how much nearer the turn's windows are to their speaker's centroid than to the
  nearest other speaker's (cosine similarity, own minus best other; windows weighted by the time
  they share with the turn). Centroids are the mean window embeddings of each speaker of the
  *final* turns (after merging, overlap and ``--exclusive``), so they describe the labels the
  user reads. Without another centroid (one speaker found) the rival similarity is
  :data:`NO_RIVAL_SIMILARITY`.
- ``own_similarity``: the windows' cosine similarity to their speaker's centroid: a voice that
  clustering merged into another speaker sits far from that speaker's centroid even when no
  rival centroid exists to compare with.
- ``no_centroid``: 1 when the turn's speaker owns no window (a speaker added only in overlap),
  so neither similarity exists (both 0), else 0.
- ``speech_probability`` / ``overlap_probability``: the segmentation network's probabilities
  that anyone speaks and that two speak at once, averaged over the turn's frames (``NaN``
  without the network's probabilities: webrtcvad, the pyannote decoding).
- ``log_duration``: the natural logarithm of the turn's length in seconds (at least 10 ms):
  short turns are more often wrong.
"""

from __future__ import annotations

import math

import numpy as np
from pyannote.core import Annotation

from ..transcript.speaker_turns import SpeakerTurns
from ..diarization.evidence import RunEvidence

FEATURE_NAMES = ("margin", "own_similarity", "no_centroid", "speech_probability", "overlap_probability", "log_duration")
#: the similarity a rival centroid is taken to have when there is none (one speaker found):
#: different speakers' CAM++ embeddings score about 0 on average
NO_RIVAL_SIMILARITY = 0.0


def turn_features(annotation: Annotation, evidence: RunEvidence) -> np.ndarray:
    """``(turns, 6)`` float64, columns :data:`FEATURE_NAMES`, rows in ``itertracks`` order."""
    tracks = list(annotation.itertracks(yield_label=True))
    features = np.full((len(tracks), len(FEATURE_NAMES)), np.nan)
    if not tracks:
        return features
    features[:, 0:3] = _similarities(annotation, tracks, evidence)
    if evidence.frame_probabilities is not None and len(evidence.frame_probabilities):
        features[:, 3:5] = _frame_means(tracks, evidence)
    features[:, 5] = [math.log(max(segment.duration, 0.01)) for segment, _, _ in tracks]
    return features


def _similarities(annotation: Annotation, tracks: list, evidence: RunEvidence) -> np.ndarray:
    """``(turns, 3)``: margin, own similarity, no-centroid flag (see the module docstring)."""
    labels = sorted(str(label) for label in annotation.labels())
    result = np.zeros((len(tracks), 3))
    if evidence.embeddings is None or not evidence.windows:
        result[:, 2] = 1.0
        return result
    starts = np.array([window.start for window in evidence.windows])
    ends = np.array([window.end for window in evidence.windows])
    order = np.argsort(starts, kind="stable")
    starts, ends, embeddings = starts[order], ends[order], _normalized(evidence.embeddings[order])
    turns = SpeakerTurns(annotation)  # labels sorted as ``labels``
    held_s = turns.overlap_s(starts, np.maximum(ends, starts))
    owner = np.where(held_s.max(axis=1) > 0, held_s.argmax(axis=1), -1)
    centroids = np.zeros((len(labels), embeddings.shape[1]))
    has_centroid = np.zeros(len(labels), dtype=bool)
    for index in range(len(labels)):
        mine = embeddings[owner == index]
        if len(mine):
            centroids[index], has_centroid[index] = _normalized(mine.mean(axis=0, keepdims=True))[0], True
    similarity = embeddings @ centroids.T
    similarity[:, ~has_centroid] = -np.inf
    longest_s = float((ends - starts).max())
    for row, (segment, _, label) in enumerate(tracks):
        own = labels.index(str(label))
        if not has_centroid[own]:
            result[row, 2] = 1.0
            continue
        first = int(np.searchsorted(starts, segment.start - longest_s, side="left"))
        last = int(np.searchsorted(starts, segment.end, side="left"))
        shared_s = np.minimum(ends[first:last], segment.end) - np.maximum(starts[first:last], segment.start)
        picked = np.flatnonzero(shared_s > 0)
        if len(picked):
            weights, picked = shared_s[picked], picked + first
        else:  # no window meets the turn: the nearest one speaks for it
            centre_s = (segment.start + segment.end) / 2
            picked, weights = np.array([int(np.argmin(np.abs((starts + ends) / 2 - centre_s)))]), np.ones(1)
        rows = similarity[picked]
        rivals = np.delete(rows, own, axis=1).max(axis=1) if has_centroid.sum() > 1 else np.full(len(rows), NO_RIVAL_SIMILARITY)
        result[row, 0] = float(np.average(rows[:, own] - rivals, weights=weights))
        result[row, 1] = float(np.average(rows[:, own], weights=weights))
    return result


def _frame_means(tracks: list, evidence: RunEvidence) -> np.ndarray:
    probabilities = evidence.frame_probabilities.astype(np.float64)
    step_s, offset_s = evidence.frame_step_s, evidence.frame_offset_s
    centres_s = (np.arange(len(probabilities)) + 0.5) * step_s + offset_s
    cumulative = np.vstack([np.zeros((1, 2)), np.cumsum(probabilities, axis=0)])
    means = np.empty((len(tracks), 2))
    for row, (segment, _, _) in enumerate(tracks):
        first = int(np.searchsorted(centres_s, segment.start, side="left"))
        last = int(np.searchsorted(centres_s, segment.end, side="left"))
        if last <= first:  # shorter than a frame: the frame nearest its centre
            first = min(max(int(np.searchsorted(centres_s, (segment.start + segment.end) / 2)), 0), len(centres_s) - 1)
            last = first + 1
        means[row] = (cumulative[last] - cumulative[first]) / (last - first)
    return means


def _normalized(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)
