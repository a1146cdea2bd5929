"""Speech detection with webrtcvad, smoothed into speech regions.

webrtcvad decides speech/non-speech for every 30 ms frame; the decisions are then smoothed:
short gaps inside speech are closed (``min_silence_s``), short bursts are dropped
(``min_speech_s``) and every region is padded (``speech_pad_s``). Defaults were tuned on
``../shared/data/ami`` (see ``benchmarks/vad.py``).
"""

from __future__ import annotations

from dataclasses import asdict

import numpy as np
from pyannote.core import Segment, Timeline

from ..audio import SAMPLE_RATE
from ..audio.source import AudioSource
from ..errors import DiarizeError
from .frame_runs import true_runs
from .settings import VadOptions

FRAME_MS = 30
#: webrtcvad takes 8, 16, 32 or 48 kHz: the pipeline's rate
VAD_SAMPLE_RATE = SAMPLE_RATE


#: webrtcvad frames converted to 16-bit PCM at a time (about a minute)
FRAMES_PER_BLOCK = 2000


def frame_decisions(
    audio: AudioSource, aggressiveness: int = 2, frame_ms: int = FRAME_MS
) -> np.ndarray:
    """webrtcvad's speech (True) / non-speech decision for each ``frame_ms`` frame.

    ``audio``: 16 kHz mono float32 in [-1, 1] (an
    :class:`~diarize_plugin.audio.source.AudioSource`, read a minute at a time). A trailing
    partial frame is ignored.
    """
    import webrtcvad

    if aggressiveness not in (0, 1, 2, 3):
        raise DiarizeError(f"VAD aggressiveness must be 0, 1, 2 or 3, not {aggressiveness}")
    vad = webrtcvad.Vad(aggressiveness)
    frame_samples = VAD_SAMPLE_RATE * frame_ms // 1000
    frame_bytes = frame_samples * 2
    num_frames = audio.num_samples // frame_samples
    decisions = np.zeros(num_frames, dtype=bool)
    for first in range(0, num_frames, FRAMES_PER_BLOCK):
        count = min(FRAMES_PER_BLOCK, num_frames - first)
        block = audio.read(first * frame_samples, (first + count) * frame_samples)
        pcm = (np.clip(block, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        decisions[first : first + count] = [
            vad.is_speech(pcm[i * frame_bytes : (i + 1) * frame_bytes], VAD_SAMPLE_RATE) for i in range(count)
        ]
    return decisions


def detect_speech(
    audio: AudioSource,
    aggressiveness: int = VadOptions.aggressiveness,
    speech_pad_s: float = VadOptions.speech_pad_s,
    min_speech_s: float = VadOptions.min_speech_s,
    min_silence_s: float = VadOptions.min_silence_s,
    frame_ms: int = FRAME_MS,
) -> Timeline:
    """Speech regions of a 16 kHz mono waveform, in seconds from its start.

    ``aggressiveness``: webrtcvad's mode, 0 (keeps most) to 3 (drops most non-speech).
    ``min_silence_s``: gaps shorter than this between speech frames are filled.
    ``min_speech_s``: speech bursts shorter than this (after filling) are dropped.
    ``speech_pad_s``: seconds added on both sides of every region (clipped to the signal).
    """
    speech = frame_decisions(audio, aggressiveness, frame_ms)
    frame_s = frame_ms / 1000.0
    runs = _fill_short_gaps(true_runs(speech), round(min_silence_s / frame_s))
    duration_s = len(audio) / VAD_SAMPLE_RATE
    regions = [
        Segment(max(0.0, start * frame_s - speech_pad_s), min(duration_s, end * frame_s + speech_pad_s))
        for start, end in runs
        if (end - start) * frame_s >= min_speech_s
    ]
    return Timeline(regions).support()


def _fill_short_gaps(runs: list[tuple[int, int]], max_gap_frames: int) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in runs:
        if merged and start - merged[-1][1] < max_gap_frames:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def vad_speech(audio: AudioSource, options: VadOptions = VadOptions()) -> Timeline:
    """:func:`detect_speech` with the settings of ``options``."""
    return detect_speech(audio, **asdict(options))
