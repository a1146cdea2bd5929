"""What every speaker-embedding model offers the rest of the plugin."""

from __future__ import annotations

from abc import ABC, abstractmethod
from functools import cached_property
from pathlib import Path
from typing import Sequence

import numpy as np

from ..audio import SAMPLE_RATE  # the rate the model was trained at
from ..util.file_digest import sha256_of_files


class SpeakerEmbedder(ABC):
    """A speaker-embedding network with its own pre-processing.

    Inputs are 16 kHz mono float32 waveforms in [-1, 1]. Subclasses set the class attributes
    below next to the model loader, stated once, with their source.
    """

    #: short name used on the command line (``--embedder NAME``)
    name: str = "embedder"
    #: sample rate the model expects, in Hz
    sample_rate: int = SAMPLE_RATE
    #: cosine similarity at or above which two utterances are "the same speaker"
    default_threshold: float = 0.5
    #: the PLDA trained on this model's embeddings, which VBx counting uses (``None``: VBx
    #: estimates one from each recording; see :mod:`diarize_plugin.clustering.vbx`)
    plda_path: Path | None = None
    #: files whose bytes define the embeddings (weights, normalisation statistics), in order
    model_files: tuple[Path, ...] = ()

    @cached_property
    def model_sha256(self) -> str:
        """sha256 of :attr:`model_files`' bytes, one after the other: which model this is, so
        that embeddings of different models are never compared (the voice database)."""
        return sha256_of_files(self.model_files)

    @property
    def identification_threshold(self) -> float:
        """Cosine similarity from which a voice is named after an enrolled person.

        An open-set decision (the person may not be enrolled at all), so it defaults to the
        sure-match :attr:`merge_threshold`; calibrated models override it.
        """
        return self.merge_threshold

    @property
    def clustering_threshold(self) -> float:
        """Cosine *distance* at which diarization stops merging clusters.

        Defaults to ``1 - default_threshold`` (the verification decision point); models
        calibrated on diarization data override it with their measured value.
        """
        return 1.0 - self.default_threshold

    @property
    def merge_threshold(self) -> float:
        """Cosine similarity of two speakers' pooled speech from which diarization merges them.

        A "sure match": the pooled speech of imperfect clusters carries some of the neighbouring
        voices, which pulls different people's scores up, so models measured on verification
        trials use their 0.1 % false-acceptance point (``benchmarks/eer.py``), not their
        equal-error point; defaults to :attr:`default_threshold`.
        """
        return self.default_threshold

    @property
    def segment_clustering_threshold(self) -> float:
        """Cosine distance that stops clustering local-speaker embeddings (neural segmentation).

        These embed up to 10 s of one voice each, so they sit closer together than window
        embeddings; defaults to :attr:`clustering_threshold` unless the model was calibrated.
        """
        return self.clustering_threshold

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Size D of one embedding."""

    @abstractmethod
    def embed_windows(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """Embed short windows (about 0.5–3 s each) for diarization.

        ``windows``: 16 kHz mono float32 waveforms, any lengths. Returns an ``(N, D)`` float32
        array, one row per window, in input order. Implementations batch internally.
        """

    def embed_utterance(self, waveform: np.ndarray) -> np.ndarray:
        """One ``(D,)`` embedding for a whole utterance (for verification).

        The default embeds the utterance in one pass; models with their own windowing
        contract (AutoSpeech) override it.
        """
        return self.embed_windows([waveform])[0]


def cosine_similarity(first: np.ndarray, second: np.ndarray) -> float:
    """Cosine of the angle between two embeddings, in [-1, 1] (0 when either is all zeros)."""
    first = np.asarray(first, dtype=np.float64).ravel()
    second = np.asarray(second, dtype=np.float64).ravel()
    norms = float(np.linalg.norm(first) * np.linalg.norm(second))
    if norms == 0.0:
        return 0.0
    return float(np.dot(first, second) / norms)


def l2_normalize(embeddings: np.ndarray) -> np.ndarray:
    """Rows of ``embeddings`` (N×D) scaled to unit length; all-zero rows stay zero."""
    norms = np.linalg.norm(embeddings, axis=1, keepdims=True)
    return embeddings / np.maximum(norms, 1e-12)
