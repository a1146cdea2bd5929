"""Batch runs for real: a folder of six recordings, one of them corrupt, through a pool of two
worker processes and through a Dask ``LocalCluster`` of two worker processes, one of which is
killed mid-run; both resume without redoing finished work.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import LIBRISPEECH, SAMPLE_RATE, speech, speech_like
from diarize_plugin import Diarizer
from diarize_plugin.cli import main
from diarize_plugin.formats import read_rttm, render_annotation

#: the recordings that diarize; ``long`` lasts long enough to kill its worker while it works
GOOD = ("long", "rec0", "rec1", "rec2", "rec3")
LONG_S = 20.0


def voice(seconds: float, seed: int) -> np.ndarray:
    """LibriSpeech speech when ../shared is there, else a synthetic voice."""
    if any(LIBRISPEECH.glob("*.flac")):
        return speech(seconds, seed)
    return speech_like(seconds, seed, pitch_hz=110.0 + 40.0 * (seed % 3))


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Six recordings: four of 3 s and one of 20 s (two voices each), and a corrupt WAV."""
    folder = tmp_path_factory.mktemp("corpus")
    for index in range(4):
        turns = [voice(1.5, 2 * index), voice(1.5, 2 * index + 1)]
        soundfile.write(folder / f"rec{index}.wav", np.concatenate(turns), SAMPLE_RATE)
    turns = [voice(LONG_S / 4, seed) for seed in (20, 21, 20, 21)]
    soundfile.write(folder / "long.wav", np.concatenate(turns), SAMPLE_RATE)
    (folder / "corrupt.wav").write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(range(200)))
    return folder


def run_cli(*argv: str | Path) -> tuple[int, str]:
    """``(exit code, stderr)`` of ``diarize argv...`` run in this process."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = main([str(argument) for argument in argv])
    return code, stderr.getvalue()


def outputs(folder: Path) -> dict[str, str]:
    return {path.stem: path.read_text() for path in sorted(folder.glob("*.rttm"))}


def modification_times(folder: Path) -> dict[str, int]:
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.rttm")}


def statuses(folder: Path) -> dict[str, str]:
    summary = json.loads((folder / "summary.json").read_text())
    return {Path(entry["input"]).stem: entry["status"] for entry in summary["files"]}


def assert_only_the_corrupt_file_reported(stderr: str) -> None:
    lines = [line for line in stderr.splitlines() if line.startswith("diarize: ")]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("diarize: error: ") and "corrupt.wav: cannot decode" in lines[0], stderr
    assert "Traceback" not in stderr


# --- many files, one machine ----------------------------------------------------------------


@pytest.fixture(scope="module")
def local_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[int, str, Path]:
    """``diarize CORPUS --out-dir OUT --jobs 2 -q``: exit code, stderr, output folder."""
    out_dir = tmp_path_factory.mktemp("local") / "out"
    code, stderr = run_cli(corpus, "--out-dir", out_dir, "--jobs", "2", "-q")
    return code, stderr, out_dir


def test_pool_writes_one_output_per_good_recording(local_run) -> None:
    _, _, out_dir = local_run
    assert sorted(outputs(out_dir)) == sorted(GOOD)
    for name in GOOD:
        assert set(read_rttm(out_dir / f"{name}.rttm")) == {name}


def test_pool_reports_the_corrupt_file_in_one_line_and_exits_2(local_run) -> None:
    code, stderr, out_dir = local_run
    assert code == 2
    assert_only_the_corrupt_file_reported(stderr)
    assert statuses(out_dir) == {"corrupt": "failed", **{name: "done" for name in GOOD}}


def test_summary_gives_duration_speakers_and_time_per_file(local_run) -> None:
    _, _, out_dir = local_run
    entries = {Path(entry["input"]).stem: entry for entry in json.loads((out_dir / "summary.json").read_text())["files"]}
    assert entries["long"]["duration_s"] == pytest.approx(LONG_S)
    assert entries["rec0"]["duration_s"] == pytest.approx(3.0)
    for name in GOOD:
        assert entries[name]["speakers"] == len(read_rttm(out_dir / f"{name}.rttm")[name].labels())
        assert entries[name]["seconds"] > 0
    assert entries["corrupt"]["output"] is None and "cannot decode" in entries["corrupt"]["error"]


def test_pool_output_equals_single_file_output(corpus, local_run) -> None:
    _, _, out_dir = local_run
    annotation = Diarizer(threads=1).run(corpus / "rec0.wav")
    assert (out_dir / "rec0.rttm").read_text() == render_annotation(annotation, "rttm")


def test_rerun_skips_finished_recordings_and_retries_the_failed_one(corpus, local_run) -> None:
    _, _, out_dir = local_run
    before = modification_times(out_dir)
    code, stderr = run_cli(corpus, "--out-dir", out_dir, "--jobs", "2", "-q")
    assert code == 2
    assert_only_the_corrupt_file_reported(stderr)
    assert statuses(out_dir) == {"corrupt": "failed", **{name: "skipped" for name in GOOD}}
    assert modification_times(out_dir) == before


# --- many machines: a real Dask cluster -------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes (one thread each) and a client of its own."""
    distributed = pytest.importorskip("distributed", reason="the Dask tests need pip install -e '.[test]'")
    with distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, silence_logs=logging.CRITICAL
    ) as local_cluster, distributed.Client(local_cluster) as client:
        yield local_cluster, client


