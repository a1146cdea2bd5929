"""Neural, overlap-aware speech segmentation: pyannote segmentation-3.0 on ONNX Runtime.

The model sees 10 s chunks of 16 kHz audio and, for each of its 589 frames, says which of up
to 3 *local* speakers (numbered per chunk, not across chunks) are talking, at most 2 at once.
:class:`Segmenter` slides the chunks over a recording; :func:`aggregate` averages the
overlapping chunks onto one global frame grid, from which :func:`speech_regions` derives the
speech :class:`~pyannote.core.Timeline` and :meth:`SegmentationResult.speaker_count` the
number of simultaneous speakers per frame. See ``models/segmentation-3.0.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..audio import SAMPLE_RATE  # the rate the network was trained at
from ..audio.source import AudioSource
from ..util.onnx_session import BatchRunner, open_session
from ..errors import DiarizeError
from .settings import SEGMENTATION_STEP_S

# --- Constants of the model (pyannote segmentation-3.0, from its training configuration and
# --- the conv/pool arithmetic of pyannote.audio's SincNet; see models/segmentation-3.0.md).
#: the float32 export (``tools/export_segmentation.py``)
BUNDLED_FP32_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "segmentation-3.0.onnx"
#: the default: its LSTM layers with dynamic int8 weights (``tools/quantize_segmentation.py``),
#: 1.2-1.3 times less CPU, the same most likely class on 99.5 % of AMI frames
BUNDLED_MODEL_PATH = BUNDLED_FP32_MODEL_PATH.with_name("segmentation-3.0-int8.onnx")
CHUNK_DURATION_S = 10.0
CHUNK_SAMPLES = 160000
# SincNet layers as (kernel, stride): sinc conv, pool, conv, pool, conv, pool; no padding.
_SINCNET_LAYERS = ((251, 10), (3, 3), (5, 1), (3, 3), (5, 1), (3, 3))
FRAME_STEP_SAMPLES = 270  # receptive field of 2 frames minus that of 1 frame
FRAME_DURATION_SAMPLES = 991  # receptive field of 1 frame
FRAME_STEP_S = FRAME_STEP_SAMPLES / SAMPLE_RATE  # 0.016875 s
FRAME_DURATION_S = FRAME_DURATION_SAMPLES / SAMPLE_RATE  # 0.0619375 s
FRAMES_PER_CHUNK = 589  # output frames for CHUNK_SAMPLES input samples
NUM_LOCAL_SPEAKERS = 3
# pyannote Powerset(3 classes, max 2 per frame): class index -> set of active local speakers.
POWERSET_CLASSES: tuple[tuple[int, ...], ...] = ((), (0,), (1,), (2,), (0, 1), (0, 2), (1, 2))

POWERSET_MAPPING = np.zeros((len(POWERSET_CLASSES), NUM_LOCAL_SPEAKERS), dtype=np.float32)
for _index, _speakers in enumerate(POWERSET_CLASSES):
    POWERSET_MAPPING[_index, list(_speakers)] = 1.0

ProgressCallback = Callable[[int, int], None]


#: a frame counts one more speaker once the expected count passes ``n + 1 - COUNT_ROUNDING``:
#: soft probabilities spread over the classes in overlap, so plain rounding (0.5) misses much
#: of the overlapping speech; 0.75 was chosen on ../shared/data/ami (missed vs false alarm)
COUNT_ROUNDING = 0.75


def speech_and_overlap_probability(log_probs: np.ndarray) -> np.ndarray:
    """``(..., 2)``: probability of speech (anyone) and of overlap (two speakers) from powerset
    log-probabilities ``(..., 7)`` (class order as in :data:`POWERSET_CLASSES`)."""
    probabilities = np.exp(log_probs)
    two = [index for index, speakers in enumerate(POWERSET_CLASSES) if len(speakers) == 2]
    return np.stack([1.0 - probabilities[..., 0], probabilities[..., two].sum(axis=-1)], axis=-1)


def num_output_frames(num_samples: int) -> int:
    """Number of model output frames for ``num_samples`` input samples (pyannote's arithmetic)."""
    num_frames = num_samples
    for kernel, stride in _SINCNET_LAYERS:
        num_frames = 1 + (num_frames - kernel) // stride
    return num_frames


def receptive_field_samples(num_frames: int = 1) -> int:
    """Number of input samples seen by ``num_frames`` consecutive output frames."""
    size = num_frames
    for kernel, stride in reversed(_SINCNET_LAYERS):
        size = kernel + (size - 1) * stride
    return size


def powerset_to_multilabel(log_probs: np.ndarray) -> np.ndarray:
    """Hard-decode powerset scores ``(..., 7)`` into binary local-speaker activity ``(..., 3)``.

    The most likely powerset class of each frame gives the set of active local speakers
    (class order as in :data:`POWERSET_CLASSES`). Returns float32 zeros and ones.
    """
    if log_probs.shape[-1] != len(POWERSET_CLASSES):
        raise ValueError(f"expected {len(POWERSET_CLASSES)} powerset classes, got shape {log_probs.shape}")
    return POWERSET_MAPPING[np.argmax(log_probs, axis=-1)]


@dataclass(frozen=True)
class SegmentationResult:
    """Local-speaker activity of every chunk of one recording.

    ``activations``: (num_chunks, FRAMES_PER_CHUNK, 3) float32, 1.0 where a local speaker talks;
    ``chunk_starts_s``: (num_chunks,) start of each chunk in seconds; frame ``j`` of a chunk
    starting at ``t`` covers ``[t + j * frame_step_s, t + j * frame_step_s + frame_duration_s]``.
    Chunks reaching past ``duration_s`` (seconds of audio) saw zero padding there.
    """

    activations: np.ndarray
    chunk_starts_s: np.ndarray
    frame_step_s: float
    frame_duration_s: float
    chunk_duration_s: float
    duration_s: float
    #: (num_chunks, FRAMES_PER_CHUNK, 3) soft activity: probability that each local speaker talks
    #: (sum of the powerset classes that contain it); ``None`` falls back to ``activations``
    probabilities: np.ndarray | None = None

    @property
    def soft(self) -> np.ndarray:
        """Soft local-speaker activity, or the hard one when no probabilities were kept."""
        return self.activations if self.probabilities is None else self.probabilities

    def speech_probability(self) -> np.ndarray:
        """(num_global_frames,) fraction of overlapping chunks that hear anyone speak, in [0, 1]."""
        return aggregate(
            self.activations.max(axis=-1), self.chunk_starts_s, self.frame_step_s, self.duration_s
        )

    def speaker_count(self, edge_s: float = 1.0, rounding: float = COUNT_ROUNDING) -> np.ndarray:
        """(num_global_frames,) int number of simultaneous speakers (pyannote's ``speaker_count``).

        Average over overlapping chunks of the expected number of active local speakers (soft
        probabilities), rounded up from ``1 - rounding`` (0.5 is ordinary rounding). Each
        chunk's first and last ``edge_s`` seconds count only where no other chunk reaches
        (pyannote's 10 % warm-up, where the model sees too little context).
        """
        return np.floor(self.expected_count(edge_s) + rounding).astype(np.int64)

    def argmax_count(self, edge_s: float = 1.0) -> np.ndarray:
        """(num_global_frames,) float: average over chunks of the number of speakers of each
        chunk's most likely powerset class (pyannote's ``speaker_count`` before rounding)."""
        return aggregate(self.activations.sum(axis=-1), self.chunk_starts_s, self.frame_step_s, self.duration_s, edge_s=edge_s)

    def expected_count(self, edge_s: float = 1.0) -> np.ndarray:
        """(num_global_frames,) float: average over chunks of the expected number of speakers."""
        return aggregate(self.soft.sum(axis=-1), self.chunk_starts_s, self.frame_step_s, self.duration_s, edge_s=edge_s)


def global_frame_count(duration_s: float, frame_step_s: float = FRAME_STEP_S) -> int:
    """Number of global frames starting before ``duration_s`` seconds: the aggregated grid."""
    return max(1, int(np.ceil(duration_s / frame_step_s - 1e-9)))


def aggregate(
    chunk_values: np.ndarray,
    chunk_starts_s: np.ndarray,
    frame_step_s: float,
    duration_s: float,
    *,
    edge_s: float = 0.0,
) -> np.ndarray:
    """Average per-chunk frame values onto one global frame grid (pyannote ``Inference.aggregate``).

    ``chunk_values``: (num_chunks, frames_per_chunk[, K]); ``chunk_starts_s``: (num_chunks,)
    seconds. Chunk ``c`` lands at global frame ``round(chunk_starts_s[c] / frame_step_s)`` (global
    frame ``i`` starts at ``i * frame_step_s`` seconds). Each global frame gets the plain
    average of the chunks covering it; frames within ``edge_s`` seconds of a chunk's ends get a
    negligible weight, so they only matter where nothing else covers. Frames no chunk covers
    are 0. Returns float32 of shape (global_frame_count(duration_s, frame_step_s)[, K]).
    """
    values = np.asarray(chunk_values, dtype=np.float64)
    num_chunks, frames_per_chunk = values.shape[:2]
    if len(chunk_starts_s) != num_chunks:
        raise ValueError(f"{num_chunks} chunks of values but {len(chunk_starts_s)} chunk starts")
    average = FrameAverage(chunk_starts_s, frames_per_chunk, frame_step_s, duration_s, values.shape[2:], edge_s=edge_s)
    for chunk, chunk_values_ in enumerate(values):
        average.add(chunk, chunk_values_)
    return average.result()


class FrameAverage:
    """:func:`aggregate` one chunk at a time, so that the chunks need not all be kept.

    ``chunk_starts_s``: start (seconds) of every chunk that will be added; ``value_shape``: the
    shape of one frame's value (``()`` for a scalar per frame).
    """

    def __init__(
        self,
        chunk_starts_s: np.ndarray,
        frames_per_chunk: int,
        frame_step_s: float,
        duration_s: float,
        value_shape: tuple[int, ...] = (),
        *,
        edge_s: float = 0.0,
    ) -> None:
        weights = np.ones(frames_per_chunk)
        edge_frames = int(round(edge_s / frame_step_s))
        if edge_frames > 0:
            weights[:edge_frames] = 1e-12
            weights[max(frames_per_chunk - edge_frames, 0) :] = 1e-12
        self._weights = weights.reshape((frames_per_chunk,) + (1,) * len(value_shape))
        self._start_frames = np.rint(np.asarray(chunk_starts_s, dtype=np.float64) / frame_step_s).astype(np.int64)
        self._frames_per_chunk = frames_per_chunk
        self._num_frames = global_frame_count(duration_s, frame_step_s)
        total_frames = max(int(self._start_frames.max(initial=0)) + frames_per_chunk, self._num_frames)
        self._summed = np.zeros((total_frames,) + tuple(value_shape))
        self._weight_sum = np.zeros((total_frames,) + (1,) * len(value_shape))

    def add(self, chunk: int, values: np.ndarray) -> None:
        """Add the frame values ``(frames_per_chunk, *value_shape)`` of chunk number ``chunk``."""
        start = int(self._start_frames[chunk])
        stop = start + self._frames_per_chunk
        self._summed[start:stop] += np.asarray(values, dtype=np.float64) * self._weights
        self._weight_sum[start:stop] += self._weights

    def result(self) -> np.ndarray:
        """float32 average on the global grid: ``(global_frame_count, *value_shape)``."""
        summed, weight_sum = self._summed[: self._num_frames], self._weight_sum[: self._num_frames]
        average = np.divide(summed, weight_sum, out=np.zeros_like(summed), where=weight_sum > 0)
        return average.astype(np.float32)


def chunk_starts(duration_s: float, step_s: float, chunk_duration_s: float = CHUNK_DURATION_S) -> np.ndarray:
    """Start times (seconds) of the sliding chunks covering ``duration_s`` seconds of audio.

    As pyannote's ``Inference.slide``: full chunks every ``step_s``, then one more chunk, padded
    with zeros, when the full ones do not reach the end; a single padded chunk for short audio.
    """
    step_samples = int(round(step_s * SAMPLE_RATE))
    chunk_samples = int(round(chunk_duration_s * SAMPLE_RATE))
    num_samples = int(round(duration_s * SAMPLE_RATE))
    if num_samples <= chunk_samples:
        return np.zeros(1)
    num_full = (num_samples - chunk_samples) // step_samples + 1
    has_last = (num_samples - chunk_samples) % step_samples > 0
    return np.arange(num_full + int(has_last)) * step_samples / SAMPLE_RATE


class Segmenter:
    """Runs segmentation-3.0 over a whole recording in sliding 10 s chunks.

    ``model_path``: the ONNX file (default: the bundled int8 one, :data:`BUNDLED_MODEL_PATH`);
    ``step_s``: seconds between chunk starts (:data:`SEGMENTATION_STEP_S`; smaller is more accurate and slower: cost is
    proportional to 1 / step_s); ``batch_size``: chunks per ONNX Runtime call (fixed: the counts do not depend on
    ``threads``); ``threads``: batches run side by side, each on one thread.
    """

    def __init__(
        self,
        model_path: str | Path | None = None,
        step_s: float = SEGMENTATION_STEP_S,
        batch_size: int = 8,
        threads: int | None = None,
    ) -> None:
        if not 0.0 < step_s <= CHUNK_DURATION_S:
            raise DiarizeError(f"segmentation step {step_s} s must be in (0, {CHUNK_DURATION_S:g}] seconds")
        if batch_size < 1:
            raise DiarizeError(f"segmentation batch size {batch_size} must be at least 1")
        self.model_path = Path(model_path) if model_path is not None else BUNDLED_MODEL_PATH
        self.step_s = step_s
        self.batch_size = batch_size
        self._runner = BatchRunner(threads)
        self._session = open_session(self.model_path)
        shape = self._session.get_inputs()[0].shape
        if len(shape) != 3 or shape[1:] != [1, CHUNK_SAMPLES]:
            raise DiarizeError(
                f"{self.model_path} takes input of shape {shape}, not (N, 1, {CHUNK_SAMPLES}); "
                "it is not a segmentation-3.0 export"
            )

    def __call__(self, audio: AudioSource, progress: ProgressCallback | None = None) -> SegmentationResult:
        """Segment 16 kHz mono ``audio`` (float32 in [-1, 1]), keeping every chunk's activity.

        ``progress(chunks_done, chunks_total)`` is called after every batch.
        """
        starts_s = chunk_starts(audio.duration_s, self.step_s)
        activations = np.empty((len(starts_s), FRAMES_PER_CHUNK, NUM_LOCAL_SPEAKERS), dtype=np.float32)
        probabilities = np.empty_like(activations)
        for first, log_probs in self._log_probs(audio, starts_s, progress):
            activations[first : first + len(log_probs)] = powerset_to_multilabel(log_probs)
            probabilities[first : first + len(log_probs)] = np.exp(log_probs) @ POWERSET_MAPPING
        return SegmentationResult(
            activations=activations,
            chunk_starts_s=starts_s,
            frame_step_s=FRAME_STEP_S,
            frame_duration_s=FRAME_DURATION_S,
            chunk_duration_s=CHUNK_DURATION_S,
            duration_s=audio.duration_s,
            probabilities=probabilities,
        )

    def expected_count(
        self, audio: AudioSource, progress: ProgressCallback | None = None, edge_s: float = 1.0
    ) -> np.ndarray:
        """:meth:`SegmentationResult.expected_count` of ``audio`` without keeping the chunks:
        each batch is averaged onto the global frame grid as it comes, so memory grows with the
        number of frames (4 bytes each, 59 per second), not with the chunks (over 40 times that)."""
        return self._average(audio, progress, edge_s, lambda log_probs: (np.exp(log_probs) @ POWERSET_MAPPING).sum(-1))

    def argmax_count(
        self, audio: AudioSource, progress: ProgressCallback | None = None, edge_s: float = 1.0
    ) -> np.ndarray:
        """:meth:`SegmentationResult.argmax_count` of ``audio``, streamed as
        :meth:`expected_count` is."""
        return self._average(audio, progress, edge_s, lambda log_probs: powerset_to_multilabel(log_probs).sum(-1))

    def speech_and_overlap(
        self, audio: AudioSource, progress: ProgressCallback | None = None, edge_s: float = 1.0
    ) -> np.ndarray:
        """``(num_global_frames, 2)`` float32: for every frame, the probability that anyone
        speaks (1 minus that of the empty powerset class) and that two speak at once (the
        two-speaker classes together), each averaged over the chunks that hear the frame;
        streamed as :meth:`expected_count` is."""
        return self._average(audio, progress, edge_s, speech_and_overlap_probability)

    def _average(
        self,
        audio: AudioSource,
        progress: ProgressCallback | None,
        edge_s: float,
        per_frame: Callable[[np.ndarray], np.ndarray],
    ) -> np.ndarray:
        """``per_frame(log_probs)`` of every chunk (``(chunks, frames[, K])`` from
        ``(chunks, frames, 7)``), averaged onto the global frame grid one batch at a time."""
        starts_s = chunk_starts(audio.duration_s, self.step_s)
        average: FrameAverage | None = None
        for first, log_probs in self._log_probs(audio, starts_s, progress):
            values = per_frame(log_probs)
            if average is None:
                average = FrameAverage(
                    starts_s, FRAMES_PER_CHUNK, FRAME_STEP_S, audio.duration_s, values.shape[2:], edge_s=edge_s
                )
            for offset, chunk_values in enumerate(values):
                average.add(first + offset, chunk_values)
        assert average is not None  # chunk_starts gives at least one chunk
        return average.result()

    def _log_probs(
        self, audio: AudioSource, starts_s: np.ndarray, progress: ProgressCallback | None
    ) -> Iterator[tuple[int, np.ndarray]]:
        """``(first chunk, log_probs (batch, FRAMES_PER_CHUNK, 7))`` for every batch of chunks,
        read from ``audio`` one batch at a time (zeros past its end)."""
        start_samples = np.rint(starts_s * SAMPLE_RATE).astype(np.int64)

        def run(first: int) -> np.ndarray:
            batch_starts = start_samples[first : first + self.batch_size]
            span = audio.read_padded(int(batch_starts[0]), int(batch_starts[-1]) + CHUNK_SAMPLES)
            offsets = batch_starts - batch_starts[0]
            chunks = np.stack([span[offset : offset + CHUNK_SAMPLES] for offset in offsets])[:, None, :]
            return self._session.run(["log_probs"], {"waveform": chunks})[0]

        firsts = range(0, len(starts_s), self.batch_size)
        for first, log_probs in zip(firsts, self._runner.map(run, firsts)):
            yield first, log_probs
            if progress is not None:
                progress(first + len(log_probs), len(starts_s))
