"""Variational-Bayes refinement of speaker clusters (VBx without the HMM, as pyannote 4 uses it).

BUT's VBx (Landini et al., 2022, "Bayesian HMM clustering of x-vector sequences") models every
embedding ``x`` of speaker ``s`` as ``x = m_s + e``, with the within-speaker noise ``e``
standard normal and the speaker's mean ``m_s`` drawn from ``N(0, diag(phi))``: a PLDA model,
in the space where it is diagonal. Started from an over-segmented agglomerative clustering, the
variational updates move windows between speakers and let the prior weight of a speaker the data
do not support fall to nothing, which removes it: the count comes from a likelihood trade-off
(``fa`` scales the evidence, ``fb`` the cost of every speaker) rather than from one distance.

**What this is not.** pyannote 4 and BUT use a PLDA trained on thousands of VoxCeleb
speakers. We have none for CAM++. The bundled one (:data:`~diarize_plugin.embed.campplus.BUNDLED_PLDA_PATH`, made by
``tools/train_plda.py``) is estimated from the *tuning half* of the development set only: 50
LibriSpeech speakers, each speaker of each recording one class (about 150), in all its
conditions (telephone band, rooms, noise, meetings, broadcast). It is small next to VoxCeleb's
7,000 speakers, and it has never heard AMI's microphones. For other embedders (no PLDA),
:meth:`SpeakerSpace.from_clusters` estimates the two covariances from the recording itself,
around its initial clusters: an empirical-Bayes variant that cannot know more speakers than the
initial clustering separates, rough on recordings with few windows (shrunk toward a multiple of
the identity, :data:`SHRINKAGE`), and needing a higher speaker cost
(:data:`RECORDING_SPEAKER_SCALE`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.special import logsumexp, softmax

from ..embed.base import l2_normalize

#: weight of the evidence of the embeddings (pyannote 4: 0.07)
ACOUSTIC_SCALE = 0.07
#: weight of the speaker prior, the cost of keeping a speaker (pyannote 4: 0.8)
SPEAKER_SCALE = 0.8
#: the same with covariances estimated from the recording itself (tuning half of the development
#: set: 0.8 and 3 over-counted every condition, 20 and 40 merged broadcast guests)
RECORDING_SPEAKER_SCALE = 10.0
#: sharpness of the initial responsibilities built from the starting labels (pyannote 4: 7.0)
INIT_SMOOTHING = 7.0
#: variational iterations at most (pyannote 4: 20)
MAX_ITERATIONS = 20
#: a speaker whose prior weight falls below this is gone (pyannote 4: 1e-7)
MIN_SPEAKER_PRIOR = 1e-7
#: share of the within-speaker covariance replaced by its mean variance times the identity
SHRINKAGE = 0.5
#: dimensions of the speaker space at most (PLDA dimensions with the largest between-speaker variance)
MAX_DIMENSION = 32
#: the bundled PLDA for CAM++ (``tools/train_plda.py``; its file:
#: :data:`diarize_plugin.embed.campplus.BUNDLED_PLDA_PATH`): its dimensions and shrinkage; chosen
#: leaving one condition of the tuning half out at a time (64 and 0.1: 27 of 28 window-level
#: counts right, 32: 25 of 28 with pyannote's scales)
PLDA_DIMENSION = 64
PLDA_SHRINKAGE = 0.1


@dataclass(frozen=True)
class SpeakerSpace:
    """A two-covariance (PLDA) model in its diagonal form: ``project`` makes the
    within-speaker covariance the identity; ``phi`` holds the between-speaker variances of the
    projected dimensions."""

    mean: np.ndarray  # (D,)
    transform: np.ndarray  # (D, d)
    phi: np.ndarray  # (d,)

    def project(self, embeddings: np.ndarray) -> np.ndarray:
        """``(N, d)`` features of ``(N, D)`` embeddings (length-normalised first)."""
        return (l2_normalize(np.asarray(embeddings, dtype=np.float64)) - self.mean) @ self.transform

    @classmethod
    def load(cls, path: str | Path) -> "SpeakerSpace":
        """The model saved by ``tools/train_plda.py`` (``.npz`` of ``mean``, ``transform``, ``phi``)."""
        with np.load(path) as saved:
            return cls(
                mean=saved["mean"].astype(np.float64),
                transform=saved["transform"].astype(np.float64),
                phi=saved["phi"].astype(np.float64),
            )

    @classmethod
    def from_clusters(
        cls, embeddings: np.ndarray, labels: np.ndarray, shrinkage: float = SHRINKAGE, max_dimension: int = MAX_DIMENSION
    ) -> "SpeakerSpace":
        """Estimate the model from ``embeddings`` ``(N, D)`` grouped by ``labels`` (0..K-1):
        within-speaker covariance from the spread around each group's mean (shrunk by
        ``shrinkage`` toward its average variance), between-speaker covariance from the spread
        of the group means (weighted by size). Keeps at most ``min(K - 1, max_dimension)``
        dimensions."""
        unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
        labels = np.asarray(labels, dtype=int)
        groups = int(labels.max()) + 1
        mean = unit.mean(axis=0)
        sizes = np.bincount(labels, minlength=groups).astype(np.float64)
        sums = np.zeros((groups, unit.shape[1]))
        np.add.at(sums, labels, unit)
        group_means = sums / np.maximum(sizes, 1.0)[:, None]
        within = unit - group_means[labels]
        within_cov = within.T @ within / max(len(unit) - groups, 1)
        average_variance = np.trace(within_cov) / len(within_cov)
        within_cov = (1.0 - shrinkage) * within_cov + shrinkage * average_variance * np.eye(len(within_cov))
        values, vectors = np.linalg.eigh(within_cov)
        whitening = vectors / np.sqrt(np.maximum(values, 1e-12))
        centred = (group_means - mean) @ whitening
        between_cov = (centred * sizes[:, None]).T @ centred / sizes.sum()
        phi, rotation = np.linalg.eigh(between_cov)
        keep = max(1, min(groups - 1, max_dimension, len(phi)))
        order = np.argsort(-phi, kind="stable")[:keep]
        return cls(mean=mean, transform=whitening @ rotation[:, order], phi=np.maximum(phi[order], 1e-12))


def variational_bayes(
    features: np.ndarray,
    phi: np.ndarray,
    responsibilities: np.ndarray,
    acoustic_scale: float = ACOUSTIC_SCALE,
    speaker_scale: float = SPEAKER_SCALE,
    max_iterations: int = MAX_ITERATIONS,
    tolerance: float = 1e-6,
) -> tuple[np.ndarray, np.ndarray]:
    """VBx's variational updates without the HMM (every window independent given the speakers).

    ``features`` ``(N, d)`` in the space of :class:`SpeakerSpace`; ``phi`` ``(d,)``;
    ``responsibilities`` ``(N, S)``, rows summing to 1, the starting assignment. Returns the
    final responsibilities ``(N, S)`` and speaker prior weights ``(S,)``. Stops when the
    evidence lower bound improves by less than ``tolerance`` (relative).
    """
    features = np.asarray(features, dtype=np.float64)
    gamma = np.asarray(responsibilities, dtype=np.float64)
    dimension = features.shape[1]
    priors = np.full(gamma.shape[1], 1.0 / gamma.shape[1])
    # per-window constant of the Gaussian log-likelihood, and features scaled by the speaker loadings
    constant = -0.5 * (np.sum(features**2, axis=1) + dimension * np.log(2 * np.pi))
    loaded = features * np.sqrt(phi)
    ratio = acoustic_scale / speaker_scale
    previous = -np.inf
    for _ in range(max_iterations):
        counts = gamma.sum(axis=0)
        inverse_precision = 1.0 / (1.0 + ratio * counts[:, None] * phi[None, :])  # (S, d)
        speaker_means = ratio * inverse_precision * (gamma.T @ loaded)  # (S, d)
        log_likelihood = acoustic_scale * (
            loaded @ speaker_means.T - 0.5 * (inverse_precision + speaker_means**2) @ phi + constant[:, None]
        )
        with np.errstate(divide="ignore"):
            log_joint = log_likelihood + np.log(priors)
        log_evidence = logsumexp(log_joint, axis=1)
        gamma = np.exp(log_joint - log_evidence[:, None])
        priors = gamma.sum(axis=0) / len(gamma)
        bound = log_evidence.sum() + speaker_scale * 0.5 * np.sum(
            np.log(inverse_precision) - inverse_precision - speaker_means**2 + 1.0
        )
        if bound - previous < tolerance * abs(bound):
            break
        previous = bound
    return gamma, priors


def vbx_labels(
    embeddings: np.ndarray,
    initial_labels: np.ndarray,
    space: SpeakerSpace | None = None,
    acoustic_scale: float = ACOUSTIC_SCALE,
    speaker_scale: float | None = None,
) -> np.ndarray:
    """Labels (0..K'-1) of ``embeddings`` ``(N, D)`` after VB refinement of ``initial_labels``.

    ``space``: the PLDA model (``None``: estimated from this recording around
    ``initial_labels``, with a single initial cluster returned as it is); ``speaker_scale``
    (``None``: :data:`SPEAKER_SCALE` with a given model, :data:`RECORDING_SPEAKER_SCALE`
    without). Speakers whose prior weight vanishes are dropped and every window goes to its
    most responsible remaining speaker.
    """
    initial = np.unique(np.asarray(initial_labels, dtype=int), return_inverse=True)[1]
    speakers = int(initial.max()) + 1 if len(initial) else 0
    if speakers <= 1:
        return initial
    if speaker_scale is None:
        speaker_scale = RECORDING_SPEAKER_SCALE if space is None else SPEAKER_SCALE
    if space is None:
        space = SpeakerSpace.from_clusters(embeddings, initial)
    start = softmax(np.eye(speakers)[initial] * INIT_SMOOTHING, axis=1)
    gamma, priors = variational_bayes(space.project(embeddings), space.phi, start, acoustic_scale, speaker_scale)
    kept = np.flatnonzero(priors > MIN_SPEAKER_PRIOR)
    return np.unique(kept[np.argmax(gamma[:, kept], axis=1)], return_inverse=True)[1]
