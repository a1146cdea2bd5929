"""A second look at the speakers found: merge those the verifier calls one person.

Clustering decides on 1.5 s windows, where a voice that changes its tone (a reader acting a
character, a meeting participant turning from the microphone) can look like two people. A
speaker's pooled speech, tens of seconds, is embedded far more reliably (CAM++: EER 0.29 % on
whole utterances against 2.2 % on 1.5 s crops), so two speakers whose pooled speech the
verifier calls a sure match (its ``merge_threshold``) are one person: the closest pair is
merged, its pooled speech embedded again, and so on until no pair matches. A sure match, not
the equal-error point: a cluster's pooled speech carries some of its neighbours' voices, which
pulls two different people's scores up (pyannote's sample: 0.44-0.45, right at CAM++'s
equal-error threshold of 0.445: with chunks every 1 s instead of 2 s they became one).
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Annotation

from ..audio.decode import SAMPLE_RATE
from ..audio.source import AudioSource
from ..embed.base import SpeakerEmbedder, l2_normalize
from .turns import speaker_label

#: seconds of each speaker's speech pooled into its embedding (its first turns, in order)
POOLED_S = 30.0


def merge_same_speakers(
    annotation: Annotation,
    audio: AudioSource,
    embedder: SpeakerEmbedder,
    min_similarity: float,
    min_speakers: int = 1,
) -> Annotation:
    """``annotation`` with speakers merged while two of them match and more than
    ``min_speakers`` remain. ``min_similarity``: cosine similarity of pooled-speech embeddings
    from which two speakers are one. Speakers are renamed ``SPEAKER_00``, ... by first
    appearance when anything was merged.
    """
    labels = list(annotation.labels())
    if len(labels) <= max(min_speakers, 1):
        return annotation
    merged = annotation
    pooled = {label: _pooled_embedding(merged, label, audio, embedder) for label in labels}
    while len(pooled) > max(min_speakers, 1):
        names = list(pooled)
        unit = l2_normalize(np.stack([pooled[name] for name in names]).astype(np.float64))
        similarity = unit @ unit.T
        np.fill_diagonal(similarity, -np.inf)
        first, second = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        if similarity[first, second] < min_similarity:
            break
        kept, gone = names[min(first, second)], names[max(first, second)]
        merged = merged.rename_labels({gone: kept})
        del pooled[gone]
        pooled[kept] = _pooled_embedding(merged, kept, audio, embedder)
    if merged is annotation:
        return annotation
    return _by_first_appearance(merged.support())


def _pooled_embedding(annotation: Annotation, label: str, audio: AudioSource, embedder: SpeakerEmbedder) -> np.ndarray:
    pieces, total = [], 0
    limit = int(POOLED_S * SAMPLE_RATE)
    for turn in annotation.label_timeline(label, copy=False):
        piece = audio.crop(turn)[: limit - total]
        pieces.append(piece)
        total += len(piece)
        if total >= limit:
            break
    return embedder.embed_utterance(np.concatenate(pieces))


def _by_first_appearance(annotation: Annotation) -> Annotation:
    firsts = sorted((annotation.label_timeline(label, copy=False)[0].start, label) for label in annotation.labels())
    mapping = {label: speaker_label(index) for index, (_, label) in enumerate(firsts)}
    return annotation.rename_labels(mapping)
