"""Enroll a person: one voiceprint per recording of them, added to the voice database."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Sequence

import numpy as np
from pyannote.core import Segment

from ..errors import DiarizeError
from ..input_file import is_regular_file
from .recording import MIN_ENROLL_SPEECH_S, recording_voice
from .store import Person, Voiceprint, VoiceStore, check_name, now_utc

if TYPE_CHECKING:
    from ..pipeline import Diarizer


def enroll(
    store: VoiceStore,
    name: str,
    recordings: Sequence[str | os.PathLike[str] | np.ndarray],
    diarizer: "Diarizer",
    segment: Segment | None = None,
    note: str | None = None,
    min_speech_s: float = MIN_ENROLL_SPEECH_S,
) -> Person:
    """Add one voiceprint per recording to ``name`` (a new person, or one enrolled before: more
    recordings make a better print) and return the person as stored.

    ``recordings``: audio files (or 16 kHz waveforms) of the person alone; ``segment``: the
    part of each to use, in seconds. ``diarizer``: a :class:`diarize_plugin.pipeline.Diarizer`
    (its embedder makes the prints). Every recording is checked and embedded before anything
    is written: one with less than ``min_speech_s`` seconds of speech, or with more than one
    speaker, raises :class:`DiarizeError` and nothing is stored.
    """
    name = check_name(name)
    for recording in recordings:
        if not isinstance(recording, np.ndarray) and not is_regular_file(recording):
            raise DiarizeError(
                f"enroll reads {os.fspath(recording)} only as a file: its name and sha256 are stored with the "
                "voiceprint; save the recording to a file first"
            )
    embedder = diarizer.embedder
    voiceprints = []
    for recording in recordings:
        voice = recording_voice(recording, diarizer, min_speech_s=min_speech_s, segment=segment)
        voiceprints.append(
            Voiceprint(
                embedding=voice.embedding,
                embedder=embedder.name,
                model_sha256=embedder.model_sha256,
                speech_s=voice.speech_s,
                source_name=voice.source_name,
                source_sha256=voice.source_sha256,
                created=now_utc(),
            )
        )
    return store.add_voiceprints(name, voiceprints, note=note)
