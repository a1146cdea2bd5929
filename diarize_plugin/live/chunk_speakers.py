"""The segmentation network's local speakers of a chunk, matched to the stream's speakers.

diart's rule (Coria et al., 2021, "Overlap-aware low-latency online speaker diarization based on
end-to-end local segmentation"): every few steps the latest 10 s chunk's local speakers (the
powerset's 3, see :data:`~diarize_plugin.segmentation.network.POWERSET_CLASSES`) are embedded, each
from its own speech in the chunk (overlap left out while enough remains, as offline in
:class:`~diarize_plugin.diarization.neural.NeuralDiarization`), and mapped to global speakers by a
constrained assignment (Hungarian algorithm: two local speakers of one chunk are never one
speaker). A local speaker farther than ``new_speaker_distance`` from every free speaker starts a
new one; a speaker's summary takes in a local speaker only when closer than
``update_distance``. A speaker stays a bounded sum of unit embeddings and a count
(:class:`~diarize_plugin.live.speaker_summaries.SpeakerSummary`).

A frame's speaker is then, as offline (:func:`~diarize_plugin.diarization.local_speakers.reconstruct`), the global
speaker with the most local activity there, summed over the matched chunks that cover it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from ..embed.windows import MIN_WINDOW_S
from ..segmentation.frames import frames_to_samples
from ..segmentation.network import FRAME_STEP_S, POWERSET_MAPPING, SAMPLE_RATE
from .speaker_summaries import OnlineSpeakers, SpeakerSummary

#: least speech (seconds) of a local speaker in a chunk for it to be embedded; and the least
#: speech without overlap for the overlap to be left out
LOCAL_MIN_SPEECH_S = 0.25
LOCAL_MIN_CLEAN_S = 1.0
#: powerset class -> local speakers active in it, (7, 3) 0/1 (the segmentation's mapping, float64)
_LOCAL_OF_CLASS = POWERSET_MAPPING.astype(np.float64)


def local_activity(log_probs: np.ndarray) -> np.ndarray:
    """``(frames, 3)`` probability that each local speaker talks, from powerset log-probabilities
    ``(frames, 7)``."""
    return np.exp(np.asarray(log_probs, dtype=np.float64)) @ _LOCAL_OF_CLASS


def local_speech_frames(activity: np.ndarray, min_clean_frames: int, min_frames: int) -> list[tuple[int, np.ndarray]]:
    """``(local speaker, frames to embed)`` of every local speaker of one chunk active in at least
    ``min_frames`` frames: its frames without anyone else when at least ``min_clean_frames``
    remain, else all its frames."""
    talking = activity >= 0.5
    alone = talking.sum(axis=1) == 1
    found = []
    for speaker in range(activity.shape[1]):
        active = talking[:, speaker]
        if active.sum() < min_frames:
            continue
        clean = active & alone
        found.append((speaker, clean if clean.sum() >= min_clean_frames else active))
    return found


@dataclass(frozen=True)
class LocalPieces:
    """The local speakers of one chunk worth embedding: their numbers, their speech and whether
    that speech has them alone (``clean``; else it is their overlapped speech)."""

    speakers: list[int]
    pieces: list[np.ndarray]
    clean: list[bool]


def local_speech_pieces(activity: np.ndarray, audio: np.ndarray, start: int) -> LocalPieces:
    """The local speakers of one chunk worth embedding and their speech: ``activity`` (frames, 3),
    ``audio`` the chunk's samples, ``start`` its first sample in the stream (samples before 0
    are the silence before the stream)."""
    min_clean_frames = int(round(LOCAL_MIN_CLEAN_S / FRAME_STEP_S))
    found = local_speech_frames(activity, min_clean_frames, int(round(LOCAL_MIN_SPEECH_S / FRAME_STEP_S)))
    alone = (activity >= 0.5).sum(axis=1) == 1
    result = LocalPieces([], [], [])
    for local, frames in found:
        mask = frames_to_samples(frames, 0, len(audio))
        mask[: max(-start, 0)] = False
        if mask.sum() >= MIN_WINDOW_S * SAMPLE_RATE:
            result.speakers.append(local)
            result.pieces.append(audio[mask])
            result.clean.append(bool((frames & alone).sum() >= min_clean_frames))
    return result


@dataclass(frozen=True)
class MatchedChunk:
    """A chunk whose local speakers were matched: its first global frame, its local activity
    ``(frames, 3)`` and the global label of each local speaker (-1: not embedded)."""

    first_frame: int
    activity: np.ndarray
    labels: tuple[int, ...]

    @property
    def end_frame(self) -> int:
        return self.first_frame + len(self.activity)


def match_local_speakers(
    speakers: OnlineSpeakers, embeddings: np.ndarray, new_speaker_distance: float, update_distance: float,
    may_start: list[bool] | None = None,
) -> list[int]:
    """Global label of each of one chunk's local speakers (rows of ``embeddings``, (n, D)).

    Local speakers are matched to distinct active speakers by the Hungarian algorithm on cosine
    distance to their centroids; a match closer than ``new_speaker_distance`` holds (and updates
    the speaker's summary when closer than ``update_distance``); the others start new speakers
    (while ``speakers.max_speakers`` allows: else they join the nearest speaker, unchanged),
    except those whose ``may_start`` is false once a speaker exists: they stay unlabelled (-1).
    A local speaker heard only over someone else is embedded from overlapped speech, mostly the
    other voice: as a new speaker it was a copy of that one, merged into it a few steps later.
    """
    units = np.asarray(embeddings, dtype=np.float64)
    units = units / np.maximum(np.linalg.norm(units, axis=1, keepdims=True), 1e-12)
    active = speakers.active
    labels = [-1] * len(units)
    distances = np.zeros((len(units), 0))
    if active:
        centroids = np.stack([speaker.centroid for speaker in active])
        distances = 1.0 - units @ centroids.T
        for row, column in zip(*linear_sum_assignment(distances)):
            if distances[row, column] < new_speaker_distance:
                labels[row] = active[column].label
                if distances[row, column] < update_distance:
                    speakers.windows += 1
                    active[column].add(units[row], speakers.windows)
    for row in range(len(units)):
        if labels[row] >= 0 or (active and may_start is not None and not may_start[row]):
            continue
        room = speakers.max_speakers is None or len(speakers.active) < speakers.max_speakers
        if room or not active:
            speaker = SpeakerSummary(label=len(speakers.speakers), total=np.zeros_like(units[row]))
            speakers.speakers.append(speaker)
            speakers.windows += 1
            speaker.add(units[row], speakers.windows)
            labels[row] = speaker.label
        else:
            labels[row] = active[int(np.argmin(distances[row]))].label
    return labels


def vote_frames(
    chunks: list[MatchedChunk], start: int, stop: int, weights: np.ndarray, label_of: Callable[[int], int], fallback: int,
    last_other: Callable[[int], int] = lambda label: -1,
) -> tuple[np.ndarray, np.ndarray]:
    """First and second speaker of global frames ``[start, stop)``: the labels with the most
    local activity there over ``chunks`` (each frame of a chunk weighted by ``weights``, the
    chunk edges barely); ``label_of`` maps a stored label to the one it counts for now. Where no
    matched local speaker is active, the first speaker is that of the nearest frame that has
    one (``fallback`` when none has). The second is the runner-up there, else the other speaker
    most active over the chunks, else ``last_other(first)`` (the other speaker heard last; -1:
    none), as offline gives overlap the speaker of the nearest other turn."""
    count = stop - start
    first = np.full(count, -1, dtype=np.int64)
    second = np.full(count, -1, dtype=np.int64)
    if count <= 0:
        return first, second
    current = sorted({label_of(label) for chunk in chunks for label in chunk.labels if label >= 0})
    column = {label: index for index, label in enumerate(current)}
    scores = np.zeros((count, max(len(current), 1)))
    weight_sum = np.zeros(count)
    for chunk in chunks:
        lo, hi = max(start, chunk.first_frame), min(stop, chunk.end_frame)
        if lo >= hi:
            continue
        rows = slice(lo - chunk.first_frame, hi - chunk.first_frame)
        weight = weights[rows]
        weight_sum[lo - start : hi - start] += weight
        for local, label in enumerate(chunk.labels):
            if label >= 0:
                scores[lo - start : hi - start, column[label_of(label)]] += chunk.activity[rows, local] * weight
    scores = np.divide(scores, weight_sum[:, None], out=np.zeros_like(scores), where=weight_sum[:, None] > 0)
    if not current:
        first[:] = fallback
        return first, second
    order = np.argsort(-scores, axis=1, kind="stable")
    labels = np.array(current)
    best = scores[np.arange(count), order[:, 0]]
    found = best > 0.05
    if found.any():
        indices = np.flatnonzero(found)
        nearest = indices[np.clip(np.searchsorted(indices, np.arange(count)), 0, len(indices) - 1)]
        before = indices[np.clip(np.searchsorted(indices, np.arange(count)) - 1, 0, len(indices) - 1)]
        nearest = np.where(np.abs(before - np.arange(count)) <= np.abs(nearest - np.arange(count)), before, nearest)
        first[:] = labels[order[nearest, 0]]
    else:
        first[:] = fallback
    known_others: dict[int, int] = {}

    def other_heard_last(label: int) -> int:  # the same for every frame of one speaker: asked once
        if label not in known_others:
            known_others[label] = last_other(label) if label >= 0 else -1
        return known_others[label]

    if len(current) > 1:
        runner_up = scores[np.arange(count), order[:, 1]] > 0.05
        second[runner_up] = labels[order[runner_up, 1]]
        # overlap the local speakers do not show: the other speaker most active nearby (as offline)
        totals = scores.sum(axis=0)
        ranking = np.argsort(-totals, kind="stable")  # the same for every frame: sorted once
        for frame in np.flatnonzero(~runner_up):
            others = [index for index in ranking if labels[index] != first[frame]]
            if others and totals[others[0]] > 0:
                second[frame] = labels[others[0]]
            else:
                second[frame] = other_heard_last(int(first[frame]))
    else:
        second[:] = [other_heard_last(int(label)) for label in first]
    return first, second


class LastHeard:
    """The last global frame each speaker was heard in, through its matched local speakers (one
    entry per speaker): who the other voice of an overlap no chunk explains is."""

    def __init__(self) -> None:
        self._frames: dict[int, int] = {}

    def note(self, chunk: MatchedChunk) -> None:
        """Take in a matched chunk's local speakers."""
        for local, label in enumerate(chunk.labels):
            talking = np.flatnonzero(chunk.activity[:, local] >= 0.5)
            if label >= 0 and len(talking):
                self._frames[label] = chunk.first_frame + int(talking[-1])

    def other_than(self, label: int, label_of: Callable[[int], int]) -> int:
        """The speaker other than ``label`` heard last (-1: none yet); ``label_of`` maps a stored
        label to the one it counts for now."""
        main = label_of(label)
        latest: dict[int, int] = {}
        for heard, frame in self._frames.items():
            other = label_of(heard)
            if other != main:
                latest[other] = max(latest.get(other, -1), frame)
        return max(latest, key=lambda other: (latest[other], -other)) if latest else -1
