"""Seeded synthetic conversations built from ``../shared/data/librispeech``.

Each conversation picks 2–6 speakers (one LibriSpeech utterance each), then alternates turns:
a run of consecutive phrases (speech between pauses) of the current speaker's utterance, 1–7 s, a pause (0.1–1.2 s) or, sometimes, an
overlap (0.3–1.0 s) with the previous turn, a random gain per turn, and faint noise.
The reference holds every turn, overlaps included, trimmed to where the clean source utterance
really has speech (its 10 ms frames whose speech-band energy, 200–7000 Hz, is within 30 dB of
the utterance's loudest and 6 dB above its noise floor; pauses longer than 0.5 s are not speech).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from pyannote.core import Annotation, Segment

SAMPLE_RATE = 16_000
#: pauses of the source reading at least this long (seconds) may end a turn
PHRASE_PAUSE_S = 0.12
#: seconds of the source kept before the first and after the last phrase of a turn
EDGE_S = 0.05
#: frequencies (Hz) whose energy says where a source utterance has speech: above mains hum and
#: rumble, up to the fricatives
SPEECH_BAND_HZ = (200.0, 7000.0)
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
    phrases = {speaker: speech_pieces(voice, max_pause_s=PHRASE_PAUSE_S) for speaker, voice in voices.items()}
    spoken = {speaker: speech_pieces(voice) for speaker, voice in voices.items()}
    total = int(duration_s * SAMPLE_RATE)
    mix = np.zeros(total + 12 * SAMPLE_RATE, dtype=np.float32)
    reference = Annotation(uri=f"conversation{seed:02d}")
    script: list[Turn] = []
    cursor_s, previous = 0.3, None
    while cursor_s < duration_s - 1.0:
        speaker = _next_speaker(rng, chosen, previous)
        source = voices[speaker]
        target_s = rng.uniform(1.0, 7.0)
        first_s, last_s = phrase_span(rng, phrases[speaker], target_s)
        if last_s - first_s > target_s + 2.0:  # no pause near the target: end between two words
            last_s = quietest_point(source, first_s + target_s - 1.0, first_s + target_s + 1.0)
        crop_start = max(0, int((first_s - EDGE_S) * SAMPLE_RATE))
        crop_end = min(len(source), int((last_s + EDGE_S) * SAMPLE_RATE))
        crop = source[crop_start:crop_end] * float(10 ** (rng.uniform(-6, 3) / 20))
        start = int(cursor_s * SAMPLE_RATE)
        mix[start : start + len(crop)] += crop
        end_s = cursor_s + len(crop) / SAMPLE_RATE
        crop_start_s, crop_end_s = crop_start / SAMPLE_RATE, crop_end / SAMPLE_RATE
        for piece_start_s, piece_end_s in spoken[speaker]:
            start_s, stop_s = max(piece_start_s, crop_start_s), min(piece_end_s, crop_end_s)
            if stop_s > start_s:
                piece = Segment(cursor_s + start_s - crop_start_s, cursor_s + stop_s - crop_start_s)
                reference[piece, len(reference)] = speaker
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


def speech_pieces(
    source: np.ndarray, floor_db: float = 30.0, above_noise_db: float = 6.0, max_pause_s: float = 0.5
) -> list[tuple[float, float]]:
    """Where a clean single-speaker recording has speech, in seconds from its start.

    10 ms frames count as speech when their speech-band energy (:func:`speech_band_db`) is
    within ``floor_db`` of the loudest frame and at least ``above_noise_db`` above the
    recording's noise floor (its 2nd-percentile frame). Pauses shorter than ``max_pause_s`` are
    bridged.
    """
    energy_db = speech_band_db(source)
    if len(energy_db) == 0:
        return []
    threshold_db = max(energy_db.max() - floor_db, np.percentile(energy_db, 2) + above_noise_db)
    loud = np.flatnonzero(energy_db > threshold_db)
    pieces: list[list[int]] = []
    for index in loud:
        if pieces and index - pieces[-1][1] <= max_pause_s * 100:
            pieces[-1][1] = index + 1
        else:
            pieces.append([index, index + 1])
    return [(start / 100, end / 100) for start, end in pieces]


def speech_band_db(source: np.ndarray, low_hz: float = SPEECH_BAND_HZ[0], high_hz: float = SPEECH_BAND_HZ[1]) -> np.ndarray:
    """Energy (dB) between ``low_hz`` and ``high_hz`` of every 10 ms frame (25 ms Hann window).

    Band-limited, not broadband: some LibriSpeech recordings carry mains hum or rumble below
    200 Hz as loud as the voice. Broadband energy then calls a whole hum-laden utterance
    silence (1363-135842-0000: 0.2 s of speech in 5.3 s of reading) or a rumbling 3 s pause
    speech (1034-121119-0000).
    """
    hop, size, n_fft = SAMPLE_RATE // 100, SAMPLE_RATE * 25 // 1000, 512
    count = len(source) // hop
    if count == 0:
        return np.zeros(0)
    padded = np.pad(np.asarray(source, dtype=np.float64), ((size - hop) // 2, size))
    frames = np.lib.stride_tricks.sliding_window_view(padded, size)[::hop][:count]
    power = np.abs(np.fft.rfft(frames * np.hanning(size), n_fft, axis=1)) ** 2
    frequencies = np.fft.rfftfreq(n_fft, 1 / SAMPLE_RATE)
    band = (frequencies >= low_hz) & (frequencies <= high_hz)
    return 10 * np.log10(power[:, band].sum(axis=1) + 1e-12)


def phrase_span(rng: np.random.Generator, phrases: list[tuple[float, float]], target_s: float) -> tuple[float, float]:
    """Start and end (seconds in the source) of consecutive phrases lasting about ``target_s``.

    Turns begin and end at pauses of the source reading, as people start and stop at phrase
    boundaries, not in the middle of a word.
    """
    first = int(rng.integers(len(phrases)))
    last = first
    while last + 1 < len(phrases) and phrases[last][1] - phrases[first][0] < target_s:
        last += 1
    return phrases[first][0], phrases[last][1]


def quietest_point(source: np.ndarray, from_s: float, to_s: float) -> float:
    """The middle of the quietest 20 ms of ``source`` between ``from_s`` and ``to_s`` seconds."""
    frame = SAMPLE_RATE // 50
    start = int(from_s * SAMPLE_RATE)
    count = max(1, (int(to_s * SAMPLE_RATE) - start) // frame)
    energy = np.mean(source[start : start + count * frame].reshape(count, frame) ** 2, axis=1)
    return (start + (int(np.argmin(energy)) + 0.5) * frame) / SAMPLE_RATE


def _next_speaker(rng: np.random.Generator, speakers: list[str], previous: str | None) -> str:
    others = [s for s in speakers if s != previous] or speakers
    return str(others[int(rng.integers(len(others)))])


def benchmark_set(count: int = 10, first_seed: int = 1000) -> list[tuple[int, int, float]]:
    """(seed, speakers, duration_s) for the benchmark's conversations: 2–6 speakers, 3–10 min."""
    rng = np.random.default_rng(first_seed)
    return [(first_seed + i, int(rng.integers(2, 7)), float(rng.uniform(180, 600))) for i in range(count)]
