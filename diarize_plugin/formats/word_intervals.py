"""The timed words of a transcript (or, without word times, its segments) as non-overlapping
intervals, for a tier of an annotation tool.

Annotation tools (Praat, ELAN) want the intervals of one tier in order and apart; recognisers
sometimes write a word that starts before the previous one ends, or a zero-length word.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..transcript.model import Transcript


@dataclass(frozen=True)
class WordInterval:
    """One word between ``start_s`` and ``end_s`` (seconds), said by ``speaker`` (or unknown)."""

    start_s: float
    end_s: float
    text: str
    speaker: str | None


def word_intervals(transcript: Transcript, precision_s: float = 0.001) -> list[WordInterval]:
    """Timed words of ``transcript`` in order, each starting no earlier than the previous ends.

    A word that overlaps its predecessor starts where that one ends; a word left shorter than
    ``precision_s`` seconds (the output format's time step) is dropped, as are untimed words
    and words without text.
    """
    intervals: list[WordInterval] = []
    previous_end_s = 0.0
    for word in transcript.words:
        text = " ".join(word.text.split())
        if not word.is_timed or not text:
            continue
        start_s = max(float(word.start_s), previous_end_s)
        end_s = float(word.end_s)
        if end_s - start_s < precision_s:
            continue
        intervals.append(WordInterval(start_s, end_s, text, word.speaker))
        previous_end_s = end_s
    return intervals


def transcript_intervals(transcript: Transcript, precision_s: float = 0.001) -> list[WordInterval]:
    """The intervals of a transcript tier: its timed words when it has any (a ``words`` tier),
    else its segments, each labelled ``SPEAKER: text`` on one line (a ``transcript`` tier: SRT,
    WebVTT and openai-whisper's default JSON have no word times). Same rules as
    :func:`word_intervals`: in order, apart, none shorter than ``precision_s``."""
    words = word_intervals(transcript, precision_s)
    if words:
        return words
    intervals: list[WordInterval] = []
    previous_end_s = 0.0
    for segment in transcript.segments:
        text = " ".join(segment.text.split())
        start_s = max(float(segment.start_s), previous_end_s)
        end_s = float(segment.end_s)
        if not text or end_s - start_s < precision_s:
            continue
        label = f"{segment.speaker}: {text}" if segment.speaker else text
        intervals.append(WordInterval(start_s, end_s, label, segment.speaker))
        previous_end_s = end_s
    return intervals


def tier_name(transcript: Transcript, speakers: list[str]) -> str:
    """``words`` (timed words) or ``transcript`` (segments), renamed if a speaker has the name."""
    name = "words" if word_intervals(transcript) else "transcript"
    return name if name not in speakers else f"{name} (transcript)"
