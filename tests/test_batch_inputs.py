"""Batch mode without models: which files a run takes, what it refuses, when it skips."""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import pytest

from diarize_plugin import DiarizeError
from diarize_plugin.batch import BATCH_FORMATS, DiarizationSettings
from diarize_plugin.batch.inputs import expand_inputs
from diarize_plugin.batch.resume import finished_record, made_with, record_path, write_record
from diarize_plugin.batch.worker import threads_per_task
from diarize_plugin.cli import main


def touch(path: Path, payload: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)
    return path


def test_folders_give_their_audio_files_named_by_relative_path(tmp_path: Path) -> None:
    touch(tmp_path / "corpus" / "b.wav")
    touch(tmp_path / "corpus" / "day1" / "a.MP3")
    touch(tmp_path / "corpus" / "notes.txt")
    touch(tmp_path / "corpus" / ".hidden.wav")
    touch(tmp_path / "corpus" / ".cache" / "c.wav")
    names = [str(item.name) for item in expand_inputs([tmp_path / "corpus"])]
    assert names == ["b", "day1/a"]


def test_files_named_one_by_one_are_taken_whatever_their_extension(tmp_path: Path) -> None:
    given = touch(tmp_path / "recording.dat")
    (item,) = expand_inputs([given, given])
    assert item.path == given and item.output_name(".rttm") == PurePosixPath("recording.rttm")


def test_two_inputs_with_one_output_name_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="would both write"):
        expand_inputs([touch(tmp_path / "a" / "x.wav"), touch(tmp_path / "b" / "x.flac")])


def test_missing_input_and_empty_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="does not exist"):
        expand_inputs([tmp_path / "absent"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(DiarizeError, match="no recordings found"):
        expand_inputs([tmp_path / "empty"])


@pytest.mark.parametrize("output_format", BATCH_FORMATS)
def test_outputs_get_the_extension_their_format_is_read_by(output_format: str) -> None:
    from diarize_plugin.formats import FORMATS, format_for_path

    extension = DiarizationSettings.from_keywords(output_format=output_format).output_extension
    if FORMATS[output_format]:  # Audacity labels are .txt, which names no format by itself
        assert format_for_path(f"meeting{extension}") == output_format


def test_threads_are_shared_out_among_jobs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DIARIZE_THREADS", raising=False)
    monkeypatch.setattr("os.cpu_count", lambda: 16)
    assert threads_per_task(None, 4) == 4
    assert threads_per_task(None, 32) == 1
    assert threads_per_task(3, 4) == 3
    monkeypatch.setenv("DIARIZE_THREADS", "2")
    assert threads_per_task(None, 4) == 2


@pytest.fixture
def finished(tmp_path: Path) -> tuple[Path, Path, Path, dict]:
    """An input, its output and the output's record, as a run leaves them."""
    audio = touch(tmp_path / "meeting.wav", b"RIFF....")
    output = touch(tmp_path / "out" / "meeting.rttm", b"SPEAKER meeting 1 0.0 1.0 <NA> <NA> A <NA> <NA>\n")
    record = record_path(tmp_path / "out", PurePosixPath("meeting.rttm"))
    expected = made_with(DiarizationSettings())
    write_record(record, audio, output.read_text(), expected, {"duration_s": 1.0, "speakers": 1, "seconds": 0.1})
    return audio, output, record, expected


def test_finished_output_is_recognised(finished) -> None:
    audio, output, record, expected = finished
    assert finished_record(output, record, audio, expected)["result"]["speakers"] == 1


def test_other_options_redo_the_output(finished) -> None:
    audio, output, record, _ = finished
    assert finished_record(output, record, audio, made_with(DiarizationSettings.from_keywords(num_speakers=2))) is None


def test_pyannote_decoding_reaches_the_workers_and_redoes_the_output(finished) -> None:
    audio, output, record, _ = finished
    settings = DiarizationSettings.from_keywords(decoding="pyannote")
    assert finished_record(output, record, audio, made_with(settings)) is None
    assert settings.build_diarizer(threads=1).options.segmentation.decoding == "pyannote"
    # the probability decoding replaced the rules as the default: outputs made with the rules are redone
    assert DiarizationSettings().output_options()["decoding"] == "probability"


def test_other_model_files_redo_the_output(finished) -> None:
    audio, output, record, expected = finished
    other = json.loads(json.dumps(expected))
    other["models"]["campplus.onnx"] = "0" * 64
    assert finished_record(output, record, audio, other) is None


def test_edited_output_or_changed_input_redo_the_output(finished) -> None:
    audio, output, record, expected = finished
    output.write_text(output.read_text() + "\n")
    assert finished_record(output, record, audio, expected) is None
    write_record(record, audio, output.read_text(), expected, {})
    audio.write_bytes(b"RIFF.....")
    assert finished_record(output, record, audio, expected) is None


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str]:
    code = main([str(argument) for argument in argv])
    return code, capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ((), "need --out-dir"),
        (("--out-dir", "OUT", "--out", "x.rttm"), "--out names one output"),
        (("--out-dir", "OUT", "--transcript", "t.json"), "--transcript works on one recording"),
        (("--out-dir", "OUT", "--jobs", "2", "--scheduler", "tcp://127.0.0.1:8786"), "--jobs runs worker processes"),
        (("--out-dir", "OUT", "--jobs", "0"), "--jobs must be at least 1"),
        (("--out-dir", "OUT", "--format", "txt"), "not 'txt'"),
        (("--out-dir", "OUT", "--num-speakers", "2", "--max-speakers", "3"), "not both"),
        (("--out-dir", "OUT", "--embedder", "nosuchmodel"), "unknown embedder"),
    ],
)
def test_batch_option_errors_are_one_line_before_any_work(capsys, tmp_path: Path, extra, fragment) -> None:
    first, second = touch(tmp_path / "a.wav"), touch(tmp_path / "b.wav")
    argv = [str(tmp_path / value) if value == "OUT" else value for value in extra]
    code, err = run_cli(capsys, first, second, *argv)
    assert code == 2 and err.startswith("diarize: error: ") and err.count("\n") == 1, err
    assert fragment in err
    assert not (tmp_path / "OUT").exists()


