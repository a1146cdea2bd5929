"""Static int8 quantization of the bundled CAM++ network, calibrated on ../shared audio (dev tool).

Reads ``diarize_plugin/models/campplus.onnx`` (float32, made by ``tools/export_campplus.py``)
and writes ``diarize_plugin/models/campplus-int8.onnx``: ONNX Runtime's ``quantize_static``
in QDQ format, int8 weights per output channel, uint8 activations whose ranges come from
running the float network on calibration windows (percentile 99.999 of each tensor's
histogram). Only the convolutions are quantized: quantizing the pre-activation batch norms and
the context-aware masking as well took the held-out cosine to float32 from 0.986 down to 0.79.
Dynamic int8 (ranges per call instead of calibrated) is not an option for this network: it was
3.4 times slower and broke the embeddings (cosine 0.52 at worst, issue 13).

Calibration data (from ``../shared/data``, never copied into the repository), seed 0:

- 4 random 1.5 s windows from each of the first 50 LibriSpeech utterances (sorted by name) and
  16 from each of the AMI excerpts ``trn00``-``trn04`` (one length: ONNX Runtime's percentile
  calibrator stacks each tensor over all inputs);
- held out to report the agreement: 4 windows from each of the other 50 utterances and 16 from
  each of ``trn05``-``trn09``.

Prints the sha256 and size of both files, the held-out cosine similarity between int8 and
float32 embeddings, and the CPU time per 1.5 s window of each. Needs ``onnx`` (test extra).
Usage::

    python tools/quantize_campplus.py [--output diarize_plugin/models/campplus-int8.onnx]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
from onnxruntime.quantization import CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static
from onnxruntime.quantization.shape_inference import quant_pre_process

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from diarize_plugin.audio.decode import load_audio  # noqa: E402
from diarize_plugin.embed.campplus import BUNDLED_FP32_MODEL_PATH, SAMPLE_RATE, normalized_fbank  # noqa: E402
from diarize_plugin.util.file_digest import sha256_of_files  # noqa: E402

SHARED_DATA = REPO_ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = REPO_ROOT / "diarize_plugin" / "models" / "campplus-int8.onnx"
WINDOW_S = 1.5
SEED = 0
PERCENTILE = 99.999


def random_windows(paths: list[Path], per_file: int, rng: np.random.Generator) -> list[np.ndarray]:
    """``per_file`` random :data:`WINDOW_S` windows of every file."""
    length = int(WINDOW_S * SAMPLE_RATE)
    windows = []
    for path in paths:
        waveform = load_audio(path)
        windows.extend(waveform[start : start + length] for start in rng.integers(0, len(waveform) - length, per_file))
    return windows


class FeatureReader(CalibrationDataReader):
    """Feeds the network one window's filterbanks at a time."""

    def __init__(self, waveforms: list[np.ndarray]) -> None:
        self._waveforms = iter(waveforms)

    def get_next(self) -> dict[str, np.ndarray] | None:
        waveform = next(self._waveforms, None)
        return None if waveform is None else {"feats": normalized_fbank(waveform[None, :])}


def open_cpu(path: Path) -> ort.InferenceSession:
    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def embed(session: ort.InferenceSession, waveform: np.ndarray) -> np.ndarray:
    return session.run(None, {"feats": normalized_fbank(waveform[None, :])})[0][0]


def cpu_ms_per_window(session: ort.InferenceSession, windows: list[np.ndarray]) -> float:
    feats = normalized_fbank(np.stack(windows))
    session.run(None, {"feats": feats})
    started = time.process_time()
    for _ in range(3):
        session.run(None, {"feats": feats})
    return 1000 * (time.process_time() - started) / (3 * len(windows))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=BUNDLED_FP32_MODEL_PATH)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    utterances = sorted((SHARED_DATA / "librispeech").glob("*.flac"))
    meetings = sorted((SHARED_DATA / "ami").glob("trn*.wav"))
    if len(utterances) < 100 or len(meetings) < 10:
        sys.exit("needs ../shared/data/librispeech (100 utterances) and ../shared/data/ami (10 excerpts)")
    rng = np.random.default_rng(SEED)
    calibration = random_windows(utterances[:50], 4, rng) + random_windows(meetings[:5], 16, rng)
    held_out = random_windows(utterances[50:], 4, rng) + random_windows(meetings[5:], 16, rng)
    print(f"calibration: {len(calibration)} windows; held out: {len(held_out)} windows")

    with tempfile.TemporaryDirectory() as folder:
        prepared = Path(folder) / "prepared.onnx"
        quant_pre_process(str(args.source), str(prepared), skip_symbolic_shape=True)
        quantize_static(
            str(prepared),
            str(args.output),
            FeatureReader(calibration),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["Conv"],
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            calibrate_method=CalibrationMethod.Percentile,
            extra_options={"CalibPercentile": PERCENTILE},
        )
    for path in (args.source, args.output):
        print(f"{path.name}: {path.stat().st_size} bytes, sha256 {sha256_of_files([path])}")

    reference, quantized = open_cpu(args.source), open_cpu(args.output)
    cosines = []
    for waveform in held_out:
        first, second = embed(reference, waveform), embed(quantized, waveform)
        cosines.append(float(first @ second / (np.linalg.norm(first) * np.linalg.norm(second))))
    scores = np.array(cosines)
    speech, meeting = scores[: 4 * 50], scores[4 * 50 :]
    print(
        f"held-out cosine int8 vs float32: mean {scores.mean():.4f}, min {scores.min():.4f}, "
        f"1st percentile {np.percentile(scores, 1):.4f} (LibriSpeech mean {speech.mean():.4f}, AMI mean {meeting.mean():.4f})"
    )
    fp32_ms, int8_ms = cpu_ms_per_window(reference, held_out[:32]), cpu_ms_per_window(quantized, held_out[:32])
    print(f"CPU per 1.5 s window, batch 32: float32 {fp32_ms:.1f} ms, int8 {int8_ms:.1f} ms ({fp32_ms / int8_ms:.2f}x)")


if __name__ == "__main__":
    main()
