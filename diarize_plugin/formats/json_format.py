"""Speaker turns as JSON: ``{"uri", "speakers", "segments": [{"start", "end", "speaker"}]}``."""

from __future__ import annotations

import json

from pyannote.core import Annotation, Segment

from ..errors import DiarizeError


def annotation_to_json(annotation: Annotation, uri: str | None = None) -> str:
    """JSON text for ``annotation``; times in seconds rounded to milliseconds."""
    segments = [
        {"start": round(segment.start, 3), "end": round(segment.end, 3), "speaker": label}
        for segment, _, label in annotation.itertracks(yield_label=True)
    ]
    document = {
        "uri": uri or annotation.uri,
        "speakers": sorted(annotation.labels()),
        "segments": segments,
    }
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
