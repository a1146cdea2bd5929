"""Speaker turns as JSON: ``{"uri", "speakers", "segments": [{"start", "end", "speaker"}]}``.

Speakers named after enrolled people (``diarize --voices``) add ``"similarity": {name: cosine}``.
"""

from __future__ import annotations

import json

from typing import Mapping

from pyannote.core import Annotation, Segment

from ..errors import DiarizeError


def annotation_to_json(annotation: Annotation, uri: str | None = None, similarity: Mapping[str, float] | None = None) -> str:
    """JSON text for ``annotation``; times in seconds rounded to milliseconds. ``similarity``:
    each named speaker's cosine similarity to the enrolled person (``"similarity"``, 3 decimals)."""
    segments = [
        {"start": round(segment.start, 3), "end": round(segment.end, 3), "speaker": label}
        for segment, _, label in annotation.itertracks(yield_label=True)
    ]
    document = {
        "uri": uri or annotation.uri,
        "speakers": sorted(annotation.labels()),
        "segments": segments,
    }
    if similarity is not None:
        document["similarity"] = {name: round(float(value), 3) for name, value in sorted(similarity.items())}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


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
