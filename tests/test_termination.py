"""SIGTERM (``kill``, a scheduler's time limit) ends a run cleanly: exit 143, one line, no
temporary files left in ``$TMPDIR`` and no output written, for one file and for a worker pool."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, speech_like


@pytest.fixture(scope="module")
def recordings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two 90 s recordings: long enough to be caught while they are worked on."""
    folder = tmp_path_factory.mktemp("long")
    for index in range(2):
        voices = [speech_like(15.0, seed, pitch_hz=110.0 + 60.0 * (seed % 2)) for seed in range(6)]
        soundfile.write(folder / f"talk{index}.wav", np.concatenate(voices), SAMPLE_RATE)
    return folder


def terminate_when(command: list[str], temp_dir: Path, pattern: str, timeout_s: float = 60.0) -> subprocess.CompletedProcess[str]:
    """Run ``command`` with ``TMPDIR=temp_dir``; SIGTERM it once ``pattern`` exists there."""
    process = subprocess.Popen(
        command, env={**os.environ, "TMPDIR": str(temp_dir)}, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout_s
    while not any(temp_dir.glob(pattern)):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{pattern} never appeared in {temp_dir}: {process.communicate()[1]}")
        time.sleep(0.02)
    process.send_signal(signal.SIGTERM)
    stdout, stderr = process.communicate(timeout=60)
    return subprocess.CompletedProcess(command, process.returncode, stdout, stderr)


def leftovers(temp_dir: Path) -> list[str]:
    """What the plugin left in ``temp_dir`` (ONNX Runtime keeps its own ``.ses`` file there)."""
    return sorted(path.name for path in temp_dir.iterdir() if path.name != ".ses")


def diarize(*argv: str | Path) -> list[str]:
    return [sys.executable, "-m", "diarize_plugin.cli", *map(str, argv)]


def test_terminated_run_removes_the_decoded_recording(recordings: Path, tmp_path: Path) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    output = tmp_path / "talk.rttm"
    result = terminate_when(diarize(recordings / "talk0.wav", "--out", output, "--threads", "1"), temp_dir, "diarize-*")
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert result.stderr == "diarize: terminated\n"
    assert leftovers(temp_dir) == []
    assert list(tmp_path.iterdir()) == [temp_dir]


def test_terminated_pool_leaves_no_worker_files(recordings: Path, tmp_path: Path) -> None:
    temp_dir = tmp_path / "tmp"
    temp_dir.mkdir()
    out_dir = tmp_path / "out"
    command = diarize(recordings, "--out-dir", out_dir, "--jobs", "2", "-q")
    result = terminate_when(command, temp_dir, "diarize-batch-*/diarize-*")
    assert result.returncode == 128 + signal.SIGTERM, result.stderr
    assert "diarize: terminated" in result.stderr and "Traceback" not in result.stderr
    assert leftovers(temp_dir) == []
    assert not any(out_dir.glob("*.rttm"))
