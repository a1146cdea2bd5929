"""Telephone-band detection and the narrowband speaker thresholds it selects."""

from __future__ import annotations

import numpy as np
import soxr

from diarize_plugin import Diarizer
from diarize_plugin.bandwidth import is_narrowband

SAMPLE_RATE = 16_000


def _noise(seconds: float = 2.0) -> np.ndarray:
    return np.random.default_rng(0).normal(0, 0.1, int(seconds * SAMPLE_RATE)).astype(np.float32)


def test_full_band_audio_is_wideband() -> None:
    assert not is_narrowband(_noise())


def test_audio_resampled_from_8_khz_is_narrowband() -> None:
    telephone = soxr.resample(soxr.resample(_noise(), SAMPLE_RATE, 8000), 8000, SAMPLE_RATE)
    assert is_narrowband(telephone)


def test_silence_and_tiny_inputs_are_wideband() -> None:
    assert not is_narrowband(np.zeros(SAMPLE_RATE, dtype=np.float32))
    assert not is_narrowband(np.zeros(10, dtype=np.float32))


def test_narrowband_audio_gets_the_embedders_narrowband_thresholds(campplus) -> None:
    diarizer = Diarizer(embedder=campplus, threads=1)
    telephone = soxr.resample(soxr.resample(_noise(), SAMPLE_RATE, 8000), 8000, SAMPLE_RATE)
    assert diarizer._thresholds(telephone) == (campplus.narrowband_clustering_threshold, campplus.narrowband_merge_threshold)
    assert diarizer._thresholds(_noise()) == (campplus.clustering_threshold, campplus.merge_threshold)


def test_a_threshold_given_by_the_caller_holds_for_narrowband_audio(campplus) -> None:
    diarizer = Diarizer(embedder=campplus, threshold=0.7, threads=1)
    telephone = soxr.resample(soxr.resample(_noise(), SAMPLE_RATE, 8000), 8000, SAMPLE_RATE)
    assert diarizer._thresholds(telephone)[0] == 0.7
