"""Overlapped speech in the "windows" identity: a second speaker where the network hears two.

The window embeddings name one speaker per frame; where the network hears two at once, the
second voice goes to the speaker of the nearest other turn (:func:`add_overlapping_speakers`).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation, Segment, Timeline

from .turns import speaker_label


#: turns of one speaker closer than this (seconds) are joined: pauses inside a turn are part of
#: it (sherpa-onnx's ``min_duration_off``; on the real calls of ../shared/data/real, whose
#: references keep a speaker's pauses, 0.1 -> 0.5 s moved DER 8.1 -> 7.7 %, AMI 26.7 -> 26.5 %)
SAME_SPEAKER_GAP_S = 0.5


#: shorter stretches of a second voice (seconds) are not reported: slivers, not speech
MIN_OVERLAP_S = 0.1


#: least total overlap (seconds) that makes a one-speaker recording a two-speaker one: on 100
#: single-speaker LibriSpeech utterances, overlap false alarms added up to 0.41 s; on the AMI
#: excerpts, people heard only over another speaker got 0.2-3.3 s. Kept well above the false
#: alarms: a made-up second speaker in a monologue is worse than a missed backchannel.
MIN_NEW_SPEAKER_S = 0.75


def add_overlapping_speakers(primary: Annotation, overlap: Timeline, may_add_speaker: bool = True) -> Annotation:
    """``primary`` (one speaker at a time) plus a second speaker in every ``overlap`` region.

    In each overlapped stretch the second voice is given to the speaker of the nearest turn
    whose speaker differs from the main one there: overlap mostly happens where one speaker
    takes over from another, or answers briefly. When ``primary`` knows a single speaker, the
    second voice belongs to someone it never heard alone (backchannels in meetings), so it
    becomes one new speaker, if ``may_add_speaker`` (the speaker bounds allow a second one) and
    it adds up to at least :data:`MIN_NEW_SPEAKER_S` (shorter is mostly false alarm).
    """
    result = primary.copy()
    nearest_turns = NearestTurns(primary)
    known = primary.labels()
    newcomer = next(speaker_label(index) for index in range(len(known) + 1) if speaker_label(index) not in known)
    newcomer_turns: list[Segment] = []
    for _, cropped in crop_by_region(primary, overlap):
        for segment, _, main in cropped.itertracks(yield_label=True):
            if segment.duration < MIN_OVERLAP_S:
                continue
            nearest = nearest_turns.label_other_than(main, segment)
            if nearest is not None:
                result[segment, result.new_track(segment)] = nearest
            elif may_add_speaker:
                newcomer_turns.append(segment)
    if sum(segment.duration for segment in newcomer_turns) >= MIN_NEW_SPEAKER_S:
        for segment in newcomer_turns:
            result[segment, result.new_track(segment)] = newcomer
    return result.support(collar=SAME_SPEAKER_GAP_S)


def crop_by_region(annotation: Annotation, regions: Timeline) -> Iterator[tuple[Segment, Annotation]]:
    """Each region of ``regions`` with ``annotation.crop(region)`` ("intersection" mode), in time
    order, in one sweep over both: linear where calling ``crop`` per region is quadratic."""
    tracks = list(annotation.itertracks(yield_label=True))  # chronological
    active: list[tuple[Segment, object, str]] = []
    following = 0
    for region in regions:
        while following < len(tracks) and tracks[following][0].start < region.end:
            active.append(tracks[following])
            following += 1
        # regions come by start time: a turn ending before this one starts meets no later one
        active = [item for item in active if item[0].end > region.start]
        cropped = Annotation(uri=annotation.uri, modality=annotation.modality)
        for segment, track, label in active:
            if segment.intersects(region):
                piece = segment & region
                cropped[piece, cropped.new_track(piece, candidate=track)] = label
        yield region, cropped


class NearestTurns:
    """Which speaker of ``annotation`` other than a given one has the turn nearest a segment.

    Gaps are measured as ``max(turn.start - segment.end, segment.start - turn.end, 0)``; ties
    go to the turn that starts first. Each query costs ``O(speakers * log(turns))``.
    """

    def __init__(self, annotation: Annotation) -> None:
        turns = sorted(annotation.itertracks(yield_label=True), key=lambda item: item[0].start)
        by_label: dict[str, list[int]] = {}
        for index, (_, _, label) in enumerate(turns):
            by_label.setdefault(label, []).append(index)
        self._turns = [turn for turn, _, _ in turns]
        self._labels: dict[str, _LabelTurns] = {}
        for label, indices in by_label.items():
            starts = np.array([self._turns[i].start for i in indices])
            ends = np.array([self._turns[i].end for i in indices])
            by_end = np.lexsort((indices, ends))
            self._labels[label] = _LabelTurns(
                order=np.array(indices),
                starts=starts,
                running_max_end=np.maximum.accumulate(ends),
                sorted_ends=ends[by_end],
                order_by_end=np.array(indices)[by_end],
            )

    def label_other_than(self, main: str, segment: Segment) -> str | None:
        """The label of the nearest turn not labelled ``main``; ``None`` when there is none."""
        best: tuple[float, int] | None = None
        best_label = None
        for label, turns in self._labels.items():
            if label == main:
                continue
            for index in turns.candidates(segment):
                turn = self._turns[index]
                key = (max(turn.start - segment.end, segment.start - turn.end, 0.0), index)
                if best is None or key < best:
                    best, best_label = key, label
        return best_label


@dataclass(frozen=True)
class _LabelTurns:
    """One speaker's turns in start order (``order``: their indices among all turns), with
    what finds the nearest of them in logarithmic time."""

    order: np.ndarray
    starts: np.ndarray
    running_max_end: np.ndarray
    sorted_ends: np.ndarray
    order_by_end: np.ndarray

    def candidates(self, segment: Segment) -> list[int]:
        """Indices of the turns that can be nearest to ``segment``: the first one overlapping
        it, the first one starting after it ends, the last one ending before it starts."""
        found = []
        overlapping = int(np.searchsorted(self.running_max_end, segment.start, side="right"))
        if overlapping < len(self.order) and self.starts[overlapping] < segment.end:
            found.append(int(self.order[overlapping]))
        after = int(np.searchsorted(self.starts, segment.end, side="left"))
        if after < len(self.order):
            found.append(int(self.order[after]))
        before = int(np.searchsorted(self.sorted_ends, segment.start, side="right")) - 1
        if before >= 0:
            first_equal = int(np.searchsorted(self.sorted_ends, self.sorted_ends[before], side="left"))
            found.append(int(self.order_by_end[first_equal]))
        return found
