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
