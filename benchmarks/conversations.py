"""Seeded synthetic conversations built from ``../shared/data/librispeech``.

Each conversation picks 2–6 speakers (one LibriSpeech utterance each), then alternates turns:
a random crop of the current speaker's utterance, a pause (0.1–1.2 s) or, sometimes, an
overlap (0.3–1.0 s) with the previous turn, a random gain per turn, and faint noise.
The reference holds every turn whole, overlaps included.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from pyannote.core import Annotation, Segment

SAMPLE_RATE = 16_000
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LIBRISPEECH = SHARED_DATA / "librispeech"


@dataclass(frozen=True)
class Conversation:
    """A synthetic recording and its reference speaker turns."""

    name: str
    waveform: np.ndarray
    reference: Annotation
    speakers: tuple[str, ...]

    @property
    def duration_s(self) -> float:
        return len(self.waveform) / SAMPLE_RATE


@dataclass(frozen=True)
class Turn:
    """One turn of the script: who speaks, from when, for how long (seconds)."""

    speaker: str
    start_s: float
    end_s: float


def speaker_files(folder: Path = LIBRISPEECH) -> dict[str, Path]:
    """One FLAC per LibriSpeech speaker id, sorted by id."""
    files = sorted(folder.glob("*.flac"))
    return {path.name.split("-")[0]: path for path in files}


def build_conversation(
    seed: int,
    num_speakers: int,
    duration_s: float,
    overlap_probability: float = 0.1,
    speakers: list[str] | None = None,
    folder: Path = LIBRISPEECH,
) -> tuple[Conversation, list[Turn]]:
    """Conversation number ``seed`` with ``num_speakers`` voices lasting about ``duration_s`` s.

    ``speakers`` restricts the voices drawn from (LibriSpeech speaker ids). Returns the
    conversation and its script (the turns in order, with their times).
    """
    rng = np.random.default_rng(seed)
    files = speaker_files(folder)
    pool = sorted(speakers) if speakers else sorted(files)
    chosen = [str(s) for s in rng.choice(pool, size=num_speakers, replace=False)]
    voices = {speaker: soundfile.read(str(files[speaker]), dtype="float32")[0] for speaker in chosen}
    total = int(duration_s * SAMPLE_RATE)
    mix = np.zeros(total + 12 * SAMPLE_RATE, dtype=np.float32)
    reference = Annotation(uri=f"conversation{seed:02d}")
    script: list[Turn] = []
    cursor_s, previous = 0.3, None
    while cursor_s < duration_s - 1.0:
        speaker = _next_speaker(rng, chosen, previous)
        source = voices[speaker]
        turn_s = float(min(rng.uniform(1.0, 7.0), len(source) / SAMPLE_RATE - 0.1))
        crop_start = int(rng.uniform(0, len(source) - turn_s * SAMPLE_RATE))
        crop = source[crop_start : crop_start + int(turn_s * SAMPLE_RATE)] * float(10 ** (rng.uniform(-6, 3) / 20))
        start = int(cursor_s * SAMPLE_RATE)
        mix[start : start + len(crop)] += crop
        end_s = cursor_s + len(crop) / SAMPLE_RATE
        reference[Segment(cursor_s, end_s), len(script)] = speaker
        script.append(Turn(speaker, cursor_s, end_s))
        overlap = previous is not None and rng.random() < overlap_probability
        cursor_s = end_s - rng.uniform(0.3, 1.0) if overlap else end_s + rng.uniform(0.1, 1.2)
        previous = speaker
    length = int((max(t.end_s for t in script) + 0.5) * SAMPLE_RATE)
    mix = mix[:length] + rng.normal(0.0, 10 ** (-60 / 20), size=length).astype(np.float32)
    peak = float(np.max(np.abs(mix)))
    if peak > 0.99:
        mix = mix * (0.99 / peak)
    return Conversation(reference.uri, mix.astype(np.float32), reference, tuple(chosen)), script


def _next_speaker(rng: np.random.Generator, speakers: list[str], previous: str | None) -> str:
    others = [s for s in speakers if s != previous] or speakers
    return str(others[int(rng.integers(len(others)))])


def benchmark_set(count: int = 10, first_seed: int = 1000) -> list[tuple[int, int, float]]:
    """(seed, speakers, duration_s) for the benchmark's conversations: 2–6 speakers, 3–10 min."""
    rng = np.random.default_rng(first_seed)
    return [(first_seed + i, int(rng.integers(2, 7)), float(rng.uniform(180, 600))) for i in range(count)]
