"""SRT and WebVTT transcripts: cues with times and (possibly multi-line) text.

Readers keep each cue's identifier and settings. A WebVTT voice tag (``<v Name>``) or an SRT
line prefix in this plugin's own style (``SPEAKER_00: ``) becomes the segment's speaker, so
that merging a file this plugin wrote replaces the labels instead of stacking them. Writers
label cues the same way: ``SPEAKER_00: text`` in SRT and ``<v SPEAKER_00>text`` in WebVTT.
"""

from __future__ import annotations

import html
import re

from ..errors import DiarizeError
from ..util.timestamps import srt_timestamp, vtt_timestamp
from .doubt import DOUBTFUL_MARK, is_doubtful
from .model import Segment, Transcript

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{1,2})[,.](\d{1,3})"
_TIMING_LINE = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(.*)$")
_CUE_NUMBER = re.compile(r"^\s*\d+\s*$")
#: a line that begins like a timing line; at the start of a cue it must be one
_STARTS_WITH_TIME = re.compile(r"^\s*(?:\d+:)?\d{1,2}:\d{1,2}[,.]\d")
_SRT_SPEAKER_PREFIX = re.compile(r"^(SPEAKER_\d+): ")
_VOICE_OPEN = re.compile(r"<v(?:\.[^\s>]*)?(?:[ \t]+([^>]*))?>")
_VOICE_CLOSE = re.compile(r"</v\s*>")
_VTT_HEADER = re.compile(r"^WEBVTT(?:[ \t].*)?$")
# WebVTT markup that must survive writing; any other "<" is escaped as text.
_VTT_TAG_START = re.compile(r"<(?!/?(?:c|i|b|u|ruby|rt|lang|v)[\s.>]|\d)")
#: any WebVTT tag (class, italics, bold, underline, ruby, language, voice, timestamp): markup,
#: not text, for every output but WebVTT
_VTT_ANY_TAG = re.compile(r"</?(?:c|i|b|u|ruby|rt|lang|v)(?:[.\s][^>]*)?>|<\d[\d:.]*>")
_VTT_BARE_AMPERSAND = re.compile(r"&(?!(?:[A-Za-z]+|#\d+|#[xX][0-9A-Fa-f]+);)")


def _timing(match: re.Match[str], source: str, line_number: int) -> tuple[float, float, str]:
    """Start, end (seconds) and settings of a timing line; raises :class:`DiarizeError` naming
    the line when a time is out of range (``00:99:08,436``) or the cue ends before it starts."""
    groups = match.groups()
    start_s = _seconds(groups[0:4], source, line_number)
    end_s = _seconds(groups[4:8], source, line_number)
    if end_s < start_s:
        raise DiarizeError(
            f"cannot read transcript {source} line {line_number}: the cue ends ({end_s:.3f} s) before "
            f"it starts ({start_s:.3f} s); fix its times"
        )
    return start_s, end_s, groups[8].strip()


def _seconds(parts: tuple[str | None, ...], source: str, line_number: int) -> float:
    hours, minutes, seconds, fraction = parts
    if int(minutes) > 59 or int(seconds) > 59:
        raise DiarizeError(
            f"cannot read transcript {source} line {line_number}: {hours or '00'}:{minutes}:{seconds} is not a time "
            "(minutes and seconds go from 00 to 59)"
        )
    return (
        int(hours or 0) * 3600.0
        + int(minutes) * 60.0
        + int(seconds)
        + int(fraction) / 10.0 ** len(fraction)
    )


