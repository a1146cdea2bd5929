"""Exclusive diarization: at most one speaker at any time.

pyannote 4 returns, beside its overlap-aware diarization, an *exclusive* one for attaching
words to speakers: where several speakers are active it keeps the most active one (the speaker
with the highest segmentation score in each frame). An ``Annotation`` carries no scores, so
here "most active" is read from the turns themselves: in a stretch where several speakers talk
at once, the one whose turn covering that stretch is longest keeps it. A short interjection or
backchannel inside someone's long turn is dropped; at a hand-over, the longer of the two turns
takes the overlap. Speech is never added or removed, only the second voice.

>>> from pyannote.core import Annotation, Segment
>>> both = Annotation()
>>> both[Segment(0, 10)] = "A"
>>> both[Segment(4, 5)] = "B"
>>> [(s.start, s.end, label) for s, _, label in exclusive(both).itertracks(yield_label=True)]
[(0.0, 10.0, 'A')]
"""

from __future__ import annotations

from pyannote.core import Annotation, Segment


def exclusive(annotation: Annotation) -> Annotation:
    """A copy of ``annotation`` where no two turns overlap (times in seconds).

    Every instant someone talks in ``annotation`` is kept, labelled with one of the speakers
    talking then: the one whose turn there is longest (ties: the turn that started first,
    then the label that sorts first). Consecutive pieces of one speaker become one turn.
    """
    turns = sorted(
        ((segment.start, segment.end, str(label)) for segment, _, label in annotation.itertracks(yield_label=True)),
        key=lambda turn: (turn[0], turn[1], turn[2]),
    )
    result = Annotation(uri=annotation.uri)
    boundaries = sorted({time for start, end, _ in turns for time in (start, end)})
    active: list[tuple[float, float, str]] = []
    next_turn = 0
    pieces: list[tuple[float, float, str]] = []
    for start_s, end_s in zip(boundaries, boundaries[1:]):
        while next_turn < len(turns) and turns[next_turn][0] <= start_s:
            active.append(turns[next_turn])
            next_turn += 1
        active = [turn for turn in active if turn[1] > start_s]
        if not active:
            continue
        keeper = min(active, key=lambda turn: (-(turn[1] - turn[0]), turn[0], turn[2]))
        if pieces and pieces[-1][2] == keeper[2] and pieces[-1][1] == start_s:
            pieces[-1] = (pieces[-1][0], end_s, keeper[2])
        else:
            pieces.append((start_s, end_s, keeper[2]))
    for start_s, end_s, label in pieces:
        segment = Segment(start_s, end_s)
        result[segment, result.new_track(segment)] = label
    return result
