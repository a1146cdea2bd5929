"""Every window to its nearest speaker centroid, until nothing moves.

Agglomerative clustering decides by average distances between growing groups, and a window
merged early into the wrong group stays there; spectral clustering's k-means works in the
eigenvector space, not on the voices. A last pass over the embeddings themselves gives each
window to the speaker whose centroid (the mean of its windows' unit embeddings) is most
cosine-similar, recomputes the centroids and repeats (spherical k-means started from the
clustering). The result is a fixed point: running the pass again changes nothing.
"""

from __future__ import annotations

import numpy as np

from .ahc import centroids_of, nearest_centroid
from ..embed.base import l2_normalize

#: passes at most; on the development set the labels settle within a handful
MAX_PASSES = 50


def reassign_to_centroids(embeddings: np.ndarray, labels: np.ndarray, min_speakers: int = 1) -> np.ndarray:
    """``labels`` (0..K-1, one per row of ``embeddings`` ``(N, D)``) after re-assignment.

    A speaker whose windows all move elsewhere disappears (labels are renumbered 0..K'-1 in
    order of first appearance), unless fewer than ``min_speakers`` would then remain: the pass
    stops before that step. Deterministic; ties go to the lower label.
    """
    labels = np.asarray(labels, dtype=int)
    if len(labels) == 0:
        return labels.copy()
    unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
    current = _renumbered(labels)
    for _ in range(MAX_PASSES):
        moved = nearest_centroid(unit, centroids_of(unit, current))
        moved = _renumbered(moved)
        if int(moved.max()) + 1 < min(min_speakers, int(current.max()) + 1):
            break
        if np.array_equal(moved, current):
            break
        current = moved
    return current


def _renumbered(labels: np.ndarray) -> np.ndarray:
    """Labels 0, 1, ... in order of first appearance."""
    _, first = np.unique(labels, return_index=True)
    order = np.unique(labels)[np.argsort(first, kind="stable")]
    remap = np.empty(int(labels.max()) + 1, dtype=int)
    remap[order] = np.arange(len(order))
    return remap[labels]
