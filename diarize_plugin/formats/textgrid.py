"""Praat TextGrid (long text format): one interval tier per speaker, and a words tier.

Each speaker tier covers the whole recording: the speaker's turns carry the speaker's label,
the time between them empty intervals, as Praat requires of an interval tier. When a merged
transcript is given, a ``words`` tier holds each timed word, or, when it has no word times, a
``transcript`` tier each segment as ``SPEAKER_00: text``.
"""

from __future__ import annotations

from pyannote.core import Annotation

from ..transcript.model import Transcript
from .word_intervals import tier_name, transcript_intervals

#: name of the tier of transcript words (another name is used if a speaker has this one)
WORDS_TIER = "words"


def annotation_to_textgrid(
    annotation: Annotation, transcript: Transcript | None = None, duration_s: float | None = None
) -> str:
    """TextGrid text for ``annotation``: one interval tier per speaker (labels sorted), then,
    with a ``transcript`` (merged with :func:`diarize_plugin.merge`), a words tier of its timed
    words or, without word times, a transcript tier of its labelled segments.

    The grid spans 0 to ``duration_s`` seconds, or to the last turn or word if that is later.
    Times are written in seconds with up to 6 decimals.
    """
    labels = sorted((str(label) for label in annotation.labels()))
    words = transcript_intervals(transcript, precision_s=1e-6) if transcript is not None else []
    end_s = max([duration_s or 0.0, annotation.get_timeline().extent().end if annotation else 0.0]
                + [word.end_s for word in words])
    tiers = []
    for label in labels:
        support = annotation.label_timeline(label, copy=False).support()
        tiers.append((label, [(segment.start, segment.end, label) for segment in support]))
    if words:
        tiers.append((tier_name(transcript, labels), [(word.start_s, word.end_s, word.text) for word in words]))
    lines = [
        'File type = "ooTextFile"',
        'Object class = "TextGrid"',
        "",
        "xmin = 0",
        f"xmax = {_number(end_s)}",
        "tiers? <exists>",
        f"size = {len(tiers)}",
        "item []:",
    ]
    for index, (name, marks) in enumerate(tiers, start=1):
        intervals = _tiled(marks, end_s)
        lines += [
            f"    item [{index}]:",
            '        class = "IntervalTier"',
            f"        name = {_string(name)}",
            "        xmin = 0",
            f"        xmax = {_number(end_s)}",
            f"        intervals: size = {len(intervals)}",
        ]
        for number, (start_s, stop_s, text) in enumerate(intervals, start=1):
            lines += [
                f"        intervals [{number}]:",
                f"            xmin = {_number(start_s)}",
                f"            xmax = {_number(stop_s)}",
                f"            text = {_string(text)}",
            ]
    return "\n".join(lines) + "\n"


def _tiled(marks: list[tuple[float, float, str]], end_s: float) -> list[tuple[float, float, str]]:
    """``marks`` (in order, apart) with empty intervals between them, from 0 to ``end_s``."""
    intervals = []
    cursor = 0.0
    for start_s, stop_s, text in marks:
        start_s, stop_s = round(start_s, 6), round(stop_s, 6)
        if start_s > cursor:
            intervals.append((cursor, start_s, ""))
        start_s = max(start_s, cursor)
        if stop_s > start_s:
            intervals.append((start_s, stop_s, text))
            cursor = stop_s
    if round(end_s, 6) > cursor or not intervals:
        intervals.append((cursor, max(round(end_s, 6), cursor), ""))
    return intervals


def _number(seconds: float) -> str:
    text = f"{seconds:.6f}".rstrip("0").rstrip(".")
    return text or "0"


def _string(text: str) -> str:
    """A Praat string literal: in double quotes, a double quote written twice."""
    return '"' + text.replace('"', '""') + '"'
