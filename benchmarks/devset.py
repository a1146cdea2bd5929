"""The multi-condition development set: seeded recordings in six conditions, two splits.

The 100 LibriSpeech speakers of ``../shared/data/librispeech`` (one utterance each) are split
by sorted id into a tuning half (even positions) and a test half (odd positions); a split's
recordings use only its own speakers (babble included). Conditions, per split:

- ``telephone``: 4 calls, 2 parties, 45–90 s, backchannels and overlap, faint line noise; each
  party on its own channel through the telephone band (300–3400 Hz, 8 kHz, G.711 mu-law, by
  ffmpeg), mixed down to mono (``telephone-stereo``: the same calls, parties kept apart);
- ``telephone-16k``: the same calls before the telephone channel (16 kHz, same line noise);
- ``reverb``: 4 conversations, 2–4 speakers, 45–90 s, in simulated rooms (RT60 0.3–0.9 s);
- ``noise``: 5 conversations, 2–4 speakers, 45–75 s, longer pauses, 3 s of sound alone at
  each end, under mains hum, clicks, babble (20 other voices of the split in a simulated room), tones or music-like jingles (one kind each) at
  0–20 dB SNR;
- ``meeting``: 8 short meetings, 3–5 speakers, 30–120 s, backchannels and overlap;
- ``broadcast``: 3 shows, one host and 7–11 guests with short turns.

Audio is built once into ``benchmarks/.cache/`` (git-ignored) as WAV files with an RTTM
reference beside each, and read from there afterwards.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile
from pyannote.core import Annotation

from benchmarks import rooms, sounds
from benchmarks.conversations import LIBRISPEECH, SAMPLE_RATE, speaker_files
from benchmarks.scenes import Scene, broadcast, dialogue
from benchmarks.telephone import write_telephone_call
from diarize_plugin.formats.rttm import annotation_to_rttm, read_rttm

SPLITS = ("tune", "test")
CACHE = Path(__file__).resolve().parent / ".cache" / "devset-v2"
#: seconds of sound alone before the first and after the last word (noise condition)
NOISE_LEAD_S = 3.0
#: voices of the babble (a crowd murmur, not six conversations one could follow: with 6 voices
#: the segmentation network rightly hears speech everywhere)
BABBLE_VOICES = 20


@dataclass(frozen=True)
class Recording:
    """One recording of the set: its audio file and reference speaker turns."""

    name: str
    path: Path
    reference: Annotation

    @property
    def num_speakers(self) -> int:
        return len(self.reference.labels())


def split_speakers(split: str) -> list[str]:
    """LibriSpeech speaker ids of ``split`` (``"tune"``: even positions by sorted id, ``"test"``: odd)."""
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; use one of {SPLITS}")
    ids = sorted(speaker_files(LIBRISPEECH))
    return ids[SPLITS.index(split) :: 2]


def available() -> bool:
    return LIBRISPEECH.is_dir()


def recordings(condition: str, split: str) -> list[Recording]:
    """The recordings of ``condition`` in ``split``, built into the cache when missing."""
    if condition not in CONDITIONS:
        raise ValueError(f"unknown condition {condition!r}; use one of {', '.join(CONDITIONS)}")
    folder = CACHE / f"{condition}-{split}"
    if not (folder / "complete").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        scenes, render = CONDITIONS[condition]
        for scene in scenes(split):
            rng = np.random.default_rng(seed_of(condition, split, scene.name))
            render(scene, folder / f"{scene.name}.wav", split, rng)
            (folder / f"{scene.name}.rttm").write_text(annotation_to_rttm(scene.reference), encoding="utf-8")
        (folder / "complete").write_text("", encoding="utf-8")
    found = []
    for path in sorted(folder.glob("*.rttm")):
        references = read_rttm(path)
        found.append(Recording(path.stem, path.with_suffix(".wav"), references.get(path.stem, Annotation(uri=path.stem))))
    return found


# --- scenes of each condition -------------------------------------------------------------


def _calls(split: str) -> list[Scene]:
    pool, rng = split_speakers(split), np.random.default_rng(seed_of("calls", split))
    scenes = []
    for index in range(4):
        parties = [str(s) for s in rng.choice(pool, size=2, replace=False)]
        gains_db = {party: float(rng.uniform(-4, 2)) for party in parties}
        scenes.append(dialogue(f"call{index}", parties, rng.uniform(45, 90), rng, 0.15, 0.3, gains_db=gains_db))
    return scenes


def _conversations(
    prefix: str, count: int, duration_s: tuple[float, float], speakers: tuple[int, int], **script: object
) -> Callable[[str], list[Scene]]:
    """``count`` dialogues of ``speakers`` (low, high exclusive) voices and ``duration_s`` seconds."""

    def build(split: str) -> list[Scene]:
        pool, rng = split_speakers(split), np.random.default_rng(seed_of(prefix, split))
        scenes = []
        for index in range(count):
            chosen = [str(s) for s in rng.choice(pool, size=int(rng.integers(*speakers)), replace=False)]
            scenes.append(dialogue(f"{prefix}{index}", chosen, rng.uniform(*duration_s), rng, **script))
        return scenes

    return build


def _shows(split: str) -> list[Scene]:
    pool, rng = split_speakers(split), np.random.default_rng(seed_of("shows", split))
    scenes = []
    for index in range(3):
        people = [str(s) for s in rng.choice(pool, size=int(rng.integers(8, 13)), replace=False)]
        scenes.append(broadcast(f"show{index}", people[0], people[1:], rng))
    return scenes


# --- how each condition renders a scene to a file -----------------------------------------

Render = Callable[[Scene, Path, str, np.random.Generator], None]


def _line_noise(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """Both parties' channels, each with its own faint hiss (-55 dBFS)."""
    return np.stack([track + rng.normal(0, 10 ** (-55 / 20), len(track)).astype(np.float32) for track in scene.tracks.values()])


