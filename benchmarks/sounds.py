"""Non-speech sounds for the noise condition, synthesised from a seed (16 kHz float32).

Continuous beds (mains hum, babble) run under the whole recording; events (clicks, tones,
music-like jingles) are scattered over it, speech pauses included, so that a diarizer can
invent speech where nobody talks. :func:`add_at_snr` scales a sound against the speech.
"""

from __future__ import annotations

import numpy as np

from benchmarks.conversations import SAMPLE_RATE

SOUND_KINDS = ("hum", "clicks", "babble", "tones", "music")


def hum(num_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Mains hum (50 or 60 Hz and odd harmonics) with a little hiss."""
    mains_hz = float(rng.choice([50.0, 60.0]))
    t = np.arange(num_samples) / SAMPLE_RATE
    sound = sum(np.sin(2 * np.pi * mains_hz * k * t + rng.uniform(0, 2 * np.pi)) / k for k in (1, 3, 5, 7))
    return (sound + 0.05 * rng.normal(size=num_samples)).astype(np.float32)


def clicks(num_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Bursts of clicks (keyboard, crackle): 5–30 ms decaying noise bursts in 0.5–2 s trains."""
    sound = np.zeros(num_samples, dtype=np.float32)
    cursor = int(rng.uniform(0.2, 2.0) * SAMPLE_RATE)
    while cursor < num_samples:
        train_end = cursor + int(rng.uniform(0.5, 2.0) * SAMPLE_RATE)
        while cursor < min(train_end, num_samples):
            length = int(rng.uniform(0.005, 0.03) * SAMPLE_RATE)
            burst = rng.normal(size=length) * np.exp(-np.arange(length) / (0.2 * length))
            sound[cursor : cursor + length] += burst[: num_samples - cursor].astype(np.float32)
            cursor += int(rng.uniform(0.05, 0.25) * SAMPLE_RATE)
        cursor += int(rng.uniform(1.0, 5.0) * SAMPLE_RATE)
    return sound


def babble(num_samples: int, voices: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Crowd noise: ``voices`` (clean utterances) looped from random offsets and summed."""
    sound = np.zeros(num_samples, dtype=np.float32)
    for voice in voices:
        looped = np.tile(voice, num_samples // len(voice) + 2)
        offset = int(rng.integers(len(voice)))
        sound += looped[offset : offset + num_samples] / (np.sqrt(np.mean(voice**2)) + 1e-9)
    return sound


def tones(num_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Beeps and dial tones: 0.1–1.5 s sines or DTMF pairs, a few per 10 s."""
    sound = np.zeros(num_samples, dtype=np.float32)
    cursor = int(rng.uniform(0.2, 2.0) * SAMPLE_RATE)
    while cursor < num_samples:
        length = min(int(rng.uniform(0.1, 1.5) * SAMPLE_RATE), num_samples - cursor)
        t = np.arange(length) / SAMPLE_RATE
        pitches = rng.uniform(350, 1500, size=int(rng.integers(1, 3)))
        beep = sum(np.sin(2 * np.pi * hz * t) for hz in pitches) * _fade(length)
        sound[cursor : cursor + length] += beep.astype(np.float32)
        cursor += length + int(rng.uniform(0.5, 4.0) * SAMPLE_RATE)
    return sound


def music(num_samples: int, rng: np.random.Generator) -> np.ndarray:
    """Jingles: 2–6 s of chords of harmonic notes on a beat, with drum-like noise hits."""
    sound = np.zeros(num_samples, dtype=np.float32)
    cursor = 0
    while cursor < num_samples:
        length = min(int(rng.uniform(2.0, 6.0) * SAMPLE_RATE), num_samples - cursor)
        sound[cursor : cursor + length] += _jingle(length, rng)
        cursor += length + int(rng.uniform(1.0, 6.0) * SAMPLE_RATE)
    return sound


def _jingle(length: int, rng: np.random.Generator) -> np.ndarray:
    beat = int(rng.uniform(0.25, 0.5) * SAMPLE_RATE)
    root = 110.0 * 2 ** (int(rng.integers(0, 12)) / 12)
    jingle = np.zeros(length, dtype=np.float64)
    for start in range(0, length, beat):
        size = min(2 * beat, length - start)
        t = np.arange(size) / SAMPLE_RATE
        chord = [root * 2 ** (step / 12) for step in rng.choice([0, 4, 7, 12, 16, 19], size=3, replace=False)]
        notes = sum(np.sin(2 * np.pi * hz * h * t) / h**1.5 for hz in chord for h in (1, 2, 3, 4))
        jingle[start : start + size] += notes * np.exp(-3 * t)
        if rng.random() < 0.5:
            hit = min(int(0.05 * SAMPLE_RATE), size)
            jingle[start : start + hit] += 2 * rng.normal(size=hit) * np.exp(-np.arange(hit) / (0.01 * SAMPLE_RATE))
    return (jingle * _fade(length)).astype(np.float32)


def _fade(length: int, fade: int = 160) -> np.ndarray:
    envelope = np.ones(length)
    ramp = min(fade, length // 2)
    if ramp:
        envelope[:ramp] = np.linspace(0, 1, ramp)
        envelope[-ramp:] = np.linspace(1, 0, ramp)
    return envelope


def add_at_snr(speech: np.ndarray, sound: np.ndarray, snr_db: float) -> np.ndarray:
    """``speech`` plus ``sound`` scaled so that the speech's power while it is heard (not diluted
    by pauses) stands ``snr_db`` dB above the sound's power while it sounds."""
    speech_power = _active_power(speech)
    sound_power = _active_power(sound)
    gain = np.sqrt(speech_power / (sound_power * 10 ** (snr_db / 10) + 1e-20))
    return (speech + gain * sound).astype(np.float32)


def _active_power(signal: np.ndarray, frame: int = SAMPLE_RATE // 50) -> float:
    count = len(signal) // frame
    powers = np.mean(signal[: count * frame].reshape(count, frame).astype(np.float64) ** 2, axis=1)
    loud = powers[powers > 1e-4 * powers.max(initial=0.0)]  # frames within 40 dB of the loudest
    return float(np.mean(loud)) if len(loud) else 0.0
