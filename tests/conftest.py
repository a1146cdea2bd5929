"""Shared test inputs: where the shared data lives, a toy AutoSpeech model, speech waveforms.

Helpers are plain functions (import them with ``from conftest import ...``); fixtures wrap the
ones most tests need. Every test keeps ONNX Runtime to one thread: the suite runs on small
shared machines, and one thread also keeps timings predictable.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import numpy as np
import pytest

os.environ.setdefault("DIARIZE_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO_ROOT = Path(__file__).resolve().parents[1]
# benchmarks/ (not installed with the package) builds the synthetic conversations; plain
# `pytest` puts only tests/ on sys.path
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

SAMPLE_RATE = 16_000
#: ``../shared/data`` beside the repository; read-only, never copied into the repository
SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"
LIBRISPEECH = SHARED_DATA / "librispeech"
#: output dimension of the toy AutoSpeech model
TOY_DIMENSION = 8


def write_toy_autospeech(folder: Path, onnx_name: str = "proposed_veri.onnx", batch: int | str = "N") -> Path:
    """Write an AutoSpeech-shaped ONNX model and its mean.npy/std.npy into ``folder``.

    The graph has AutoSpeech's signature, ``(N, 300, 257) -> (N, 8)`` (mean over time, then a
    fixed matrix). Returns the ONNX path. ``batch``: the batch axis, a name (dynamic) or a fixed
    size. Skips the calling test when the ``onnx`` package is missing.
    """
    onnx = pytest.importorskip("onnx", reason="the onnx package builds the toy model")
    from onnx import TensorProto, helper, numpy_helper

    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    projection = rng.standard_normal((257, TOY_DIMENSION)).astype(np.float32)
    graph = helper.make_graph(
        [
            helper.make_node("ReduceMean", ["windows"], ["pooled"], axes=[1], keepdims=0),
            helper.make_node("MatMul", ["pooled", "projection"], ["embeddings"]),
        ],
        "toy_autospeech",
        [helper.make_tensor_value_info("windows", TensorProto.FLOAT, [batch, 300, 257])],
        [helper.make_tensor_value_info("embeddings", TensorProto.FLOAT, [batch, TOY_DIMENSION])],
        [numpy_helper.from_array(projection, "projection")],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx_path = folder / onnx_name
    onnx.save(model, str(onnx_path))
    np.save(folder / "mean.npy", rng.uniform(0.0, 2.0, 257).astype(np.float32))
    np.save(folder / "std.npy", rng.uniform(0.5, 3.0, 257).astype(np.float32))
    return onnx_path


def speech(seconds: float, seed: int = 0) -> np.ndarray:
    """Real speech from LibriSpeech when present, else seeded coloured noise (16 kHz float32)."""
    samples = int(seconds * SAMPLE_RATE)
    files = sorted(LIBRISPEECH.glob("*.flac"))
    if files:
        import soundfile

        waveform, rate = soundfile.read(files[seed % len(files)], dtype="float32")
        assert rate == SAMPLE_RATE
        return np.resize(waveform, samples).astype(np.float32)
    noise = np.random.default_rng(seed).standard_normal(samples)
    return (0.05 * np.convolve(noise, np.ones(8) / 8, mode="same")).astype(np.float32)


def librispeech_files() -> list[Path]:
    """The shared LibriSpeech FLAC files, sorted; skips the calling test when they are absent."""
    files = sorted(LIBRISPEECH.glob("*.flac"))
    if not files:
        pytest.skip(f"shared LibriSpeech excerpts are absent (looked in {LIBRISPEECH})")
    return files


def speech_like(duration_s: float, seed: int = 0, pitch_hz: float = 140.0) -> np.ndarray:
    """A voiced, syllable-modulated harmonic signal (16 kHz float32) that webrtcvad calls speech.

    Harmonics of ``pitch_hz`` with formant-like weights, switched on and off at a syllable
    rate (~4 Hz), plus a little noise; no shared data needed.
    """
    rng = np.random.default_rng(seed)
    time_s = np.arange(int(duration_s * SAMPLE_RATE)) / SAMPLE_RATE
    vibrato = 1.0 + 0.03 * np.sin(2 * np.pi * 5.0 * time_s)
    phase = 2 * np.pi * pitch_hz * np.cumsum(vibrato) / SAMPLE_RATE
    voiced = sum(np.sin(k * phase) / k * (1.5 if 3 <= k <= 6 else 1.0) for k in range(1, 20))
    syllables = 0.6 + 0.4 * np.sin(2 * np.pi * 4.0 * time_s + rng.uniform(0, np.pi))
    signal = voiced * syllables + 0.05 * rng.standard_normal(len(time_s))
    return (0.3 * signal / np.max(np.abs(signal))).astype(np.float32)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``diarize argv...`` run in-process."""
    from diarize_plugin.cli import main

    code = main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, stderr: str, fragment: str) -> None:
    """The CLI's contract for a user error: exit 2, one ``diarize: error:`` line naming ``fragment``."""
    assert code == 2, stderr
    assert stderr.startswith("diarize: error: ") and stderr.count("\n") == 1, stderr
    assert fragment in stderr, stderr
    assert "Traceback" not in stderr


@pytest.fixture
def toy_autospeech(tmp_path: Path) -> Path:
    """Path of a toy AutoSpeech ONNX model (with mean.npy/std.npy beside it) in a tmp folder."""
    return write_toy_autospeech(tmp_path / "autospeech")


@pytest.fixture(scope="session")
def campplus():
    """The bundled CAM++ embedder, loaded once per test session, one ONNX thread."""
    from diarize_plugin.embed.registry import load_embedder

    return load_embedder("campplus", threads=1)


@pytest.fixture(scope="module")
def two_voices(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 9 s WAV file of two speech-like voices, the second starting while the first still talks."""
    waveform = np.zeros(9 * SAMPLE_RATE, dtype=np.float32)
    waveform[SAMPLE_RATE : 5 * SAMPLE_RATE] += speech_like(4.0, seed=1, pitch_hz=110.0)
    waveform[4 * SAMPLE_RATE : 8 * SAMPLE_RATE] += speech_like(4.0, seed=2, pitch_hz=220.0)
    path = tmp_path_factory.mktemp("audio") / "two.wav"
    import soundfile

    soundfile.write(path, waveform, SAMPLE_RATE)
    return path
