"""Speaker labels for speech-recognition transcripts (Whisper JSON, SRT, WebVTT).

Read a transcript, :func:`merge` a diarization ``Annotation`` into it, write it back::

    transcript = read_transcript("talk.json")
    labelled = merge(annotation, transcript)
    text = write_transcript(labelled, "srt")   # "SPEAKER_00: ..." cues
"""

from __future__ import annotations

from .assign import DEFAULT_TOLERANCE_S, merge, require_shared_time
from .files import (
    TRANSCRIPT_FORMATS,
    parse_transcript,
    read_transcript,
    transcript_format_for,
    write_transcript,
)
from .model import Segment, Transcript, Word

__all__ = [
    "DEFAULT_TOLERANCE_S",
    "TRANSCRIPT_FORMATS",
    "Segment",
    "Transcript",
    "Word",
    "merge",
    "parse_transcript",
    "read_transcript",
    "require_shared_time",
    "transcript_format_for",
    "write_transcript",
]
