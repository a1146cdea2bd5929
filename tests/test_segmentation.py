"""Specification of the neural segmentation stage (pyannote segmentation-3.0 on ONNX Runtime)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from pyannote.core import Segment, Timeline

from diarize_plugin.errors import DiarizeError
from diarize_plugin.formats.rttm import read_rttm
from diarize_plugin.util.onnx_session import open_session
from diarize_plugin.segmentation.network import (
    BUNDLED_MODEL_PATH,
    CHUNK_SAMPLES,
    FRAME_DURATION_SAMPLES,
    FRAME_STEP_S,
    FRAME_STEP_SAMPLES,
    FRAMES_PER_CHUNK,
    POWERSET_CLASSES,
    SAMPLE_RATE,
    Segmenter,
    SegmentationResult,
    aggregate,
    chunk_starts,
    num_output_frames,
    powerset_to_multilabel,
    receptive_field_samples,
)
from diarize_plugin.segmentation.frames import speech_regions
from diarize_plugin.audio.source import InMemoryAudio

AMI_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "ami"


@pytest.fixture(scope="module")
def segmenter() -> Segmenter:
    return Segmenter(step_s=2.0, threads=2)


def one_hot_log_probs(classes: list[int]) -> np.ndarray:
    log_probs = np.full((len(classes), len(POWERSET_CLASSES)), -10.0, dtype=np.float32)
    log_probs[np.arange(len(classes)), classes] = -0.01
    return log_probs


def test_powerset_decoding_maps_each_class_to_its_set_of_local_speakers() -> None:
    activations = powerset_to_multilabel(one_hot_log_probs([0, 1, 2, 3, 4, 5, 6]))
    expected = [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]]
    np.testing.assert_array_equal(activations, np.array(expected, dtype=np.float32))


def test_powerset_decoding_keeps_leading_axes() -> None:
    log_probs = one_hot_log_probs([4, 0, 6, 3]).reshape(2, 2, 7)
    assert powerset_to_multilabel(log_probs).shape == (2, 2, 3)


def test_frame_timing_follows_sincnet_conv_and_pool_arithmetic() -> None:
    assert num_output_frames(CHUNK_SAMPLES) == FRAMES_PER_CHUNK == 589
    assert receptive_field_samples(1) == FRAME_DURATION_SAMPLES == 991
    assert receptive_field_samples(2) - receptive_field_samples(1) == FRAME_STEP_SAMPLES == 270


def test_aggregation_averages_overlapping_chunks_on_the_global_grid() -> None:
    values = np.array([[1.0, 1.0, 0.0, 0.0], [1.0, 1.0, 1.0, 1.0]])
    averaged = aggregate(values, np.array([0.0, 2.0]), frame_step_s=1.0, duration_s=6.0)
    np.testing.assert_allclose(averaged, [1.0, 1.0, 0.5, 0.5, 1.0, 1.0])


def test_aggregation_uses_chunk_edges_only_where_nothing_else_covers() -> None:
    values = np.array([[2.0, 2.0, 2.0, 2.0], [0.0, 0.0, 0.0, 0.0]])
    averaged = aggregate(values, np.array([0.0, 2.0]), frame_step_s=1.0, duration_s=6.0, edge_s=1.0)
    np.testing.assert_allclose(averaged, [2.0, 2.0, 2.0, 0.0, 0.0, 0.0], atol=1e-6)


def test_speaker_count_rounds_the_average_number_of_active_local_speakers() -> None:
    activations = np.zeros((2, 4, 3), dtype=np.float32)
    activations[0, :, :2] = 1.0  # two speakers throughout the first chunk
    activations[1, :, 0] = 1.0  # one speaker throughout the second
    result = SegmentationResult(activations, np.array([0.0, 2.0]), 1.0, 1.0, 4.0, 6.0)
    np.testing.assert_array_equal(result.speaker_count(edge_s=0.0), [2, 2, 2, 2, 1, 1])  # rint(1.5) == 2


def test_speech_regions_follow_onset_offset_hysteresis_on_frame_centres() -> None:
    probability = np.array([0.0, 0.6, 0.4, 0.4, 0.2, 0.0])
    regions = speech_regions(probability, frame_step_s=1.0, frame_duration_s=1.0, onset=0.5, offset=0.3)
    assert list(regions) == [Segment(1.5, 4.5)]


def test_speech_regions_bridge_short_silences_then_drop_short_speech() -> None:
    probability = np.array([1.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0, 0.0])
    regions = speech_regions(probability, 1.0, 1.0, min_silence_s=1.5, min_speech_s=1.5)
    assert list(regions) == [Segment(0.5, 3.5)]


def test_chunks_slide_by_step_and_one_padded_chunk_reaches_the_end() -> None:
    np.testing.assert_allclose(chunk_starts(13.5, step_s=2.0), [0.0, 2.0, 4.0])
    np.testing.assert_allclose(chunk_starts(14.0, step_s=2.0), [0.0, 2.0, 4.0])


def test_exported_model_gives_589_frames_of_7_log_probs_per_10_s_deterministically() -> None:
    session = open_session(BUNDLED_MODEL_PATH)
    waveform = np.random.default_rng(0).standard_normal((2, 1, CHUNK_SAMPLES)).astype(np.float32) * 0.1
    first = session.run(["log_probs"], {"waveform": waveform})[0]
    second = session.run(["log_probs"], {"waveform": waveform})[0]
    assert first.shape == (2, FRAMES_PER_CHUNK, 7)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_allclose(np.exp(first).sum(axis=-1), 1.0, atol=1e-4)


def test_input_shorter_than_a_chunk_gives_one_padded_chunk(segmenter: Segmenter) -> None:
    noise = np.random.default_rng(1).standard_normal(3 * SAMPLE_RATE).astype(np.float32) * 0.05
    result = segmenter(InMemoryAudio(noise))
    assert result.activations.shape == (1, FRAMES_PER_CHUNK, 3)
    assert result.speech_probability().shape == (int(np.ceil(3.0 / FRAME_STEP_S)),)


def test_silence_gives_no_speech(segmenter: Segmenter) -> None:
    result = segmenter(InMemoryAudio(np.zeros(12 * SAMPLE_RATE, dtype=np.float32)))
    assert len(speech_regions(result.speech_probability(), duration_s=result.duration_s)) == 0


def test_progress_reports_every_batch_up_to_the_total() -> None:
    calls: list[tuple[int, int]] = []
    segment = Segmenter(step_s=1.0, batch_size=2, threads=1)
    segment(InMemoryAudio(np.zeros(13 * SAMPLE_RATE, dtype=np.float32)), lambda done, total: calls.append((done, total)))
    assert calls == [(2, 4), (4, 4)]


def test_step_outside_the_chunk_is_refused() -> None:
    with pytest.raises(DiarizeError, match="step"):
        Segmenter(step_s=0.0)


def test_missing_model_file_is_a_diarize_error(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="does not exist"):
        Segmenter(model_path=tmp_path / "absent.onnx")


@pytest.mark.skipif(not AMI_DIR.is_dir(), reason=f"shared AMI excerpts absent (looked in {AMI_DIR})")
def test_speech_regions_of_ami_excerpts_match_the_reference(segmenter: Segmenter) -> None:
    soundfile = pytest.importorskip("soundfile")
    from pyannote.metrics.detection import DetectionErrorRate

    reference = read_rttm(AMI_DIR / "reference.rttm")
    metric = DetectionErrorRate(collar=0.0)
    for uri in ("trn00", "trn03", "trn07"):
        waveform, rate = soundfile.read(AMI_DIR / f"{uri}.wav", dtype="float32")
        assert rate == SAMPLE_RATE
        result = segmenter(InMemoryAudio(waveform))
        speech = speech_regions(result.speech_probability(), duration_s=result.duration_s)
        metric(reference[uri], speech.to_annotation(), uem=Timeline([Segment(0.0, result.duration_s)]))
    assert abs(metric) < 0.2


def test_expected_count_without_keeping_chunks_equals_the_full_result() -> None:
    from conftest import speech_like

    from diarize_plugin.audio.source import InMemoryAudio

    segmenter = Segmenter(step_s=2.0, threads=1)
    waveform = np.concatenate([speech_like(9.0), np.zeros(4 * SAMPLE_RATE, dtype=np.float32), speech_like(6.0, seed=4)])
    expected = segmenter(InMemoryAudio(waveform)).expected_count()
    assert np.array_equal(segmenter.expected_count(InMemoryAudio(waveform)), expected)
    assert expected.max() > 0.5
