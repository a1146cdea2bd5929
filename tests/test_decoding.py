"""pyannote's own decoding of the segmentation network (``Diarizer(decoding="pyannote")``)."""

from __future__ import annotations

import numpy as np
import pytest

from diarize_plugin import Diarizer, DiarizeError
from diarize_plugin.segmentation import (
    CHUNK_DURATION_S,
    FRAME_DURATION_S,
    FRAME_STEP_S,
    FRAMES_PER_CHUNK,
    NUM_LOCAL_SPEAKERS,
    SegmentationResult,
)


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
