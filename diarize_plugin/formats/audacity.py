"""Audacity label tracks: ``start<TAB>end<TAB>label`` per line, times in seconds.

File > Import > Labels... in Audacity reads this; overlapping labels are allowed. Not to be
confused with the plain-text transcript format (``[00:01:02] SPEAKER_01: text``).
"""

from __future__ import annotations

from pyannote.core import Annotation

from ..transcript.model import Transcript


def annotation_to_audacity(annotation: Annotation) -> str:
    """One label per turn, in order of start time, the speaker as its text."""
    return _lines((segment.start, segment.end, str(label))
                  for segment, _, label in annotation.itertracks(yield_label=True))


def transcript_to_audacity(transcript: Transcript) -> str:
    """One label per transcript segment, its text prefixed by its speaker (``SPEAKER_00: text``)."""
    return _lines(
        (segment.start_s, segment.end_s,
         (f"{segment.speaker}: " if segment.speaker is not None else "") + " ".join(segment.text.split()))
        for segment in transcript.segments
    )


def _lines(labels) -> str:
    # a tab or line break inside a label would split it into fields or lines
    return "".join(f"{start_s:.6f}\t{end_s:.6f}\t{' '.join(text.split())}\n" for start_s, end_s, text in labels)
