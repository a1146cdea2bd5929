"""Where ``diarize`` writes: regular files whole (renamed into place) with the umask's
permissions, devices, pipes and links straight through, never over an input, and nothing at all
unless every output could be made."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, run_cli, speech_like


@pytest.fixture(scope="module")
def voice_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "voice.wav"
    soundfile.write(path, speech_like(4.0), SAMPLE_RATE)
    return path


@pytest.fixture
def umask_022():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


# --- special files, links, permissions ------------------------------------------------------


def test_dev_null_stays_a_character_device(capsys, voice_wav: Path) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--out", "/dev/null", "--format", "rttm", "-q")
    assert code == 0, err
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_character_device_node_stays_a_device(capsys, voice_wav: Path, tmp_path: Path) -> None:
    # a private null device: the check can fail without harming the machine's /dev/null
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))
    except (PermissionError, OSError) as error:
        pytest.skip(f"cannot create a device node here ({error.strerror})")
    code, _, err = run_cli(capsys, voice_wav, "--out", device, "--format", "rttm", "-q")
    assert code == 0, err
    assert stat.S_ISCHR(os.stat(device).st_mode)


def test_dev_stdout_writes_to_standard_output(capsys, voice_wav: Path) -> None:
    code, out, err = run_cli(capsys, voice_wav, "--out", "/dev/stdout", "--format", "rttm", "-q")
    assert code == 0, err
    assert out.startswith("SPEAKER voice 1 ")


def test_fifo_is_written_through_not_replaced(capsys, voice_wav: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "turns.rttm"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code, _, err = run_cli(capsys, voice_wav, "--out", fifo, "-q")
    reader.join(timeout=30)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received and received[0].startswith(b"SPEAKER voice 1 ")


def test_symlink_is_followed_and_kept(capsys, voice_wav: Path, tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    real = tmp_path / "real" / "turns.rttm"
    real.write_text("old\n")
    link = tmp_path / "link.rttm"
    link.symlink_to(real)
    code, _, err = run_cli(capsys, voice_wav, "--out", link, "-q")
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text().startswith("SPEAKER voice 1 ")
    assert sorted(p.name for p in real.parent.iterdir()) == ["turns.rttm"]


def test_new_outputs_honour_the_umask(capsys, voice_wav: Path, tmp_path: Path, umask_022) -> None:
    code, _, err = run_cli(capsys, voice_wav, "--out", tmp_path / "turns.json", "--rttm", tmp_path / "turns.rttm", "-q")
    assert code == 0, err
    assert stat.S_IMODE(os.stat(tmp_path / "turns.json").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "turns.rttm").st_mode) == 0o644


def test_replaced_output_keeps_its_permissions(tmp_path: Path, umask_022) -> None:
    from diarize_plugin.util.atomic import atomic_write_text

    target = tmp_path / "shared.srt"
    target.write_text("old\n")
    target.chmod(0o664)
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n" and stat.S_IMODE(os.stat(target).st_mode) == 0o664


def test_private_mode_can_be_asked_for(tmp_path: Path, umask_022) -> None:
    from diarize_plugin.util.atomic import atomic_write_text

    atomic_write_text(tmp_path / "voices.db", "x", mode=0o600)
    assert stat.S_IMODE(os.stat(tmp_path / "voices.db").st_mode) == 0o600


# --- outputs against inputs ------------------------------------------------------------------


def test_output_that_is_the_input_is_refused(capsys, tmp_path: Path) -> None:
    audio = tmp_path / "v.wav"
    soundfile.write(audio, speech_like(2.0), SAMPLE_RATE)
    before = audio.read_bytes()
    code, _, err = run_cli(capsys, audio, "--out", audio, "--format", "rttm")
    assert_one_line_error(code, err, "is the same file as the input")
    assert audio.read_bytes() == before


def test_output_that_is_the_input_through_a_link_is_refused(capsys, voice_wav: Path, tmp_path: Path) -> None:
    link = tmp_path / "alias.rttm"
    link.symlink_to(voice_wav)
    code, _, err = run_cli(capsys, voice_wav, "--out", link)
    assert_one_line_error(code, err, "is the same file as the input")


def test_rttm_that_is_the_transcript_is_refused(capsys, voice_wav: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hi"}]}))
    code, _, err = run_cli(capsys, voice_wav, "--transcript", transcript, "--out", tmp_path / "o.srt", "--rttm", transcript)
    assert_one_line_error(code, err, "is the same file as the input")


def test_two_outputs_to_stdout_are_refused(capsys, voice_wav: Path, tmp_path: Path) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hi"}]}))
    code, out, err = run_cli(capsys, voice_wav, "--transcript", transcript, "--format", "srt", "--out", "-", "--rttm", "-")
    assert_one_line_error(code, err, "--out and --rttm both write to stdout")
    assert out == ""


def test_merge_output_that_is_the_transcript_is_refused(capsys, tmp_path: Path) -> None:
    rttm = tmp_path / "t.rttm"
    rttm.write_text("SPEAKER t 1 0.000 2.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n")
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hi"}]}))
    code, _, err = run_cli(capsys, "merge", rttm, transcript, "--out", transcript)
    assert_one_line_error(code, err, "is the same file as the input")


# --- all or nothing --------------------------------------------------------------------------


def test_transcript_with_rttm_format_fails_before_the_work_and_writes_nothing(capsys, tmp_path: Path, monkeypatch) -> None:
    audio = tmp_path / "v.wav"
    soundfile.write(audio, speech_like(2.0), SAMPLE_RATE)
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.0, "end": 1.0, "text": "hi"}]}))
    import diarize_plugin.audio.decode

    monkeypatch.setattr(diarize_plugin.audio.decode, "load_audio", lambda *a, **k: pytest.fail("audio decoded"))
    code, _, err = run_cli(capsys, audio, "--transcript", transcript, "--format", "rttm", "--rttm", tmp_path / "r.rttm")
    assert_one_line_error(code, err, "--format srt, vtt, json, txt")
    assert not (tmp_path / "r.rttm").exists()


def test_unreadable_transcript_fails_before_the_audio_is_decoded(capsys, tmp_path: Path, monkeypatch) -> None:
    audio = tmp_path / "v.wav"
    soundfile.write(audio, speech_like(2.0), SAMPLE_RATE)
    (tmp_path / "t.srt").write_text("1\n00:00:01,000 -> 00:00:02,000\nhello\n")
    import diarize_plugin.audio.decode

    monkeypatch.setattr(diarize_plugin.audio.decode, "load_audio", lambda *a, **k: pytest.fail("audio decoded"))
    code, _, err = run_cli(capsys, audio, "--transcript", tmp_path / "t.srt", "--out", tmp_path / "o.srt")
    assert_one_line_error(code, err, "line 2")


def test_a_failing_output_leaves_no_other_output(capsys, voice_wav: Path, tmp_path: Path, monkeypatch) -> None:
    transcript = tmp_path / "t.json"
    transcript.write_text(json.dumps({"segments": [{"start": 0.5, "end": 3.0, "text": "hello"}]}))
    import diarize_plugin.transcript

    def broken_writer(transcript, fmt):
        raise diarize_plugin.errors.DiarizeError("the transcript writer failed")

    monkeypatch.setattr(diarize_plugin.transcript, "write_transcript", broken_writer)
    code, _, err = run_cli(capsys, voice_wav, "--transcript", transcript, "--out", tmp_path / "o.srt",
                       "--rttm", tmp_path / "r.rttm", "-q")
    assert_one_line_error(code, err, "the transcript writer failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json"]