def kill_worker_running(client, name_fragment: str, command: subprocess.Popen, timeout_s: float = 120.0) -> str | None:
    """SIGKILL the worker process that executes a task whose key holds ``name_fragment``.

    Polls while ``command`` runs; returns the task's key, or ``None`` if it finished first.
    """
    deadline = time.monotonic() + timeout_s
    while command.poll() is None and time.monotonic() < deadline:
        executing = client.run(lambda dask_worker: [str(task.key) for task in dask_worker.state.executing])
        for address, keys in executing.items():
            matching = [key for key in keys if name_fragment in key]
            if matching:
                pid = client.run(os.getpid, workers=[address])[address]
                os.kill(pid, signal.SIGKILL)
                return matching[0]
        time.sleep(0.02)
    return None


@pytest.fixture(scope="module")
def cluster_run(corpus: Path, cluster, tmp_path_factory: pytest.TempPathFactory):
    """``diarize CORPUS --out-dir OUT --scheduler ADDRESS -q`` in a subprocess, killing the worker
    that diarizes ``long.wav``: exit code, stderr, output folder, key of the killed task."""
    local_cluster, client = cluster
    out_dir = tmp_path_factory.mktemp("cluster") / "out"
    command = subprocess.Popen(
        [sys.executable, "-m", "diarize_plugin.cli", str(corpus), "--out-dir", str(out_dir),
         "--scheduler", local_cluster.scheduler_address, "-q"],
        stderr=subprocess.PIPE, text=True,
    )
    killed = kill_worker_running(client, "long", command)
    _, stderr = command.communicate(timeout=180)
    return command.returncode, stderr, out_dir, killed


def test_cluster_loses_a_worker_and_still_writes_every_output_correctly(cluster_run, local_run) -> None:
    _, _, out_dir, killed = cluster_run
    assert killed is not None, "long.wav finished before its worker could be killed"
    assert outputs(out_dir) == outputs(local_run[2])


def test_cluster_reports_the_corrupt_file_in_one_line_and_exits_2(cluster_run) -> None:
    code, stderr, out_dir, _ = cluster_run
    assert code == 2
    assert_only_the_corrupt_file_reported(stderr)
    assert statuses(out_dir) == {"corrupt": "failed", **{name: "done" for name in GOOD}}


def test_cluster_rerun_skips_finished_recordings(corpus, cluster, cluster_run) -> None:
    local_cluster, _ = cluster
    _, _, out_dir, _ = cluster_run
    before = modification_times(out_dir)
    code, stderr = run_cli(corpus, "--out-dir", out_dir, "--scheduler", local_cluster.scheduler_address, "-q")
    assert code == 2
    assert_only_the_corrupt_file_reported(stderr)
    assert statuses(out_dir) == {"corrupt": "failed", **{name: "skipped" for name in GOOD}}
    assert modification_times(out_dir) == before
