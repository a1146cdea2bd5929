"""Speaker turns as subtitles: SRT and WebVTT cues that name the speaker.

Overlapping turns become separate cues, in order of start time. With ``doubtful`` (one flag per
turn, ``diarize --mark-doubtful``), a doubtful turn's speaker is followed by
:data:`DOUBTFUL_MARK`.
"""

from __future__ import annotations

from typing import Sequence

from pyannote.core import Annotation

from ..transcript.doubt import DOUBTFUL_MARK
from ..util.timestamps import srt_timestamp, vtt_timestamp


def annotation_to_srt(annotation: Annotation, doubtful: Sequence[bool] | None = None) -> str:
    """SRT text with one numbered cue per turn; the cue text is the speaker label."""
    cues = []
    for index, (segment, _, label) in enumerate(annotation.itertracks(yield_label=True), start=1):
        text = f"{label}{_mark(doubtful, index - 1)}"
        cues.append(f"{index}\n{srt_timestamp(segment.start)} --> {srt_timestamp(segment.end)}\n{text}\n")
    return "\n".join(cues)


def annotation_to_vtt(annotation: Annotation, doubtful: Sequence[bool] | None = None) -> str:
    """WebVTT text with one cue per turn, the speaker as a ``<v>`` voice tag."""
    cues = ["WEBVTT\n"]
    for index, (segment, _, label) in enumerate(annotation.itertracks(yield_label=True)):
        text = f"<v {label}>{label}</v>{_mark(doubtful, index)}"
        cues.append(f"{vtt_timestamp(segment.start)} --> {vtt_timestamp(segment.end)}\n{text}\n")
    return "\n".join(cues)


def _mark(doubtful: Sequence[bool] | None, index: int) -> str:
    return DOUBTFUL_MARK if doubtful is not None and doubtful[index] else ""
