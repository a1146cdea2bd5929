"""CAM++ speaker embeddings (3D-Speaker, Apache-2.0) on ONNX Runtime.

The bundled ``models/campplus.onnx`` is 3D-Speaker's
``iic/speech_campplus_sv_zh_en_16k-common_advanced`` exported by ``tools/export_campplus.py``
(float32); ``models/campplus-int8.onnx``, the default, is its static int8 quantization by
``tools/quantize_campplus.py``; ``models/campplus.md`` is the card of both. Pre-processing follows 3D-Speaker's inference code:
80 Kaldi log-mel filterbanks of the 16 kHz waveform in [-1, 1] (:mod:`.fbank`), minus their
per-bin mean over the window's frames.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..audio import SAMPLE_RATE  # the rate the model was trained at
from .base import SpeakerEmbedder
from .settings import CAMPPLUS_NAMES
from .fbank import frame_samples, kaldi_fbank_batch, num_frames
from ..util.onnx_session import BatchRunner, open_session

if TYPE_CHECKING:  # ONNX Runtime loads through util.onnx_session, which turns its telemetry off first
    import onnxruntime as ort

#: the float32 export shipped inside the package (``--embedder campplus-fp32``)
BUNDLED_FP32_MODEL_PATH = Path(__file__).resolve().parents[1] / "models" / "campplus.onnx"
#: its int8 quantization, the default (``--embedder campplus``): 1.8 times less CPU, held-out
#: cosine to float32 0.988 on average (``models/campplus.md``)
BUNDLED_MODEL_PATH = BUNDLED_FP32_MODEL_PATH.with_name("campplus-int8.onnx")
#: the PLDA trained on the bundled models' embeddings (``tools/train_plda.py``; the float32 and
#: int8 models share it: their embeddings agree to a cosine of 0.986)
BUNDLED_PLDA_PATH = BUNDLED_FP32_MODEL_PATH.with_name("plda-campplus.npz")

# Model constants, from 3D-Speaker's CAM++ recipe (speakerlab/bin/infer_sv.py) and the checkpoint.
#: log-mel bins per frame (ONNX input ``feats`` is N×T×80)
FEATURE_DIM = 80
#: embedding size of this checkpoint (ONNX output ``embeddings`` is N×192)
EMBEDDING_DIM = 192

#: windows shorter than this are repeated up to it: the exported graph returns NaN below
#: 3 frames (its time-stride-2 layers leave one frame for the unbiased std), and very short
#: inputs carry too little speaker information to be worth a separate code path
MIN_WINDOW_S = 0.2
#: windows of equal frame count per ONNX Runtime call
BATCH_SIZE = 32
#: ``embed_utterance`` embeds up to this much audio in one pass (memory grows with length);
#: longer utterances are cut into windows of this length...
UTTERANCE_WINDOW_S = 20.0
#: ...every this many seconds, and their unit-length embeddings are averaged
UTTERANCE_HOP_S = 10.0


class CampPlusEmbedder(SpeakerEmbedder):
    """CAM++ (192-dimensional embeddings, compared by cosine similarity).

    ``model_path``: a CAM++-style ONNX file (input ``(N, T, 80)`` filterbanks); ``None`` uses
    the bundled int8 model (:data:`BUNDLED_FP32_MODEL_PATH` is the float32 one). ``name``: what
    benchmarks and messages call it. ``threads``: batches run side by side, each on one thread
    (``None``: ``$DIARIZE_THREADS``, else the cores; the embeddings do not depend on it). ``session``: an already opened session for ``model_path``.
    Raises :class:`DiarizeError` when the model file is missing or broken.
    """

    name = "campplus"
    sample_rate = SAMPLE_RATE
    #: equal-error-rate point on whole LibriSpeech utterances (benchmarks/eer.py, model card)
    default_threshold = 0.445
    #: 0.1 % false-acceptance point on the same trials (false rejection 1.0 %; benchmarks/eer.py)
    merge_threshold = 0.486
    #: open-set identification (the voice database): the 0.1 % false-acceptance point of enrollment
    #: prints against other speakers' 10 s clips, on the calibration half of the LibriSpeech
    #: speakers (benchmarks/identify.py, model card)
    identification_threshold = 0.501
    #: cosine distance that stops clustering, calibrated on synthetic LibriSpeech conversations
    #: (tools/calibrate_clustering.py; see the model card)
    clustering_threshold = 0.65
    #: the same for local-speaker embeddings of the neural segmentation mode (AMI + synthetic)
    segment_clustering_threshold = 0.5

    def __init__(
        self,
        model_path: Path | None = None,
        threads: int | None = None,
        session: ort.InferenceSession | None = None,
        name: str = "campplus",
    ) -> None:
        self.name = name
        self.model_path = Path(model_path) if model_path is not None else BUNDLED_MODEL_PATH
        self.model_files = (self.model_path,)
        self._runner = BatchRunner(threads)
        self._session = session if session is not None else open_session(self.model_path)
        self._input_name = self._session.get_inputs()[0].name
        output_size = self._session.get_outputs()[0].shape[-1]
        self._dimension = output_size if isinstance(output_size, int) else EMBEDDING_DIM

    @property
    def dimension(self) -> int:
        """Size D of one embedding (192 for the bundled model)."""
        return self._dimension

    @property
    def plda_path(self) -> Path | None:  # type: ignore[override]
        """:data:`BUNDLED_PLDA_PATH` for the bundled models (by name, with their 192 dimensions)."""
        return BUNDLED_PLDA_PATH if self.name in CAMPPLUS_NAMES and self.dimension == EMBEDDING_DIM else None

    def embed_windows(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """Embed 16 kHz mono float32 windows in [-1, 1]; returns ``(N, D)`` float32, input order.

        Windows with the same number of frames go through the network together, so no window
        is padded by another's length and a window's embedding does not depend on its batch;
        the batches run side by side on the embedder's threads, one thread each.
        Raises ``ValueError`` for an empty window.
        """
        padded = [_repeat_to_minimum(np.asarray(window, dtype=np.float32).ravel()) for window in windows]
        embeddings = np.zeros((len(padded), self.dimension), dtype=np.float32)
        by_frames: dict[int, list[int]] = defaultdict(list)
        for index, window in enumerate(padded):
            by_frames[num_frames(window.size, SAMPLE_RATE)].append(index)
        batches = [
            (by_frames[frames][start : start + BATCH_SIZE], frame_samples(frames, SAMPLE_RATE))
            for frames in sorted(by_frames)
            for start in range(0, len(by_frames[frames]), BATCH_SIZE)
        ]

        def embed(batch: tuple[list[int], int]) -> np.ndarray:
            indices, used_samples = batch
            feats = normalized_fbank(np.stack([padded[index][:used_samples] for index in indices]))
            return self._session.run(None, {self._input_name: feats})[0]

        for (indices, _), batch_embeddings in zip(batches, self._runner.map(embed, batches)):
            embeddings[indices] = batch_embeddings
        return embeddings

    def embed_utterance(self, waveform: np.ndarray) -> np.ndarray:
        """One ``(D,)`` embedding of a whole utterance (16 kHz float32 in [-1, 1]).

        Utterances up to :data:`UTTERANCE_WINDOW_S` go through in one pass: on LibriSpeech
        half-utterances (0.8–8.6 s) one pass was as accurate as averaging 1.5, 3 or 6 s windows
        and twice as fast (``models/campplus.md``). Longer ones are cut into windows of that
        length every :data:`UTTERANCE_HOP_S` (the last one ending at the end of the utterance),
        which bounds memory, and their L2-normalised embeddings are averaged.
        """
        samples = np.asarray(waveform, dtype=np.float32).ravel()
        window = int(UTTERANCE_WINDOW_S * SAMPLE_RATE)
        if samples.size <= window:
            return self.embed_windows([samples])[0]
        hop = int(UTTERANCE_HOP_S * SAMPLE_RATE)
        starts = list(range(0, samples.size - window + 1, hop))
        if starts[-1] + window < samples.size:
            starts.append(samples.size - window)
        embeddings = self.embed_windows([samples[start : start + window] for start in starts])
        norms = np.maximum(np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        return (embeddings / norms).mean(axis=0).astype(np.float32)


def _repeat_to_minimum(waveform: np.ndarray) -> np.ndarray:
    """``waveform`` repeated end to end until it lasts at least :data:`MIN_WINDOW_S`."""
    if waveform.size == 0:
        raise ValueError("cannot embed an empty window")
    minimum = int(MIN_WINDOW_S * SAMPLE_RATE)
    if waveform.size >= minimum:
        return waveform
    return np.resize(waveform, minimum)


def normalized_fbank(waveforms: np.ndarray) -> np.ndarray:
    """``(N, T, 80)`` filterbanks of ``(N, S)`` waveforms, minus each window's mean over its
    frames (3D-Speaker's mean normalisation)."""
    feats = kaldi_fbank_batch(waveforms, SAMPLE_RATE, FEATURE_DIM)
    return feats - feats.mean(axis=1, keepdims=True)
