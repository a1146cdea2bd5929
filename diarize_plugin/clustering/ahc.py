"""Speaker labels for embeddings: agglomerative clustering over cosine distances.

The number of speakers is found automatically by cutting the dendrogram at a distance
threshold calibrated on development data, or fixed by ``num_speakers`` /
``min_speakers`` / ``max_speakers``, which are honoured exactly.
"""

from __future__ import annotations


import numpy as np

from ..embed.base import l2_normalize
from .bounds import SpeakerBounds

#: most embeddings clustered directly (the distance matrix grows with the square of this);
#: more are clustered in consecutive blocks of at most half this many (so that a recording
#: just over the limit needs no more memory than one ten times longer), whose clusters are
#: then clustered together (:func:`cluster_embeddings`)
MAX_CLUSTERED_POINTS = 4000
#: clusters of a block smaller than this (embeddings) join their nearest one before the blocks'
#: clusters meet: windows straddling a change of speaker, not people
MIN_BLOCK_CLUSTER_SIZE = 3


def cluster_embeddings(
    embeddings: np.ndarray,
    threshold: float,
    bounds: SpeakerBounds = SpeakerBounds(),
    min_cluster_size: int | None = None,
    max_clustered: int | None = None,
    cut: np.ndarray | None = None,
    search_until: float | None = None,
) -> np.ndarray:
    """One speaker label (0, 1, ...) per embedding row.

    ``embeddings``: ``(N, D)``. ``threshold``: cosine distance (1 - cosine similarity) at which
    average-linkage merging stops. Clusters with fewer than ``min_cluster_size`` members
    (default: 4 % of the embeddings, at least 3 and at most 30) are folded into the nearest
    large cluster, unless that would break ``bounds``: such clusters are mostly windows that
    straddle a speaker change or overlap, not extra speakers. Labels are numbered in order of
    first appearance.

    More than ``max_clustered`` embeddings (default :data:`MAX_CLUSTERED_POINTS`) are clustered
    in consecutive blocks of half that, and the blocks' clusters then together
    (:func:`_cluster_in_blocks`), so that someone who speaks for only a minute of ten hours
    keeps a cluster of their own.

    ``cut``: :func:`tree_cut` of the same embeddings at ``threshold``, when the caller has it
    already (not used in blocks). ``search_until``: the largest distance at which a cut with
    more clusters above the floor is looked for (:func:`speaker_cut`; ``None``: the cut at
    ``threshold``); with the calibrated threshold, lowering ``threshold`` never finds fewer
    speakers.
    """
    count = len(embeddings)
    if count == 0:
        return np.zeros(0, dtype=int)
    if count == 1:
        return np.zeros(1, dtype=int)
    if min_cluster_size is None:
        min_cluster_size = default_min_cluster_size(count)
    limit = MAX_CLUSTERED_POINTS if max_clustered is None else max_clustered
    if count > limit:
        block_size = max(limit // 2, 1)
        return _by_first_appearance(_cluster_in_blocks(embeddings, threshold, bounds, min_cluster_size, block_size))
    unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
    return _by_first_appearance(_agglomerate(unit, threshold, bounds, min_cluster_size, cut, search_until))


def tree_cut(embeddings: np.ndarray, threshold: float, search_until: float | None = None) -> np.ndarray:
    """The average-linkage clusters of ``embeddings`` ``(N, D)`` that :func:`cluster_embeddings`
    starts from with its default cluster floor, before anything is folded (:func:`speaker_cut`):
    one tree, for callers that cluster the same embeddings at the same threshold twice
    (:func:`cluster_embeddings`' ``cut``)."""
    unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
    return speaker_cut(unit, threshold, default_min_cluster_size(len(unit)), search_until)


def speaker_cut(
    unit: np.ndarray, threshold: float, min_cluster_size: int, search_until: float | None = None
) -> np.ndarray:
    """Average-linkage clusters of the unit rows ``unit`` (cosine distance): the cut at
    ``threshold``, unless a cut at a larger distance, up to ``search_until`` (default:
    ``threshold``, so the plain cut), holds more clusters of at least ``min_cluster_size``
    members; then the nearest such cut to ``threshold``.

    Small clusters are folded afterwards, so a threshold low enough to break every voice into
    splinters smaller than ``min_cluster_size`` would fold them all into a few and find
    *fewer* speakers than a higher one. With ``search_until`` the calibrated threshold, any
    threshold below it finds at least as many speakers as the calibrated one, and lower never
    finds fewer; the calibrated threshold itself keeps its plain cut (searching above it too
    cost AMI 26.5 -> 28.4 % DER: more clusters pass the floor, not more right ones).
    """
    if len(unit) < 2:
        return np.zeros(len(unit), dtype=int)
    from sklearn.cluster import AgglomerativeClustering  # see _fit

    model = AgglomerativeClustering(
        n_clusters=None, distance_threshold=threshold, metric="cosine", linkage="average", compute_full_tree=True
    ).fit(unit)
    if search_until is None or search_until <= threshold:
        return model.labels_
    merges = _merges_for_most_clusters(
        model.children_, model.distances_, len(unit), threshold, search_until, min_cluster_size
    )
    if merges is None:
        return model.labels_
    return _labels_after(model.children_[:merges], len(unit))


def _merges_for_most_clusters(
    children: np.ndarray, distances: np.ndarray, count: int, threshold: float, search_until: float, min_cluster_size: int
) -> int | None:
    """How many of the tree's first merges (``children``, in merge order, at ``distances``) give
    the cut between ``threshold`` and ``search_until`` with the most clusters of
    ``min_cluster_size`` or more, the first such cut; ``None`` when the cut at ``threshold``
    itself is that cut."""
    sizes = np.ones(2 * count - 1, dtype=np.int64)
    for index, (first, second) in enumerate(children):
        sizes[count + index] = sizes[first] + sizes[second]
    kept = int(np.searchsorted(distances, threshold, side="left"))  # merges closer than threshold
    active = np.zeros(2 * count - 1, dtype=bool)
    active[:count] = True
    for index in range(kept):
        first, second = children[index]
        active[first] = active[second] = False
        active[count + index] = True
    large = int(np.sum(active & (sizes >= min_cluster_size)))
    best, best_merges = large, None
    for index in range(kept, len(children)):
        if distances[index] >= search_until:  # no cut up to search_until keeps this merge
            break
        first, second = children[index]
        large += int(sizes[count + index] >= min_cluster_size)
        large -= int(sizes[first] >= min_cluster_size) + int(sizes[second] >= min_cluster_size)
        # a cut keeps every merge closer than it: between tied distances there is none
        if index + 1 < len(children) and distances[index + 1] <= distances[index]:
            continue
        if large > best:
            best, best_merges = large, index + 1
    return best_merges


def _labels_after(merges: np.ndarray, count: int) -> np.ndarray:
    """Cluster labels of ``count`` leaves after the tree ``merges`` (rows of two node ids)."""
    parent = np.arange(2 * count - 1)
    for index, (first, second) in enumerate(merges):
        parent[first] = parent[second] = count + index
    roots = np.arange(count)
    for _ in range(len(merges) + 1):  # each pass climbs one level; the tree is at most that deep
        climbed = parent[roots]
        if np.array_equal(climbed, roots):
            break
        roots = climbed
    return np.unique(roots, return_inverse=True)[1]


def default_min_cluster_size(count: int) -> int:
    """Smallest cluster kept as a speaker among ``count`` embeddings (4 %, between 3 and 30)."""
    return max(3, min(30, round(0.04 * count)))


def _agglomerate(
    unit: np.ndarray,
    threshold: float,
    bounds: SpeakerBounds,
    min_cluster_size: int,
    cut: np.ndarray | None = None,
    search_until: float | None = None,
) -> np.ndarray:
    """Cut the tree (:func:`speaker_cut` at ``threshold``, or take ``cut``, that cut made
    already), fold small clusters, then merge or split to meet ``bounds``.

    Folding comes first so that a bound never keeps a two-window splinter as a "speaker"
    while two real voices stay merged.
    """
    if cut is None:
        cut = speaker_cut(unit, threshold, min_cluster_size, search_until)
    labels = fold_small_clusters(unit, cut, min_cluster_size, 1)
    found = int(labels.max()) + 1
    if bounds.maximum is not None and found > bounds.maximum:
        return merge_closest(unit, labels, bounds.maximum)
    if found < bounds.minimum:
        return _split(unit, min(bounds.minimum, len(unit)), min_cluster_size)
    return labels


def _fit(unit: np.ndarray, n_clusters: int | None = None, distance_threshold: float | None = None) -> np.ndarray:
    if n_clusters == 1 or len(unit) < 2:
        return np.zeros(len(unit), dtype=int)
    # imported here: scikit-learn takes about 0.9 s to import, which commands that never
    # cluster (merge, verify, models, --help) should not pay
    from sklearn.cluster import AgglomerativeClustering

    model = AgglomerativeClustering(
        n_clusters=n_clusters,
        distance_threshold=distance_threshold,
        metric="cosine",
        linkage="average",
        compute_full_tree=True,
    )
    return model.fit_predict(unit)


def fold_small_clusters(unit: np.ndarray, labels: np.ndarray, min_cluster_size: int, keep_at_least: int) -> np.ndarray:
    """Give the members of clusters smaller than ``min_cluster_size`` to the nearest kept one.

    The ``keep_at_least`` biggest clusters are kept whatever their size.
    """
    sizes = np.bincount(labels)
    keep = min(len(sizes), max(int(np.sum(sizes >= min_cluster_size)), keep_at_least))
    if keep >= len(sizes):
        return labels
    kept = np.sort(np.argsort(-sizes, kind="stable")[:keep])
    centroids = centroids_of(unit, labels)[kept]
    labels = np.where(np.isin(labels, kept), labels, kept[nearest_centroid(unit, centroids)])
    return np.unique(labels, return_inverse=True)[1]


def merge_closest(unit: np.ndarray, labels: np.ndarray, wanted: int) -> np.ndarray:
    """Merge the two clusters with the most similar centroids until ``wanted`` remain."""
    labels = labels.copy()
    while int(labels.max()) + 1 > wanted:
        centroids = centroids_of(unit, labels)
        similarity = centroids @ centroids.T
        np.fill_diagonal(similarity, -np.inf)
        first, second = np.unravel_index(int(np.argmax(similarity)), similarity.shape)
        labels[labels == max(first, second)] = min(first, second)
        labels = np.unique(labels, return_inverse=True)[1]
    return labels


def _split(unit: np.ndarray, wanted: int, min_cluster_size: int) -> np.ndarray:
    """At least ``wanted`` clusters of real size: cut the tree finer until enough are large."""
    for count in range(wanted, min(len(unit), wanted + 20) + 1):
        labels = _fit(unit, n_clusters=count)
        if int(np.sum(np.bincount(labels) >= min_cluster_size)) >= wanted:
            break
    else:
        labels = _fit(unit, n_clusters=wanted)
    return fold_small_clusters(unit, labels, min_cluster_size=len(unit) + 1, keep_at_least=wanted)


def centroids_of(unit: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-length centroid ``(K, D)`` of each label ``0..K-1`` among the unit rows ``unit``."""
    count = int(labels.max()) + 1
    sums = np.zeros((count, unit.shape[1]))
    np.add.at(sums, labels, unit)
    return l2_normalize(sums)


def nearest_centroid(unit: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of the most cosine-similar of ``centroids`` for every unit row of ``unit``."""
    return np.argmax(unit @ centroids.T, axis=1)


def _by_first_appearance(labels: np.ndarray) -> np.ndarray:
    _, first = np.unique(labels, return_index=True)
    order = np.argsort(first, kind="stable")
    remap = np.empty(int(labels.max()) + 1, dtype=int)
    remap[np.unique(labels)[order]] = np.arange(len(order))
    return remap[labels]


# --- more embeddings than one clustering holds ------------------------------------------------


def _cluster_in_blocks(
    embeddings: np.ndarray, threshold: float, bounds: SpeakerBounds, min_cluster_size: int, block_size: int
) -> np.ndarray:
    """Labels for more embeddings than one distance matrix should hold.

    Each block of ``block_size`` consecutive embeddings is cut at ``threshold`` (clusters under
    :data:`MIN_BLOCK_CLUSTER_SIZE` joining their nearest); the blocks' clusters are then merged
    by average linkage over *all their members*, which the sums of their unit vectors give
    exactly (the mean cosine similarity of two groups is the dot product of their sums over
    the product of their sizes), until no two are closer than ``threshold``. Clusters smaller
    than ``min_cluster_size`` are folded and ``bounds`` honoured as for a single block; last,
    every embedding goes to its nearest centroid.
    """
    count = len(embeddings)
    edges = np.linspace(0, count, -(-count // block_size) + 1).round().astype(int)
    group_of = np.empty(count, dtype=int)
    sums: list[np.ndarray] = []
    for start, stop in zip(edges[:-1], edges[1:]):
        unit = l2_normalize(np.asarray(embeddings[start:stop], dtype=np.float64))
        local = fold_small_clusters(unit, _fit(unit, distance_threshold=threshold), MIN_BLOCK_CLUSTER_SIZE, 1)
        group_of[start:stop] = len(sums) + local
        block_sums = np.zeros((int(local.max()) + 1, unit.shape[1]))
        np.add.at(block_sums, local, unit)
        sums.extend(block_sums)
    group_sums = np.array(sums)
    group_sizes = np.bincount(group_of, minlength=len(group_sums)).astype(np.float64)
    cluster_of_group = average_linkage(group_sums, group_sizes, threshold=threshold)
    cluster_of_group = _fold_small_groups(group_sums, group_sizes, cluster_of_group, min_cluster_size, bounds.minimum)
    found = int(cluster_of_group.max()) + 1
    if bounds.maximum is not None and found > bounds.maximum:
        cluster_of_group = average_linkage(group_sums, group_sizes, num_clusters=bounds.maximum)
    elif found < bounds.minimum:
        cluster_of_group = average_linkage(group_sums, group_sizes, num_clusters=min(bounds.minimum, len(group_sums)))
    labels = cluster_of_group[group_of]
    centroids = np.zeros((int(labels.max()) + 1, group_sums.shape[1]))
    np.add.at(centroids, cluster_of_group, group_sums)
    centroids = l2_normalize(centroids)
    final = np.concatenate([
        nearest_centroid(l2_normalize(np.asarray(embeddings[start:stop], dtype=np.float64)), centroids)
        for start, stop in zip(edges[:-1], edges[1:])
    ])
    if len(np.unique(final)) < len(centroids):
        return labels  # reassignment emptied a cluster: keep the clustering's own answer
    return final


def average_linkage(
    sums: np.ndarray, sizes: np.ndarray, threshold: float | None = None, num_clusters: int | None = None
) -> np.ndarray:
    """Average-linkage clustering (cosine) of groups of unit vectors given by their ``sums``
    ``(G, D)`` and ``sizes`` ``(G,)``: a cluster per group at first, then the closest two merge
    until the closest are ``threshold`` apart or ``num_clusters`` remain. Returns the cluster
    of every group, numbered from 0."""
    count = len(sizes)
    gram = sums @ sums.T
    weights = sizes.astype(np.float64).copy()
    distance = 1.0 - gram / np.outer(weights, weights)
    np.fill_diagonal(distance, np.inf)
    owner = np.arange(count)
    merged_away = np.zeros(count, dtype=bool)
    remaining = count
    while remaining > max(num_clusters or 1, 1):
        first, second = np.unravel_index(int(np.argmin(distance)), distance.shape)
        if num_clusters is None and distance[first, second] >= threshold:
            break
        keep, gone = min(first, second), max(first, second)
        gram[keep] += gram[gone]
        gram[:, keep] += gram[:, gone]
        weights[keep] += weights[gone]
        merged_away[gone] = True
        distance[keep] = np.where(merged_away, np.inf, 1.0 - gram[keep] / (weights[keep] * weights))
        distance[keep, keep] = np.inf
        distance[:, keep] = distance[keep]
        distance[gone, :] = np.inf
        distance[:, gone] = np.inf
        owner[owner == gone] = keep
        remaining -= 1
    return np.unique(owner, return_inverse=True)[1]


def _fold_small_groups(
    sums: np.ndarray, sizes: np.ndarray, cluster_of_group: np.ndarray, min_cluster_size: int, keep_at_least: int
) -> np.ndarray:
    """Clusters with fewer than ``min_cluster_size`` members give their groups to the nearest
    kept cluster (the ``keep_at_least`` largest are kept whatever their size)."""
    cluster_sizes = np.bincount(cluster_of_group, weights=sizes)
    keep = min(len(cluster_sizes), max(int(np.sum(cluster_sizes >= min_cluster_size)), keep_at_least))
    if keep >= len(cluster_sizes):
        return cluster_of_group
    kept = np.sort(np.argsort(-cluster_sizes, kind="stable")[:keep])
    centroid_sums = np.zeros((len(cluster_sizes), sums.shape[1]))
    np.add.at(centroid_sums, cluster_of_group, sums)
    nearest = kept[nearest_centroid(l2_normalize(sums), l2_normalize(centroid_sums[kept]))]
    folded = np.where(np.isin(cluster_of_group, kept), cluster_of_group, nearest)
    return np.unique(folded, return_inverse=True)[1]
