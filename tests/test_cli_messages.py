"""The ``diarize`` command tells the user what went wrong, or what it had to work around, in
one line on stderr: refusals (exit 2) and warnings (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, speech_like
from diarize_plugin.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_line_error(code: int, stderr: str, fragment: str) -> None:
    assert code == 2, stderr
    assert stderr.startswith("diarize: error: ") and stderr.count("\n") == 1, stderr
    assert fragment in stderr, stderr


@pytest.fixture(scope="module")
def audio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """voice.wav (4 s of speech-like signal), silence.wav (4 s)."""
    folder = tmp_path_factory.mktemp("audio")
    paths = {"voice": folder / "voice.wav", "silence": folder / "silence.wav"}
    soundfile.write(paths["voice"], speech_like(4.0), SAMPLE_RATE)
    soundfile.write(paths["silence"], np.zeros(4 * SAMPLE_RATE, np.float32), SAMPLE_RATE)
    return paths


# --- diarize verify ---------------------------------------------------------------------------


def test_verify_silence_against_silence_is_refused(capsys, audio) -> None:
    code, out, err = run(capsys, "verify", audio["silence"], audio["silence"])
    assert_one_line_error(code, err, "silence.wav holds 0.0 s of speech")
    assert out == ""


def test_verify_warns_on_little_speech(capsys, audio, tmp_path: Path) -> None:
    short = tmp_path / "short.wav"
    soundfile.write(short, np.concatenate([speech_like(2.0), np.zeros(2 * SAMPLE_RATE, np.float32)]), SAMPLE_RATE)
    code, out, err = run(capsys, "verify", audio["voice"], short)
    assert code in (0, 1) and "verification:" in out
    assert err.startswith("diarize: warning: ") and "short.wav holds only 2." in err and err.count("\n") == 1