def _lines(text: str) -> list[str]:
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_srt(text: str, source: str) -> Transcript:
    """Parse SubRip ``text``; ``source`` names the file in error messages.

    Raises :class:`DiarizeError` naming the line at fault (a broken timing line, text
    before the first cue).
    """
    lines = _lines(text)
    cues: list[dict] = []
    for index, line in enumerate(lines):
        match = _TIMING_LINE.match(line)
        previous = lines[index - 1] if index > 0 else ""
        opens_block = not previous.strip() or _CUE_NUMBER.match(previous)
        if match is None and opens_block and ("-->" in line or _STARTS_WITH_TIME.match(line)):
            raise DiarizeError(
                f"cannot read transcript {source} line {index + 1}: {line.strip()!r} is not a "
                "timing line like '00:00:01,000 --> 00:00:02,500'"
            )
        if match is None:
            if cues:
                cues[-1]["lines"].append(line)
            elif line.strip() and not _CUE_NUMBER.match(line):
                raise DiarizeError(
                    f"cannot read transcript {source} line {index + 1}: expected a cue number or "
                    f"a timing line like '00:00:01,000 --> 00:00:02,500', found {line.strip()!r}"
                )
            continue
        cue_id = None
        if index > 0 and _CUE_NUMBER.match(lines[index - 1]):
            cue_id = lines[index - 1].strip()
            if cues:
                # The number was read as the last text line of the cue before.
                cues[-1]["lines"].pop()
        start_s, end_s, settings = _timing(match, source, index + 1)
        cues.append(
            {"start": start_s, "end": end_s, "settings": settings, "id": cue_id, "lines": []}
        )
    return Transcript(segments=tuple(_srt_segment(cue) for cue in cues), shape="srt")


def _srt_segment(cue: dict) -> Segment:
    body = _trim_blank_lines(cue["lines"])
    speaker = None
    prefix = _SRT_SPEAKER_PREFIX.match(body)
    if prefix is not None:
        speaker, body = prefix.group(1), body[prefix.end():]
    return Segment(
        start_s=cue["start"],
        end_s=cue["end"],
        text=body,
        speaker=speaker,
        cue_id=cue["id"],
        cue_settings=cue["settings"],
    )


def _trim_blank_lines(lines: list[str]) -> str:
    kept = [line.rstrip() for line in lines]
    while kept and not kept[-1]:
        kept.pop()
    while kept and not kept[0]:
        kept.pop(0)
    return "\n".join(kept)


def parse_vtt(text: str, source: str) -> Transcript:
    """Parse WebVTT ``text``; ``source`` names the file in error messages.

    ``NOTE`` blocks are dropped; the header and ``STYLE``/``REGION`` blocks before the first
    cue are kept verbatim in ``Transcript.header``. Raises :class:`DiarizeError` naming the
    line at fault.
    """
    lines = _lines(text)
    if not _VTT_HEADER.match(lines[0].rstrip()):
        raise DiarizeError(
            f"cannot read transcript {source} line 1: a WebVTT file must begin with 'WEBVTT', "
            f"found {lines[0].strip()[:40]!r}"
        )
    blocks = _blocks(lines)
    header_number, header_lines = blocks.pop(0)
    # Some writers put the first cue right under "WEBVTT" without the blank line.
    arrow = next((i for i, line in enumerate(header_lines) if "-->" in line), None)
    if arrow is not None:
        blocks.insert(0, (header_number + arrow, header_lines[arrow:]))
        header_lines = header_lines[:arrow]
    preamble: list[str] = ["\n".join(header_lines)]
    segments: list[Segment] = []
    for first_number, block in blocks:
        keyword = block[0].split(maxsplit=1)[0] if block[0].split() else ""
        if keyword == "NOTE" and "-->" not in block[0]:
            continue
        if keyword in ("STYLE", "REGION") and "-->" not in block[0]:
            if not segments:
                preamble.append("\n".join(block))
            continue
        segments.append(_vtt_segment(block, first_number, source))
    return Transcript(segments=tuple(segments), shape="vtt", header=tuple(preamble))


def _blocks(lines: list[str]) -> list[tuple[int, list[str]]]:
    """Runs of non-blank lines with the 1-based number of their first line."""
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            current = None
            continue
        if current is None:
            current = []
            blocks.append((number, current))
        current.append(line.rstrip())
    return blocks


