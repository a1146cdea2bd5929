"""Clock-time formatting shared by the subtitle writers (SRT, WebVTT, plain text)."""

from __future__ import annotations


def _split(seconds: float) -> tuple[int, int, int, int]:
    total_ms = max(0, int(round(seconds * 1000.0)))
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, millis = divmod(rest, 1000)
    return hours, minutes, secs, millis


def srt_timestamp(seconds: float) -> str:
    """``HH:MM:SS,mmm`` as SRT writes it, e.g. ``srt_timestamp(62.5) == '00:01:02,500'``."""
    hours, minutes, secs, millis = _split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d},{millis:03d}"


def vtt_timestamp(seconds: float) -> str:
    """``HH:MM:SS.mmm`` as WebVTT writes it, e.g. ``vtt_timestamp(62.5) == '00:01:02.500'``."""
    hours, minutes, secs, millis = _split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def clock_timestamp(seconds: float) -> str:
    """``HH:MM:SS`` for plain-text transcripts, e.g. ``clock_timestamp(62.5) == '00:01:02'``."""
    hours, minutes, secs, _ = _split(seconds)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}"
