"""Whisper-style JSON transcripts: read them, and write them back in their own shape.

Accepted shapes:

- an object ``{"text": ..., "segments": [...], ...}`` as written by openai-whisper (with or
  without ``word_timestamps``) and WhisperX (aligned output, optionally ``word_segments``);
- a bare list of segments, as a faster-whisper run dumps ``[s._asdict() for s in segments]``.

A segment is ``{"start": s, "end": s, "text": str, "words": [...]?, ...}``; a word is
``{"word": str, "start": s?, "end": s?, ...}``. Words without times are kept untimed. Every
field the reader does not know is kept in ``raw`` and written back untouched.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ..errors import DiarizeError
from .model import Segment, Transcript, Word


def parse_whisper_json(text: str, source: str) -> Transcript:
    """Parse Whisper-style JSON ``text``; ``source`` names the file in error messages.

    Raises :class:`DiarizeError` naming the line (syntax) or the field (content) at fault.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DiarizeError(
            f"cannot read transcript {source}: invalid JSON at line {error.lineno} column "
            f"{error.colno} ({error.msg}); fix the file or export it again from the recogniser"
        ) from None
    if isinstance(document, dict):
        if "segments" not in document:
            raise DiarizeError(
                f"cannot read transcript {source}: the JSON object has no 'segments' field; "
                'expected Whisper JSON like {"text": ..., "segments": [...]}'
            )
        items, prefix, shape, header = document["segments"], "segments", "json_object", document
    elif isinstance(document, list):
        items, prefix, shape, header = document, "", "json_list", None
    else:
        raise DiarizeError(
            f"cannot read transcript {source}: expected a JSON object with 'segments' or a list "
            f"of segments, found {type(document).__name__}"
        )
    if not isinstance(items, list):
        raise DiarizeError(
            f"cannot read transcript {source}: '{prefix}' must be a list of segments"
        )
    segments = tuple(
        _parse_segment(item, source, f"{prefix}[{index}]") for index, item in enumerate(items)
    )
    return Transcript(segments=segments, shape=shape, header=header)


def _parse_segment(item: Any, source: str, path: str) -> Segment:
    if not isinstance(item, dict):
        raise DiarizeError(f"cannot read transcript {source}: {path} must be an object")
    start_s = _required_time(item, "start", source, path)
    end_s = _required_time(item, "end", source, path)
    raw_words = item.get("words")
    if raw_words is None:
        raw_words = []
    if not isinstance(raw_words, list):
        raise DiarizeError(f"cannot read transcript {source}: {path}.words must be a list")
    words = tuple(
        _parse_word(word, source, f"{path}.words[{index}]") for index, word in enumerate(raw_words)
    )
    text = item.get("text")
    if text is None:
        text = "".join(word.text for word in words)
    if not isinstance(text, str):
        raise DiarizeError(f"cannot read transcript {source}: {path}.text must be a string")
    return Segment(
        start_s=start_s,
        end_s=end_s,
        text=text,
        words=words,
        speaker=_optional_label(item, source, path),
        raw=item,
    )


def _parse_word(item: Any, source: str, path: str) -> Word:
    if not isinstance(item, dict):
        raise DiarizeError(f"cannot read transcript {source}: {path} must be an object")
    text = item.get("word", item.get("text"))
    if not isinstance(text, str):
        raise DiarizeError(
            f"cannot read transcript {source}: {path} has no 'word' string; "
            'expected {"word": ..., "start": ..., "end": ...}'
        )
    start_s = _optional_time(item, "start", source, path)
    end_s = _optional_time(item, "end", source, path)
    # A word with only one of its two times is treated as an instant rather than dropped.
    if start_s is None:
        start_s = end_s
    if end_s is None:
        end_s = start_s
    return Word(
        text=text,
        start_s=start_s,
        end_s=end_s,
        speaker=_optional_label(item, source, path),
        raw=item,
    )


def _required_time(item: dict, key: str, source: str, path: str) -> float:
    value = _optional_time(item, key, source, path)
    if value is None and item.get(key) is not None:
        raise DiarizeError(
            f"cannot read transcript {source}: {path}.{key} is {item[key]!r}, not a time; every "
            "segment needs a finite 'start' and 'end' in seconds"
        )
    if value is None:
        raise DiarizeError(
            f"cannot read transcript {source}: {path}.{key} is missing; every segment needs "
            "'start' and 'end' in seconds"
        )
    return value


def _optional_time(item: dict, key: str, source: str, path: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise DiarizeError(
            f"cannot read transcript {source}: {path}.{key} is {value!r}, expected a number of "
            "seconds"
        )
    # NaN and infinities carry no time; treat them like a missing time.
    return float(value) if math.isfinite(value) else None


def _optional_label(item: dict, source: str, path: str) -> str | None:
    value = item.get("speaker")
    if value is None:
        return None
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        raise DiarizeError(f"cannot read transcript {source}: {path}.speaker must be a string")
    return str(value)


def format_whisper_json(transcript: Transcript, *, diarization: dict[str, Any] | None = None) -> str:
    """The transcript as JSON in the shape it was read from, with ``speaker`` on every segment
    and every word (``null`` when unknown). Subtitle transcripts become Whisper-style objects.
    ``diarization`` (the recording's duration and talk time) goes under a top-level
    ``"diarization"`` key of an object; a bare list of segments has no room for it.
    """
    segments = [_segment_dict(segment, index) for index, segment in enumerate(transcript.segments)]
    if transcript.shape == "json_list":
        document: Any = segments
    elif transcript.shape == "json_object" and isinstance(transcript.header, dict):
        document = dict(transcript.header)
        document["segments"] = segments
    else:
        text = " ".join(segment.text.replace("\n", " ").strip() for segment in transcript.segments)
        document = {"text": text, "segments": segments}
    if diarization is not None and isinstance(document, dict):
        document["diarization"] = diarization
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _segment_dict(segment: Segment, index: int) -> dict[str, Any]:
    if segment.raw is None:
        fields: dict[str, Any] = {"id": index}
    else:
        fields = dict(segment.raw)
    _set_if_changed(fields, "start", segment.start_s)
    _set_if_changed(fields, "end", segment.end_s)
    _set_if_changed(fields, "text", segment.text)
    if segment.words or "words" in fields:
        fields["words"] = [_word_dict(word) for word in segment.words]
    fields["speaker"] = segment.speaker
    if segment.confidence is not None:
        fields["confidence"] = round(segment.confidence, 3)
    if segment.also_speakers:
        fields["speakers"] = list(segment.also_speakers)
    return fields


def _word_dict(word: Word) -> dict[str, Any]:
    fields: dict[str, Any] = {"word": word.text} if word.raw is None else dict(word.raw)
    if word.is_timed:
        _set_if_changed(fields, "start", word.start_s)
        _set_if_changed(fields, "end", word.end_s)
    fields["speaker"] = word.speaker
    if word.confidence is not None:
        fields["confidence"] = round(word.confidence, 3)
    return fields


def _set_if_changed(fields: dict[str, Any], key: str, value: Any) -> None:
    # Comparing first keeps the input's own spelling (``0`` stays ``0``, not ``0.0``).
    if key not in fields or fields[key] != value:
        fields[key] = value
