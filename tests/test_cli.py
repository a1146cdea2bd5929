"""The ``diarize`` command: outputs, exit codes, and one-line errors that leave no output behind.

Most tests call :func:`diarize_plugin.cli.main` in-process (fast); a few run the installed
console script in a subprocess, as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, librispeech_files, run_cli, speech_like
from diarize_plugin import __version__
from diarize_plugin.cli import main
from diarize_plugin.formats import read_rttm


@pytest.fixture(scope="module")
def voice_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four seconds of speech-like signal between silences (no shared data needed)."""
    waveform = np.zeros(6 * SAMPLE_RATE, dtype=np.float32)
    waveform[SAMPLE_RATE : 5 * SAMPLE_RATE] = speech_like(4.0)
    path = tmp_path_factory.mktemp("audio") / "voice.wav"
    soundfile.write(path, waveform, SAMPLE_RATE)
    return path


@pytest.fixture(scope="module")
def silence_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "silence.wav"
    soundfile.write(path, np.zeros(2 * SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    return path


def assert_nothing_written(folder: Path, *kept: str) -> None:
    assert sorted(p.name for p in folder.iterdir()) == sorted(kept)


# --- errors ---------------------------------------------------------------------------------


def test_missing_input_is_one_line_error(capsys, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, tmp_path / "absent.wav", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "does not exist")
    assert_nothing_written(tmp_path)


def test_empty_input_is_one_line_error(capsys, tmp_path: Path) -> None:
    (tmp_path / "empty.wav").touch()
    code, _, err = run_cli(capsys, tmp_path / "empty.wav", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "empty")
    assert_nothing_written(tmp_path, "empty.wav")


def test_non_audio_input_is_one_line_error(capsys, tmp_path: Path) -> None:
    (tmp_path / "notes.mp3").write_text("minutes of the meeting\n" * 50)
    code, _, err = run_cli(capsys, tmp_path / "notes.mp3", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "cannot decode")
    assert_nothing_written(tmp_path, "notes.mp3")


def test_missing_output_folder_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "absent" / "out.rttm")
    assert_one_line_error(code, err, "does not exist; create it first")
    assert_nothing_written(tmp_path)


def test_unwritable_output_folder_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path, monkeypatch) -> None:
    # the suite may run as root, who can write anywhere: make the folder look read-only
    locked = tmp_path / "locked"
    locked.mkdir()
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == locked else real_access(path, mode, **kw))
    code, _, err = run_cli(capsys, voice_wav, "--out", locked / "out.rttm")
    assert_one_line_error(code, err, "is not writable")
    assert_nothing_written(locked)


def test_output_that_is_a_folder_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    (tmp_path / "out.rttm").mkdir()
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "it is a folder")
    assert_nothing_written(tmp_path / "out.rttm")


def test_zero_speakers_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--num-speakers", "0", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "at least 1")
    assert_nothing_written(tmp_path)


def test_num_speakers_with_min_speakers_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--num-speakers", "2", "--min-speakers", "1", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "not both")
    assert_nothing_written(tmp_path)


def test_overlap_threshold_with_webrtcvad_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(
        capsys, voice_wav, "--segmentation", "webrtcvad", "--overlap-threshold", "1.1", "--out", tmp_path / "out.rttm"
    )
    assert_one_line_error(code, err, "needs neural segmentation")
    assert_nothing_written(tmp_path)


def test_unknown_embedder_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--embedder", "ecapa9000", "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "unknown embedder 'ecapa9000'")
    assert_nothing_written(tmp_path)


def test_autospeech_not_installed_says_how_to_install(capsys, voice_wav: Path, tmp_path: Path) -> None:
    empty = tmp_path / "models"
    empty.mkdir()
    code, _, err = run_cli(capsys, voice_wav, "--embedder", "autospeech", "--model-dir", empty, "--out", tmp_path / "out.rttm")
    assert_one_line_error(code, err, "diarize models download autospeech")
    assert_nothing_written(tmp_path, "models")


def test_unknown_output_extension_is_one_line_error(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "out.xyz")
    assert_one_line_error(code, err, "--format")
    assert_nothing_written(tmp_path)


def test_bad_option_value_exits_2_with_usage(capsys, voice_wav: Path) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main([str(voice_wav), "--num-speakers", "two"])
    assert exit_info.value.code == 2
    assert "invalid int value" in capsys.readouterr().err


# --- outputs --------------------------------------------------------------------------------


def test_silence_only_input_writes_valid_empty_rttm(capsys, silence_wav: Path, tmp_path: Path) -> None:
    output = tmp_path / "silence.rttm"
    code, _, err = run_cli(capsys, silence_wav, "--out", output)
    assert code == 0 and err == ""
    assert output.read_text() == ""
    assert read_rttm(output) == {}


def test_rttm_goes_to_stdout_by_default_with_file_stem_as_id(capsys, voice_wav: Path) -> None:
    code, out, _ = run_cli(capsys, voice_wav, "-q")
    lines = out.splitlines()
    assert code == 0 and lines
    assert all(line.split()[:3] == ["SPEAKER", "voice", "1"] and len(line.split()) == 10 for line in lines)


def test_dash_out_writes_rttm_to_stdout(capsys, voice_wav: Path) -> None:
    code, out, _ = run_cli(capsys, voice_wav, "--out", "-", "-q")
    assert code == 0 and out.startswith("SPEAKER voice 1 ")


def test_json_format_on_stdout(capsys, voice_wav: Path) -> None:
    code, out, _ = run_cli(capsys, voice_wav, "--format", "json", "--num-speakers", "1", "-q")
    document = json.loads(out)
    assert code == 0
    assert document["uri"] == "voice" and document["speakers"] == ["SPEAKER_00"]
    assert document["segments"] and set(document["segments"][0]) == {"start", "end", "speaker", "confidence"}


