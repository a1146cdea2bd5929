"""Enroll a person: one voiceprint per recording of them, added to the voice database; a
person's recordings are pooled, and a recording enrolled before is not added again."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np
from pyannote.core import Segment

from ..errors import DiarizeError
from ..audio.input_file import is_regular_file
from .recording import MIN_ENROLL_SPEECH_S, MIN_RECORDING_SPEECH_S, recording_sha256, recording_voice
from .people import Person, Voiceprint, check_name, now_utc
from .store import VoiceStore

if TYPE_CHECKING:
    from ..diarization.pipeline import Diarizer


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
    part of each to use, in seconds. ``diarizer``: a :class:`diarize_plugin.diarization.pipeline.Diarizer`
    (its embedder makes the prints). A person's recordings are pooled: each needs
    :data:`MIN_RECORDING_SPEECH_S` of speech (a shorter one is named in a warning), and all of
    them together, with what the person has already, ``min_speech_s``. A recording already
    enrolled for the person with the same model (same file contents), or given twice, is
    skipped with a warning. Every recording is checked and embedded before anything is
    written: one with more than one speaker, or too little speech in all, raises
    :class:`DiarizeError` and nothing is stored.
    """
    name = check_name(name)
    for recording in recordings:
        if not isinstance(recording, np.ndarray) and not is_regular_file(recording):
            raise DiarizeError(
                f"enroll reads {os.fspath(recording)} only as a file: its name and sha256 are stored with the "
                "voiceprint; save the recording to a file first"
            )
    embedder = diarizer.embedder
    existing = _existing_voiceprints(store, name, embedder.name, embedder.model_sha256)
    seen = {print_.source_sha256 for print_ in existing}
    voiceprints = []
    for recording in recordings:
        sha256 = recording_sha256(recording)
        if sha256 in seen:
            warnings.warn(f"{_label(recording)} is already enrolled for {name}; skipped", UserWarning, stacklevel=2)
            continue
        seen.add(sha256)
        voice = recording_voice(recording, diarizer, min_speech_s=MIN_RECORDING_SPEECH_S, segment=segment,
                                warn_below_s=min_speech_s)
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
    total_s = sum(print_.speech_s for print_ in existing) + sum(print_.speech_s for print_ in voiceprints)
    if total_s < min_speech_s:
        raise DiarizeError(
            f"the recordings of {name} hold {total_s:.1f} s of speech in all, less than the {min_speech_s:g} s needed "
            "to enroll; add longer recordings of them"
        )
    if not voiceprints:
        return store.person(name)
    return store.add_voiceprints(name, voiceprints, note=note)


def _existing_voiceprints(store: VoiceStore, name: str, embedder: str, model_sha256: str) -> list[Voiceprint]:
    """The voiceprints ``name`` has of this model; none for someone not enrolled yet."""
    if name not in store.names():  # names only: reading everyone's prints to find one person's is not needed
        return []
    return [p for p in store.person(name).voiceprints if p.embedder == embedder and p.model_sha256 == model_sha256]


def _label(recording: str | os.PathLike[str] | np.ndarray) -> str:
    return "a waveform" if isinstance(recording, np.ndarray) else Path(recording).name
