"""Speaker turns as subtitles: SRT and WebVTT cues that name the speaker.

Overlapping turns become separate cues, in order of start time.
"""

from __future__ import annotations

from pyannote.core import Annotation

from ..util.timestamps import srt_timestamp, vtt_timestamp


def annotation_to_srt(annotation: Annotation) -> str:
    """SRT text with one numbered cue per turn; the cue text is the speaker label."""
    cues = []
    for index, (segment, _, label) in enumerate(annotation.itertracks(yield_label=True), start=1):
        cues.append(f"{index}\n{srt_timestamp(segment.start)} --> {srt_timestamp(segment.end)}\n{label}\n")
    return "\n".join(cues)


def annotation_to_vtt(annotation: Annotation) -> str:
    """WebVTT text with one cue per turn, the speaker as a ``<v>`` voice tag."""
    cues = ["WEBVTT\n"]
    for segment, _, label in annotation.itertracks(yield_label=True):
        cues.append(f"{vtt_timestamp(segment.start)} --> {vtt_timestamp(segment.end)}\n<v {label}>{label}</v>\n")
    return "\n".join(cues)
