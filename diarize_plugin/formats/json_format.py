"""Speaker turns as JSON::

    {"uri", "duration", "speakers", "talk_time": {"speech", "overlap", "speakers": [...]},
     "segments": [{"start", "end", "speaker", "confidence"?}]}

``duration`` is the recording's length (when known); ``talk_time`` holds the figures the HTML
report shows (:func:`~diarize_plugin.formats.statistics.conversation_statistics`): per speaker
``talk_time``, ``share``, ``turns``, ``longest_turn`` and ``overlap``, seconds and shares 0-1.
Speakers named after enrolled people (``diarize --voices``) add ``"similarity": {name: cosine}``;
turn confidences (:mod:`diarize_plugin.confidence`) add ``"confidence"`` to every segment.
"""

from __future__ import annotations

import json
from typing import Any, Mapping, Sequence

from pyannote.core import Annotation, Segment

from ..errors import DiarizeError
from .statistics import conversation_statistics


def annotation_to_json(
    annotation: Annotation,
    uri: str | None = None,
    similarity: Mapping[str, float] | None = None,
    *,
    duration_s: float | None = None,
    confidences: Sequence[float] | None = None,
) -> str:
    """JSON text for ``annotation``; times in seconds rounded to milliseconds. ``similarity``:
    each named speaker's cosine similarity to the enrolled person (``"similarity"``, 3 decimals).
    ``duration_s``: the recording's length in seconds. ``confidences``: one per turn, in
    ``itertracks`` order (0-1, :func:`~diarize_plugin.confidence.turn_confidences`)."""
    tracks = list(annotation.itertracks(yield_label=True))
    if confidences is not None and len(confidences) != len(tracks):
        raise DiarizeError(f"{len(confidences)} confidences for {len(tracks)} turns; give one per turn")
    segments = []
    for index, (segment, _, label) in enumerate(tracks):
        item: dict[str, Any] = {"start": round(segment.start, 3), "end": round(segment.end, 3), "speaker": label}
        if confidences is not None:
            item["confidence"] = round(float(confidences[index]), 3)
        segments.append(item)
    document: dict[str, Any] = {"uri": uri or annotation.uri}
    if duration_s is not None:
        document["duration"] = round(float(duration_s), 3)
    document["speakers"] = sorted(annotation.labels())
    document["talk_time"] = talk_time(annotation)
    document["segments"] = segments
    if similarity is not None:
        document["similarity"] = {name: round(float(value), 3) for name, value in sorted(similarity.items())}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def talk_time(annotation: Annotation) -> dict[str, Any]:
    """Who talked how much, as a JSON-ready dictionary: ``speech`` and ``overlap`` seconds of the
    whole conversation, and per speaker (most talk first) ``talk_time``, ``share`` (0-1),
    ``turns``, ``longest_turn`` and ``overlap`` (seconds of their talk someone else talks over)."""
    statistics = conversation_statistics(annotation)
    return {
        "speech": round(statistics.speech_s, 3),
        "overlap": round(statistics.overlap_s, 3),
        "speakers": [
            {
                "speaker": speaker.label,
                "talk_time": round(speaker.talk_s, 3),
                "share": round(speaker.share, 4),
                "turns": speaker.turns,
                "longest_turn": round(speaker.longest_monologue_s, 3),
                "overlap": round(speaker.overlap_s, 3),
            }
            for speaker in statistics.speakers
        ],
    }


def annotation_from_json(text: str) -> Annotation:
    """The inverse of :func:`annotation_to_json` (raises :class:`DiarizeError` when malformed)."""
    try:
        document = json.loads(text)
        annotation = Annotation(uri=document.get("uri"))
        for item in document["segments"]:
            segment = Segment(float(item["start"]), float(item["end"]))
            annotation[segment, annotation.new_track(segment)] = str(item["speaker"])
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise DiarizeError(f"not a diarization JSON document ({error}); expected the format `diarize` writes") from None
    return annotation
