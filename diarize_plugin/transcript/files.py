"""Transcript files: tell the format, read any supported file, write any supported format."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable

from ..errors import DiarizeError
from .model import Transcript
from .plain_text import format_plain_text
from .subtitle_files import format_srt, format_vtt, parse_srt, parse_vtt
from .whisper_json import format_whisper_json, parse_whisper_json

#: formats :func:`write_transcript` can produce, by the name the CLI uses
TRANSCRIPT_FORMATS: tuple[str, ...] = ("srt", "vtt", "json", "txt")

_EXTENSIONS = {".srt": "srt", ".vtt": "vtt", ".webvtt": "vtt", ".json": "json", ".txt": "txt"}
_WRITERS: dict[str, Callable[[Transcript], str]] = {
    "srt": format_srt,
    "vtt": format_vtt,
    "json": format_whisper_json,
    "txt": format_plain_text,
}
_PARSERS: dict[str, Callable[[str, str], Transcript]] = {
    "srt": parse_srt,
    "vtt": parse_vtt,
    "json": parse_whisper_json,
}


def transcript_format_for(path: str | os.PathLike[str]) -> str:
    """``"srt"``, ``"vtt"``, ``"json"`` or ``"txt"`` from the extension of ``path``.

    Raises :class:`DiarizeError` for any other extension.
    """
    suffix = Path(path).suffix.lower()
    if suffix not in _EXTENSIONS:
        raise DiarizeError(
            f"cannot tell the transcript format of {path} from its extension; use one of "
            f"{', '.join(sorted(_EXTENSIONS))}"
        )
    return _EXTENSIONS[suffix]


def read_transcript(path: str | os.PathLike[str]) -> Transcript:
    """Read a Whisper-style JSON, SRT or WebVTT transcript, format detected from its content
    (then its extension).

    Raises :class:`DiarizeError` naming the file, and the line or field at fault.
    """
    try:
        payload = Path(path).read_bytes()
    except OSError as error:
        raise DiarizeError(
            f"cannot read transcript {path}: {error.strerror or error}; check the path"
        ) from None
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise DiarizeError(
            f"cannot read transcript {path}: not UTF-8 text (byte {error.start}); save it as UTF-8"
        ) from None
    return parse_transcript(text, source=str(path))


def parse_transcript(text: str, *, source: str = "<text>", fmt: str | None = None) -> Transcript:
    """Parse transcript ``text`` as ``fmt`` (``"json"``, ``"srt"``, ``"vtt"``), or detect it
    from the content, then from the extension of ``source``, when ``fmt`` is ``None``.
    """
    fmt = fmt or _detect_format(text, source)
    if fmt not in _PARSERS:
        raise DiarizeError(
            f"cannot read transcript {source}: {fmt!r} is not a transcript input format; "
            "use Whisper JSON, SRT or WebVTT"
        )
    return _PARSERS[fmt](text, source)


def _detect_format(text: str, source: str) -> str:
    content = text.lstrip("\ufeff \t\r\n")
    if content.startswith(("{", "[")):
        return "json"
    if content.startswith("WEBVTT"):
        return "vtt"
    first_lines = content.splitlines()[:2]
    if any("-->" in line for line in first_lines):
        return "srt"
    suffix = Path(source).suffix.lower()
    if _EXTENSIONS.get(suffix) in _PARSERS:
        return _EXTENSIONS[suffix]
    first = first_lines[0].strip()[:40] if first_lines else ""
    raise DiarizeError(
        f"cannot read transcript {source}: not Whisper JSON, SRT or WebVTT (it begins with "
        f"{first!r}); give a transcript in one of those formats"
    )


def write_transcript(
    transcript: Transcript, fmt: str, *, mark_doubtful: bool = False, diarization: dict[str, Any] | None = None
) -> str:
    """The transcript as text in ``fmt``, one of :data:`TRANSCRIPT_FORMATS`. ``mark_doubtful``:
    SRT and WebVTT mark the cues whose speaker confidence is doubtful (``(?)``).
    ``diarization``: the recording's duration and talk time, which JSON carries under
    ``"diarization"`` (the other formats have no place for it).

    Raises :class:`DiarizeError` for any other format.
    """
    if fmt not in _WRITERS:
        raise DiarizeError(
            f"unknown transcript format {fmt!r}; use one of {', '.join(TRANSCRIPT_FORMATS)}"
        )
    if diarization is not None and fmt == "json":
        return format_whisper_json(transcript, diarization=diarization)
    if mark_doubtful and fmt in ("srt", "vtt"):
        return (format_srt if fmt == "srt" else format_vtt)(transcript, mark_doubtful=True)
    return _WRITERS[fmt](transcript)
