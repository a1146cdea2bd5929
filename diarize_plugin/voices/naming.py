"""Name the speakers of a diarization after the enrolled people they sound like.

Each speaker's speech (where they talk alone, up to :data:`POOLED_S` seconds spread over the
recording) is embedded once and scored against every enrolled print. Names are then given
one-to-one (no two speakers get the same person) by the assignment that maximises the summed
margin above the threshold of the pairs that reach it (Hungarian algorithm); a speaker without
such a pair keeps its ``SPEAKER_xx`` label.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation
from scipy.optimize import linear_sum_assignment

from ..audio.source import AudioSource
from ..embed.base import SpeakerEmbedder
from .identification import Gallery
from .speaker_speech import solo_speech, speech_samples

#: seconds of each speaker's speech embedded for naming
POOLED_S = 60.0


@dataclass(frozen=True)
class SpeakerName:
    """``speaker``: the diarization's label (``SPEAKER_00``); ``name``: the person it is named
    after, or ``None``; ``similarity``: cosine similarity to that person (to the closest one
    when unnamed; ``None`` when nobody could be compared)."""

    speaker: str
    name: str | None
    similarity: float | None

    @property
    def label(self) -> str:
        """The label in the named annotation: the person's name, else the speaker label."""
        return self.name or self.speaker


@dataclass(frozen=True)
class SpeakerNaming:
    """A diarization with names: ``annotation`` (labels replaced by names where matched) and
    one :class:`SpeakerName` per speaker, in label order."""

    annotation: Annotation
    speakers: tuple[SpeakerName, ...]

    def similarities(self) -> dict[str, float]:
        """Similarity of every named speaker to their name, by name."""
        return {s.name: float(s.similarity) for s in self.speakers if s.name is not None and s.similarity is not None}


def name_speakers(
    annotation: Annotation, audio: AudioSource, embedder: SpeakerEmbedder, gallery: Gallery, threshold: float
) -> SpeakerNaming:
    """``annotation``'s speakers named after ``gallery``'s people, one-to-one, where their
    similarity reaches ``threshold``. ``audio``: the diarized 16 kHz recording; ``embedder``: the
    model the gallery's prints were made with."""
    labels = list(annotation.labels())
    if not labels:
        return SpeakerNaming(annotation, ())
    embeddings = np.stack(
        [embedder.embed_utterance(speech_samples(audio, solo_speech(annotation, label), POOLED_S)) for label in labels]
    )
    similarity = gallery.similarities(embeddings)
    pairs = one_to_one(similarity, threshold)
    speakers = []
    for row, label in enumerate(labels):
        if row in pairs:
            column = pairs[row]
            speakers.append(SpeakerName(label, gallery.names[column], float(similarity[row, column])))
        else:
            speakers.append(SpeakerName(label, None, float(similarity[row].max())))
    renamed = annotation.rename_labels({s.speaker: s.label for s in speakers})
    return SpeakerNaming(renamed, tuple(speakers))


def one_to_one(similarity: np.ndarray, threshold: float) -> dict[int, int]:
    """Row -> column pairs of the ``(speakers, people)`` matrix ``similarity``: no row or column
    used twice, every pair at or above ``threshold``, and the largest summed margin above it."""
    weight = np.where(similarity >= threshold, similarity - threshold + 1e-6, 0.0)
    rows, columns = linear_sum_assignment(weight, maximize=True)
    return {int(r): int(c) for r, c in zip(rows, columns) if similarity[r, c] >= threshold}
