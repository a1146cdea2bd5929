"""CampPlusEmbedder: the bundled CAM++ network behind the SpeakerEmbedder interface."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import numpy as np
import pytest

from diarize_plugin.embed.base import cosine_similarity
from diarize_plugin.embed.campplus import BUNDLED_FP32_MODEL_PATH, BUNDLED_MODEL_PATH, CampPlusEmbedder
from diarize_plugin.errors import DiarizeError

SAMPLE_RATE = 16_000
LIBRISPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "librispeech"
MODEL_CARD = BUNDLED_MODEL_PATH.with_name("campplus.md")

pytestmark = pytest.mark.skipif(not BUNDLED_MODEL_PATH.is_file(), reason="bundled campplus.onnx is absent")


@pytest.fixture(scope="module")
def embedder() -> CampPlusEmbedder:
    return CampPlusEmbedder(threads=1)


def voiced_waveform(duration_s: float, pitch_hz: float = 130.0, seed: int = 0) -> np.ndarray:
    """A buzzy harmonic tone with a little noise, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    time_s = np.arange(int(duration_s * SAMPLE_RATE)) / SAMPLE_RATE
    harmonics = sum(np.sin(2 * np.pi * pitch_hz * k * time_s) / k for k in range(1, 12))
    return (0.1 * harmonics + 0.02 * rng.standard_normal(time_s.size)).astype(np.float32)


def test_windows_give_one_192_float32_row_each(embedder):
    windows = [voiced_waveform(1.5), voiced_waveform(0.7, seed=1), voiced_waveform(2.0, seed=2)]
    embeddings = embedder.embed_windows(windows)
    assert embeddings.shape == (3, 192)
    assert embeddings.dtype == np.float32
    assert embedder.dimension == 192


def test_no_windows_give_an_empty_array(embedder):
    assert embedder.embed_windows([]).shape == (0, 192)


def test_same_window_gives_same_embedding_on_every_call(embedder):
    window = voiced_waveform(1.5)
    first = embedder.embed_windows([window])
    second = embedder.embed_windows([window])
    np.testing.assert_array_equal(first, second)


def test_window_embedding_does_not_depend_on_its_batch(embedder):
    windows = [voiced_waveform(1.5, pitch_hz=100.0 + 10 * index, seed=index) for index in range(5)]
    windows.insert(2, voiced_waveform(0.9, seed=9))
    together = embedder.embed_windows(windows)
    alone = np.stack([embedder.embed_windows([window])[0] for window in windows])
    np.testing.assert_allclose(together, alone, atol=1e-4)


@pytest.mark.parametrize("num_samples", [1, 399, 480, 800, 3_199])
def test_windows_shorter_than_three_frames_give_finite_embeddings(embedder, num_samples):
    embedding = embedder.embed_windows([voiced_waveform(1.0)[:num_samples]])
    assert np.all(np.isfinite(embedding))


def test_utterance_longer_than_one_pass_gives_one_finite_embedding(embedder):
    embedding = embedder.embed_utterance(voiced_waveform(21.0))
    assert embedding.shape == (192,)
    assert np.all(np.isfinite(embedding))


def test_default_model_is_the_bundled_file(embedder):
    assert embedder.model_path == BUNDLED_MODEL_PATH
    assert embedder.name == "campplus"


@pytest.mark.parametrize("path", [BUNDLED_MODEL_PATH, BUNDLED_FP32_MODEL_PATH], ids=["int8", "fp32"])
def test_bundled_models_match_sha256_in_model_card(path):
    card_hashes = set(re.findall(r"\b[0-9a-f]{64}\b", MODEL_CARD.read_text(encoding="utf-8")))
    assert hashlib.sha256(path.read_bytes()).hexdigest() in card_hashes


def test_broken_model_file_raises_diarize_error(tmp_path):
    broken = tmp_path / "campplus.onnx"
    broken.write_bytes(b"not an onnx model")
    with pytest.raises(DiarizeError, match="cannot be loaded"):
        CampPlusEmbedder(model_path=broken, threads=1)


def test_missing_model_file_raises_diarize_error(tmp_path):
    with pytest.raises(DiarizeError, match="does not exist"):
        CampPlusEmbedder(model_path=tmp_path / "absent.onnx", threads=1)


@pytest.mark.skipif(not LIBRISPEECH.is_dir(), reason="shared LibriSpeech data is absent")
def test_two_crops_of_one_speaker_are_closer_than_crops_of_other_speakers(embedder):
    soundfile = pytest.importorskip("soundfile")
    crop = 3 * SAMPLE_RATE
    speakers = []
    for path in sorted(LIBRISPEECH.glob("*.flac")):
        waveform, sample_rate = soundfile.read(path, dtype="float32")
        if sample_rate == SAMPLE_RATE and waveform.ndim == 1 and waveform.size >= 3 * crop:
            speakers.append((waveform[:crop], waveform[-crop:]))
        if len(speakers) == 3:
            break
    firsts = embedder.embed_windows([first for first, _ in speakers])
    seconds = embedder.embed_windows([second for _, second in speakers])
    for index, first in enumerate(firsts):
        same = cosine_similarity(first, seconds[index])
        others = [cosine_similarity(first, second) for other, second in enumerate(seconds) if other != index]
        assert same > max(others)


def test_int8_default_stays_close_to_the_float32_network(embedder):
    fp32 = CampPlusEmbedder(model_path=BUNDLED_FP32_MODEL_PATH, threads=1)
    windows = [voiced_waveform(1.5, pitch_hz=110.0 + 20 * index, seed=index) for index in range(3)]
    for int8_row, fp32_row in zip(embedder.embed_windows(windows), fp32.embed_windows(windows)):
        assert cosine_similarity(int8_row, fp32_row) > 0.9
