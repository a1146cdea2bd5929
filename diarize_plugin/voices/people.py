"""The records of the voice database: an enrolled :class:`Person` and their :class:`Voiceprint`
s, and the rules of a person's name."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

import numpy as np

from ..errors import DiarizeError


#: longest accepted person name, in characters
MAX_NAME_LENGTH = 200


#: diarization names unnamed speakers like this; a person may not be called so
RESERVED_NAME = re.compile(r"SPEAKER_\d+")


@dataclass(frozen=True)
class Voiceprint:
    """The embedding of one enrolled recording, and where it came from.

    ``embedding``: ``(D,)`` float32. ``embedder`` / ``model_sha256``: the model that made it
    (prints of different models are never compared). ``speech_s``: seconds of speech embedded.
    ``source_name`` / ``source_sha256``: the recording's file name and the sha256 of its bytes.
    ``created``: ISO 8601 UTC time of enrollment.
    """

    embedding: np.ndarray
    embedder: str
    model_sha256: str
    speech_s: float
    source_name: str
    source_sha256: str
    created: str


@dataclass(frozen=True)
class Person:
    """An enrolled person: ``name``, ``created`` (ISO 8601 UTC), ``note``, their voiceprints."""

    name: str
    created: str
    note: str
    voiceprints: tuple[Voiceprint, ...]

    @property
    def speech_s(self) -> float:
        """Seconds of speech over all voiceprints."""
        return float(sum(print_.speech_s for print_ in self.voiceprints))


def now_utc() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def check_name(name: str) -> str:
    """``name`` without surrounding blanks; :class:`DiarizeError` if empty, too long, holding
    control characters, or shaped like an unnamed speaker (``SPEAKER_00``)."""
    cleaned = str(name).strip()
    if not cleaned:
        raise DiarizeError("a person's name cannot be empty; give a name such as 'Alice'")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise DiarizeError(f"a person's name has at most {MAX_NAME_LENGTH} characters; {len(cleaned)} given")
    if any(ord(character) < 32 or ord(character) == 127 for character in cleaned):
        raise DiarizeError(f"the name {cleaned!r} holds control characters; give a printable name")
    if RESERVED_NAME.fullmatch(cleaned):
        raise DiarizeError(f"{cleaned!r} is how diarization labels unknown speakers; give the person another name")
    return cleaned
