"""Options and inputs ``diarize`` refuses, in one line naming the mistake (exit 2)."""

from __future__ import annotations

import json
import math
import os
import subprocess
from pathlib import Path

import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, run_cli, speech_like
from diarize_plugin.cli import main
from diarize_plugin.errors import DiarizeError


def run_parsing(capsys, *argv: str | Path) -> tuple[int, str, str]:
    """As :func:`run`, for command lines argparse itself rejects (it exits)."""
    with pytest.raises(SystemExit) as exit_info:
        main([str(argument) for argument in argv])
    captured = capsys.readouterr()
    return exit_info.value.code, captured.out, captured.err


@pytest.fixture(scope="module")
def voice_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "voice.wav"
    soundfile.write(path, speech_like(4.0), SAMPLE_RATE)
    return path


# --- argparse ------------------------------------------------------------------------------------


@pytest.mark.parametrize("threads", ["0", "-3", "two"])
def test_threads_below_one_is_one_line_error(capsys, voice_wav: Path, threads: str) -> None:
    code, _, err = run_parsing(capsys, voice_wav, "--threads", threads)
    assert_one_line_error(code, err, "--threads")
    assert err.rstrip().endswith("(see diarize --help)")


def test_unknown_option_is_one_line_error(capsys, voice_wav: Path) -> None:
    code, _, err = run_parsing(capsys, voice_wav, "--speakers", "2")
    assert_one_line_error(code, err, "unrecognized arguments: --speakers 2")


def test_unknown_counting_method_is_one_line_error(capsys, voice_wav: Path) -> None:
    code, _, err = run_parsing(capsys, voice_wav, "--counting", "kmeans")
    assert_one_line_error(code, err, "--counting")


@pytest.mark.parametrize("argv", [("verify", "only-one.wav"), ("merge",), ("models",), ("models", "download", "ecapa")])
def test_sub_command_usage_errors_are_one_line(capsys, argv: tuple[str, ...]) -> None:
    code, _, err = run_parsing(capsys, *argv)
    assert code == 2 and err.startswith("diarize: error: ") and err.count("\n") == 1, err
    assert f"(see diarize {argv[0]}" in err


def test_threads_from_environment_must_be_a_number(capsys, voice_wav: Path, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("DIARIZE_THREADS", "abc")
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "o.rttm")
    assert_one_line_error(code, err, "DIARIZE_THREADS='abc'")
    assert list(tmp_path.iterdir()) == []


def test_threads_below_one_is_refused_by_the_api() -> None:
    from diarize_plugin import Diarizer

    with pytest.raises(DiarizeError, match="at least 1"):
        Diarizer(threads=0)


# --- combinations ----------------------------------------------------------------------------


def test_txt_output_without_transcript_says_it_needs_one(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "o.txt")
    assert_one_line_error(code, err, "add --transcript")


def test_vad_aggressiveness_with_neural_segmentation_is_refused(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--vad-aggressiveness", "1", "--out", tmp_path / "o.rttm")
    assert_one_line_error(code, err, "needs --segmentation webrtcvad")


def test_vad_options_with_neural_segmentation_are_refused_by_the_api() -> None:
    from diarize_plugin import Diarizer, VadOptions

    with pytest.raises(DiarizeError, match="webrtcvad"):
        Diarizer(segmentation="neural", vad=VadOptions(aggressiveness=1))


def test_models_list_json_says_autospeech_is_a_download(capsys, tmp_path: Path) -> None:
    code, out, _ = run_cli(capsys, "models", "list", "--json", "--model-dir", tmp_path)
    autospeech = {model["name"]: model for model in json.loads(out)}["autospeech"]
    assert code == 0 and autospeech["kind"] == "download" and autospeech["installed"] is False


# --- messages that name the real problem ---------------------------------------------------------


@pytest.mark.parametrize("command", ["diarize", "verify"])
def test_url_input_says_urls_are_not_supported(capsys, voice_wav: Path, command: str) -> None:
    url = "https://example.org/talk.wav"
    code, _, err = run_cli(capsys, url) if command == "diarize" else run_cli(capsys, "verify", url, voice_wav)
    assert_one_line_error(code, err, "https://example.org/talk.wav is a URL; URLs are not supported")


def test_video_without_audio_track_says_so(capsys, tmp_path: Path) -> None:
    imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")
    video = tmp_path / "silent.mp4"
    made = subprocess.run(
        [imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
         "-i", "testsrc=duration=1:size=64x64:rate=5", "-an", str(video)],
        capture_output=True, timeout=60,
    )
    if made.returncode != 0:
        pytest.skip("the bundled ffmpeg cannot encode video")
    code, _, err = run_cli(capsys, video, "--out", tmp_path / "o.rttm")
    assert_one_line_error(code, err, "has no audio track")


def test_unreadable_input_says_permission_denied(capsys, voice_wav: Path, tmp_path: Path, monkeypatch) -> None:
    # root reads everything: make the file look unreadable
    real_access = os.access
    monkeypatch.setattr(os, "access", lambda path, mode, **kw: False if Path(path) == voice_wav else real_access(path, mode, **kw))
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "o.rttm")
    assert_one_line_error(code, err, "permission denied")


