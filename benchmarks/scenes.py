"""Scripted multi-speaker scenes from ``../shared/data/librispeech``, one track per speaker.

A :class:`SceneBuilder` places turns (runs of consecutive phrases of a speaker's one
LibriSpeech utterance) and backchannels (one short piece of speech over someone else's turn)
on each speaker's own track, and keeps the reference turns, trimmed to where the clean source
has speech (as :mod:`benchmarks.conversations` does). Keeping the tracks apart lets a
condition treat each voice on its own: one telephone channel per speaker, one room position
per speaker. Two scripts use it: :func:`dialogue` (telephone calls, rooms, noise, short
meetings) and :func:`broadcast` (one host, many guests with short turns).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import soundfile
from pyannote.core import Annotation, Segment

from benchmarks.conversations import (
    EDGE_S,
    LIBRISPEECH,
    PHRASE_PAUSE_S,
    SAMPLE_RATE,
    phrase_span,
    quietest_point,
    speaker_files,
    speech_pieces,
)

#: length (seconds) of a backchannel ("yeah", "right"): the start of a phrase, cut between words
BACKCHANNEL_S = (0.3, 0.8)


@dataclass(frozen=True)
class Scene:
    """Per-speaker tracks (16 kHz, equal length) and the reference speaker turns."""

    name: str
    tracks: dict[str, np.ndarray]
    reference: Annotation

    @property
    def duration_s(self) -> float:
        return len(next(iter(self.tracks.values()))) / SAMPLE_RATE

    def mix(self) -> np.ndarray:
        """All tracks summed (float32)."""
        return np.sum(list(self.tracks.values()), axis=0).astype(np.float32)


class SceneBuilder:
    """Places speech of ``speakers`` (LibriSpeech ids) on their own tracks, seeded by ``rng``."""

    def __init__(self, name: str, speakers: list[str], rng: np.random.Generator) -> None:
        files = speaker_files(LIBRISPEECH)
        self.name = name
        self.rng = rng
        self.voices = {speaker: soundfile.read(str(files[speaker]), dtype="float32")[0] for speaker in speakers}
        self.phrases = {speaker: speech_pieces(voice, max_pause_s=PHRASE_PAUSE_S) for speaker, voice in self.voices.items()}
        self.spoken = {speaker: speech_pieces(voice) for speaker, voice in self.voices.items()}
        self.placed: list[tuple[str, float, np.ndarray]] = []
        self.reference = Annotation(uri=name)

    def say(self, speaker: str, start_s: float, target_s: float, gain_db: float = 0.0) -> float:
        """A turn of about ``target_s`` seconds from ``start_s``; returns where it ends (s)."""
        source = self.voices[speaker]
        first_s, last_s = phrase_span(self.rng, self.phrases[speaker], target_s)
        if last_s - first_s > target_s + 2.0:  # no pause near the target: end between two words
            last_s = quietest_point(source, first_s + max(target_s - 1.0, 0.3), first_s + target_s + 1.0)
        return self._place(speaker, start_s, first_s - EDGE_S, last_s + EDGE_S, gain_db)

    def backchannel(self, speaker: str, start_s: float, gain_db: float = -3.0) -> float:
        """A short piece of speech (the start of a phrase, cut between words) from ``start_s``."""
        source = self.voices[speaker]
        phrase_start_s, phrase_end_s = self.phrases[speaker][int(self.rng.integers(len(self.phrases[speaker])))]
        length_s = self.rng.uniform(*BACKCHANNEL_S)
        end_s = phrase_end_s
        if phrase_end_s - phrase_start_s > length_s + 0.2:
            end_s = quietest_point(source, phrase_start_s + length_s - 0.1, phrase_start_s + length_s + 0.1)
        return self._place(speaker, start_s, phrase_start_s - EDGE_S, end_s + EDGE_S, gain_db)

    def _place(self, speaker: str, at_s: float, from_s: float, to_s: float, gain_db: float) -> float:
        source = self.voices[speaker]
        crop_start = max(0, int(from_s * SAMPLE_RATE))
        crop_end = min(len(source), int(to_s * SAMPLE_RATE))
        crop = source[crop_start:crop_end] * float(10 ** (gain_db / 20))
        self.placed.append((speaker, at_s, crop))
        crop_start_s, crop_end_s = crop_start / SAMPLE_RATE, crop_end / SAMPLE_RATE
        for piece_start_s, piece_end_s in self.spoken[speaker]:
            start_s, stop_s = max(piece_start_s, crop_start_s), min(piece_end_s, crop_end_s)
            if stop_s > start_s:
                piece = Segment(at_s + start_s - crop_start_s, at_s + stop_s - crop_start_s)
                self.reference[piece, len(self.reference)] = speaker
        return at_s + len(crop) / SAMPLE_RATE

    def build(self, tail_s: float = 0.5) -> Scene:
        """The scene: every track as long as the last turn plus ``tail_s`` seconds."""
        end_s = max(at_s + len(crop) / SAMPLE_RATE for _, at_s, crop in self.placed)
        length = int((end_s + tail_s) * SAMPLE_RATE)
        tracks = {speaker: np.zeros(length, dtype=np.float32) for speaker in self.voices}
        for speaker, at_s, crop in self.placed:
            start = int(at_s * SAMPLE_RATE)
            tracks[speaker][start : start + len(crop)] += crop[: length - start]
        spoken = {label for label in self.reference.labels()}
        tracks = {speaker: track for speaker, track in tracks.items() if speaker in spoken}
        return Scene(self.name, tracks, self.reference.support(collar=0.0))


def dialogue(
    name: str,
    speakers: list[str],
    duration_s: float,
    rng: np.random.Generator,
    overlap_probability: float = 0.1,
    backchannel_probability: float = 0.0,
    turn_s: tuple[float, float] = (1.0, 7.0),
    pause_s: tuple[float, float] = (0.1, 1.2),
    gains_db: dict[str, float] | None = None,
    lead_s: float = 0.3,
) -> Scene:
    """Turns taken in random order (everyone speaks once before anyone speaks twice), about
    ``duration_s`` seconds; a turn overlaps the previous one with ``overlap_probability``
    (0.3–1.0 s) and carries a backchannel of another speaker with ``backchannel_probability``.
    ``gains_db``: a fixed level per speaker (a telephone line), else a random level per turn;
    ``lead_s``: seconds before the first word, and at least after the last.
    """
    builder = SceneBuilder(name, speakers, rng)
    order = [speakers[i] for i in rng.permutation(len(speakers))]
    cursor_s, previous = lead_s, None
    while cursor_s < duration_s - 1.0 or order:
        speaker = order.pop(0) if order else _other(rng, speakers, previous)
        gain_db = gains_db[speaker] if gains_db else float(rng.uniform(-6, 3))
        end_s = builder.say(speaker, cursor_s, rng.uniform(*turn_s), gain_db)
        if len(speakers) > 1 and end_s - cursor_s > 2.0 and rng.random() < backchannel_probability:
            listener = _other(rng, speakers, speaker)
            at_s = rng.uniform(cursor_s + 0.5, end_s - 1.2)
            builder.backchannel(listener, at_s, (gains_db[listener] if gains_db else 0.0) - 3.0)
        overlap = previous is not None and rng.random() < overlap_probability
        cursor_s = end_s - rng.uniform(0.3, 1.0) if overlap else end_s + rng.uniform(*pause_s)
        previous = speaker
    return builder.build(tail_s=max(lead_s, 0.5))


def broadcast(name: str, host: str, guests: list[str], rng: np.random.Generator) -> Scene:
    """A host introduces the show, then talks with each guest in turn: a question, two to four
    short answers with the host's short follow-ups in between, sometimes cut into."""
    builder = SceneBuilder(name, [host, *guests], rng)
    cursor_s = builder.say(host, 0.5, rng.uniform(6.0, 10.0)) + rng.uniform(0.3, 0.8)
    for guest in guests:
        cursor_s = builder.say(host, cursor_s, rng.uniform(2.0, 5.0)) + rng.uniform(0.1, 0.6)
        for answer in range(int(rng.integers(2, 5))):
            if answer:
                cursor_s = builder.say(host, cursor_s, rng.uniform(1.0, 3.0)) + rng.uniform(0.1, 0.6)
            end_s = builder.say(guest, cursor_s, rng.uniform(2.0, 6.0), float(rng.uniform(-4, 2)))
            cut_in = rng.random() < 0.2
            cursor_s = end_s - rng.uniform(0.2, 0.6) if cut_in else end_s + rng.uniform(0.1, 0.6)
    return builder.build()


def _other(rng: np.random.Generator, speakers: list[str], previous: str | None) -> str:
    others = [s for s in speakers if s != previous] or speakers
    return str(others[int(rng.integers(len(others)))])
