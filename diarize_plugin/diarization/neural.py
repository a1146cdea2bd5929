"""Overlap-aware diarization with the segmentation network (``--segmentation neural``).

segmentation-3.0 says, for every frame of sliding 10 s chunks, how likely each set of up to 3
*local* speakers (numbered per chunk, at most 2 at once) is to be talking. Two ways name the
speakers:

- ``"windows"`` identity (the default): the probabilities of speech and of two speakers at once,
  averaged over chunks, give the speech and the overlapped speech
  (:data:`SPEECH_PROBABILITY`, :data:`OVERLAP_PROBABILITY`; or pyannote's own argmax decoding);
  1.5 s windows of the speech are embedded and clustered over the whole recording
  (:func:`~diarize_plugin.window_diarization.label_speech`), which names the main speaker of
  every frame; overlapped frames add the speaker of the nearest other turn
  (:func:`add_overlapping_speakers`);
- ``"local"`` identity (pyannote 3.x): every local speaker active long enough in a chunk gets
  one embedding; the embeddings are clustered, local speakers matched to clusters chunk by chunk
  with the Hungarian algorithm (two local speakers of one chunk never become one speaker), and
  per-cluster activity averaged over chunks, keeping the estimated number of simultaneous
  speakers in every frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation, Segment, Timeline
from scipy.optimize import linear_sum_assignment

from .audio_source import AudioSource, as_audio_source
from .background import find_background, reject_background
from .cluster import SpeakerBounds, cluster_embeddings
from .counting import Counting
from .decoding import DECODINGS, DEFAULT_DECODING, OVERLAP_PROBABILITY, SPEECH_PROBABILITY
from .embed.base import SpeakerEmbedder, l2_normalize
from .frame_runs import true_runs
from .progress import ProgressFactory, no_progress
from .run_record import stage
from .segmentation import (
    FRAME_DURATION_S,
    FRAME_DURATION_SAMPLES,
    FRAME_STEP_SAMPLES,
    FRAME_STEP_S,
    CHUNK_SAMPLES,
    SAMPLE_RATE,
    SegmentationResult,
    Segmenter,
    aggregate,
)
from .errors import DiarizeError
from .turns import speaker_label
from .vad import detect_speech
from .window_diarization import EMBEDDING_BATCH, label_speech
from .windows import WINDOW_HOP_S as MODE_WINDOW_HOP_S

#: how speakers are told apart in neural mode: "windows" (1.5 s window embeddings clustered over
#: the recording, the default: see README) or "local" (one embedding per chunk-local speaker,
#: matched to clusters with the Hungarian algorithm, as pyannote 3.x does)
IDENTITY_MODES = ("windows", "local")
#: turns of one speaker closer than this (seconds) are joined: pauses inside a turn are part of
#: it (sherpa-onnx's ``min_duration_off``; on the real calls of ../shared/data/real, whose
#: references keep a speaker's pauses, 0.1 -> 0.5 s moved DER 8.1 -> 7.7 %, AMI 26.7 -> 26.5 %)
SAME_SPEAKER_GAP_S = 0.5
#: shorter stretches of a second voice (seconds) are not reported: slivers, not speech
MIN_OVERLAP_S = 0.1

#: least total overlap (seconds) that makes a one-speaker recording a two-speaker one: on 100
#: single-speaker LibriSpeech utterances, overlap false alarms added up to 0.41 s; on the AMI
#: excerpts, people heard only over another speaker got 0.2-3.3 s. Kept well above the false
#: alarms: a made-up second speaker in a monologue is worse than a missed backchannel.
MIN_NEW_SPEAKER_S = 0.75

#: webrtcvad settings that confirm a voice under a speech-like background
#: (:mod:`~diarize_plugin.background`): strictest mode, no padding
VOICED_VAD = {"aggressiveness": 3, "speech_pad_s": 0.0, "min_speech_s": 0.15, "min_silence_s": 0.15}

#: shortest stretch of audio, in seconds, worth an embedding
MIN_EMBEDDED_S = 0.2

#: seconds between the segmentation network's 10 s chunks: each moment is heard by 3-4 chunks;
#: a 2 s step (5 chunks) costs 1.5 times as much segmentation for no better DER with
#: :data:`WINDOW_HOP_S`: DER pooled over every benchmarks/der.py set 9.76 % (3 s) vs 9.85 %
#: (2 s) with the int8 models (README, "Speed settings")
SEGMENTATION_STEP_S = 3.0
#: seconds between the 1.5 s embedding windows in neural mode (:data:`windows.WINDOW_HOP_S`)
WINDOW_HOP_S = MODE_WINDOW_HOP_S["neural"]


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


class NeuralDiarization:
    """Diarization with the segmentation network (``--segmentation neural``).

    ``step_s``: seconds between 10 s chunks (smaller is slower; :data:`SEGMENTATION_STEP_S`);
    ``min_active_s``: a local speaker active less than this in a chunk is not embedded;
    ``min_clean_s``: below this much speech without overlap, all of its speech is embedded;
    ``min_turn_off_s``: gaps shorter than this inside one speaker's speech are bridged;
    ``merge_similarity``: see :func:`~diarize_plugin.window_diarization.label_speech` ("windows"
    identity only);
    ``speech_threshold`` / ``overlap_threshold``: probability of speech / of two speakers at
    once (averaged over chunks) from which a frame is speech / overlapped speech ("windows"
    identity; :data:`SPEECH_PROBABILITY`, :data:`OVERLAP_PROBABILITY`: lower finds more speech
    and overlap, and more false alarms);
    ``decoding``: ``"probability"`` (the thresholds above) or ``"pyannote"`` (pyannote's
    decoding: speech where the rounded argmax count is at least 1, overlap where it is 2; the
    thresholds are then unused); ``reject_background``: remove speech-like background (a
    crowd) from the speech of the probability decoding (:mod:`~diarize_plugin.background`);
    ``counting``: how window embeddings become speakers ("windows" identity only; see
    :class:`~diarize_plugin.counting.Counting`).
    """

    def __init__(
        self,
        embedder: SpeakerEmbedder,
        identity: str = "windows",
        step_s: float = SEGMENTATION_STEP_S,
        min_active_s: float = 0.5,
        min_clean_s: float = 1.0,
        min_turn_off_s: float = 0.1,
        window_s: float = 1.5,
        hop_s: float = WINDOW_HOP_S,
        min_turn_s: float = 0.3,
        speech_threshold: float = SPEECH_PROBABILITY,
        overlap_threshold: float = OVERLAP_PROBABILITY,
        merge_similarity: float | None = None,
        threads: int | None = None,
        decoding: str = DEFAULT_DECODING,
        reject_background: bool = True,
        counting: Counting = Counting(),
    ) -> None:
        if identity not in IDENTITY_MODES:
            raise DiarizeError(f"unknown speaker identity mode {identity!r}; use one of {', '.join(IDENTITY_MODES)}")
        if decoding not in DECODINGS:
            raise DiarizeError(f"unknown neural decoding {decoding!r}; use one of {', '.join(DECODINGS)}")
        self.decoding = decoding
        self.reject_background = reject_background
        self.counting = counting
        self.embedder = embedder
        self.identity = identity
        self.speech_threshold = speech_threshold
        self.overlap_threshold = overlap_threshold
        self.window_s = window_s
        self.hop_s = hop_s
        self.min_turn_s = min_turn_s
        self.merge_similarity = merge_similarity
        self.segmenter = Segmenter(step_s=step_s, threads=threads)
        self.min_active_s = min_active_s
        self.min_clean_s = min_clean_s
        self.min_turn_off_s = min_turn_off_s

    def __call__(
        self,
        waveform: np.ndarray | AudioSource,
        bounds: SpeakerBounds,
        threshold: float,
        uri: str | None = None,
        progress: ProgressFactory = no_progress,
        merge_similarity: float | None = None,
    ) -> Annotation:
        """Speaker turns of a 16 kHz mono waveform (an array or an
        :class:`~diarize_plugin.audio_source.AudioSource`), overlapping where speakers overlap.

        ``merge_similarity``: this recording's speaker-merge threshold (default: the one given
        at construction)."""
        audio = as_audio_source(waveform)
        duration_s = audio.duration_s
        if self.identity == "windows":
            with stage("segmentation"):
                decoded = self._segment(audio, duration_s, progress, keep_chunks=False)
            merge = self.merge_similarity if merge_similarity is None else merge_similarity
            return self._by_windows(audio, decoded, duration_s, bounds, threshold, uri, progress, merge)
        segmentation = self._segment(audio, duration_s, progress, keep_chunks=True)
        local_speakers = self._local_speakers(segmentation, audio.num_samples)
        if not local_speakers:
            return Annotation(uri=uri)
        embeddings = self._embed(audio, local_speakers, duration_s, progress)
        reliable = np.array([item.reliable for item in local_speakers])
        if not reliable.any():
            reliable[:] = True
        labels = cluster_embeddings(embeddings[reliable], threshold, bounds, search_until=self.counting.calibrated_threshold)
        centroids = cluster_centroids(embeddings[reliable], labels)
        assignment = assign_local_speakers(segmentation, local_speakers, embeddings, centroids)
        activity = reconstruct(segmentation, assignment, len(centroids))
        return activity_to_annotation(activity, segmentation.frame_step_s, self.min_turn_off_s, duration_s, uri)

    def _by_windows(
        self,
        audio: AudioSource,
        decoded: np.ndarray,
        duration_s: float,
        bounds: SpeakerBounds,
        threshold: float,
        uri: str | None,
        progress: ProgressFactory,
        merge_similarity: float | None,
    ) -> Annotation:
        """Speech and overlap from the network, identities from 1.5 s window embeddings.

        ``decoded``: what :meth:`_segment` gives for this decoding. The segmentation network
        sometimes keeps two similar voices as one local speaker for a whole chunk; short windows
        clustered over the whole recording do not, so they name the main speaker of every frame,
        and overlap frames add the nearest other speaker.
        """
        if self.decoding == "pyannote":
            speech_flags, overlap_flags = decoded >= 1, decoded >= 2
        else:
            speech_flags = decoded[:, 0] >= self.speech_threshold
            if self.reject_background:
                speech_flags = without_background(audio, speech_flags, decoded[:, 0], FRAME_STEP_S)
            overlap_flags = decoded[:, 1] >= self.overlap_threshold
        speech = count_to_timeline(speech_flags, FRAME_STEP_S, duration_s)
        primary = label_speech(
            audio, speech, self.embedder, threshold, bounds,
            self.window_s, self.hop_s, self.min_turn_s, uri=uri, progress=progress,
            merge_similarity=merge_similarity, counting=self.counting,
        )
        overlap = count_to_timeline(overlap_flags & speech_flags, FRAME_STEP_S, duration_s)
        return add_overlapping_speakers(primary, overlap, may_add_speaker=bounds.maximum is None or bounds.maximum > 1)

    def _segment(
        self, audio: AudioSource, duration_s: float, progress: ProgressFactory, keep_chunks: bool
    ) -> SegmentationResult | np.ndarray:
        """Every chunk's activity (``keep_chunks``), or per frame what the decoding reads: the
        rounded argmax speaker count for pyannote's, the probabilities of speech and overlap
        ``(frames, 2)`` for the probability decoding."""
        from .segmentation import chunk_starts

        total = len(chunk_starts(duration_s, self.segmenter.step_s))
        with progress(total=total, duration_s=duration_s, description="segmentation") as bar:
            done = [0]

            def advance(finished: int, _total: int) -> None:
                bar.update(finished - done[0])
                done[0] = finished

            if keep_chunks:
                return self.segmenter(audio, progress=advance)
            if self.decoding == "pyannote":
                return np.rint(self.segmenter.argmax_count(audio, progress=advance))
            return self.segmenter.speech_and_overlap(audio, progress=advance)

    def _local_speakers(self, segmentation: SegmentationResult, num_samples: int) -> list[LocalSpeaker]:
        activations = segmentation.activations
        frame_s = segmentation.frame_step_s
        alone = activations.sum(axis=-1, keepdims=True) == 1
        found = []
        for chunk, start_s in enumerate(segmentation.chunk_starts_s):
            for speaker in range(activations.shape[-1]):
                active = activations[chunk, :, speaker] > 0
                clean = active & alone[chunk, :, 0]
                frames = clean if clean.sum() * frame_s >= self.min_clean_s else active
                first_sample = int(round(start_s * SAMPLE_RATE))
                # the chunk's own samples only: a mask of the whole recording per local speaker
                # would take (chunks x 3) times the recording's length
                mask = frames_to_samples(frames, 0, min(CHUNK_SAMPLES, max(num_samples - first_sample, 0)))
                if mask.sum() >= MIN_EMBEDDED_S * SAMPLE_RATE:
                    reliable = active.sum() * frame_s >= self.min_active_s
                    found.append(LocalSpeaker(chunk, speaker, mask, bool(reliable), first_sample))
        return found

    def _embed(
        self, audio: AudioSource, local_speakers: list[LocalSpeaker], duration_s: float, progress: ProgressFactory
    ) -> np.ndarray:
        rows = []
        with progress(total=len(local_speakers), duration_s=duration_s, description="embedding") as bar:
            for first in range(0, len(local_speakers), EMBEDDING_BATCH):
                group = local_speakers[first : first + EMBEDDING_BATCH]
                pieces = [
                    audio.read(item.first_sample, item.first_sample + len(item.sample_mask))[item.sample_mask]
                    for item in group
                ]
                rows.append(self.embedder.embed_windows(pieces))
                bar.update(len(group))
        return np.concatenate(rows, axis=0)


def frames_to_samples(frames: np.ndarray, chunk_start_sample: int, num_samples: int) -> np.ndarray:
    """Boolean sample mask (length ``num_samples``) of the frames set in ``frames``.

    Frame ``j`` stands for the ``FRAME_STEP_SAMPLES`` samples around its centre, so that
    consecutive frames tile the time line without overlap.
    """
    # frame j's receptive field is centred at j * FRAME_STEP_SAMPLES + FRAME_DURATION_SAMPLES // 2
    centre_offset = FRAME_DURATION_SAMPLES // 2 - FRAME_STEP_SAMPLES // 2
    starts = chunk_start_sample + np.flatnonzero(frames) * FRAME_STEP_SAMPLES + centre_offset
    edges = np.zeros(num_samples + 1, dtype=np.int64)
    np.add.at(edges, np.clip(starts, 0, num_samples), 1)
    np.add.at(edges, np.clip(starts + FRAME_STEP_SAMPLES, 0, num_samples), -1)
    return np.cumsum(edges[:num_samples]) > 0


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


def count_to_timeline(active: np.ndarray, frame_step_s: float, duration_s: float) -> Timeline:
    """Regions (seconds) where the per-frame flag ``active`` holds; frames timed at their centres."""
    offset_s = frame_offset_s(frame_step_s)
    regions = [
        Segment(max(0.0, start * frame_step_s + offset_s), min(duration_s, end * frame_step_s + offset_s))
        for start, end in true_runs(active)
    ]
    return Timeline([region for region in regions if region.duration > 0]).support()


def without_background(
    waveform: np.ndarray | AudioSource, speech: np.ndarray, speech_probability: np.ndarray, frame_step_s: float
) -> np.ndarray:
    """Per-frame ``speech`` flags less a speech-like background: where a crowd murmurs under the
    recording (:func:`~diarize_plugin.background.find_background`), only speech that webrtcvad
    confirms is kept, for the network hears the crowd as speech. ``speech_probability``: the
    network's, per frame (it sets the recording's speech level)."""
    voiced = timeline_to_frames(detect_speech(waveform, **VOICED_VAD), len(speech), frame_step_s)
    step_samples = int(round(frame_step_s * SAMPLE_RATE))
    found = find_background(speech, speech_probability, voiced, waveform, frame_step_s, step_samples)
    return reject_background(speech, voiced, found, frame_step_s)


def frame_offset_s(frame_step_s: float) -> float:
    """Where frame ``i``'s share of the time line starts, minus ``i * frame_step_s``: a frame
    stands for the ``frame_step_s`` seconds around the centre of its receptive field."""
    return FRAME_DURATION_S / 2 - frame_step_s / 2


def timeline_to_frames(timeline: Timeline, num_frames: int, frame_step_s: float) -> np.ndarray:
    """Boolean per-frame flags, on the grid of :func:`count_to_timeline`: frame ``i`` is set
    when its centre lies inside ``timeline``."""
    centres_s = (np.arange(num_frames) + 0.5) * frame_step_s + frame_offset_s(frame_step_s)
    starts_s = np.array([region.start for region in timeline], dtype=np.float64)
    ends_s = np.array([region.end for region in timeline], dtype=np.float64)
    # region r sets frames [first[r], last[r]): one +1/-1 pair per region, then a running sum
    first = np.searchsorted(centres_s, starts_s, side="left")
    last = np.searchsorted(centres_s, ends_s, side="left")
    edges = np.zeros(num_frames + 1, dtype=np.int64)
    np.add.at(edges, first, 1)
    np.add.at(edges, last, -1)
    return np.cumsum(edges[:num_frames]) > 0


def add_overlapping_speakers(primary: Annotation, overlap: Timeline, may_add_speaker: bool = True) -> Annotation:
    """``primary`` (one speaker at a time) plus a second speaker in every ``overlap`` region.

    In each overlapped stretch the second voice is given to the speaker of the nearest turn
    whose speaker differs from the main one there: overlap mostly happens where one speaker
    takes over from another, or answers briefly. When ``primary`` knows a single speaker, the
    second voice belongs to someone it never heard alone (backchannels in meetings), so it
    becomes one new speaker, if ``may_add_speaker`` (the speaker bounds allow a second one) and
    it adds up to at least :data:`MIN_NEW_SPEAKER_S` (shorter is mostly false alarm).
    """
    result = primary.copy()
    nearest_turns = NearestTurns(primary)
    known = primary.labels()
    newcomer = next(speaker_label(index) for index in range(len(known) + 1) if speaker_label(index) not in known)
    newcomer_turns: list[Segment] = []
    for _, cropped in crop_by_region(primary, overlap):
        for segment, _, main in cropped.itertracks(yield_label=True):
            if segment.duration < MIN_OVERLAP_S:
                continue
            nearest = nearest_turns.label_other_than(main, segment)
            if nearest is not None:
                result[segment, result.new_track(segment)] = nearest
            elif may_add_speaker:
                newcomer_turns.append(segment)
    if sum(segment.duration for segment in newcomer_turns) >= MIN_NEW_SPEAKER_S:
        for segment in newcomer_turns:
            result[segment, result.new_track(segment)] = newcomer
    return result.support(collar=SAME_SPEAKER_GAP_S)


def crop_by_region(annotation: Annotation, regions: Timeline) -> Iterator[tuple[Segment, Annotation]]:
    """Each region of ``regions`` with ``annotation.crop(region)`` ("intersection" mode), in time
    order, in one sweep over both: linear where calling ``crop`` per region is quadratic."""
    tracks = list(annotation.itertracks(yield_label=True))  # chronological
    active: list[tuple[Segment, object, str]] = []
    following = 0
    for region in regions:
        while following < len(tracks) and tracks[following][0].start < region.end:
            active.append(tracks[following])
            following += 1
        # regions come by start time: a turn ending before this one starts meets no later one
        active = [item for item in active if item[0].end > region.start]
        cropped = Annotation(uri=annotation.uri, modality=annotation.modality)
        for segment, track, label in active:
            if segment.intersects(region):
                piece = segment & region
                cropped[piece, cropped.new_track(piece, candidate=track)] = label
        yield region, cropped


class NearestTurns:
    """Which speaker of ``annotation`` other than a given one has the turn nearest a segment.

    Gaps are measured as ``max(turn.start - segment.end, segment.start - turn.end, 0)``; ties
    go to the turn that starts first. Each query costs ``O(speakers * log(turns))``.
    """

    def __init__(self, annotation: Annotation) -> None:
        turns = sorted(annotation.itertracks(yield_label=True), key=lambda item: item[0].start)
        by_label: dict[str, list[int]] = {}
        for index, (_, _, label) in enumerate(turns):
            by_label.setdefault(label, []).append(index)
        self._turns = [turn for turn, _, _ in turns]
        self._labels: dict[str, _LabelTurns] = {}
        for label, indices in by_label.items():
            starts = np.array([self._turns[i].start for i in indices])
            ends = np.array([self._turns[i].end for i in indices])
            by_end = np.lexsort((indices, ends))
            self._labels[label] = _LabelTurns(
                order=np.array(indices),
                starts=starts,
                running_max_end=np.maximum.accumulate(ends),
                sorted_ends=ends[by_end],
                order_by_end=np.array(indices)[by_end],
            )

    def label_other_than(self, main: str, segment: Segment) -> str | None:
        """The label of the nearest turn not labelled ``main``; ``None`` when there is none."""
        best: tuple[float, int] | None = None
        best_label = None
        for label, turns in self._labels.items():
            if label == main:
                continue
            for index in turns.candidates(segment):
                turn = self._turns[index]
                key = (max(turn.start - segment.end, segment.start - turn.end, 0.0), index)
                if best is None or key < best:
                    best, best_label = key, label
        return best_label


@dataclass(frozen=True)
class _LabelTurns:
    """One speaker's turns in start order (``order``: their indices among all turns), with
    what finds the nearest of them in logarithmic time."""

    order: np.ndarray
    starts: np.ndarray
    running_max_end: np.ndarray
    sorted_ends: np.ndarray
    order_by_end: np.ndarray

    def candidates(self, segment: Segment) -> list[int]:
        """Indices of the turns that can be nearest to ``segment``: the first one overlapping
        it, the first one starting after it ends, the last one ending before it starts."""
        found = []
        overlapping = int(np.searchsorted(self.running_max_end, segment.start, side="right"))
        if overlapping < len(self.order) and self.starts[overlapping] < segment.end:
            found.append(int(self.order[overlapping]))
        after = int(np.searchsorted(self.starts, segment.end, side="left"))
        if after < len(self.order):
            found.append(int(self.order[after]))
        before = int(np.searchsorted(self.sorted_ends, segment.start, side="right")) - 1
        if before >= 0:
            first_equal = int(np.searchsorted(self.sorted_ends, self.sorted_ends[before], side="left"))
            found.append(int(self.order_by_end[first_equal]))
        return found