def _vtt_segment(block: list[str], first_number: int, source: str) -> Segment:
    cue_id = None
    timing_index = 0
    if "-->" not in block[0]:
        if _STARTS_WITH_TIME.match(block[0]):
            raise DiarizeError(
                f"cannot read transcript {source} line {first_number}: {block[0].strip()!r} is not a "
                "timing line like '00:00:01.000 --> 00:00:02.500'"
            )
        cue_id, timing_index = block[0], 1
    match = _TIMING_LINE.match(block[timing_index]) if timing_index < len(block) else None
    if match is None:
        found = block[timing_index] if timing_index < len(block) else "the end of the cue"
        raise DiarizeError(
            f"cannot read transcript {source} line {first_number + timing_index}: expected cue "
            f"timings like '00:00:01.000 --> 00:00:02.500', found {found.strip()!r}"
        )
    start_s, end_s, settings = _timing(match, source, first_number + timing_index)
    payload = "\n".join(block[timing_index + 1:])
    voice = _VOICE_OPEN.search(payload)
    speaker = html.unescape((voice.group(1) or "").strip()) or None if voice is not None else None
    markup = _VOICE_CLOSE.sub("", _VOICE_OPEN.sub("", payload))
    return Segment(
        start_s=start_s,
        end_s=end_s,
        text=html.unescape(_VTT_ANY_TAG.sub("", markup)),
        speaker=speaker,
        cue_id=cue_id,
        cue_settings=settings,
        markup=markup,
    )


def format_srt(transcript: Transcript, *, mark_doubtful: bool = False) -> str:
    """SubRip text, cues numbered from 1, text prefixed ``SPEAKER: `` when the speaker is known
    (``SPEAKER (?): `` for a doubtful one with ``mark_doubtful``)."""
    cues = []
    for number, segment in enumerate(transcript.segments, start=1):
        body = _cue_body(segment.text)
        if segment.speaker is not None:
            body = f"{segment.shown_speaker}{_doubt(segment, mark_doubtful)}: {body}"
        start_s, end_s = segment.ordered_times()
        timing = f"{srt_timestamp(start_s)} --> {srt_timestamp(end_s)}"
        if segment.cue_settings and transcript.shape == "srt":
            timing += f" {segment.cue_settings}"
        cues.append(f"{number}\n{timing}\n{body}\n")
    return "\n".join(cues)


def format_vtt(transcript: Transcript, *, mark_doubtful: bool = False) -> str:
    """WebVTT text with a ``<v SPEAKER>`` voice tag on every cue whose speaker is known (the
    text prefixed ``(?) `` for a doubtful speaker with ``mark_doubtful``)."""
    if transcript.shape == "vtt" and transcript.header:
        blocks = [block for block in transcript.header]
    else:
        blocks = ["WEBVTT"]
    for segment in transcript.segments:
        lines = []
        if segment.cue_id is not None and transcript.shape == "vtt":
            lines.append(segment.cue_id)
        start_s, end_s = segment.ordered_times()
        timing = f"{vtt_timestamp(start_s)} --> {vtt_timestamp(end_s)}"
        if segment.cue_settings and transcript.shape == "vtt":
            timing += f" {segment.cue_settings}"
        lines.append(timing)
        if transcript.shape == "vtt" and segment.markup is not None:
            body = _cue_body(segment.markup)  # the cue as read, markup and all
        else:
            body = _escape_vtt(_cue_body(segment.text))
        if segment.speaker is not None:
            doubt = f"{DOUBTFUL_MARK.strip()} " if _doubt(segment, mark_doubtful) else ""
            body = f"<v {_escape_voice(segment.shown_speaker)}>{doubt}{body}"
        lines.append(body)
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def _doubt(segment: Segment, mark_doubtful: bool) -> str:
    """The doubtful-speaker marker for ``segment`` (empty unless asked and doubtful)."""
    return DOUBTFUL_MARK if mark_doubtful and is_doubtful(segment.confidence) else ""


def _cue_body(text: str) -> str:
    # A blank line or an arrow inside a cue would end it early when the file is read back.
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    return "\n".join(lines).replace("-->", "->")


def _escape_voice(name: str) -> str:
    """A voice tag's annotation: ``&``, ``<`` and ``>`` as entities (``>`` would end the tag,
    ``</v>`` inside it would close the voice)."""
    return name.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_vtt(text: str) -> str:
    return _VTT_TAG_START.sub("&lt;", _VTT_BARE_AMPERSAND.sub("&amp;", text))
