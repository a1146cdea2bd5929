"""Seeded synthetic conversations built from ``../shared/data/librispeech``.

Each conversation picks 2–6 speakers (one LibriSpeech utterance each), then alternates turns:
a random crop of the current speaker's utterance, a pause (0.1–1.2 s) or, sometimes, an
overlap (0.3–1.0 s) with the previous turn, a random gain per turn, and faint noise.
The reference holds every turn, overlaps included, trimmed to where its crop really has speech
(the crop's own energy, on the clean source: leading/trailing silence and pauses longer than
0.5 s inside a crop are not speech).
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
        for piece_start_s, piece_end_s in speech_pieces(crop):
            reference[Segment(cursor_s + piece_start_s, cursor_s + piece_end_s), len(reference)] = speaker
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


def speech_pieces(crop: np.ndarray, floor_db: float = 30.0, max_pause_s: float = 0.5) -> list[tuple[float, float]]:
    """Where a clean single-speaker crop has speech, in seconds from its start.

    10 ms frames louder than ``floor_db`` below the crop's loudest frame are speech; pauses
    shorter than ``max_pause_s`` are bridged.
    """
    frame = SAMPLE_RATE // 100
    count = len(crop) // frame
    if count == 0:
        return []
    energy_db = 10 * np.log10(np.mean(crop[: count * frame].reshape(count, frame) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(energy_db > energy_db.max() - floor_db)
    pieces: list[list[int]] = []
    for index in loud:
        if pieces and index - pieces[-1][1] <= max_pause_s * 100:
            pieces[-1][1] = index + 1
        else:
            pieces.append([index, index + 1])
    return [(start / 100, end / 100) for start, end in pieces]


def _next_speaker(rng: np.random.Generator, speakers: list[str], previous: str | None) -> str:
    others = [s for s in speakers if s != previous] or speakers
    return str(others[int(rng.integers(len(others)))])


def benchmark_set(count: int = 10, first_seed: int = 1000) -> list[tuple[int, int, float]]:
    """(seed, speakers, duration_s) for the benchmark's conversations: 2–6 speakers, 3–10 min."""
    rng = np.random.default_rng(first_seed)
    return [(first_seed + i, int(rng.integers(2, 7)), float(rng.uniform(180, 600))) for i in range(count)]
