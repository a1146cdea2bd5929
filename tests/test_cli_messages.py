"""The ``diarize`` command tells the user what went wrong, or what it had to work around, in
one line on stderr: refusals (exit 2) and warnings (exit 0)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, run_cli, speech_like


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
    code, out, err = run_cli(capsys, "verify", audio["silence"], audio["silence"])
    assert_one_line_error(code, err, "silence.wav holds 0.0 s of speech")
    assert out == ""


def test_verify_warns_on_little_speech(capsys, audio, tmp_path: Path) -> None:
    short = tmp_path / "short.wav"
    soundfile.write(short, np.concatenate([speech_like(2.0), np.zeros(2 * SAMPLE_RATE, np.float32)]), SAMPLE_RATE)
    code, out, err = run_cli(capsys, "verify", audio["voice"], short)
    assert code in (0, 1) and "verification:" in out
    assert err.startswith("diarize: warning: ") and "short.wav holds only 2." in err and err.count("\n") == 1


# --- diarize merge: mismatched inputs ---------------------------------------------------------


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "talk.json"
    path.write_text(json.dumps({"segments": [
        {"start": 0.5, "end": 3.5, "text": " Good morning, everyone, and welcome."},
        {"start": 5.5, "end": 5.7, "text": " Bye."},
    ]}))
    return path


def test_merge_warns_about_words_after_the_last_turn(capsys, tmp_path: Path, transcript: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text("SPEAKER talk 1 0.000 3.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "out.srt")
    assert code == 0
    assert err.startswith("diarize: warning: 1 words or segments start after the last speaker turn") and err.count("\n") == 1


def test_merge_warnings_are_silenced_by_quiet(capsys, tmp_path: Path, transcript: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text("SPEAKER talk 1 0.000 3.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "out.srt", "-q")
    assert code == 0 and err == ""


@pytest.mark.parametrize(
    "rttm_text, fragment",
    [
        ("SPEAKER other 1 100.000 5.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n", "its speaker turns span 100.0-105.0 s"),
        ("", "it has no speaker turns"),
        ("# nothing but a comment\n", "it has no speaker turns"),
    ],
    ids=["another recording", "empty", "comments only"],
)
def test_merge_of_rttm_sharing_no_time_is_an_error(capsys, tmp_path: Path, transcript: Path, rttm_text: str, fragment: str) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text(rttm_text) if rttm_text else rttm.write_text(" \n")
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "out.srt")
    assert_one_line_error(code, err, f"shares no time with {transcript} ({fragment}")
    assert not (tmp_path / "out.srt").exists()


def test_merge_of_garbage_rttm_names_the_line(capsys, tmp_path: Path, transcript: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text("# a header\nthis is not an RTTM file\n")
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "out.srt")
    assert_one_line_error(code, err, "line 2: 'this' is not an RTTM line type")


def test_diarize_warns_when_the_transcript_outlasts_the_audio(capsys, audio, tmp_path: Path, transcript: Path) -> None:
    code, _, err = run_cli(capsys, audio["voice"], "--transcript", transcript, "--out", tmp_path / "out.srt")
    assert code == 0
    assert "diarize: warning: 1 words or segments start after the last speaker turn" in err


# --- issue 19, item 7: inputs of another recording are refused, by one rule -----------------


def test_merge_of_a_transcript_mostly_past_the_turns_is_an_error(capsys, tmp_path: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text("SPEAKER talk 1 0.000 3.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"segments": [{"start": 1.0, "end": 2.0, "text": " Hi."},
                                              {"start": 5.0, "end": 60.0, "text": " A long talk."}]}))
    code, _, err = run_cli(capsys, "merge", rttm, other, "--out", tmp_path / "out.srt")
    assert_one_line_error(code, err, "of another recording")
    assert not (tmp_path / "out.srt").exists()


def test_report_of_an_rttm_longer_than_the_audio_is_an_error(capsys, audio, tmp_path: Path) -> None:
    rttm = tmp_path / "other.rttm"
    rttm.write_text("SPEAKER other 1 0.000 30.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
                    "SPEAKER other 1 30.000 30.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n")
    code, _, err = run_cli(capsys, "report", rttm, audio["voice"], "--out", tmp_path / "r.html")
    assert_one_line_error(code, err, "of another recording")
    assert not (tmp_path / "r.html").exists()


def test_diarize_with_the_transcript_of_a_longer_recording_is_an_error_before_the_models_load(
    capsys, audio, tmp_path: Path, monkeypatch
) -> None:
    import diarize_plugin.diarization.pipeline as pipeline

    def no_models(*args, **kwargs):
        raise AssertionError("the models loaded before the transcript was checked")

    monkeypatch.setattr(pipeline.Diarizer, "__init__", no_models)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"segments": [{"start": 0.5, "end": 3.0, "text": " Hi."},
                                              {"start": 3.0, "end": 60.0, "text": " A long talk."}]}))
    code, _, err = run_cli(capsys, audio["voice"], "--transcript", other, "--out", tmp_path / "out.srt")
    assert_one_line_error(code, err, "of another recording")
