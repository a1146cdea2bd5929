"""Who talked how much: per-speaker talk time, share, turns and longest monologue; overlap."""

from __future__ import annotations

from dataclasses import dataclass

from pyannote.core import Annotation, Segment, Timeline


@dataclass(frozen=True)
class SpeakerStatistics:
    """One speaker's part of a conversation (times in seconds).

    ``talk_s``: time the speaker talks (their overlapping turns counted once). ``share``: that
    time over the sum of every speaker's, 0-1. ``turns``: continuous stretches of their speech.
    ``longest_monologue_s``: the longest of those stretches. ``overlap_s``: the part of their
    talk time during which someone else talks too.
    """

    label: str
    talk_s: float
    share: float
    turns: int
    longest_monologue_s: float
    overlap_s: float = 0.0


@dataclass(frozen=True)
class ConversationStatistics:
    """The whole conversation: ``speakers`` (most talk first), ``speech_s`` (someone talks),
    ``overlap_s`` (two or more talk at once), all in seconds."""

    speakers: tuple[SpeakerStatistics, ...]
    speech_s: float
    overlap_s: float


def conversation_statistics(annotation: Annotation) -> ConversationStatistics:
    """Statistics of ``annotation``; speakers ordered by talk time, then label."""
    supports = {str(label): annotation.label_timeline(label, copy=False).support() for label in annotation.labels()}
    total_talk_s = sum(support.duration() for support in supports.values())
    overlapped = overlap(annotation)
    speakers = [
        SpeakerStatistics(
            label=label,
            talk_s=support.duration(),
            share=support.duration() / total_talk_s if total_talk_s > 0 else 0.0,
            turns=len(support),
            longest_monologue_s=max((segment.duration for segment in support), default=0.0),
            overlap_s=support.crop(overlapped, mode="intersection").duration() if overlapped else 0.0,
        )
        for label, support in supports.items()
    ]
    speakers.sort(key=lambda speaker: (-speaker.talk_s, speaker.label))
    return ConversationStatistics(
        speakers=tuple(speakers),
        speech_s=annotation.get_timeline(copy=False).support().duration(),
        overlap_s=overlapped.duration(),
    )


def overlap(annotation: Annotation) -> Timeline:
    """Where two or more speakers talk at once (a speaker overlapping their own turn does
    not count). One sweep over the turns' ends, O(n log n): ``Annotation.get_overlap``
    compares every pair of turns, seconds for a few thousand."""
    events = sorted(
        (time_s, step)
        for label in annotation.labels()
        for segment in annotation.label_timeline(label, copy=False).support()
        for time_s, step in ((segment.start, 1), (segment.end, -1))
    )
    regions, talking, since_s = [], 0, 0.0
    for time_s, step in events:  # at equal times ends (-1) sort first: touching turns do not overlap
        if talking >= 2 and step == -1 and talking + step < 2 and time_s > since_s:
            regions.append(Segment(since_s, time_s))
        talking += step
        if talking == 2 and step == 1:
            since_s = time_s
    return Timeline(regions, uri=annotation.uri).support()  # joins regions that touch
