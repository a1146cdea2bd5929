"""A speaker count the recording cannot hold is refused in one line, never quietly missed.

Every speaker needs at least one embedding window of its own: a recording too short for the
count asked is refused before the models load, and one whose speech holds too few windows is
refused once its speech is known (the README promises the count is honoured exactly).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, assert_one_line_error, run_cli, speech
from diarize_plugin.errors import DiarizeError


@pytest.fixture(scope="module")
def twelve_seconds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """12 s: two voices taking turns, 6 s each."""
    path = tmp_path_factory.mktemp("count") / "talk.wav"
    soundfile.write(path, np.concatenate([speech(6.0, 0), speech(6.0, 1)]), SAMPLE_RATE)
    return path


def test_most_windows_bounds_every_way_of_cutting_the_speech() -> None:
    from pyannote.core import Segment, Timeline

    from diarize_plugin.embed.windows import most_windows, sliding_windows

    rng = np.random.default_rng(0)
    for _ in range(200):
        cuts = np.sort(rng.uniform(0.0, 12.0, rng.integers(1, 40)))
        regions = [Segment(a + 0.01, b) for a, b in zip(cuts[:-1], cuts[1:]) if b - a > 0.02]
        windows = sliding_windows(Timeline(regions), window_s=1.5, hop_s=1.0)
        assert len(windows) <= most_windows(12.0, window_s=1.5, hop_s=1.0)


@pytest.mark.parametrize("option", ["--num-speakers", "--min-speakers"])
def test_more_speakers_than_the_recording_can_hold_is_refused_before_the_models_load(
    capsys, twelve_seconds: Path, monkeypatch, option: str
) -> None:
    import diarize_plugin.diarization.pipeline as pipeline

    def no_models(*args, **kwargs):
        raise AssertionError("the models loaded before the speaker count was checked")

    monkeypatch.setattr(pipeline.Diarizer, "__init__", no_models)
    code, _, err = run_cli(capsys, twelve_seconds, option, "1000")
    assert_one_line_error(code, err, "1000 speakers")


@pytest.mark.parametrize("option, count", [("--num-speakers", "25"), ("--min-speakers", "20")])
def test_more_speakers_than_the_speech_windows_is_refused_in_one_line(capsys, twelve_seconds: Path, option: str, count: str) -> None:
    code, out, err = run_cli(capsys, twelve_seconds, option, count)
    assert_one_line_error(code, err, "windows")
    assert out == ""


def test_the_python_api_refuses_the_same(campplus, twelve_seconds: Path) -> None:
    from diarize_plugin.diarization.pipeline import Diarizer

    diarizer = Diarizer(embedder=campplus, threads=1)
    with pytest.raises(DiarizeError, match="1000 speakers"):
        diarizer.run(twelve_seconds, num_speakers=1000)
    with pytest.raises(DiarizeError, match="windows"):
        diarizer.run(twelve_seconds, min_speakers=25)


def test_a_count_the_windows_can_hold_is_honoured_exactly(capsys, twelve_seconds: Path, tmp_path: Path) -> None:
    out = tmp_path / "talk.rttm"
    code, _, err = run_cli(capsys, twelve_seconds, "--num-speakers", "5", "--out", out, "-q")
    assert code == 0, err
    assert len({line.split()[7] for line in out.read_text().splitlines()}) == 5


# --- issue 19, item 17: -v says what was decided and how long each stage took ---------------


def test_verbose_reports_thresholds_counting_band_and_stage_times(capsys, twelve_seconds: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, twelve_seconds, "--out", tmp_path / "talk.rttm", "-v")
    assert code == 0, err
    assert "clustering cut 0.650" in err  # CAM++'s calibrated wideband distance
    assert "speaker merge from similarity 0.486" in err
    assert "counting auto" in err
    assert "speech from 0.3, overlap from 0.5" in err
    times = next(line for line in err.splitlines() if "times:" in line)
    for stage_name in ("decoding", "models", "segmentation", "embedding", "counting", "total"):
        assert f"{stage_name} " in times, times


def test_verbose_report_names_a_given_threshold(capsys, twelve_seconds: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, twelve_seconds, "--out", tmp_path / "talk.rttm", "-v", "--threshold", "0.7")
    assert code == 0, err
    assert "clustering cut 0.700 (given)" in err


def test_without_verbose_the_report_stays_quiet(capsys, twelve_seconds: Path, tmp_path: Path) -> None:
    code, _, err = run_cli(capsys, twelve_seconds, "--out", tmp_path / "talk.rttm")
    assert code == 0 and err == ""
