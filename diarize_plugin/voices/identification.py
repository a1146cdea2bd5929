"""Who is this voice, among the enrolled people? Open-set identification.

Each person's print is the mean of their unit-length voiceprints, weighted by seconds of speech,
made unit-length again. A voice is scored against every print of its own embedder by cosine
similarity; the best person is its name when the similarity reaches the embedder's calibrated
:attr:`~diarize_plugin.embed.base.SpeakerEmbedder.identification_threshold`, else it is unknown.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..embed.base import SpeakerEmbedder
from ..errors import DiarizeError
from .people import Voiceprint
from .store import VoiceStore

if TYPE_CHECKING:
    from pyannote.core import Segment

    from ..diarization.pipeline import Diarizer


@dataclass(frozen=True)
class Candidate:
    """An enrolled person and the cosine similarity of their print to the voice, in [-1, 1]."""

    name: str
    similarity: float


@dataclass(frozen=True)
class Identification:
    """The answer for one voice.

    ``name``: the best candidate when its similarity reaches ``threshold``, else ``None``
    (unknown). ``candidates``: the best matches, best first. ``speech_s``: seconds of speech
    the voice's embedding was made from.
    """

    name: str | None
    threshold: float
    candidates: tuple[Candidate, ...]
    embedder: str
    speech_s: float

    @property
    def similarity(self) -> float:
        """Similarity of the best candidate (``nan`` when nobody is enrolled)."""
        return self.candidates[0].similarity if self.candidates else float("nan")


class Gallery:
    """The enrolled people's prints for one embedder, as one matrix (P×D, unit rows)."""

    def __init__(self, names: Sequence[str], prints: np.ndarray, embedder: str, model_sha256: str) -> None:
        self.names = tuple(names)
        self.prints = np.asarray(prints, dtype=np.float32).reshape(len(self.names), -1)
        self.embedder = embedder
        self.model_sha256 = model_sha256

    @classmethod
    def from_database(cls, path: str | os.PathLike[str] | None, embedder: SpeakerEmbedder) -> "Gallery":
        """:meth:`from_store` on the database at ``path`` (default: :func:`voice_db_path`),
        which must exist."""
        with VoiceStore.open(path, create=False) as store:
            return cls.from_store(store, embedder)

    @classmethod
    def from_store(cls, store: VoiceStore, embedder: SpeakerEmbedder) -> "Gallery":
        """Prints of everyone in ``store`` with voiceprints of ``embedder`` (same name and model
        sha256).

        Raises :class:`DiarizeError` when nobody is enrolled, or when nobody has a voiceprint of
        this embedder (with what to do: re-enroll, or use the embedder they were made with).
        People with prints of other embedders only are left out, with a warning.
        """
        everyone = store.names()
        if not everyone:
            raise DiarizeError(f"nobody is enrolled in {store.path}; enroll people first: diarize enroll NAME FILE")
        identity = (embedder.name, embedder.model_sha256)
        owners, voiceprints = store.voiceprints_of_model(*identity)
        if not owners:
            models = ", ".join(f"{name} (model sha256 {sha[:12]}...)" for name, sha in store.models())
            raise DiarizeError(
                f"the voiceprints in {store.path} were made with {models}, not with {embedder.name} "
                f"(model sha256 {embedder.model_sha256[:12]}...); voiceprints of different models cannot be "
                f"compared: re-enroll the people with --embedder {embedder.name}, or run with the embedder they were made with"
            )
        by_name: dict[str, list[Voiceprint]] = {}
        for owner, voiceprint in zip(owners, voiceprints):
            by_name.setdefault(owner, []).append(voiceprint)
        left_out = [name for name in everyone if name not in by_name]
        if left_out:
            import warnings

            shown = ", ".join(repr(name) for name in left_out[:5]) + (", ..." if len(left_out) > 5 else "")
            warnings.warn(
                f"{len(left_out)} enrolled people have no voiceprint of {embedder.name} and are left out ({shown}); "
                f"re-enroll them with --embedder {embedder.name}"
            )
        prints = [person_print([p.embedding for p in own], [p.speech_s for p in own]) for own in by_name.values()]
        return cls(list(by_name), np.stack(prints), *identity)

    def __len__(self) -> int:
        return len(self.names)

    def similarities(self, embeddings: np.ndarray) -> np.ndarray:
        """Cosine similarity of every row of ``embeddings`` (N×D) to every print: ``(N, P)``."""
        embeddings = np.atleast_2d(np.asarray(embeddings, dtype=np.float32))
        if embeddings.shape[1] != self.prints.shape[1]:
            raise DiarizeError(
                f"embeddings of size {embeddings.shape[1]} cannot be compared with {self.embedder} prints "
                f"of size {self.prints.shape[1]}; re-enroll with the same embedder"
            )
        norms = np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        return (embeddings / norms) @ self.prints.T

    def identify(self, embedding: np.ndarray, threshold: float, top: int = 1, speech_s: float = 0.0) -> Identification:
        """The best ``top`` people for one ``(D,)`` embedding; named when the best reaches ``threshold``."""
        scores = self.similarities(embedding)[0]
        order = np.argsort(-scores, kind="stable")[: max(1, top)]
        candidates = tuple(Candidate(self.names[i], float(scores[i])) for i in order)
        name = candidates[0].name if candidates[0].similarity >= threshold else None
        return Identification(name, float(threshold), candidates, self.embedder, float(speech_s))


