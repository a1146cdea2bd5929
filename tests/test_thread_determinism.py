"""Same input and options, same output, whatever the number of threads or worker processes
(house rule 6): every ONNX Runtime computation runs on one thread, over batches whose shapes
do not depend on the thread count, and more threads only run more batches side by side."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from diarize_plugin.audio.source import InMemoryAudio

from conftest import SAMPLE_RATE, speech


@pytest.fixture(scope="module")
def conversation(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """36 s: three voices taking turns, the second talking over the first for a moment."""
    turns = [speech(6.0, seed) for seed in (0, 1, 2, 0, 1, 2)]
    waveform = np.concatenate([np.zeros(SAMPLE_RATE // 2, np.float32), *turns])
    overlap = slice(int(5.0 * SAMPLE_RATE), int(6.5 * SAMPLE_RATE))
    waveform[overlap] += 0.7 * speech(1.5, 5)
    path = tmp_path_factory.mktemp("threads") / "talk.wav"
    soundfile.write(path, (0.8 * waveform / np.max(np.abs(waveform))).astype(np.float32), SAMPLE_RATE)
    return path


def environment() -> dict[str, str]:
    """This process's environment without the suite's one-thread default."""
    return {key: value for key, value in os.environ.items() if key not in ("DIARIZE_THREADS", "OMP_NUM_THREADS")}


def test_segmentation_counts_are_identical_with_one_and_two_threads(conversation: Path) -> None:
    from diarize_plugin.audio.decode import load_audio
    from diarize_plugin.segmentation.network import Segmenter

    waveform = load_audio(conversation)
    one = Segmenter(step_s=1.0, threads=1).expected_count(InMemoryAudio(waveform))
    two = Segmenter(step_s=1.0, threads=2).expected_count(InMemoryAudio(waveform))
    assert one.tobytes() == two.tobytes()


def test_embeddings_are_identical_with_one_and_two_threads(conversation: Path) -> None:
    from diarize_plugin.audio.decode import load_audio
    from diarize_plugin.embed.registry import load_embedder

    waveform = load_audio(conversation)
    windows = [waveform[start : start + 24_000] for start in range(0, len(waveform) - 24_000, 8_000)]
    for name in ("campplus", "campplus-fp32"):
        one = load_embedder(name, threads=1).embed_windows(windows)
        two = load_embedder(name, threads=2).embed_windows(windows)
        assert one.tobytes() == two.tobytes(), name


def test_diarization_is_byte_identical_with_one_and_two_threads(conversation: Path, tmp_path: Path) -> None:
    outputs = []
    for threads in (1, 2):
        out = tmp_path / f"threads{threads}.rttm"
        result = subprocess.run(
            [sys.executable, "-m", "diarize_plugin.cli", str(conversation), "--out", str(out), "--threads", str(threads), "-q"],
            capture_output=True, text=True, timeout=600, env=environment(),
        )
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"\n") >= 3


def test_batch_outputs_are_byte_identical_with_one_and_two_jobs(conversation: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.wav").write_bytes(conversation.read_bytes())
    (corpus / "b.wav").write_bytes(conversation.read_bytes())
    outputs = {}
    for jobs, threads in ((1, 2), (2, 1)):
        out_dir = tmp_path / f"jobs{jobs}"
        result = subprocess.run(
            [sys.executable, "-m", "diarize_plugin.cli", str(corpus), "--out-dir", str(out_dir), "--jobs", str(jobs),
             "--threads", str(threads), "-q"],
            capture_output=True, text=True, timeout=600, env=environment(),
        )
        assert result.returncode == 0, result.stderr
        outputs[jobs] = {path.name: path.read_bytes() for path in sorted(out_dir.glob("*.rttm"))}
    assert sorted(outputs[1]) == ["a.rttm", "b.rttm"]
    assert outputs[1] == outputs[2]
