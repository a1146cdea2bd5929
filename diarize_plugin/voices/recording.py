"""The one voice of a recording: its speech, found by diarization, as one embedding.

Enrollment and identification take recordings of one person. The recording (or the part of it
given by ``segment``) must hold enough speech (:func:`diarize_plugin.segmentation.speech_amount.require_speech`:
where the segmentation network and webrtcvad both hear a voice); it is diarized and must hold
exactly one speaker, whose speech (where nobody else talks) is embedded in one piece
(:meth:`SpeakerEmbedder.embed_utterance`).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pyannote.core import Segment

from ..audio.decode import SAMPLE_RATE, load_audio
from ..audio.source import InMemoryAudio
from ..errors import DiarizeError
from ..util.file_digest import sha256_of_files
from ..segmentation.speech_amount import require_speech
from .speaker_speech import solo_speech, speech_samples

if TYPE_CHECKING:
    from ..diarization.pipeline import Diarizer

#: seconds of speech a person's recordings need, together, to be enrolled
MIN_ENROLL_SPEECH_S = 3.0
#: seconds of speech each recording of an enrollment needs (they are pooled)
MIN_RECORDING_SPEECH_S = 1.0
#: seconds of speech a recording needs to be identified
MIN_IDENTIFY_SPEECH_S = 1.0
#: at most this much speech (seconds, spread over the recording) goes into one embedding
MAX_SPEECH_S = 120.0


@dataclass(frozen=True)
class Voice:
    """The voice of one recording: ``embedding`` ``(D,)`` float32, made from ``speech_s``
    seconds of speech; ``source_name`` and ``source_sha256`` of the file (its whole bytes)."""

    embedding: np.ndarray
    speech_s: float
    source_name: str
    source_sha256: str


def recording_voice(
    audio: str | os.PathLike[str] | np.ndarray,
    diarizer: "Diarizer",
    min_speech_s: float,
    segment: Segment | None = None,
    source_name: str | None = None,
    warn_below_s: float | None = None,
) -> Voice:
    """The voice of ``audio`` (a file, or a 16 kHz mono waveform) inside ``segment`` (seconds).

    ``diarizer``: a :class:`diarize_plugin.diarization.pipeline.Diarizer`; its embedder makes the
    embedding. ``warn_below_s``: seconds of speech under which a warning names the recording
    (default: ``min_speech_s``, at least 3). Raises :class:`DiarizeError` when the audio cannot be read, the segment lies
    outside it, it holds less than ``min_speech_s`` seconds of speech, or more than one speaker.
    """
    if isinstance(audio, np.ndarray):
        waveform, name = np.asarray(audio, dtype=np.float32), source_name or "waveform"
    else:
        waveform, name = load_audio(audio), source_name or Path(audio).name
    sha256 = recording_sha256(audio)
    waveform = _crop(waveform, segment, name)
    warn_below_s = max(min_speech_s, 3.0) if warn_below_s is None else warn_below_s
    require_speech(waveform, source=name, min_speech_s=min_speech_s, warn_below_s=warn_below_s)
    annotation = diarizer.run(waveform, uri=name)
    speakers = annotation.labels()
    if not speakers:
        raise DiarizeError(f"diarization found no speaker in {name}; give a clearer recording of the person")
    if len(speakers) > 1:
        raise DiarizeError(
            f"{name} holds {len(speakers)} speakers; give a recording of the person alone, or the part where "
            "only they speak with --segment START-END"
        )
    speech = solo_speech(annotation, speakers[0])
    embedding = diarizer.embedder.embed_utterance(speech_samples(InMemoryAudio(waveform), speech, MAX_SPEECH_S))
    return Voice(np.asarray(embedding, dtype=np.float32), float(min(speech.duration(), MAX_SPEECH_S)), name, sha256)


def recording_sha256(audio: str | os.PathLike[str] | np.ndarray) -> str:
    """The sha256 of a recording: of the file's bytes, or of a waveform's float32 samples."""
    if isinstance(audio, np.ndarray):
        return _array_sha256(audio)
    return sha256_of_files([audio])


def _array_sha256(waveform: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(waveform, dtype="<f4").tobytes()).hexdigest()


def _crop(waveform: np.ndarray, segment: Segment | None, name: str) -> np.ndarray:
    if segment is None:
        return waveform
    duration_s = len(waveform) / SAMPLE_RATE
    if segment.start >= duration_s:
        raise DiarizeError(
            f"--segment {segment.start:g}-{segment.end:g} starts after the end of {name} ({duration_s:.1f} s)"
        )
    return waveform[int(segment.start * SAMPLE_RATE) : int(min(segment.end, duration_s) * SAMPLE_RATE)]
