"""Speaker verification: do two recordings hold the same voice?

Each recording must hold speech first (:func:`~diarize_plugin.segmentation.speech_amount.require_speech`:
at least ``min_speech_s`` seconds, a warning under 3 s); silence against silence would
otherwise score 0.9996 and "match". Each recording then becomes one utterance embedding (:meth:`SpeakerEmbedder.embed_utterance`); the
decision is ``cosine similarity >= threshold``, with the embedder's own default threshold
unless one is given. The printed form follows ailia-models' ``auto_speech.py``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from ..audio.decode import load_audio
from ..embed.base import SpeakerEmbedder, cosine_similarity
from ..embed.registry import DEFAULT_EMBEDDER, load_embedder
from ..errors import DiarizeError
from ..segmentation.speech_amount import require_speech
from .identification import check_threshold

AudioInput = str | os.PathLike[str] | np.ndarray
#: least speech (seconds) in each recording that verification accepts
MIN_SPEECH_S = 1.0


@dataclass(frozen=True)
class Verification:
    """Outcome of comparing two recordings.

    ``similarity``: cosine similarity of the two embeddings, in [-1, 1]. ``threshold``: the
    similarity at or above which they count as one speaker. ``match``: ``similarity >=
    threshold``. ``embedder``: name of the model that produced the embeddings.
    """

    similarity: float
    threshold: float
    match: bool
    embedder: str


def verify(
    first: AudioInput,
    second: AudioInput,
    embedder: SpeakerEmbedder | str = DEFAULT_EMBEDDER,
    threshold: float | None = None,
    model_dir: str | os.PathLike[str] | None = None,
    min_speech_s: float = MIN_SPEECH_S,
) -> Verification:
    """Compare the voices in ``first`` and ``second``.

    Each is an audio file path or a 16 kHz mono float32 waveform in [-1, 1]. ``embedder``: a
    loaded model, or a name/ONNX path for :func:`load_embedder` (``model_dir`` tells it where
    downloaded models are). ``threshold``: cosine similarity in [-1, 1] (default: the embedder's
    ``default_threshold``). ``min_speech_s``: least speech (seconds) each recording must hold.
    Raises :class:`DiarizeError` for unreadable audio, a recording with too little speech, an
    unknown or missing model, or a threshold out of range.
    """
    if threshold is not None:
        check_threshold(threshold)
    first_waveform, second_waveform = _waveform(first), _waveform(second)
    for waveform, audio, ordinal in ((first_waveform, first, "first"), (second_waveform, second, "second")):
        source = f"the {ordinal} waveform" if isinstance(audio, np.ndarray) else str(audio)
        require_speech(waveform, source=source, min_speech_s=min_speech_s)
    model = load_embedder(embedder, model_dir=model_dir) if isinstance(embedder, str) else embedder
    first_embedding = model.embed_utterance(first_waveform)
    second_embedding = model.embed_utterance(second_waveform)
    similarity = cosine_similarity(first_embedding, second_embedding)
    decision_threshold = model.default_threshold if threshold is None else float(threshold)
    return Verification(
        similarity=similarity,
        threshold=decision_threshold,
        match=similarity >= decision_threshold,
        embedder=model.name,
    )


def format_verification(verification: Verification) -> str:
    """Two lines as ailia's reference prints them, e.g.::

        similar: 0.42532125
        verification: match (threshold: 0.260)

    (``unmatch`` when the voices differ).
    """
    verdict = "match" if verification.match else "unmatch"
    return f"similar: {verification.similarity:.8f}\nverification: {verdict} (threshold: {verification.threshold:.3f})"


def _waveform(audio: AudioInput) -> np.ndarray:
    """A 16 kHz mono float32 waveform from a path or an array."""
    if isinstance(audio, np.ndarray):
        samples = np.asarray(audio, dtype=np.float32)
        if samples.ndim != 1 or samples.size == 0:
            raise DiarizeError(
                f"a waveform must be a non-empty 1-D array of 16 kHz samples, got shape {samples.shape}"
            )
        if not np.all(np.isfinite(samples)):
            raise DiarizeError("the waveform holds NaN or infinite samples; give finite audio samples")
        return samples
    return load_audio(audio)
