"""detect_speech(InMemoryAudio()) finds speech regions with webrtcvad and smooths them."""

from __future__ import annotations

import numpy as np
import pytest
from pyannote.core import Segment

from conftest import SAMPLE_RATE, speech_like
from diarize_plugin.segmentation import vad
from diarize_plugin.errors import DiarizeError
from diarize_plugin.segmentation.vad import detect_speech, frame_decisions
from diarize_plugin.audio.source import InMemoryAudio

FRAME_S = vad.FRAME_MS / 1000.0


def bursts(duration_s: float, spans_s: list[tuple[float, float]]) -> np.ndarray:
    """Silence of ``duration_s`` seconds with speech-like signal inside each ``(start, end)``."""
    waveform = np.zeros(int(duration_s * SAMPLE_RATE), dtype=np.float32)
    for seed, (start_s, end_s) in enumerate(spans_s):
        start, end = int(start_s * SAMPLE_RATE), int(end_s * SAMPLE_RATE)
        waveform[start:end] = speech_like(end_s - start_s, seed=seed)[: end - start]
    return waveform


def decided(monkeypatch: pytest.MonkeyPatch, flags: list[int]) -> np.ndarray:
    """A silent waveform whose webrtcvad decisions are replaced by ``flags`` (one per 30 ms frame)."""
    decisions = np.array(flags, dtype=bool)
    monkeypatch.setattr(vad, "frame_decisions", lambda waveform, aggressiveness, frame_ms: decisions)
    return np.zeros(int(len(flags) * FRAME_S * SAMPLE_RATE), dtype=np.float32)


def test_speech_like_bursts_are_found_where_they_are() -> None:
    speech = detect_speech(InMemoryAudio(bursts(6.0, [(1.0, 2.0), (4.0, 5.0)])))
    assert len(speech) == 2
    for region, (start_s, end_s) in zip(speech, [(1.0, 2.0), (4.0, 5.0)]):
        assert abs(region.start - start_s) < 0.35 and abs(region.end - end_s) < 0.35


def test_digital_silence_gives_no_speech() -> None:
    assert len(detect_speech(InMemoryAudio(np.zeros(3 * SAMPLE_RATE, dtype=np.float32)))) == 0


def test_faint_noise_gives_no_speech() -> None:
    noise = np.random.default_rng(0).normal(0.0, 1e-4, 3 * SAMPLE_RATE).astype(np.float32)
    assert len(detect_speech(InMemoryAudio(noise))) == 0


def test_every_frame_of_steady_voice_is_speech() -> None:
    assert frame_decisions(InMemoryAudio(speech_like(1.0))).all()


def test_trailing_partial_frame_is_ignored() -> None:
    frame_samples = SAMPLE_RATE * vad.FRAME_MS // 1000
    assert len(frame_decisions(InMemoryAudio(np.zeros(3 * frame_samples + 7, dtype=np.float32)))) == 3


def test_unknown_aggressiveness_is_a_user_error() -> None:
    with pytest.raises(DiarizeError, match="aggressiveness"):
        frame_decisions(InMemoryAudio(np.zeros(SAMPLE_RATE, dtype=np.float32)), aggressiveness=4)


def test_gap_shorter_than_min_silence_is_filled(monkeypatch: pytest.MonkeyPatch) -> None:
    waveform = decided(monkeypatch, [0] * 5 + [1] * 10 + [0] * 3 + [1] * 10 + [0] * 5)
    speech = detect_speech(InMemoryAudio(waveform), speech_pad_s=0.0, min_speech_s=0.0, min_silence_s=0.15)
    assert list(speech) == [Segment(5 * FRAME_S, 28 * FRAME_S)]


def test_gap_at_least_min_silence_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    waveform = decided(monkeypatch, [0] * 5 + [1] * 10 + [0] * 6 + [1] * 10 + [0] * 5)
    speech = detect_speech(InMemoryAudio(waveform), speech_pad_s=0.0, min_speech_s=0.0, min_silence_s=0.15)
    assert len(speech) == 2


def test_burst_shorter_than_min_speech_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    waveform = decided(monkeypatch, [0] * 5 + [1] * 2 + [0] * 20 + [1] * 10 + [0] * 5)
    speech = detect_speech(InMemoryAudio(waveform), speech_pad_s=0.0, min_speech_s=0.15, min_silence_s=0.0)
    assert list(speech) == [Segment(27 * FRAME_S, 37 * FRAME_S)]


def test_padding_extends_regions_and_is_clipped_to_the_signal(monkeypatch: pytest.MonkeyPatch) -> None:
    waveform = decided(monkeypatch, [1] * 10 + [0] * 20 + [1] * 10)
    duration_s = len(waveform) / SAMPLE_RATE
    speech = detect_speech(InMemoryAudio(waveform), speech_pad_s=0.1, min_speech_s=0.0, min_silence_s=0.0)
    assert list(speech) == [Segment(0.0, 10 * FRAME_S + 0.1), Segment(30 * FRAME_S - 0.1, duration_s)]


def test_padding_that_closes_a_gap_joins_the_regions(monkeypatch: pytest.MonkeyPatch) -> None:
    waveform = decided(monkeypatch, [0] * 5 + [1] * 10 + [0] * 8 + [1] * 10 + [0] * 5)
    speech = detect_speech(InMemoryAudio(waveform), speech_pad_s=0.2, min_speech_s=0.0, min_silence_s=0.0)
    assert len(speech) == 1
