"""The synthetic conversations' reference: where a source utterance has speech."""

import numpy as np

from benchmarks.conversations import SAMPLE_RATE, speech_pieces


def _tone(frequency_hz: float, seconds: float, amplitude: float) -> np.ndarray:
    t = np.arange(int(seconds * SAMPLE_RATE)) / SAMPLE_RATE
    return (amplitude * np.sin(2 * np.pi * frequency_hz * t)).astype(np.float32)


def test_speech_pieces_ignore_mains_hum_as_loud_as_the_voice() -> None:
    # 1 s "voice" (1 kHz), 1.5 s pause, 1 s voice, over a 50 Hz hum of the same amplitude
    voice = np.concatenate([_tone(1000, 1.0, 0.1), np.zeros(int(1.5 * SAMPLE_RATE), np.float32), _tone(1000, 1.0, 0.1)])
    hum = _tone(50, len(voice) / SAMPLE_RATE, 0.1)
    pieces = speech_pieces(voice + hum)
    assert len(pieces) == 2
    (first_start, first_end), (second_start, second_end) = pieces
    assert first_start < 0.05 and abs(first_end - 1.0) < 0.05
    assert abs(second_start - 2.5) < 0.05 and abs(second_end - 3.5) < 0.05


def test_speech_pieces_of_silence_and_of_nothing() -> None:
    assert speech_pieces(np.zeros(0, np.float32)) == []
    assert speech_pieces(np.zeros(SAMPLE_RATE, np.float32)) == []
