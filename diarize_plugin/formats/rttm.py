"""RTTM, the NIST "who spoke when" format: one ``SPEAKER`` line per turn."""

from __future__ import annotations

import math
import os
from pathlib import Path

from pyannote.core import Annotation, Segment

from ..errors import DiarizeError

#: line types of the NIST RTTM format (Rich Transcription 2009 evaluation plan, appendix A);
#: only SPEAKER lines are read, the others are skipped
RTTM_TYPES = frozenset({
    "SEGMENT", "NOSCORE", "NO_RT_METADATA", "NO-RT-METADATA", "LEXEME", "NON-LEX", "NON-SPEECH",
    "FILLER", "EDIT", "FRAGMENT", "IP", "CB", "A/P", "SU", "SPEAKER", "SPKR-INFO",
})


def annotation_to_rttm(annotation: Annotation, uri: str | None = None) -> str:
    """RTTM text for ``annotation``: ``SPEAKER uri 1 start duration <NA> <NA> label <NA> <NA>``.

    ``uri`` (default: the annotation's own, else ``"audio"``) and the labels (names of enrolled
    people, ``diarize --voices``) must not contain spaces, which RTTM cannot carry; they are
    replaced by underscores. Times in seconds, 3 decimals.
    """
    file_id = (uri or annotation.uri or "audio").replace(" ", "_")
    lines = [
        f"SPEAKER {file_id} 1 {segment.start:.3f} {segment.duration:.3f} <NA> <NA> {'_'.join(str(label).split())} <NA> <NA>"
        for segment, _, label in annotation.itertracks(yield_label=True)
    ]
    return "".join(line + "\n" for line in lines)


def read_rttm(path: str | os.PathLike[str]) -> dict[str, Annotation]:
    """Annotations by file id from an RTTM file (``SPEAKER`` lines; other RTTM types are skipped).

    Raises :class:`DiarizeError` naming the line at fault when a line is malformed or is no
    RTTM line at all, or when a time is not a finite number.
    """
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DiarizeError(f"cannot read RTTM file {source}: {error}") from None
    annotations: dict[str, Annotation] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        fields = line.split()
        if not fields or fields[0].startswith(("#", ";")):
            continue
        if fields[0] not in RTTM_TYPES:
            raise DiarizeError(
                f"{source}, line {number}: {fields[0][:40]!r} is not an RTTM line type; give an RTTM file "
                "(SPEAKER file 1 start duration <NA> <NA> speaker <NA> <NA>)"
            )
        if fields[0] != "SPEAKER":
            continue
        try:
            file_id, start_s, duration_s, label = fields[1], float(fields[3]), float(fields[4]), fields[7]
        except (IndexError, ValueError):
            raise DiarizeError(
                f"{source}, line {number}: not an RTTM SPEAKER line "
                "(expected: SPEAKER file 1 start duration <NA> <NA> speaker <NA> <NA>)"
            ) from None
        if not (math.isfinite(start_s) and math.isfinite(duration_s)):
            raise DiarizeError(f"{source}, line {number}: start and duration must be numbers of seconds")
        if duration_s < 0:
            raise DiarizeError(f"{source}, line {number}: negative duration {duration_s}")
        annotation = annotations.setdefault(file_id, Annotation(uri=file_id))
        segment = Segment(start_s, start_s + duration_s)
        annotation[segment, annotation.new_track(segment)] = label
    return annotations


def read_rttm_file(path: str | os.PathLike[str], file_id: str | None = None) -> Annotation:
    """The turns of one file of an RTTM: ``file_id``'s, or the only file's.

    An RTTM with no turns gives an empty :class:`Annotation`. Raises :class:`DiarizeError` when
    ``file_id`` is not in the RTTM, or when it holds several files and none was chosen.
    """
    annotations = read_rttm(path)
    if file_id is not None:
        if file_id not in annotations:
            raise DiarizeError(f"{path} has no file id {file_id!r}; it has: {', '.join(annotations) or 'none'}")
        return annotations[file_id]
    if len(annotations) > 1:
        raise DiarizeError(f"{path} holds several files ({', '.join(annotations)}); choose one with --file-id")
    return next(iter(annotations.values()), Annotation())
