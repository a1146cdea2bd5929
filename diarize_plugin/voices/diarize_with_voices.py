"""Diarize a recording and name its speakers after enrolled people, in one call."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..audio.source import AudioSource
from ..diarization.pipeline import Diarizer, check_audio_argument
from .identification import Gallery, check_threshold
from .naming import SpeakerNaming, name_speakers


def run_with_voices(
    diarizer: Diarizer,
    audio: str | os.PathLike[str] | np.ndarray | AudioSource,
    gallery: Gallery,
    threshold: float | None = None,
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    uri: str | None = None,
) -> SpeakerNaming:
    """:meth:`Diarizer.run <diarize_plugin.diarization.pipeline.Diarizer.run>`, then each speaker
    named after the enrolled person of ``gallery`` they sound like, one-to-one, where the
    similarity reaches ``threshold`` (default: the embedder's calibrated
    ``identification_threshold``); the audio is decoded once for both."""
    chosen = diarizer.embedder.identification_threshold if threshold is None else check_threshold(threshold)
    check_audio_argument(audio)
    if isinstance(audio, (AudioSource, np.ndarray)):
        source = audio if isinstance(audio, AudioSource) else diarizer.from_waveform(audio)
        annotation = diarizer.run(source, num_speakers, min_speakers, max_speakers, uri=uri or "waveform")
        return name_speakers(annotation, source, diarizer.embedder, gallery, chosen)
    with diarizer.decode(audio) as decoded:
        annotation = diarizer.run(decoded, num_speakers, min_speakers, max_speakers, uri=uri or Path(audio).stem)
        return name_speakers(annotation, decoded, diarizer.embedder, gallery, chosen)
