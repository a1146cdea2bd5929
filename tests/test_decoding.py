"""How the segmentation network's output becomes speech and overlap: the probability decoding
(the default) and pyannote's own (``Diarizer(decoding="pyannote")``)."""

from __future__ import annotations

import numpy as np
import pytest

from diarize_plugin import Diarizer, DiarizeError
from diarize_plugin.segmentation.settings import DEFAULT_DECODING
from diarize_plugin.segmentation.network import (
    POWERSET_CLASSES,
    CHUNK_DURATION_S,
    FRAME_DURATION_S,
    FRAME_STEP_S,
    FRAMES_PER_CHUNK,
    NUM_LOCAL_SPEAKERS,
    SegmentationResult,
    Segmenter,
    speech_and_overlap_probability,
)
from diarize_plugin.audio.source import InMemoryAudio


def _log_probs(*class_probabilities: float) -> np.ndarray:
    """Powerset log-probabilities of one frame, classes in the order of POWERSET_CLASSES."""
    probabilities = np.asarray(class_probabilities, dtype=np.float64)
    return np.log(np.maximum(probabilities / probabilities.sum(), 1e-30))


def test_speech_is_one_minus_the_empty_class_and_overlap_the_two_speaker_classes() -> None:
    assert len(POWERSET_CLASSES) == 7
    frame = _log_probs(0.1, 0.2, 0.1, 0.1, 0.3, 0.1, 0.1)
    speech, overlap = speech_and_overlap_probability(frame)
    assert speech == pytest.approx(0.9)
    assert overlap == pytest.approx(0.5)


def test_overlap_probability_is_not_the_expected_count() -> None:
    # three single speakers equally likely: expected count 0.99, yet no overlap at all
    speech, overlap = speech_and_overlap_probability(_log_probs(0.01, 0.33, 0.33, 0.33, 0.0, 0.0, 0.0))
    assert speech == pytest.approx(0.99)
    assert overlap == pytest.approx(0.0, abs=1e-9)


def test_streamed_speech_and_overlap_average_the_chunks_of_the_full_result(campplus) -> None:
    rng = np.random.default_rng(0)
    waveform = (0.05 * rng.standard_normal(14 * 16000)).astype(np.float32)
    segmenter = Segmenter(step_s=2.0, threads=1)
    streamed = segmenter.speech_and_overlap(InMemoryAudio(waveform))
    expected_count = segmenter.expected_count(InMemoryAudio(waveform))
    assert streamed.shape == (len(expected_count), 2)
    assert ((0.0 <= streamed) & (streamed <= 1.0)).all()
    # speech can only exceed the expected count where two speakers are likely
    assert (streamed[:, 0] <= expected_count + 1e-5).all()


def test_the_probability_decoding_is_the_default(campplus) -> None:
    assert DEFAULT_DECODING == "probability"
    assert Diarizer(embedder=campplus, segmentation="neural", threads=1).options.segmentation.decoding == "probability"


@pytest.mark.parametrize("value", [0.0, 1.0, 1.25, -0.1])
def test_an_overlap_threshold_outside_zero_to_one_is_refused(campplus, value: float) -> None:
    with pytest.raises(DiarizeError, match="between 0 and 1"):
        Diarizer(embedder=campplus, segmentation="neural", overlap_threshold=value, threads=1)


def test_probability_decoding_of_silence_gives_an_empty_annotation(campplus) -> None:
    diarizer = Diarizer(embedder=campplus, segmentation="neural", threads=1)
    assert len(diarizer.run(np.zeros(3 * 16000, dtype=np.float32))) == 0


def test_argmax_count_counts_the_most_likely_class_not_the_probabilities() -> None:
    probabilities = np.zeros((1, FRAMES_PER_CHUNK, NUM_LOCAL_SPEAKERS), dtype=np.float32)
    probabilities[0, 200:300, :2] = 0.45  # expected count 0.9, but no single speaker is likely
    activations = np.zeros_like(probabilities)
    activations[0, 200:300, 0] = 1.0  # the argmax class: speaker 0 alone
    result = SegmentationResult(
        activations, np.zeros(1), FRAME_STEP_S, FRAME_DURATION_S, CHUNK_DURATION_S, 10.0, probabilities
    )
    assert result.argmax_count()[250] == pytest.approx(1.0)
    assert result.expected_count()[250] == pytest.approx(0.9)


def test_an_unknown_decoding_is_a_diarize_error(campplus) -> None:
    with pytest.raises(DiarizeError, match="decoding"):
        Diarizer(embedder=campplus, segmentation="neural", decoding="greedy", threads=1)


def test_pyannote_decoding_of_silence_gives_an_empty_annotation(campplus) -> None:
    diarizer = Diarizer(embedder=campplus, segmentation="neural", decoding="pyannote", threads=1)
    assert len(diarizer.run(np.zeros(3 * 16000, dtype=np.float32))) == 0


def test_pyannote_decoding_needs_neural_segmentation(campplus) -> None:
    with pytest.raises(DiarizeError, match="neural"):
        Diarizer(embedder=campplus, segmentation="webrtcvad", decoding="pyannote", threads=1)
