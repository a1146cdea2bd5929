"""Segments without word times that hold a change of speaker: split at the change, or marked.

A subtitle cue or a Whisper segment without ``words`` knows only its own interval. When two
speakers talk inside it, giving the whole text to the one who talks most would hide the
change. Its text is cut into tokens (words; characters for text written without spaces) spread
evenly over the interval, the way :mod:`diarize_plugin.transcript.assign` times untimed words,
and each token gets the speaker who talks most during it (or keeps the previous token's, see
:func:`split_untimed`). Where the tokens change speaker the
segment is split (text and times); when it may not be split (``--keep-segments``) or its text
has a single token, it keeps the speaker who talks most and lists everyone it holds in
``also_speakers``. A speaker who holds no token's majority (a few hundred milliseconds at the
edge of a cue) is not a change.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from .model import Segment
from .speaker_turns import SpeakerTurns


def split_untimed(
    segment: Segment, start_s: float, end_s: float, turns: SpeakerTurns, tolerance_s: float, split: bool,
    overlap_share: float = 0.5,
) -> list[Segment] | None:
    """The pieces of a word-less ``segment`` (forward interval ``start_s``-``end_s``, seconds) at
    its changes of speaker, or the segment marked with ``also_speakers`` when ``split`` is false
    or its text cannot be cut; ``None`` when no change of speaker happens inside it.

    A token the speaker of the token before it talks through, at least ``overlap_share`` as
    long as whoever talks most during it, keeps that speaker (the words' continuity rule of
    :mod:`~diarize_plugin.transcript.assign`): where someone starts talking over the speaker, the
    speaker's sentence is not cut at the first overlapped token."""
    tokens, joiner = _tokens(segment.text)
    if not tokens or end_s <= start_s or len(turns) < 2:
        return None
    edges_s = np.linspace(start_s, end_s, len(tokens) + 1)
    speakers = turns.speakers_of(edges_s[:-1], edges_s[1:], tolerance_s)
    speakers = _filled(_by_continuity(speakers, turns.overlap_s(edges_s[:-1], edges_s[1:]), turns.labels, overlap_share))
    runs = _runs(speakers)
    if len(runs) < 2:
        return None
    if not split or len(tokens) < 2:
        heard = tuple(dict.fromkeys(speaker for speaker, _, _ in runs))
        held_s = turns.overlap_s(np.array([start_s]), np.array([end_s]))[0]
        main = max(heard, key=lambda label: held_s[turns.labels.index(label)])
        return [replace(segment, speaker=main, also_speakers=heard)]
    pieces = []
    for number, (speaker, first, stop) in enumerate(runs):
        pieces.append(replace(
            segment,
            start_s=round(float(edges_s[first]), 3),
            end_s=round(float(edges_s[stop]), 3),
            text=joiner.join(tokens[first:stop]),
            speaker=speaker,
            cue_id=None,
            raw=dict(segment.raw) if segment.raw is not None else None,
            markup=None,
        ))
    return pieces


def _tokens(text: str) -> tuple[list[str], str]:
    words = text.split()
    if len(words) >= 2:
        return words, " "
    compact = text.strip()
    # a language written without spaces: characters stand in for words
    return (list(compact), "") if len(compact) >= 2 and not compact.isascii() else (words, " ")


def _by_continuity(
    speakers: list[str | None], overlap_s: np.ndarray, labels: tuple[str, ...], overlap_share: float
) -> list[str | None]:
    result = list(speakers)
    for index in range(1, len(result)):
        previous = result[index - 1]
        if previous is None or previous == result[index]:
            continue
        held_s = overlap_s[index, labels.index(previous)]
        if held_s > 0.0 and held_s >= overlap_share * overlap_s[index].max():
            result[index] = previous
    return result


def _filled(speakers: list[str | None]) -> list[str | None]:
    """Tokens without a speaker join the run before them (the first ones, the run after)."""
    result = list(speakers)
    for index in range(1, len(result)):
        if result[index] is None:
            result[index] = result[index - 1]
    for index in range(len(result) - 2, -1, -1):
        if result[index] is None:
            result[index] = result[index + 1]
    return result


def _runs(speakers: list[str | None]) -> list[tuple[str, int, int]]:
    """(speaker, first token, token after the last) of each run of one speaker."""
    runs: list[tuple[str, int, int]] = []
    for index, speaker in enumerate(speakers):
        if speaker is None:
            continue
        if runs and runs[-1][0] == speaker:
            runs[-1] = (speaker, runs[-1][1], index + 1)
        else:
            runs.append((speaker, index, index + 1))
    return runs