def test_output_that_would_replace_an_input_is_refused(capsys, tmp_path: Path) -> None:
    notes = touch(tmp_path / "notes.json", b"{}")
    code, err = run_cli(capsys, notes, touch(tmp_path / "a.wav"), "--out-dir", tmp_path, "--format", "json")
    assert code == 2 and "which is an input" in err and err.count("\n") == 1, err
    assert notes.read_bytes() == b"{}"


def test_unreachable_scheduler_is_one_line_error(capsys, tmp_path: Path, monkeypatch) -> None:
    pytest.importorskip("distributed", reason="--scheduler needs the dask extra")
    monkeypatch.setattr("diarize_plugin.batch.dask_runner.CONNECT_TIMEOUT_S", 1)
    code, err = run_cli(capsys, touch(tmp_path / "a.wav"), "--out-dir", tmp_path / "out",
                        "--scheduler", "tcp://127.0.0.1:9", "-q")
    assert code == 2 and err.startswith("diarize: error: cannot reach the Dask scheduler") and err.count("\n") == 1, err


@pytest.mark.parametrize("address", ["localhost", "tcp://localhost", "tcp://HOST:port"])
def test_a_scheduler_address_without_a_port_is_refused_at_once_in_one_line(tmp_path: Path, address: str) -> None:
    import subprocess
    import sys
    import time

    touch(tmp_path / "corpus" / "a.wav")
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "diarize_plugin.cli", str(tmp_path / "corpus"), "--out-dir", str(tmp_path / "out"),
         "--scheduler", address, "-q"],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("diarize: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert "tcp://HOST:8786" in result.stderr
    assert time.monotonic() - started < 15


def test_the_float32_embedder_is_a_bundled_model_for_batch_records(finished) -> None:
    audio, output, record, _ = finished
    settings = DiarizationSettings.from_keywords(embedder="campplus-fp32")
    assert "campplus.onnx" in made_with(settings)["models"]  # bundled: refused as 'unknown embedder' before
    assert finished_record(output, record, audio, made_with(settings)) is None  # another embedder: redone
