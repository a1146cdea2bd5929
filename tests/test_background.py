"""Speech-like background: loud speech the network hears and webrtcvad does not is a crowd."""

from __future__ import annotations

import numpy as np
import pytest

from diarize_plugin.segmentation import background
from diarize_plugin.segmentation.background import (
    BACKGROUND_LEVEL_DB,
    MIN_BACKGROUND_RUN_S,
    VOICE_MARGIN_S,
    background_present,
    find_background,
    frame_levels_db,
    reject_background,
    unconfirmed_frames,
)
from diarize_plugin.segmentation.network import FRAME_STEP_S, FRAME_STEP_SAMPLES, SAMPLE_RATE
from diarize_plugin.audio.source import InMemoryAudio

NUM_FRAMES = int(round(20.0 / FRAME_STEP_S))  # 20 s


def _frames(start_s: float, end_s: float) -> slice:
    return slice(int(round(start_s / FRAME_STEP_S)), int(round(end_s / FRAME_STEP_S)))


def _scene(background_level_db: float) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Network speech over all 20 s, count 1.0 in two voiced turns (2-8 s, 12-18 s) at
    -20 dB, and 0.6 elsewhere at ``background_level_db``: speech, count, voiced, levels."""
    speech = np.ones(NUM_FRAMES, dtype=bool)
    count = np.full(NUM_FRAMES, 0.6)
    voiced = np.zeros(NUM_FRAMES, dtype=bool)
    levels_db = np.full(NUM_FRAMES, background_level_db)
    for turn in (_frames(2.0, 8.0), _frames(12.0, 18.0)):
        count[turn], voiced[turn], levels_db[turn] = 1.0, True, -20.0
    return speech, count, voiced, levels_db


def test_loud_speech_that_webrtcvad_does_not_hear_is_unconfirmed() -> None:
    speech, count, voiced, levels_db = _scene(-20.0 + BACKGROUND_LEVEL_DB + 5.0)
    unconfirmed = unconfirmed_frames(speech, count, voiced, levels_db, FRAME_STEP_S)
    assert unconfirmed[_frames(9.0, 11.0)].all()
    assert not unconfirmed[_frames(2.0, 8.0)].any()


def test_faint_speech_that_webrtcvad_misses_is_not_background() -> None:
    """Far-field speech: too faint for webrtcvad, not a crowd."""
    speech, count, voiced, levels_db = _scene(-20.0 + BACKGROUND_LEVEL_DB - 5.0)
    assert not unconfirmed_frames(speech, count, voiced, levels_db, FRAME_STEP_S).any()


def test_webrtcvad_dropping_out_briefly_inside_speech_is_not_background() -> None:
    speech, count, voiced, levels_db = _scene(-20.0)
    gap_s = 2 * VOICE_MARGIN_S + MIN_BACKGROUND_RUN_S - 0.05
    voiced[:] = True
    voiced[_frames(10.0, 10.0 + gap_s)] = False
    assert not unconfirmed_frames(speech, count, voiced, levels_db, FRAME_STEP_S).any()
    voiced[_frames(10.0, 10.0 + gap_s + 0.2)] = False
    assert unconfirmed_frames(speech, count, voiced, levels_db, FRAME_STEP_S).any()


def test_without_confident_voiced_speech_nothing_is_unconfirmed() -> None:
    speech, count, voiced, levels_db = _scene(-20.0)
    voiced[:] = False
    assert not unconfirmed_frames(speech, count, voiced, levels_db, FRAME_STEP_S).any()


def test_background_is_present_where_unconfirmed_frames_reach_their_share() -> None:
    minute = int(round(60.0 / FRAME_STEP_S))
    unconfirmed = np.zeros(4 * minute, dtype=bool)
    unconfirmed[: minute : 10] = True  # 10 % of the first minute
    present = background_present(unconfirmed, FRAME_STEP_S)
    assert present[: minute // 2].all()
    assert not present[2 * minute :].any()
    sparse = np.zeros(4 * minute, dtype=bool)
    sparse[::50] = True  # 2 % everywhere
    assert not background_present(sparse, FRAME_STEP_S).any()


def test_under_background_only_speech_near_a_voice_stays() -> None:
    speech, _, voiced, _ = _scene(-20.0)
    present = np.ones(NUM_FRAMES, dtype=bool)
    kept = reject_background(speech, voiced, present, FRAME_STEP_S)
    assert kept[_frames(2.0, 8.0 + VOICE_MARGIN_S - 0.02)].all()
    assert not kept[_frames(8.0 + VOICE_MARGIN_S + 0.02, 12.0 - VOICE_MARGIN_S - 0.02)].any()
    assert np.array_equal(reject_background(speech, voiced, ~present, FRAME_STEP_S), speech)


def test_frame_levels_are_the_power_of_each_frame_across_read_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    quiet, loud = 0.01, 0.3
    waveform = np.concatenate([np.full(SAMPLE_RATE, quiet), np.full(SAMPLE_RATE, loud)]).astype(np.float32)
    num_frames = int(2.0 / FRAME_STEP_S)
    whole = frame_levels_db(InMemoryAudio(waveform), num_frames, FRAME_STEP_SAMPLES)
    assert whole[:55] == pytest.approx(20 * np.log10(quiet), abs=0.01)  # frames inside the first second
    assert whole[60:110] == pytest.approx(20 * np.log10(loud), abs=0.01)  # inside the second
    monkeypatch.setattr(background, "LEVEL_BLOCK_SAMPLES", 5000)
    assert frame_levels_db(InMemoryAudio(waveform), num_frames, FRAME_STEP_SAMPLES) == pytest.approx(whole)


def test_find_background_is_empty_for_a_recording_without_one() -> None:
    speech, count, voiced, _ = _scene(-20.0)
    voiced[:] = True
    waveform = np.full(int(20.0 * SAMPLE_RATE), 0.1, dtype=np.float32)
    found = find_background(speech, count, voiced, InMemoryAudio(waveform), FRAME_STEP_S, FRAME_STEP_SAMPLES)
    assert found.shape == (NUM_FRAMES,) and not found.any()


def test_find_background_marks_a_loud_bed_that_webrtcvad_never_hears() -> None:
    speech, count, voiced, _ = _scene(-20.0)
    waveform = np.full(int(20.0 * SAMPLE_RATE), 0.1, dtype=np.float32)  # everything at -20 dB
    found = find_background(speech, count, voiced, InMemoryAudio(waveform), FRAME_STEP_S, FRAME_STEP_SAMPLES)
    assert found.all()