def person_print(embeddings: Sequence[np.ndarray], speech_s: Sequence[float]) -> np.ndarray:
    """One unit-length print from voiceprints (each made unit-length), weighted by seconds of speech."""
    unit = np.stack([np.asarray(e, dtype=np.float64) / max(float(np.linalg.norm(e)), 1e-12) for e in embeddings])
    weights = np.asarray(speech_s, dtype=np.float64)
    mean = (unit * weights[:, None]).sum(axis=0) / max(float(weights.sum()), 1e-12)
    return (mean / max(float(np.linalg.norm(mean)), 1e-12)).astype(np.float32)


def check_threshold(threshold: float) -> float:
    """``threshold`` if it is a cosine similarity in [-1, 1], else a :class:`DiarizeError`."""
    if not -1.0 <= threshold <= 1.0:
        raise DiarizeError(f"threshold {threshold} is not a cosine similarity; give a value between -1 and 1")
    return float(threshold)


def identify(
    audio: str | os.PathLike[str] | np.ndarray,
    gallery: Gallery,
    diarizer: "Diarizer",
    threshold: float | None = None,
    top: int = 1,
    segment: "Segment | None" = None,
) -> Identification:
    """Who speaks in ``audio`` (a file or a 16 kHz waveform; ``segment``: the part to use)?

    ``diarizer``: a :class:`diarize_plugin.diarization.pipeline.Diarizer` with the gallery's embedder.
    ``threshold``: cosine similarity from which the best person is named (default: the
    embedder's calibrated ``identification_threshold``). ``top``: how many candidates to
    return. Raises :class:`DiarizeError` for unreadable audio, less than 1 s of speech, or
    more than one speaker.
    """
    from .recording import MIN_IDENTIFY_SPEECH_S, recording_voice

    embedder = diarizer.embedder
    if (embedder.name, embedder.model_sha256) != (gallery.embedder, gallery.model_sha256):
        raise DiarizeError(f"the gallery holds prints of another model ({gallery.embedder}); identify with that embedder")
    chosen = embedder.identification_threshold if threshold is None else check_threshold(threshold)
    voice = recording_voice(audio, diarizer, min_speech_s=MIN_IDENTIFY_SPEECH_S, segment=segment)
    return gallery.identify(voice.embedding, chosen, top=top, speech_s=voice.speech_s)
