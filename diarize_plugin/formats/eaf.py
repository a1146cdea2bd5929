"""ELAN annotation files (EAF 3.0): one time-aligned tier per speaker, and a words tier.

The document follows the EAF 3.0 schema (``http://www.mpi.nl/tools/elan/EAFv3.0.xsd``):
``HEADER`` (time unit milliseconds, the media file when known), ``TIME_ORDER`` (one time slot
per distinct boundary), a ``TIER`` per speaker whose annotations carry the speaker's label,
then one ``LINGUISTIC_TYPE`` they all refer to. With a merged transcript, a ``words`` tier holds
each timed word, or, without word times, a ``transcript`` tier each segment as
``SPEAKER_00: text``.
"""

from __future__ import annotations

import datetime as dt
import os
import xml.etree.ElementTree as ET
from pathlib import Path

from pyannote.core import Annotation

from ..transcript.model import Transcript
from .document_date import document_date
from .word_intervals import tier_name, transcript_intervals

SCHEMA_URL = "http://www.mpi.nl/tools/elan/EAFv3.0.xsd"
LINGUISTIC_TYPE = "diarization"
WORDS_TIER = "words"
#: file extension -> MIME type ELAN expects in MEDIA_DESCRIPTOR
_MIME_TYPES = {".wav": "audio/x-wav", ".mp3": "audio/mpeg", ".mp4": "video/mp4", ".mpg": "video/mpeg",
               ".mpeg": "video/mpeg", ".ogg": "audio/ogg", ".flac": "audio/flac", ".m4a": "audio/mp4"}


def annotation_to_eaf(
    annotation: Annotation,
    transcript: Transcript | None = None,
    media_path: str | os.PathLike[str] | None = None,
    date: dt.datetime | None = None,
) -> str:
    """EAF 3.0 XML text for ``annotation``: one tier per speaker (labels sorted), each turn an
    annotation whose value is the speaker label; a words tier when ``transcript`` (merged)
    has word times.

    ``media_path``: the recording, linked from the header (absolute URL and the bare file name
    as relative URL). ``date``: the document date (default: ``$SOURCE_DATE_EPOCH`` or now, UTC). Times are whole
    milliseconds; a turn shorter than 1 ms after rounding is left out.
    """
    date = date or document_date()
    root = ET.Element("ANNOTATION_DOCUMENT", {
        "AUTHOR": "diarize-plugin",
        "DATE": date.isoformat(),
        "FORMAT": "3.0",
        "VERSION": "3.0",
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation": SCHEMA_URL,
    })
    header = ET.SubElement(root, "HEADER", {"MEDIA_FILE": "", "TIME_UNITS": "milliseconds"})
    if media_path is not None:
        media = Path(media_path)
        ET.SubElement(header, "MEDIA_DESCRIPTOR", {
            "MEDIA_URL": media.resolve().as_uri(),
            "MIME_TYPE": _MIME_TYPES.get(media.suffix.lower(), "unknown"),
            "RELATIVE_MEDIA_URL": f"./{media.name}",
        })
    tiers = _tiers(annotation, transcript)
    slots = sorted({time_ms for _, _, marks in tiers for start_ms, end_ms, _ in marks for time_ms in (start_ms, end_ms)})
    slot_ids = {time_ms: f"ts{index}" for index, time_ms in enumerate(slots, start=1)}
    time_order = ET.SubElement(root, "TIME_ORDER")
    for time_ms, slot_id in slot_ids.items():
        ET.SubElement(time_order, "TIME_SLOT", {"TIME_SLOT_ID": slot_id, "TIME_VALUE": str(time_ms)})
    annotation_count = 0
    for tier_id, participant, marks in tiers:
        attributes = {"TIER_ID": tier_id, "LINGUISTIC_TYPE_REF": LINGUISTIC_TYPE}
        if participant:
            attributes["PARTICIPANT"] = participant
        tier = ET.SubElement(root, "TIER", attributes)
        for start_ms, end_ms, value in marks:
            annotation_count += 1
            aligned = ET.SubElement(ET.SubElement(tier, "ANNOTATION"), "ALIGNABLE_ANNOTATION", {
                "ANNOTATION_ID": f"a{annotation_count}",
                "TIME_SLOT_REF1": slot_ids[start_ms],
                "TIME_SLOT_REF2": slot_ids[end_ms],
            })
            ET.SubElement(aligned, "ANNOTATION_VALUE").text = value
    ET.SubElement(root, "LINGUISTIC_TYPE", {
        "LINGUISTIC_TYPE_ID": LINGUISTIC_TYPE, "TIME_ALIGNABLE": "true", "GRAPHIC_REFERENCES": "false",
    })
    ET.indent(root, space="    ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _tiers(annotation: Annotation, transcript: Transcript | None) -> list[tuple[str, str, list[tuple[int, int, str]]]]:
    """``(tier id, participant, [(start ms, end ms, value)])`` per tier, in document order."""
    labels = sorted(str(label) for label in annotation.labels())
    tiers = []
    for label in labels:
        marks = [(_ms(segment.start), _ms(segment.end), label)
                 for segment in annotation.label_timeline(label, copy=False).support()]
        tiers.append((label, label, [mark for mark in marks if mark[1] > mark[0]]))
    words = transcript_intervals(transcript) if transcript is not None else []
    if words:
        marks, cursor_ms = [], 0
        for word in words:
            start_ms, end_ms = max(_ms(word.start_s), cursor_ms), _ms(word.end_s)
            if end_ms > start_ms:
                marks.append((start_ms, end_ms, word.text))
                cursor_ms = end_ms
        tiers.append((tier_name(transcript, labels), "", marks))
    return tiers


def _ms(seconds: float) -> int:
    return max(0, int(round(seconds * 1000.0)))