def test_nan_segment_start_is_not_called_missing(capsys, tmp_path: Path) -> None:
    rttm = tmp_path / "t.rttm"
    rttm.write_text("SPEAKER t 1 0.000 2.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": math.nan, "end": 1.0, "text": "hi"}]}))
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", tmp_path / "o.srt")
    assert_one_line_error(code, err, "segments[0].start is nan, not a time")


def test_autospeech_hint_keeps_the_model_dir(capsys, voice_wav: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--embedder", "autospeech", "--model-dir", tmp_path / "models",
                       "--out", tmp_path / "o.rttm")
    assert_one_line_error(code, err, f"diarize models download autospeech --model-dir {tmp_path / 'models'}")


# --- issue 19, item 15: every command answers a bad argument in one line --------------------


@pytest.mark.parametrize("argv", [
    ["enroll", "--bogus"], ["enroll"], ["identify", "--top", "many", "x.wav"], ["identify"],
    ["speakers", "frobnicate"], ["speakers"], ["speakers", "rename", "only-one"],
])
def test_voice_commands_answer_a_bad_argument_in_one_line(capsys, argv: list[str]) -> None:
    code, out, err = run_parsing(capsys, *argv)
    assert code == 2 and out == ""
    assert err.startswith("diarize: error: ") and err.count("\n") == 1, err
    assert "usage:" not in err


def test_voices_before_the_recording_takes_the_default_database(capsys, campplus, voice_wav: Path, tmp_path: Path, monkeypatch) -> None:
    """``diarize --voices meeting.wav --out x.srt``: the recording is the input, not the database."""
    import numpy as np

    from diarize_plugin.voices import VoiceStore
    from diarize_plugin.voices.people import Voiceprint

    database = tmp_path / "voices.sqlite3"
    embedding = np.random.default_rng(3).standard_normal(192).astype(np.float32)
    with VoiceStore.open(database) as store:
        store.add_voiceprints("Zed", [Voiceprint(embedding, "campplus", campplus.model_sha256, 4.0, "z.wav", "c" * 64, "2026-01-01T00:00:00+00:00")])
    monkeypatch.setenv("DIARIZE_VOICE_DB", str(database))
    out = tmp_path / "x.srt"
    code, _, err = run_cli(capsys, "--voices", voice_wav, "--out", out, "-q")
    assert code == 0, err
    assert "SPEAKER_00" in out.read_text()


def embedder_helps() -> dict[str, str]:
    from diarize_plugin.cli import COMMANDS
    import importlib

    helps = {}
    for command, module in COMMANDS.items():
        parser = importlib.import_module(f"diarize_plugin.cli.{module}").build_parser()
        for action in parser._actions:
            if "--embedder" in action.option_strings:
                helps[command] = action.help
    return helps


def test_every_embedder_option_names_every_bundled_model() -> None:
    from diarize_plugin.embed.registry import EMBEDDER_NAMES

    helps = embedder_helps()
    assert set(helps) >= {"diarize", "verify", "enroll", "identify"}
    for command, text in helps.items():
        for name in EMBEDDER_NAMES:
            assert name in text, (command, text)


def test_every_speakers_action_argument_has_help() -> None:
    import argparse

    from diarize_plugin.cli.speakers_command import build_parser

    actions = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in actions.choices.items():
        for action in sub._actions:
            if not action.option_strings:
                assert action.help, f"speakers {name} {action.dest} has no help"


@pytest.mark.parametrize("audio", [[0.0] * 16000, 3.5, None])
def test_diarizer_refuses_what_is_not_audio_with_a_diarize_error(campplus, audio) -> None:
    from diarize_plugin.diarization.pipeline import Diarizer

    with pytest.raises(DiarizeError, match="file path|waveform"):
        Diarizer(embedder=campplus, segmentation="webrtcvad").run(audio)
