"""require_speech: speech is where the segmentation network and webrtcvad both hear it."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import SAMPLE_RATE, speech_like

from diarize_plugin.errors import DiarizeError
from diarize_plugin.segmentation.speech_amount import require_speech, speech_timeline

DURATION_S = 8.0


def _time_s(duration_s: float = DURATION_S) -> np.ndarray:
    return np.arange(int(duration_s * SAMPLE_RATE)) / SAMPLE_RATE


def _hum(base_hz: float = 50.0, amplitude: float = 0.1) -> np.ndarray:
    """Mains hum with its first harmonics: the network alone hears 2 s of speech in 8 s of it."""
    tone = sum(np.sin(2 * np.pi * k * base_hz * _time_s()) / k for k in range(1, 6))
    return (amplitude * tone / np.abs(tone).max()).astype(np.float32)


def _hiss(level: float) -> np.ndarray:
    noise = np.random.default_rng(0).standard_normal(int(DURATION_S * SAMPLE_RATE))
    return np.clip(level * noise, -1, 1).astype(np.float32)


NON_SPEECH = {
    "silence": lambda: np.zeros(int(DURATION_S * SAMPLE_RATE), np.float32),
    "quiet hiss": lambda: _hiss(0.03),
    "loud hiss": lambda: _hiss(0.3),  # webrtcvad alone: 8 s of speech
    "50 Hz hum": lambda: _hum(50.0),  # the network alone: 2.2 s of speech
    "50 Hz buzz": lambda: (0.3 * np.sign(np.sin(2 * np.pi * 50 * _time_s()))).astype(np.float32),
    "1 kHz tone": lambda: (0.3 * np.sin(2 * np.pi * 1000 * _time_s())).astype(np.float32),
}


@pytest.mark.parametrize("name", sorted(NON_SPEECH))
def test_noise_and_hum_hold_no_speech(name: str) -> None:
    assert speech_timeline(NON_SPEECH[name]()).duration() == 0.0


@pytest.mark.parametrize("name", ["silence", "loud hiss", "50 Hz hum"])
def test_recording_without_speech_is_refused_naming_it(name: str) -> None:
    with pytest.raises(DiarizeError, match=r"alice\.wav holds 0\.0 s of speech"):
        require_speech(NON_SPEECH[name](), source="alice.wav")


def test_speech_is_measured_and_accepted_without_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        speech_s = require_speech(speech_like(DURATION_S), source="alice.wav")
    assert 7.0 <= speech_s <= DURATION_S


def test_little_speech_warns() -> None:
    waveform = np.concatenate([speech_like(2.0), np.zeros(6 * SAMPLE_RATE, np.float32)])
    with pytest.warns(UserWarning, match=r"alice\.wav holds only 2\.\d s of speech"):
        speech_s = require_speech(waveform, source="alice.wav")
    assert 1.5 <= speech_s <= 2.6


def test_minimum_is_a_parameter() -> None:
    with pytest.raises(DiarizeError, match="less than the 3 s needed"):
        require_speech(speech_like(2.0), source="bob.wav", min_speech_s=3.0)


def test_short_recording_is_measured_in_its_own_length() -> None:
    assert speech_timeline(speech_like(2.0)).extent().end <= 2.0
