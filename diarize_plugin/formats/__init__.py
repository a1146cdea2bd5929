"""Writers (and readers) of diarization results: RTTM, SRT, WebVTT, JSON."""

from __future__ import annotations

import os
from pathlib import Path

from pyannote.core import Annotation

from ..errors import DiarizeError
from .json_format import annotation_to_json
from .rttm import annotation_to_rttm, read_rttm
from .subtitles import annotation_to_srt, annotation_to_vtt

#: output formats and the file extensions that select them
FORMATS = {"rttm": (".rttm",), "srt": (".srt",), "vtt": (".vtt", ".webvtt"), "json": (".json",)}


def format_for_path(path: str | os.PathLike[str], explicit: str | None = None) -> str:
    """The output format: ``explicit`` if given, else from the extension; RTTM for stdout."""
    if explicit:
        if explicit.lower() not in FORMATS:
            raise DiarizeError(f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit.lower()
    if str(path) == "-":
        return "rttm"
    suffix = Path(path).suffix.lower()
    for name, suffixes in FORMATS.items():
        if suffix in suffixes:
            return name
    if suffix == ".txt":
        raise DiarizeError(
            f"{Path(path).name}: plain text (.txt) labels a transcript; add --transcript, or write speaker "
            "turns as .rttm, .srt, .vtt or .json"
        )
    raise DiarizeError(
        f"cannot tell the output format from {Path(path).name!r}; use an extension "
        f"(.rttm, .srt, .vtt, .json) or --format"
    )


def render_annotation(annotation: Annotation, fmt: str, uri: str | None = None) -> str:
    """``annotation`` as text in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "rttm":
        return annotation_to_rttm(annotation, uri)
    if fmt == "srt":
        return annotation_to_srt(annotation)
    if fmt == "vtt":
        return annotation_to_vtt(annotation)
    if fmt == "json":
        return annotation_to_json(annotation, uri)
    raise DiarizeError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")


__all__ = ["FORMATS", "format_for_path", "render_annotation", "read_rttm", "annotation_to_rttm"]
