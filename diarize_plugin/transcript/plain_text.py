"""Plain-text transcripts grouped by speaker turns: ``[00:01:02] SPEAKER_01: text``."""

from __future__ import annotations

from ..util.timestamps import clock_timestamp
from .model import Segment, Transcript


def format_plain_text(transcript: Transcript) -> str:
    """One line per speaker turn (consecutive segments of one speaker joined), stamped with the
    turn's start as ``HH:MM:SS``. Text of unknown speakers is written without a label.
    """
    lines = []
    for turn in _turns(transcript.segments):
        text = " ".join(" ".join(segment.text.split()) for segment in turn)
        label = f" {turn[0].shown_speaker}:" if turn[0].speaker is not None else ""
        lines.append(f"[{clock_timestamp(turn[0].start_s)}]{label} {text}".rstrip())
    return "\n".join(lines) + "\n" if lines else ""


def _turns(segments: tuple[Segment, ...]) -> list[list[Segment]]:
    turns: list[list[Segment]] = []
    for segment in segments:
        if turns and turns[-1][0].speaker == segment.speaker and not (turns[-1][0].also_speakers or segment.also_speakers):
            turns[-1].append(segment)
        else:
            turns.append([segment])
    return turns
