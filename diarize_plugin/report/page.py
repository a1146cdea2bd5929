"""The HTML report: one self-contained page (inline CSS and JavaScript, no network).

The Python side writes the static parts (statistics, options, versions) with every text
escaped, and hands the timeline and the transcript to the page's script as JSON inside a
``<script type="application/json">`` element, with ``<`` escaped so that no text can close it.
The script draws the timeline on a canvas (only what is in view, so hour-long recordings with
thousands of turns scroll smoothly) and wires the audio player, the timeline and the
transcript together. It exposes its state as ``window.diarizeReport`` for tests and tools.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import platform
import re
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Mapping, Sequence

from pyannote.core import Annotation

from ..transcript.doubt import is_doubtful
from ..util.atomic import atomic_write_text
from ..formats.document_date import document_date
from ..util.timestamps import clock_timestamp
from ..transcript.model import Transcript
from .embedded_audio import DEFAULT_EMBED_LIMIT_BYTES, EmbeddedAudio, audio_duration_s, embedded_audio
from .palette import speaker_style
from ..formats.statistics import ConversationStatistics, conversation_statistics, overlap

#: distributions whose versions the report names
_VERSIONED = ("diarize-plugin", "onnxruntime", "numpy", "pyannote.core")


def write_report(
    path: str | os.PathLike[str],
    annotation: Annotation,
    audio_path: str | os.PathLike[str],
    *,
    transcript: Transcript | None = None,
    options: Mapping[str, Any] | None = None,
    duration_s: float | None = None,
    embed_limit_bytes: int = DEFAULT_EMBED_LIMIT_BYTES,
    title: str | None = None,
) -> None:
    """Write the HTML report of ``annotation`` over the recording ``audio_path`` to ``path``
    (atomically).

    ``transcript``: a transcript merged with :func:`diarize_plugin.merge`, shown line by line.
    ``options``: what produced the result (shown as given). ``duration_s``: the recording's
    length in seconds (default: read from the file's header where it has one, else the end of
    the last turn or line; the page extends its timeline once its player knows better). ``embed_limit_bytes``: the audio is embedded up to
    this encoded size, else linked relative to ``path`` (0: always linked). ``title``: the
    page's title (default: the annotation's uri, else the audio file's name).
    Raises :class:`DiarizeError` when the audio is missing or cannot be decoded, or ``path``
    cannot be written.
    """
    page = report_html(annotation, audio_path, path, transcript=transcript, options=options, duration_s=duration_s,
                       embed_limit_bytes=embed_limit_bytes, title=title)
    atomic_write_text(path, page)


def report_html(
    annotation: Annotation,
    audio_path: str | os.PathLike[str],
    report_path: str | os.PathLike[str],
    *,
    transcript: Transcript | None = None,
    options: Mapping[str, Any] | None = None,
    duration_s: float | None = None,
    embed_limit_bytes: int = DEFAULT_EMBED_LIMIT_BYTES,
    title: str | None = None,
    confidences: Sequence[float] | None = None,
) -> str:
    """The text :func:`write_report` writes to ``report_path`` (the audio is linked relative to
    it when not embedded), for callers that write it themselves. ``confidences``: one per turn
    (``itertracks`` order); doubtful turns and transcript lines are then marked."""
    source = embedded_audio(audio_path, report_path, embed_limit_bytes)
    return render_report(
        annotation, source, transcript=transcript, options=options,
        duration_s=duration_s if duration_s is not None else audio_duration_s(audio_path),
        title=title or annotation.uri or Path(audio_path).name, confidences=confidences,
    )


def render_report(
    annotation: Annotation,
    audio: EmbeddedAudio,
    *,
    transcript: Transcript | None = None,
    options: Mapping[str, Any] | None = None,
    duration_s: float | None = None,
    title: str = "Diarization",
    generated_at: dt.datetime | None = None,
    confidences: Sequence[float] | None = None,
) -> str:
    """The report's HTML text; see :func:`write_report`. ``generated_at`` defaults to ``$SOURCE_DATE_EPOCH`` or now (UTC).
    ``confidences`` (one per turn, ``itertracks`` order) mark the doubtful turns, hatched."""
    generated_at = generated_at or document_date()
    labels = sorted(str(label) for label in annotation.labels())
    statistics = conversation_statistics(annotation)
    timeline = _timeline_data(annotation, labels, transcript, duration_s, title, confidences)
    template = resources.files(__package__).joinpath("assets", "report.html").read_text(encoding="utf-8")
    parts = {
        "title": html.escape(title),
        "style": _asset("report.css"),
        "script": _asset("report.js"),
        "audio_url": html.escape(audio.url, quote=True),
        "summary": html.escape(_summary(statistics, timeline["duration_s"], generated_at)),
        "statistics": _statistics_table(statistics, labels),
        "about": _about_table(options or {}, audio, generated_at),
        "data": _script_json(timeline),
    }
    # one pass over the template: text put in never gets searched for placeholders
    return re.sub(r"\{\{(\w+)\}\}", lambda match: parts[match.group(1)], template)


def _timeline_data(
    annotation: Annotation, labels: list[str], transcript: Transcript | None, duration_s: float | None, title: str,
    confidences: Sequence[float] | None = None,
) -> dict[str, Any]:
    lane = {label: index for index, label in enumerate(labels)}
    tracks = list(annotation.itertracks(yield_label=True))
    # a fourth field, 1 for a doubtful turn, only when the confidences are known
    doubt = [(int(is_doubtful(value)),) for value in confidences] if confidences is not None else [()] * len(tracks)
    turns = sorted(
        (round(segment.start, 3), round(segment.end, 3), lane[str(label)], *flag)
        for (segment, _, label), flag in zip(tracks, doubt)
    )
    lines = [
        [round(segment.start_s, 3), round(segment.end_s, 3), segment.shown_speaker, " ".join(segment.text.split()),
         *([int(is_doubtful(segment.confidence))] if segment.confidence is not None else [])]
        for segment in (transcript.segments if transcript is not None else ())
    ]
    ends = [turn[1] for turn in turns] + [line[1] for line in lines]
    return {
        "title": title,
        "duration_s": max([duration_s or 0.0] + ends),
        "speakers": [{"label": label, **vars(speaker_style(index))} for index, label in enumerate(labels)],
        "turns": [list(turn) for turn in turns],
        "overlaps": [[round(segment.start, 3), round(segment.end, 3)] for segment in overlap(annotation)],
        "lines": lines,
        "has_transcript": transcript is not None,
    }


def _script_json(value: Any) -> str:
    """JSON that is safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u`` escapes, so that no
    ``</script>`` or ``<!--`` can appear; non-ASCII escaped too (U+2028 and U+2029 included)."""
    text = json.dumps(value, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath("assets", name).read_text(encoding="utf-8")


def _summary(statistics: ConversationStatistics, duration_s: float, generated_at: dt.datetime) -> str:
    return (
        f"{clock_timestamp(duration_s)} · {len(statistics.speakers)} speakers · speech {_duration(statistics.speech_s)}"
        f" · overlap {_duration(statistics.overlap_s)} · {generated_at.strftime('%Y-%m-%d %H:%M UTC')}"
    )


def _statistics_table(statistics: ConversationStatistics, labels: list[str]) -> str:
    rows = []
    for speaker in statistics.speakers:
        style = speaker_style(labels.index(speaker.label))
        rows.append(
            "<tr>"
            f'<th scope="row"><span class="swatch {style.fill}" style="--colour:{style.colour}"></span>'
            f"{html.escape(speaker.label)}</th>"
            f"<td>{_duration(speaker.talk_s)}</td>"
            f'<td><span class="share" style="--share:{speaker.share * 100:.1f}%"></span>{speaker.share * 100:.1f} %</td>'
            f"<td>{speaker.turns}</td>"
            f"<td>{_duration(speaker.longest_monologue_s)}</td>"
            "</tr>"
        )
    overlap_share = statistics.overlap_s / statistics.speech_s * 100 if statistics.speech_s > 0 else 0.0
    return (
        "<table><thead><tr><th>speaker</th><th>talk time</th><th>share</th><th>turns</th>"
        "<th>longest monologue</th></tr></thead><tbody>" + "".join(rows) + "</tbody>"
        f"<tfoot><tr><th>speech</th><td>{_duration(statistics.speech_s)}</td><td colspan=\"3\">"
        f"overlap {_duration(statistics.overlap_s)} ({overlap_share:.1f} % of speech)</td></tr></tfoot></table>"
    )


def _about_table(options: Mapping[str, Any], audio: EmbeddedAudio, generated_at: dt.datetime) -> str:
    rows = [(f"--{str(key).replace('_', '-')}", str(value)) for key, value in options.items()]
    rows.append(("audio", "embedded (MP3, mono, 32 kbit/s)" if audio.embedded else f"linked: {audio.url}"))
    rows += [(name, _version(name)) for name in _VERSIONED]
    rows += [("python", platform.python_version()), ("generated", generated_at.isoformat())]
    return "<table>" + "".join(
        f"<tr><th scope=\"row\">{html.escape(key)}</th><td>{html.escape(value)}</td></tr>" for key, value in rows
    ) + "</table>"


def _version(distribution: str) -> str:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return "not installed"


def _duration(seconds: float) -> str:
    """``1 h 02 min``, ``3 min 05 s`` or ``12.3 s``."""
    if seconds >= 3600:
        hours, rest = divmod(int(round(seconds)), 3600)
        return f"{hours} h {rest // 60:02d} min"
    if seconds >= 60:
        minutes, rest = divmod(int(round(seconds)), 60)
        return f"{minutes} min {rest:02d} s"
    return f"{seconds:.1f} s"
