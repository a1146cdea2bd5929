"""The "local" identity (pyannote 3.x): one embedding per chunk-local speaker of the network.

Every local speaker active long enough in a chunk gets one embedding; the embeddings are
clustered, local speakers matched to clusters chunk by chunk with the Hungarian algorithm (two
local speakers of one chunk never become one speaker), and per-cluster activity averaged over
chunks, keeping the estimated number of simultaneous speakers in every frame.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation, Segment
from scipy.optimize import linear_sum_assignment

from ..audio.source import AudioSource
from ..embed.base import SpeakerEmbedder, l2_normalize
from ..segmentation.frames import count_to_timeline, frames_to_samples
from ..segmentation.network import CHUNK_SAMPLES, SAMPLE_RATE, SegmentationResult, aggregate
from ..util.progress import ProgressFactory
from .turns import speaker_label
from .window_speakers import EMBEDDING_BATCH

#: a local speaker active less than this in a chunk (seconds) is only assigned, not clustered
MIN_ACTIVE_S = 0.5
#: below this much speech without overlap (seconds), all of a local speaker's speech is embedded
MIN_CLEAN_S = 1.0
#: gaps shorter than this (seconds) inside one speaker's speech are bridged
MIN_TURN_OFF_S = 0.1


#: shortest stretch of audio, in seconds, worth an embedding
MIN_EMBEDDED_S = 0.2


@dataclass(frozen=True)
class LocalSpeaker:
    """Local speaker ``speaker`` (0–2) of chunk ``chunk``, and the samples that embed it:
    those set in ``sample_mask``, counted from sample ``first_sample`` of the recording."""

    chunk: int
    speaker: int
    sample_mask: np.ndarray
    #: active long enough for its embedding to shape the clusters (others are only assigned)
    reliable: bool
    first_sample: int = 0


def cluster_centroids(embeddings: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Unit-length mean direction of each cluster's embeddings: ``(num_clusters, D)``."""
    unit = l2_normalize(np.asarray(embeddings, dtype=np.float64))
    centroids = np.zeros((int(labels.max()) + 1, unit.shape[1]))
    np.add.at(centroids, labels, unit)
    return l2_normalize(centroids)


def assign_local_speakers(
    segmentation: SegmentationResult,
    local_speakers: list[LocalSpeaker],
    embeddings: np.ndarray,
    centroids: np.ndarray,
) -> np.ndarray:
    """Cluster of every (chunk, local speaker): ``(num_chunks, 3)`` ints, -1 where none.

    Within a chunk, local speakers are matched to distinct clusters (Hungarian algorithm on
    cosine similarity to the cluster centroids); when a chunk has more local speakers than
    there are clusters, the extra ones join their most similar cluster.
    """
    num_chunks, _, num_local = segmentation.activations.shape
    similarity = l2_normalize(np.asarray(embeddings, dtype=np.float64)) @ centroids.T
    assignment = np.full((num_chunks, num_local), -1, dtype=int)
    by_chunk: dict[int, list[int]] = {}
    for row, item in enumerate(local_speakers):
        by_chunk.setdefault(item.chunk, []).append(row)
    for chunk, rows in by_chunk.items():
        scores = similarity[rows]
        matched_rows, matched_clusters = linear_sum_assignment(-scores)
        for row_index, cluster in zip(matched_rows, matched_clusters):
            assignment[chunk, local_speakers[rows[row_index]].speaker] = cluster
        for row_index in set(range(len(rows))) - set(matched_rows.tolist()):
            assignment[chunk, local_speakers[rows[row_index]].speaker] = int(np.argmax(scores[row_index]))
    return assignment


