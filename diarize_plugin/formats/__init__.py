"""Writers (and readers) of diarization results: RTTM, SRT, WebVTT, JSON, Praat TextGrid, ELAN
EAF, Audacity labels, CSV/TSV tables; :func:`exclusive` turns any result into one speaker at a time.

The HTML report is written by :mod:`diarize_plugin.report` (it needs the audio and the output
path); its format name and extensions are listed here so that ``--out`` picks it too.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Mapping, Sequence

from pyannote.core import Annotation

from ..util.atomic import is_special_file
from ..errors import DiarizeError
from ..transcript.doubt import is_doubtful
from ..transcript.model import Transcript
from .audacity import annotation_to_audacity, transcript_to_audacity
from .eaf import annotation_to_eaf
from .exclusive import exclusive
from .json_format import annotation_to_json
from .rttm import annotation_to_rttm, read_rttm, read_rttm_file
from .subtitles import annotation_to_srt, annotation_to_vtt
from .table import DELIMITERS, annotation_to_table, transcript_to_table
from .textgrid import annotation_to_textgrid

#: output formats and the file extensions that select them (Audacity only by name: its
#: ``.txt`` is also the plain-text transcript's extension)
FORMATS = {
    "rttm": (".rttm",),
    "srt": (".srt",),
    "vtt": (".vtt", ".webvtt"),
    "json": (".json",),
    "textgrid": (".textgrid",),
    "eaf": (".eaf",),
    "audacity": (),
    "html": (".html", ".htm"),
    "csv": (".csv",),
    "tsv": (".tsv",),
}
#: formats that hold the speaker turns and, when given, the merged transcript as well (the
#: others, with a transcript, give way to the transcript's own formats)
DOCUMENT_FORMATS = ("textgrid", "eaf", "audacity", "html", "csv", "tsv")


def format_for_path(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The output format: ``explicit`` if given, else from the extension; RTTM for stdout and
    for a device or pipe whose name has no known extension (``/dev/null``, ``/dev/stdout``)."""
    if explicit:
        if explicit.lower() not in FORMATS:
            raise DiarizeError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit.lower()
    if str(path) in ("-", "/dev/stdout"):
        return "rttm"
    suffix = Path(path).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    if is_special_file(path):  # /dev/null, /dev/stdout, a named pipe: no extension to go by
        return "rttm"
    if suffix == ".txt":
        raise DiarizeError(
            f"{Path(path).name}: plain text (.txt) labels a transcript; add --transcript, or write speaker "
            "turns as .rttm, .srt, .vtt or .json"
        )
    raise DiarizeError(
        f"cannot tell the output format from {Path(path).name!r}; use an extension "
        f"(.rttm, .srt, .vtt, .json, .TextGrid, .eaf, .html, .csv, .tsv) or --format"
    )


def render_annotation(
    annotation: Annotation,
    fmt: str,
    uri: str | None = None,
    *,
    transcript: Transcript | None = None,
    media_path: str | os.PathLike[str] | None = None,
    duration_s: float | None = None,
    similarity: Mapping[str, float] | None = None,
    confidences: Sequence[float] | None = None,
    mark_doubtful: bool = False,
) -> str:
    """``annotation`` as text in format ``fmt`` (one of :data:`FORMATS` but ``html``).

    ``transcript`` (merged with :func:`diarize_plugin.merge`) adds a words tier to TextGrid
    and EAF, and makes Audacity labels of its segments. ``media_path`` links the recording
    from an EAF file; ``duration_s`` (seconds) makes a TextGrid span the whole recording.
    ``similarity``: each speaker named after an enrolled person and their cosine similarity
    (``diarize --voices``), carried by JSON. ``confidences``: one per turn in ``itertracks``
    order (:func:`diarize_plugin.confidence.turn_confidences`), carried by JSON, and by SRT and
    WebVTT as a marker on doubtful cues when ``mark_doubtful``. ``duration_s`` is also the
    recording length JSON carries.
    """
    if fmt == "rttm":
        return annotation_to_rttm(annotation, uri)
    doubtful = _doubtful(confidences) if mark_doubtful else None
    if fmt == "srt":
        return annotation_to_srt(annotation, doubtful)
    if fmt == "vtt":
        return annotation_to_vtt(annotation, doubtful)
    if fmt == "json":
        return annotation_to_json(annotation, uri, similarity, duration_s=duration_s, confidences=confidences)
    if fmt in DELIMITERS:
        return transcript_to_table(transcript, fmt) if transcript is not None else annotation_to_table(annotation, fmt)
    if fmt == "textgrid":
        return annotation_to_textgrid(annotation, transcript, duration_s)
    if fmt == "eaf":
        return annotation_to_eaf(annotation, transcript, media_path)
    if fmt == "audacity":
        return transcript_to_audacity(transcript) if transcript is not None else annotation_to_audacity(annotation)
    if fmt == "html":
        raise DiarizeError("the html report needs the audio and the output path: use diarize_plugin.report.write_report")
    raise DiarizeError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


def _doubtful(confidences: Sequence[float] | None) -> list[bool]:
    if confidences is None:
        raise DiarizeError("marking doubtful turns needs their confidences (diarize --mark-doubtful)")
    return [is_doubtful(value) for value in confidences]


__all__ = [
    "DOCUMENT_FORMATS",
    "FORMATS",
    "annotation_to_eaf",
    "annotation_to_rttm",
    "annotation_to_table",
    "annotation_to_textgrid",
    "exclusive",
    "format_for_path",
    "read_rttm",
    "read_rttm_file",
    "render_annotation",
    "transcript_to_table",
]
