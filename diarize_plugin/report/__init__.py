"""See a diarization: a self-contained HTML report, and a static SVG timeline.

>>> from diarize_plugin.report import write_report            # doctest: +SKIP
>>> write_report("meeting.html", annotation, "meeting.wav")   # doctest: +SKIP

:func:`write_report` writes one HTML file with the audio (embedded up to a size limit, else
linked), a zoomable timeline with one lane per speaker, the speaker-labelled transcript and
per-speaker statistics; :func:`annotation_to_svg` draws the timeline as SVG;
:func:`conversation_statistics` gives the figures the report shows.
"""

from __future__ import annotations

from .embedded_audio import DEFAULT_EMBED_LIMIT_BYTES, EmbeddedAudio, embedded_audio
from .page import render_report, report_html, write_report
from .palette import OKABE_ITO, SpeakerStyle, speaker_style
from ..formats.statistics import ConversationStatistics, SpeakerStatistics, conversation_statistics
from .svg import annotation_to_svg

__all__ = [
    "DEFAULT_EMBED_LIMIT_BYTES",
    "OKABE_ITO",
    "EmbeddedAudio",
    "ConversationStatistics",
    "SpeakerStatistics",
    "SpeakerStyle",
    "annotation_to_svg",
    "embedded_audio",
    "conversation_statistics",
    "render_report",
    "report_html",
    "speaker_style",
    "write_report",
]