def reconstruct(segmentation: SegmentationResult, assignment: np.ndarray, num_clusters: int) -> np.ndarray:
    """Binary global speaker activity ``(num_global_frames, num_clusters)``.

    Each chunk's (soft) local activity is moved onto its clusters, averaged over chunks, and in every
    frame the ``speaker_count`` most active clusters are kept (none where the count is 0).
    """
    activations = segmentation.soft
    clustered = np.zeros(activations.shape[:2] + (num_clusters,), dtype=np.float32)
    for chunk in range(activations.shape[0]):
        for speaker, cluster in enumerate(assignment[chunk]):
            if cluster >= 0:
                np.maximum(clustered[chunk, :, cluster], activations[chunk, :, speaker], out=clustered[chunk, :, cluster])
    scores = aggregate(clustered, segmentation.chunk_starts_s, segmentation.frame_step_s, segmentation.duration_s)
    count = np.minimum(segmentation.speaker_count(), num_clusters)[: len(scores)]
    order = np.argsort(-scores, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(num_clusters)[None, :].repeat(len(scores), axis=0), axis=1)
    return (ranks < count[:, None]) & (scores > 0)


def activity_to_annotation(
    activity: np.ndarray, frame_step_s: float, min_turn_off_s: float, duration_s: float, uri: str | None = None
) -> Annotation:
    """Turns from binary frame activity ``(frames, speakers)``; frame ``i`` is centred at
    ``(i + 0.5) * frame_step_s`` after the receptive-field offset. Gaps shorter than
    ``min_turn_off_s`` within a speaker are bridged; speakers are named by first appearance."""
    turns: list[tuple[float, float, int]] = []
    for cluster in range(activity.shape[1]):
        runs: list[list[float]] = []
        for region in count_to_timeline(activity[:, cluster], frame_step_s, duration_s):
            if runs and region.start - runs[-1][1] < min_turn_off_s:
                runs[-1][1] = region.end
            else:
                runs.append([region.start, region.end])
        turns.extend((start_s, end_s, cluster) for start_s, end_s in runs)
    turns.sort()
    annotation = Annotation(uri=uri)
    names: dict[int, str] = {}
    for start_s, end_s, cluster in turns:
        name = names.setdefault(cluster, speaker_label(len(names)))
        annotation[Segment(start_s, end_s), annotation.new_track(Segment(start_s, end_s))] = name
    return annotation


def find_local_speakers(segmentation: SegmentationResult, num_samples: int) -> list[LocalSpeaker]:
    """Every local speaker of every chunk with at least :data:`MIN_EMBEDDED_S` of speech to embed
    (its speech without overlap when it has :data:`MIN_CLEAN_S` of that, else all of it)."""
    activations = segmentation.activations
    frame_s = segmentation.frame_step_s
    alone = activations.sum(axis=-1, keepdims=True) == 1
    found = []
    for chunk, start_s in enumerate(segmentation.chunk_starts_s):
        for speaker in range(activations.shape[-1]):
            active = activations[chunk, :, speaker] > 0
            clean = active & alone[chunk, :, 0]
            frames = clean if clean.sum() * frame_s >= MIN_CLEAN_S else active
            first_sample = int(round(start_s * SAMPLE_RATE))
            # the chunk's own samples only: a mask of the whole recording per local speaker
            # would take (chunks x 3) times the recording's length
            mask = frames_to_samples(frames, 0, min(CHUNK_SAMPLES, max(num_samples - first_sample, 0)))
            if mask.sum() >= MIN_EMBEDDED_S * SAMPLE_RATE:
                reliable = active.sum() * frame_s >= MIN_ACTIVE_S
                found.append(LocalSpeaker(chunk, speaker, mask, bool(reliable), first_sample))
    return found


def embed_local_speakers(
    audio: AudioSource, local_speakers: list[LocalSpeaker], embedder: SpeakerEmbedder, progress: ProgressFactory
) -> np.ndarray:
    """One embedding per local speaker, of the samples its mask sets: ``(N, D)``."""
    rows = []
    with progress(total=len(local_speakers), duration_s=audio.duration_s, description="embedding") as bar:
        for first in range(0, len(local_speakers), EMBEDDING_BATCH):
            group = local_speakers[first : first + EMBEDDING_BATCH]
            pieces = [
                audio.read(item.first_sample, item.first_sample + len(item.sample_mask))[item.sample_mask]
                for item in group
            ]
            rows.append(embedder.embed_windows(pieces))
            bar.update(len(group))
    return np.concatenate(rows, axis=0)
