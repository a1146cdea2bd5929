"""Export the voice database to JSON, and import such a file back after checking all of it.

The document holds names, notes, times and embeddings (as lists of numbers), never audio::

    {"format": "diarize-plugin voices", "version": 1,
     "people": [{"name": "Alice", "created": "...", "note": "",
                 "voiceprints": [{"embedding": [...], "embedder": "campplus",
                                  "model_sha256": "...", "speech_s": 12.3,
                                  "source_name": "alice.wav", "source_sha256": "...",
                                  "created": "..."}]}]}

The export is written atomically and owner-only (it is as private as the database).
"""

from __future__ import annotations

import json
import math
import os
from typing import Any

import numpy as np

from ..util.atomic import atomic_write_text
from ..errors import DiarizeError
from .location import FILE_MODE
from .people import Person, Voiceprint, check_name
from .store import VoiceStore

FORMAT_NAME = "diarize-plugin voices"
FORMAT_VERSION = 1
_SHA256_LENGTH = 64


def export_voices(store: VoiceStore, path: str | os.PathLike[str]) -> int:
    """Write every person of ``store`` to ``path`` as JSON (mode 0600); returns how many."""
    text, count = export_text(store)
    atomic_write_text(path, text, mode=FILE_MODE)
    return count


def export_text(store: VoiceStore) -> tuple[str, int]:
    """Every person of ``store`` as the JSON text of an export file, and how many they are."""
    people = store.people()
    document = {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        "people": [
            {
                "name": person.name,
                "created": person.created,
                "note": person.note,
                "voiceprints": [
                    {
                        "embedding": [float(value) for value in print_.embedding],
                        "embedder": print_.embedder,
                        "model_sha256": print_.model_sha256,
                        "speech_s": print_.speech_s,
                        "source_name": print_.source_name,
                        "source_sha256": print_.source_sha256,
                        "created": print_.created,
                    }
                    for print_ in person.voiceprints
                ],
            }
            for person in people
        ],
    }
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n", len(people)


def read_export(path: str | os.PathLike[str]) -> list[Person]:
    """The people of an export file, every field checked; :class:`DiarizeError` naming the
    first problem (nothing is written anywhere)."""
    try:
        with open(path, encoding="utf-8") as stream:
            document = json.load(stream)
    except OSError as error:
        raise DiarizeError(f"cannot read {path}: {error.strerror or error}") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise DiarizeError(f"{path} is not JSON ({error}); give a file written by 'diarize speakers export'") from None
    where = str(path)
    if not isinstance(document, dict) or document.get("format") != FORMAT_NAME:
        raise DiarizeError(f"{where} is not a voice export (no \"format\": \"{FORMAT_NAME}\")")
    if document.get("version") != FORMAT_VERSION:
        raise DiarizeError(f"{where} has export version {document.get('version')!r}; this diarize-plugin reads {FORMAT_VERSION}")
    people = _field(document, "people", list, where)
    parsed = [_person(entry, f"{where}: person {index + 1}") for index, entry in enumerate(people)]
    names = [person.name for person in parsed]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise DiarizeError(f"{where} lists {duplicates[0]!r} twice; merge the entries first")
    return parsed


def import_voices(store: VoiceStore, path: str | os.PathLike[str]) -> tuple[int, int]:
    """Check the export at ``path`` completely, then add it to ``store`` in one transaction.

    Returns ``(people added, voiceprints added)``; voiceprints already stored are skipped, so
    importing a file twice changes nothing the second time.
    """
    return store.add_people(read_export(path))


def _person(entry: Any, where: str) -> Person:
    if not isinstance(entry, dict):
        raise DiarizeError(f"{where} is not an object")
    try:
        name = check_name(_field(entry, "name", str, where))
    except DiarizeError as error:
        raise DiarizeError(f"{where}: {error}") from None
    prints = _field(entry, "voiceprints", list, where)
    return Person(
        name=name,
        created=_field(entry, "created", str, where),
        note=_field(entry, "note", str, where),
        voiceprints=tuple(_voiceprint(item, f"{where} ({name!r}), voiceprint {i + 1}") for i, item in enumerate(prints)),
    )


def _voiceprint(entry: Any, where: str) -> Voiceprint:
    if not isinstance(entry, dict):
        raise DiarizeError(f"{where} is not an object")
    values = _field(entry, "embedding", list, where)
    if not values or not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in values):
        raise DiarizeError(f"{where}: the embedding must be a non-empty list of finite numbers")
    speech_s = _field(entry, "speech_s", (int, float), where)
    if not math.isfinite(speech_s) or speech_s <= 0:
        raise DiarizeError(f"{where}: speech_s must be a positive number of seconds")
    for key in ("model_sha256", "source_sha256"):
        digest = _field(entry, key, str, where)
        if len(digest) != _SHA256_LENGTH or any(c not in "0123456789abcdef" for c in digest):
            raise DiarizeError(f"{where}: {key} must be 64 lower-case hexadecimal digits")
    embedding = np.asarray(values, dtype=np.float32)
    if not np.any(embedding):
        raise DiarizeError(f"{where}: the embedding is all zeros")
    return Voiceprint(
        embedding=embedding,
        embedder=_field(entry, "embedder", str, where),
        model_sha256=entry["model_sha256"],
        speech_s=float(speech_s),
        source_name=_field(entry, "source_name", str, where),
        source_sha256=entry["source_sha256"],
        created=_field(entry, "created", str, where),
    )


def _field(entry: dict, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = entry.get(key)
    if not isinstance(value, kind) or isinstance(value, bool):
        expected = kind.__name__ if isinstance(kind, type) else "number"
        raise DiarizeError(f"{where}: {key!r} is missing or not a {expected}")
    return value
