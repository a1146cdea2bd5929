"""RTTM, the NIST "who spoke when" format: one ``SPEAKER`` line per turn."""

from __future__ import annotations

import os
from pathlib import Path

from pyannote.core import Annotation, Segment

from ..errors import DiarizeError


def annotation_to_rttm(annotation: Annotation, uri: str | None = None) -> str:
    """RTTM text for ``annotation``: ``SPEAKER uri 1 start duration <NA> <NA> label <NA> <NA>``.

    ``uri`` (default: the annotation's own, else ``"audio"``) must not contain spaces, which
    RTTM cannot carry; they are replaced by underscores. Times in seconds, 3 decimals.
    """
    file_id = (uri or annotation.uri or "audio").replace(" ", "_")
    lines = [
        f"SPEAKER {file_id} 1 {segment.start:.3f} {segment.duration:.3f} <NA> <NA> {label} <NA> <NA>"
        for segment, _, label in annotation.itertracks(yield_label=True)
    ]
    return "".join(line + "\n" for line in lines)


def read_rttm(path: str | os.PathLike[str]) -> dict[str, Annotation]:
    """Annotations by file id from an RTTM file (``SPEAKER`` lines; other types are skipped).

    Raises :class:`DiarizeError` naming the line at fault when a line is malformed.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DiarizeError(f"cannot read RTTM file {source}: {error}") from None
    annotations: dict[str, Annotation] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(("#", ";")) or fields[0] != "SPEAKER":
            continue
        try:
            file_id, start_s, duration_s, label = fields[1], float(fields[3]), float(fields[4]), fields[7]
        except (IndexError, ValueError):
            raise DiarizeError(
                f"{source}, line {number}: not an RTTM SPEAKER line "
                "(expected: SPEAKER file 1 start duration <NA> <NA> speaker <NA> <NA>)"
            ) from None
        if duration_s < 0:
            raise DiarizeError(f"{source}, line {number}: negative duration {duration_s}")
        annotation = annotations.setdefault(file_id, Annotation(uri=file_id))
        segment = Segment(start_s, start_s + duration_s)
        annotation[segment, annotation.new_track(segment)] = label
    return annotations
