"""Pipes, standard input, devices and file names: the command behaves as a Unix tool.

A reader that stops early (``| head -1``) ends the command quietly; ``-`` and pipes are read
as audio; devices get RTTM unless ``--format`` says otherwise; an output name the file system
cannot hold is refused before any work.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, run_cli, speech_like

#: exit status of a command whose reader closed the pipe (128 + SIGPIPE, as a shell reports it)
EXIT_CLOSED_PIPE = 141


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """voice.wav (1 s silence, 4 s speech-like), its RTTM, a Whisper JSON transcript, a voice database."""
    from diarize_plugin.voices import VoiceStore
    from diarize_plugin.voices.people import Voiceprint

    folder = tmp_path_factory.mktemp("streams")
    paths = {name: folder / name for name in ("voice.wav", "voice.rttm", "voice.json", "voices.sqlite3")}
    soundfile.write(paths["voice.wav"], np.concatenate([np.zeros(SAMPLE_RATE, np.float32), speech_like(4.0)]), SAMPLE_RATE)
    paths["voice.rttm"].write_text("SPEAKER voice 1 1.000 4.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    paths["voice.json"].write_text(json.dumps({"segments": [{"start": 1.2, "end": 4.5, "text": " Hello there."}]}))
    embedding = np.random.default_rng(1).standard_normal(192).astype(np.float32)
    with VoiceStore.open(paths["voices.sqlite3"]) as store:
        store.add_voiceprints("Alice", [Voiceprint(embedding, "campplus", "a" * 64, 4.0, "a.wav", "b" * 64, "2026-01-01T00:00:00+00:00")])
    return paths


def diarize(*argv: str | Path, stdin=None, close_stdout: bool = False, piped: bytes | None = None) -> tuple[int, str, str]:
    """``(exit code, stdout, stderr)`` of ``diarize argv...`` in a fresh process; with
    ``close_stdout`` the reader closes the pipe at once, as ``| head -0`` would; ``piped``:
    bytes written to its standard input through a pipe."""
    command = [sys.executable, "-m", "diarize_plugin.cli", *map(str, argv)]
    if piped is not None:
        stdin = subprocess.PIPE
    process = subprocess.Popen(command, stdin=stdin if stdin is not None else subprocess.DEVNULL,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if piped is not None:
        out, err = process.communicate(piped, timeout=300)
        return process.returncode, out.decode(), err.decode()
    if close_stdout:
        process.stdout.close()
        stderr = process.stderr.read()
        process.wait(timeout=300)
        return process.returncode, "", stderr.decode()
    out, err = process.communicate(timeout=300)
    return process.returncode, out.decode(), err.decode()


# --- item 8: a closed pipe --------------------------------------------------------------------


@pytest.mark.parametrize("command", ["diarize", "merge", "models list", "speakers list"])
def test_a_reader_closing_the_pipe_ends_the_command_quietly(files, command: str) -> None:
    argv = {
        "diarize": [files["voice.wav"]],
        "merge": ["merge", files["voice.rttm"], files["voice.json"]],
        "models list": ["models", "list"],
        "speakers list": ["speakers", "list", "--db", files["voices.sqlite3"]],
    }[command]
    code, _, stderr = diarize(*argv, close_stdout=True)
    assert stderr == ""
    assert code == EXIT_CLOSED_PIPE


# --- item 9: standard input and pipes ---------------------------------------------------------


def test_standard_input_is_read_as_audio(files) -> None:
    code, out, err = diarize("-", "-q", piped=files["voice.wav"].read_bytes())
    assert code == 0, err
    expected = run_in_process_rttm(files["voice.wav"])
    assert out == expected.replace("SPEAKER voice ", "SPEAKER stdin ")


def test_a_pipe_named_as_the_input_is_read_as_audio(files) -> None:
    code, out, err = diarize("/dev/stdin", "-q", piped=files["voice.wav"].read_bytes())
    assert code == 0, err
    assert out.startswith("SPEAKER stdin 1 ")


def test_empty_standard_input_is_a_one_line_error(files) -> None:
    code, _, err = diarize("-", stdin=subprocess.DEVNULL)
    assert_one_line_error(code, err, "standard input")


def run_in_process_rttm(path: Path) -> str:
    result = subprocess.run([sys.executable, "-m", "diarize_plugin.cli", str(path), "-q"], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


# --- item 10: devices as outputs --------------------------------------------------------------


@pytest.mark.parametrize("device", ["/dev/null", "/dev/stdout"])
def test_a_device_output_defaults_to_rttm(capsys, files, device: str) -> None:
    code, out, err = run_cli(capsys, files["voice.wav"], "--out", device, "-q")
    assert code == 0, err
    if device == "/dev/stdout":
        assert out.startswith("SPEAKER voice 1 ")


def test_a_device_output_of_a_merge_takes_the_transcript_format(capsys, files) -> None:
    code, out, err = run_cli(capsys, "merge", files["voice.rttm"], files["voice.json"], "--out", "/dev/stdout")
    assert code == 0, err
    assert json.loads(out)["segments"][0]["speaker"] == "SPEAKER_00"


def test_speakers_export_to_dash_writes_standard_output(capsys, files, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, "speakers", "export", "-", "--db", files["voices.sqlite3"])
    assert code == 0, err
    assert [person["name"] for person in json.loads(out)["people"]] == ["Alice"]
    assert not (tmp_path / "-").exists()
    assert "exported 1 people" in err


# --- item 13: output names the file system cannot hold ----------------------------------------


def test_a_long_output_name_that_fits_the_file_system_is_written(capsys, files, tmp_path: Path) -> None:
    out = tmp_path / ("x" * 245 + ".rttm")
    code, _, err = run_cli(capsys, files["voice.wav"], "--out", out, "-q")
    assert code == 0, err
    assert out.read_text().startswith("SPEAKER voice 1 ")
    assert [path.name for path in tmp_path.iterdir()] == [out.name]


def test_an_output_name_too_long_for_the_file_system_is_refused_before_any_work(capsys, files, tmp_path: Path, monkeypatch) -> None:
    import diarize_plugin.audio.source as audio_source

    def no_decoding(*args, **kwargs):
        raise AssertionError("decoded before the output name was checked")

    monkeypatch.setattr(audio_source, "decode_audio", no_decoding)
    code, _, err = run_cli(capsys, files["voice.wav"], "--out", tmp_path / ("x" * 300 + ".rttm"))
    assert_one_line_error(code, err, "too long")
