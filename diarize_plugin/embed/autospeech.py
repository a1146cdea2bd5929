"""AutoSpeech speaker verification (VITA-Group, MIT) as exported to ONNX by ailia-models.

The front end reproduces ailia-models ``audio_processing/auto_speech/auto_speech.py``
(``preprocess`` and ``predict``), which itself follows the AutoSpeech repository
(``data_objects/audio.py``, ``data_objects/transforms.py``):

1. 16 kHz mono waveform in [-1, 1];
2. volume normalised to -30 dBFS, gain only ever increased (``normalize_volume(...,
   increase_only=True)``, RMS measured on the int16-scaled signal);
3. magnitude STFT: 512-point FFT, 400-sample (25 ms) Hann window, 160-sample (10 ms) hop,
   centred frames as ``librosa.stft`` computes them, transposed to ``(frames, 257)`` float32.
   The centring pad reflects the signal: the model was trained and the reference written
   with librosa 0.7 (AutoSpeech pins ``librosa==0.7.2``), whose default ``pad_mode`` was
   ``"reflect"``; librosa 0.10 changed that default to zero padding.
   ailia's reference feeds the magnitude itself; the AutoSpeech training code took
   ``log(max(|STFT|, eps))``. We follow ailia's reference (its ``mean.npy``/``std.npy`` and
   its threshold 0.26 go with it);
4. windows of 300 frames (3 s) every 150 frames; a spectrogram of 300 frames or fewer is first
   stretched by repeating every frame (``np.repeat(..., 2, axis=0)``) until it is longer than
   300 frames; trailing frames that do not fill a window are dropped;
5. each window normalised as ``(x - mean) / std`` with the 257-bin ``mean.npy``/``std.npy``;
6. the network maps ``(N, 300, 257)`` to ``(N, D)``; the utterance embedding is the mean of its
   window embeddings and two utterances are compared by cosine similarity.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

import numpy as np

from ..audio import SAMPLE_RATE  # the rate the model was trained at
from ..errors import DiarizeError
from .base import SpeakerEmbedder
from ..util.onnx_session import BatchRunner, open_session
from .stft import magnitude_spectrogram

if TYPE_CHECKING:  # ONNX Runtime loads through util.onnx_session, which turns its telemetry off first
    import onnxruntime as ort

N_FFT = 512
WIN_LENGTH = 400  # 25 ms at 16 kHz
HOP_LENGTH = 160  # 10 ms at 16 kHz
N_BINS = N_FFT // 2 + 1
STFT_PAD_MODE = "reflect"
TARGET_DBFS = -30.0
WINDOW_FRAMES = 300
WINDOW_SHIFT_FRAMES = WINDOW_FRAMES // 2
#: ailia-models' default ``--threshold`` for verification
DEFAULT_THRESHOLD = 0.26
#: windows per ONNX Runtime call when the model's batch axis is dynamic
BATCH_WINDOWS = 16

_INT16_MAX = 2**15 - 1


def normalize_volume(waveform: np.ndarray, target_dbfs: float = TARGET_DBFS) -> np.ndarray:
    """Scale ``waveform`` so its RMS level is ``target_dbfs`` dB full scale, only ever louder.

    The level is measured on the signal scaled to int16 (``rms / 32767``), as the reference
    does. A louder input, or pure digital silence, is returned unchanged (float32).
    """
    samples = np.asarray(waveform, dtype=np.float32)
    rms_int16 = float(np.sqrt(np.mean((samples.astype(np.float64) * _INT16_MAX) ** 2)))
    if rms_int16 == 0.0:
        return samples  # the reference would multiply by an infinite gain and return NaN
    change_db = target_dbfs - 20.0 * np.log10(rms_int16 / _INT16_MAX)
    if change_db < 0.0:
        return samples
    return (samples * 10.0 ** (change_db / 20.0)).astype(np.float32)


def spectrogram(waveform: np.ndarray) -> np.ndarray:
    """Volume-normalised magnitude spectrogram of a 16 kHz waveform, ``(frames, 257)`` float32."""
    return magnitude_spectrogram(normalize_volume(waveform), N_FFT, HOP_LENGTH, WIN_LENGTH, STFT_PAD_MODE)


def split_windows(features: np.ndarray) -> np.ndarray:
    """Cut a ``(frames, 257)`` spectrogram into ``(N, 300, 257)`` windows every 150 frames.

    A spectrogram of 300 frames or fewer has each frame repeated (doubling its length) until it
    is longer than 300 frames, as the reference does. Frames after the last full window are
    dropped. Returns a read-only view into ``features`` (or its stretched copy).
    """
    while features.shape[0] <= WINDOW_FRAMES:
        features = np.repeat(features, 2, axis=0)
    windows = np.lib.stride_tricks.sliding_window_view(features, WINDOW_FRAMES, axis=0)
    return windows[::WINDOW_SHIFT_FRAMES].transpose(0, 2, 1)


class AutoSpeechEmbedder(SpeakerEmbedder):
    """AutoSpeech ``proposed_veri.onnx`` with its ``mean.npy``/``std.npy`` normalisation.

    ``model_path``: the ONNX file (input ``(N, 300, 257)``); ``mean_path``/``std_path``: 257
    float values each. ``threads``: batches run side by side, each on one thread. ``session``: an already open
    session for ``model_path`` (the registry opens one to read the input shape).
    """

    name = "autospeech"
    sample_rate = SAMPLE_RATE
    default_threshold = DEFAULT_THRESHOLD

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        mean_path: str | os.PathLike[str],
        std_path: str | os.PathLike[str],
        threads: int | None = None,
        session: ort.InferenceSession | None = None,
    ) -> None:
        self._runner = BatchRunner(threads)
        self._session = session if session is not None else open_session(model_path)
        self.model_files = (Path(model_path), Path(mean_path), Path(std_path))
        model_input = self._session.get_inputs()[0]
        shape = list(model_input.shape)
        if len(shape) != 3 or shape[1] != WINDOW_FRAMES or shape[2] != N_BINS:
            raise DiarizeError(
                f"{model_path} has input shape {shape}, not (N, {WINDOW_FRAMES}, {N_BINS}); "
                "it is not an AutoSpeech model: run `diarize models download autospeech` again"
            )
        self._input_name = model_input.name
        # an export with a fixed batch size must be fed exactly that many windows per call
        self._fixed_batch = shape[0] if isinstance(shape[0], int) and shape[0] > 0 else None
        self._mean = load_bin_statistics(mean_path, "mean")
        self._std = load_bin_statistics(std_path, "std")
        if np.any(self._std <= 0.0):
            raise DiarizeError(f"{std_path} holds zero or negative deviations; download AutoSpeech again")
        self._dimension: int | None = None

    @property
    def dimension(self) -> int:
        """Size D of one embedding (read from the model, or from one run on silence)."""
        if self._dimension is None:
            declared = self._session.get_outputs()[0].shape[-1]
            if isinstance(declared, int) and declared > 0:
                self._dimension = declared
            else:
                self._dimension = int(self._run(np.zeros((1, WINDOW_FRAMES, N_BINS), np.float32)).shape[1])
        return self._dimension

    def windows(self, waveform: np.ndarray) -> np.ndarray:
        """Normalised network input for one waveform: ``(N, 300, 257)`` float32.

        Raises :class:`DiarizeError` for an empty waveform.
        """
        return self._normalise(self._raw_windows(waveform))

    def embed_utterance(self, waveform: np.ndarray) -> np.ndarray:
        """Mean of the embeddings of the utterance's 3 s windows, ``(D,)`` float32."""
        return self.embed_windows([waveform])[0]

    def embed_windows(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """One embedding per waveform, each computed as :meth:`embed_utterance` does.

        Returns ``(len(windows), D)`` float32. Network windows of consecutive waveforms share
        ONNX Runtime batches; at most one batch of normalised windows is held in memory.
        """
        if len(windows) == 0:
            return np.zeros((0, self.dimension), dtype=np.float32)
        batch_size = self._fixed_batch or BATCH_WINDOWS
        sums: np.ndarray | None = None
        counts = np.zeros(len(windows), dtype=np.int64)
        pending: list[np.ndarray] = []
        owners: list[int] = []

        def flush() -> None:
            nonlocal sums
            outputs = self._run(self._normalise(np.stack(pending)))
            if sums is None:
                sums = np.zeros((len(windows), outputs.shape[1]), dtype=np.float64)
            np.add.at(sums, owners, outputs)
            np.add.at(counts, owners, 1)
            pending.clear()
            owners.clear()

        for index, waveform in enumerate(windows):
            for network_window in self._raw_windows(waveform):
                pending.append(network_window)
                owners.append(index)
                if len(pending) == batch_size:
                    flush()
        if pending:
            flush()
        assert sums is not None  # every waveform yields at least one window
        return (sums / counts[:, None]).astype(np.float32)

    def _raw_windows(self, waveform: np.ndarray) -> np.ndarray:
        """Un-normalised ``(N, 300, 257)`` spectrogram windows of one waveform (a view)."""
        samples = np.asarray(waveform, dtype=np.float32).ravel()
        if samples.size == 0:
            raise DiarizeError("cannot embed an empty waveform; give audio with at least one sample")
        return split_windows(spectrogram(samples))

    def _normalise(self, network_windows: np.ndarray) -> np.ndarray:
        """``(x - mean) / std`` per frequency bin, as contiguous float32."""
        return np.ascontiguousarray((network_windows - self._mean) / self._std, dtype=np.float32)

    def _run(self, network_input: np.ndarray) -> np.ndarray:
        """Run the network over ``(N, 300, 257)`` windows in batches; returns ``(N, D)``."""
        batch = self._fixed_batch or BATCH_WINDOWS

        def embed(start: int) -> np.ndarray:
            chunk = network_input[start : start + batch]
            filled = chunk.shape[0]
            if self._fixed_batch and filled < batch:
                padding = np.zeros((batch - filled,) + chunk.shape[1:], np.float32)
                chunk = np.concatenate([chunk, padding])
            result = self._session.run(None, {self._input_name: chunk})[0]
            return np.asarray(result, dtype=np.float32).reshape(chunk.shape[0], -1)[:filled]

        return np.concatenate(list(self._runner.map(embed, range(0, network_input.shape[0], batch))))


def load_bin_statistics(path: str | os.PathLike[str], what: str) -> np.ndarray:
    """Read a 257-value ``.npy`` file (``what``: "mean" or "std") as a float32 vector.

    Raises :class:`DiarizeError` when the file is missing, not a plain ``.npy`` array, has the
    wrong size or holds non-finite values.
    """
    try:
        values = np.asarray(np.load(path, allow_pickle=False), dtype=np.float32).ravel()
    except (OSError, ValueError, TypeError) as error:
        raise DiarizeError(
            f"AutoSpeech {what} file {path} cannot be read ({error}); download AutoSpeech again"
        ) from None
    if values.size != N_BINS or not np.all(np.isfinite(values)):
        raise DiarizeError(
            f"AutoSpeech {what} file {path} holds {values.size} values, expected {N_BINS} finite ones; "
            "download AutoSpeech again"
        )
    return values
