"""Speaker turns, or a labelled transcript, as a CSV or TSV table for spreadsheets.

One header row ``start,end,speaker,text`` then one row per turn (``text`` empty) or per
transcript segment; times in seconds with millisecond precision. Written with the :mod:`csv`
module, so commas, quotes, tabs and line breaks inside a text are quoted, not lost.
"""

from __future__ import annotations

import csv
import io
from typing import Iterable

from pyannote.core import Annotation

from ..transcript.model import Transcript

#: the table formats and their field separators
DELIMITERS = {"csv": ",", "tsv": "\t"}
HEADER = ("start", "end", "speaker", "text")


def annotation_to_table(annotation: Annotation, fmt: str = "csv") -> str:
    """One row per turn of ``annotation`` (in time order), ``text`` left empty; ``fmt``:
    ``"csv"`` or ``"tsv"``."""
    rows = ((segment.start, segment.end, label, "") for segment, _, label in annotation.itertracks(yield_label=True))
    return _table(rows, fmt)


def transcript_to_table(transcript: Transcript, fmt: str = "csv") -> str:
    """One row per segment of ``transcript`` (file order), its text on one line; ``fmt``:
    ``"csv"`` or ``"tsv"``. A segment without a speaker has an empty ``speaker`` cell; one that
    holds a change of speaker it was not split at names them all (``A + B``)."""
    rows = (
        (*segment.ordered_times(), segment.shown_speaker or "", " ".join(segment.text.split()))
        for segment in transcript.segments
    )
    return _table(rows, fmt)


def _table(rows: Iterable[tuple[float, float, str, str]], fmt: str) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=DELIMITERS[fmt], lineterminator="\n")
    writer.writerow(HEADER)
    for start_s, end_s, speaker, text in rows:
        writer.writerow((_seconds(start_s), _seconds(end_s), speaker, text))
    return buffer.getvalue()


def _seconds(value: float) -> str:
    return f"{value:.3f}"
