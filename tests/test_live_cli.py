"""``diarize live``: a real process fed through a pipe, a followed file, interruption, errors."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import wave
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO_ROOT, SAMPLE_RATE, assert_one_line_error, run_cli, speech_like

ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "DIARIZE_THREADS": "1"}


def pcm16(waveform: np.ndarray) -> bytes:
    return (np.clip(waveform, -1, 1) * 32767).astype("<i2").tobytes()


def wav_bytes(waveform: np.ndarray, rate: int = SAMPLE_RATE) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as stream:
        stream.setnchannels(1)
        stream.setsampwidth(2)
        stream.setframerate(rate)
        stream.writeframes(pcm16(waveform))
    return buffer.getvalue()


def live(*argv: str | Path, **popen) -> subprocess.Popen:
    command = [sys.executable, "-m", "diarize_plugin.cli", "live", *map(str, argv)]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ENVIRONMENT, **popen)


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def rttm_turns(path: Path) -> list[list[str]]:
    lines = path.read_text().splitlines()
    assert all(line.startswith("SPEAKER ") and len(line.split()) == 10 for line in lines), lines
    return [line.split() for line in lines]


def test_raw_pcm_piped_in_gives_json_lines_and_the_rttm_on_exit(tmp_path: Path) -> None:
    out = tmp_path / "meeting.rttm"
    process = live("-", "--rate", "16000", "--out", out, stdin=subprocess.PIPE)
    stdout, stderr = process.communicate(pcm16(speech_like(6.0, seed=5)), timeout=120)
    assert process.returncode == 0, stderr.decode()
    events = json_lines(stdout.decode())
    turns = [event for event in events if event["type"] == "turn"]
    assert turns and all(turn["final"] for turn in turns)
    assert turns[-1]["open"] is False
    assert rttm_turns(out)
    assert {turn[7] for turn in rttm_turns(out)} <= {turn["speaker"] for turn in turns}


def test_a_wav_stream_at_another_rate_is_told_by_its_header(tmp_path: Path) -> None:
    from scipy.signal import resample_poly

    out = tmp_path / "meeting.json"
    process = live("-", "--out", out, "--provisional", stdin=subprocess.PIPE)
    waveform = resample_poly(speech_like(6.0, seed=6), 3, 1).astype(np.float32)  # 48 kHz
    stdout, stderr = process.communicate(wav_bytes(waveform, 48000), timeout=120)
    assert process.returncode == 0, stderr.decode()
    events = json_lines(stdout.decode())
    assert any(not event["final"] for event in events if event["type"] == "turn")
    ends = [event["end"] for event in events if event["type"] == "turn" and event["final"]]
    assert 4.0 < max(ends) <= 6.0 + 1e-3
    assert json.loads(out.read_text())


def test_follow_reads_a_file_another_process_keeps_appending_to(tmp_path: Path) -> None:
    recording = tmp_path / "recording.wav"
    payload = wav_bytes(speech_like(6.0, seed=7))
    recording.write_bytes(payload[:44])
    writer = subprocess.Popen([sys.executable, "-c", (
        "import sys, time\n"
        f"data = open({str(tmp_path / 'source.bin')!r}, 'rb').read()\n"
        f"with open({str(recording)!r}, 'ab') as out:\n"
        "    for first in range(0, len(data), 32000):\n"
        "        out.write(data[first:first + 32000]); out.flush(); time.sleep(0.3)\n"
    )]) if (tmp_path / "source.bin").write_bytes(payload[44:]) else None
    out = tmp_path / "recording.rttm"
    process = live("--follow", recording, "--quiet-s", "1.5", "--out", out, stdin=subprocess.DEVNULL)
    stdout, stderr = process.communicate(timeout=120)
    writer.wait(timeout=30)
    assert process.returncode == 0, stderr.decode()
    ends = [event["end"] for event in json_lines(stdout.decode()) if event["type"] == "turn"]
    assert ends and max(ends) > 4.0, "the audio appended after the start was not read"
    assert rttm_turns(out)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_stream_still_writes_valid_outputs(tmp_path: Path, stop: signal.Signals) -> None:
    out_rttm, out_srt = tmp_path / "meeting.rttm", tmp_path / "meeting.srt"
    process = live("-", "--out", out_rttm, "--out", out_srt, stdin=subprocess.PIPE)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(pcm16(speech_like(6.0, seed=8)))
    process.stdin.flush()
    first_line = process.stdout.readline()  # a turn has settled: the stream is being read
    assert json.loads(first_line)["type"] == "turn"
    process.send_signal(stop)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 0, stderr.decode()
    assert "writing what arrived" in stderr.decode()
    assert rttm_turns(out_rttm)
    assert out_srt.read_text().startswith("1\n")
    assert not list(tmp_path.glob(".*.part"))


def test_empty_input_is_a_one_line_error(tmp_path: Path) -> None:
    process = live("-", "--out", tmp_path / "x.rttm", stdin=subprocess.PIPE)
    _, stderr = process.communicate(b"", timeout=60)
    assert_one_line_error(process.returncode, stderr.decode(), "no audio arrived")
    assert not (tmp_path / "x.rttm").exists()


@pytest.mark.parametrize(("argv", "fragment"), [
    (["-", "--rate", "0"], "sample rate 0 Hz"),
    (["-", "--latency", "20"], "latency must be between 1 and 10 seconds"),
    (["-", "--out", "/nonexistent-folder/x.rttm"], "does not exist"),
    (["meeting.wav"], "reads '-' (standard input) or --follow FILE"),
    (["--follow", "/nonexistent/recording.wav"], "does not exist"),
])
def test_bad_options_are_one_line_errors(capsys, argv: list[str], fragment: str) -> None:
    code, _, stderr = run_cli(capsys, "live", *argv)
    assert_one_line_error(code, stderr, fragment)