def _render_telephone(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    write_telephone_call(_line_noise(scene, rng), path, parties_apart=False)


def _render_telephone_stereo(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    write_telephone_call(_line_noise(scene, rng), path, parties_apart=True)


def _render_wideband(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    write_wav(path, _line_noise(scene, rng).sum(axis=0))


def _render_room(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    responses = rooms.room_impulse_responses(len(scene.tracks), rng)
    mix = sum(rooms.reverberate(track, response) for track, response in zip(scene.tracks.values(), responses))
    write_wav(path, mix + rng.normal(0, 10 ** (-60 / 20), len(mix)))


def _render_noisy(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    kind = sounds.SOUND_KINDS[int(scene.name.removeprefix("noise")) % len(sounds.SOUND_KINDS)]
    speech = scene.mix()
    if kind == "babble":
        files = speaker_files(LIBRISPEECH)
        crowd = rng.choice([s for s in split_speakers(split) if s not in scene.tracks], size=BABBLE_VOICES, replace=False)
        voices = [soundfile.read(str(files[str(s)]), dtype="float32")[0] for s in crowd]
        responses = rooms.room_impulse_responses(len(voices), rng)  # a crowd in a room, not beside the mic
        sound = sounds.babble(len(speech), [rooms.reverberate(v, r) for v, r in zip(voices, responses)], rng)
    else:
        sound = getattr(sounds, kind)(len(speech), rng)
    write_wav(path, sounds.add_at_snr(speech, sound, float(rng.uniform(0, 20))))


def _render_plain(scene: Scene, path: Path, split: str, rng: np.random.Generator) -> None:
    mix = scene.mix()
    write_wav(path, mix + rng.normal(0, 10 ** (-60 / 20), len(mix)))


def write_wav(path: Path, waveform: np.ndarray) -> None:
    peak = float(np.max(np.abs(waveform))) if len(waveform) else 0.0
    scale = 0.9 / peak if peak > 0.9 else 1.0
    soundfile.write(str(path), (waveform * scale).astype(np.float32), SAMPLE_RATE, subtype="PCM_16")


def seed_of(*names: str) -> int:
    """A seed from names, stable across runs and Python versions (no ``hash()``)."""
    return int.from_bytes(hashlib.sha256("/".join(names).encode("utf-8")).digest()[:8], "little")


CONDITIONS: dict[str, tuple[Callable[[str], list[Scene]], Render]] = {
    "telephone": (_calls, _render_telephone),
    "telephone-16k": (_calls, _render_wideband),
    "telephone-stereo": (_calls, _render_telephone_stereo),
    "reverb": (_conversations("room", 4, (45, 90), (2, 5)), _render_room),
    "noise": (_conversations("noise", 5, (45, 75), (2, 5), pause_s=(0.2, 3.0), lead_s=NOISE_LEAD_S), _render_noisy),
    "meeting": (
        _conversations("meeting", 8, (30, 120), (3, 6), overlap_probability=0.2, backchannel_probability=0.3, turn_s=(0.8, 6.0)),
        _render_plain,
    ),
    "broadcast": (_shows, _render_plain),
}