def test_output_format_follows_extension(capsys, voice_wav: Path, tmp_path: Path) -> None:
    output = tmp_path / "voice.srt"
    code, out, _ = run_cli(capsys, voice_wav, "--out", output, "-q")
    assert code == 0 and out == ""
    assert output.read_text().startswith("1\n00:00:0")
    assert_nothing_written(tmp_path, "voice.srt")


def test_version_is_printed(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["--version"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.strip() == f"diarize {__version__}"


def test_transcript_with_audio_writes_labelled_subtitles(capsys, voice_wav: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "voice.json"
    transcript.write_text(json.dumps({"segments": [{"start": 1.2, "end": 4.5, "text": " Hello there, everyone."}]}))
    output = tmp_path / "voice.srt"
    code, _, _ = run_cli(capsys, voice_wav, "--transcript", transcript, "--out", output, "--rttm", tmp_path / "voice.rttm", "-q")
    assert code == 0
    assert "SPEAKER_00: Hello there, everyone." in output.read_text()
    assert list(read_rttm(tmp_path / "voice.rttm")) == ["voice"]


# --- diarize merge / models / verify -----------------------------------------------------------


def test_merge_labels_a_transcript_from_rttm(capsys, tmp_path: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text(
        "SPEAKER talk 1 0.000 2.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
        "SPEAKER talk 1 2.000 2.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n"
    )
    transcript = tmp_path / "talk.json"
    transcript.write_text(json.dumps({"segments": [
        {"start": 0.1, "end": 1.8, "text": " Did you bring the slides?"},
        {"start": 2.2, "end": 3.9, "text": " Yes, all of them."},
    ]}))
    output = tmp_path / "x.srt"
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", output)
    assert code == 0, err
    text = output.read_text()
    assert "SPEAKER_00: Did you bring the slides?" in text and "SPEAKER_01: Yes, all of them." in text


def test_merge_of_multi_file_rttm_asks_for_file_id(capsys, tmp_path: Path) -> None:
    rttm = tmp_path / "two.rttm"
    rttm.write_text(
        "SPEAKER a 1 0.0 1.0 <NA> <NA> SPEAKER_00 <NA> <NA>\nSPEAKER b 1 0.0 1.0 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
    )
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hi"}]}))
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "x.srt")
    assert_one_line_error(code, err, "--file-id")
    assert_nothing_written(tmp_path, "two.rttm", "t.json")


def test_models_list_shows_bundled_campplus(capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "models", "list", "--model-dir", tmp_path)
    assert code == 0
    assert any(line.startswith("campplus") and "bundled" in line for line in out.splitlines())
    assert "diarize models download autospeech" in out


def test_models_list_as_json(capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "models", "list", "--json", "--model-dir", tmp_path)
    names = {model["name"]: model for model in json.loads(out)}
    assert code == 0 and names["campplus"]["installed"] and not names["autospeech"]["installed"]


@pytest.fixture(scope="module")
def librispeech_halves(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """First and second half of one LibriSpeech speaker, and a second speaker (WAV files)."""
    files = librispeech_files()
    folder = tmp_path_factory.mktemp("voices")
    first = soundfile.read(files[0], dtype="float32")[0][: 12 * SAMPLE_RATE]
    other = soundfile.read(files[1], dtype="float32")[0][: 6 * SAMPLE_RATE]
    paths = (folder / "a1.wav", folder / "a2.wav", folder / "b.wav")
    for path, samples in zip(paths, (first[: len(first) // 2], first[len(first) // 2 :], other)):
        soundfile.write(path, samples, SAMPLE_RATE)
    return paths


def test_verify_same_speaker_exits_0(capsys, librispeech_halves) -> None:
    first_half, second_half, _ = librispeech_halves
    code, out, _ = run_cli(capsys, "verify", first_half, second_half)
    assert code == 0 and "verification: match" in out


def test_verify_different_speakers_exits_1(capsys, librispeech_halves) -> None:
    first_half, _, other = librispeech_halves
    code, out, _ = run_cli(capsys, "verify", first_half, other, "--json")
    assert code == 1 and json.loads(out)["match"] is False


def test_verify_missing_file_exits_2(capsys, tmp_path: Path, voice_wav: Path) -> None:
    code, _, err = run_cli(capsys, "verify", voice_wav, tmp_path / "absent.wav")
    assert_one_line_error(code, err, "does not exist")


# --- the installed console script ----------------------------------------------------------


def console_script() -> list[str]:
    installed = shutil.which("diarize")
    return [installed] if installed else [sys.executable, "-m", "diarize_plugin.cli"]


def test_console_script_reports_missing_input_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*console_script(), str(tmp_path / "absent.wav"), "--out", str(tmp_path / "out.rttm")],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_written(tmp_path)


def test_console_script_diarizes_to_a_file(voice_wav: Path, tmp_path: Path) -> None:
    output = tmp_path / "voice.rttm"
    result = subprocess.run(
        [*console_script(), str(voice_wav), "--out", str(output), "--threads", "1"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr == "" and result.stdout == ""
    assert list(read_rttm(output)) == ["voice"]


def test_console_script_reads_m4a_without_warnings(voice_wav: Path, tmp_path: Path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    m4a = tmp_path / "voice.m4a"
    encoded = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-i", str(voice_wav), "-c:a", "aac", str(m4a)],
        capture_output=True, timeout=60,
    )
    if encoded.returncode != 0:
        pytest.skip("the bundled ffmpeg cannot encode AAC")
    result = subprocess.run(
        [*console_script(), str(m4a), "--threads", "1"], capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("SPEAKER voice 1 ")
