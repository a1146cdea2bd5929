"""AutoSpeech front end and embedder follow ailia-models' auto_speech.py contract.

The real ``proposed_veri.onnx`` is not needed: ``conftest.write_toy_autospeech`` builds a small ONNX
graph with the same signature, ``(N, 300, 257) -> (N, 8)`` (mean over time, then a fixed
matrix), plus ``mean.npy``/``std.npy``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest

from diarize_plugin.embed.autospeech import (
    AutoSpeechEmbedder,
    normalize_volume,
    spectrogram,
    split_windows,
)
from diarize_plugin.embed.registry import load_embedder
from diarize_plugin.embed.stft import magnitude_spectrogram
from diarize_plugin.errors import DiarizeError

from conftest import LIBRISPEECH, TOY_DIMENSION, speech, write_toy_autospeech

pytest.importorskip("onnx", reason="the onnx package builds the toy model")


@pytest.fixture
def toy_model(tmp_path: Path) -> Path:
    return write_toy_autospeech(tmp_path / "autospeech")


@pytest.fixture
def embedder(toy_model: Path) -> AutoSpeechEmbedder:
    return AutoSpeechEmbedder(toy_model, toy_model.with_name("mean.npy"), toy_model.with_name("std.npy"), threads=1)


def reference_embedding(waveform: np.ndarray, model_path: Path) -> np.ndarray:
    """ailia-models auto_speech.py ``predict`` written out with librosa (librosa 0.7 defaults)."""
    librosa = pytest.importorskip("librosa")
    int16_max = 2**15 - 1
    rms = np.sqrt(np.mean((waveform * int16_max) ** 2))
    change_db = -30 - 20 * np.log10(rms / int16_max)
    if change_db > 0:
        waveform = waveform * (10 ** (change_db / 20))
    frames = np.abs(librosa.stft(waveform, n_fft=512, hop_length=160, win_length=400, pad_mode="reflect"))
    feature = frames.astype(np.float32).T
    while feature.shape[0] <= 300:
        feature = np.repeat(feature, 2, axis=0)
    sequence = np.stack([feature[start : start + 300] for start in range(0, feature.shape[0] - 299, 150)])
    sequence = (sequence - np.load(model_path.with_name("mean.npy"))) / np.load(model_path.with_name("std.npy"))
    session = ort.InferenceSession(str(model_path), providers=["CPUExecutionProvider"])
    output = session.run(None, {"windows": sequence.astype(np.float32)})[0]
    return output.mean(axis=0)


@pytest.mark.parametrize("pad_mode", ["reflect", "constant"])
def test_numpy_stft_equals_librosa_on_real_speech(pad_mode: str) -> None:
    librosa = pytest.importorskip("librosa")
    if not LIBRISPEECH.is_dir():
        pytest.skip(f"LibriSpeech excerpts are not at {LIBRISPEECH}")
    waveform = speech(4.0, seed=3)
    expected = np.abs(librosa.stft(waveform, n_fft=512, hop_length=160, win_length=400, pad_mode=pad_mode)).T
    actual = magnitude_spectrogram(waveform, n_fft=512, hop_length=160, win_length=400, pad_mode=pad_mode)
    assert actual.shape == expected.shape == (1 + len(waveform) // 160, 257)
    np.testing.assert_allclose(actual, expected, rtol=1e-4, atol=1e-5 * float(expected.max()))


def test_spectrogram_has_one_centred_frame_per_hop() -> None:
    assert spectrogram(speech(1.0)).shape == (1 + 16_000 // 160, 257)


def test_quiet_audio_is_raised_to_minus_30_dbfs() -> None:
    quiet = 0.001 * speech(1.0) / np.abs(speech(1.0)).max()
    louder = normalize_volume(quiet)
    level_dbfs = 20 * np.log10(np.sqrt(np.mean(louder.astype(np.float64) ** 2)))
    assert level_dbfs == pytest.approx(-30.0, abs=1e-3)


def test_loud_audio_is_never_turned_down() -> None:
    loud = (0.5 * np.sin(np.arange(16_000) / 5.0)).astype(np.float32)
    np.testing.assert_array_equal(normalize_volume(loud), loud)


def test_digital_silence_stays_silent_instead_of_nan() -> None:
    silence = np.zeros(16_000, dtype=np.float32)
    np.testing.assert_array_equal(normalize_volume(silence), silence)


def test_long_spectrogram_is_cut_into_300_frame_windows_every_150_frames() -> None:
    features = np.arange(760 * 257, dtype=np.float32).reshape(760, 257)
    windows = split_windows(features)
    assert windows.shape == (4, 300, 257)  # starts 0, 150, 300, 450; frames 750.. dropped
    np.testing.assert_array_equal(windows[2], features[300:600])


def test_short_spectrogram_repeats_each_frame_until_longer_than_300_frames() -> None:
    features = np.arange(100 * 257, dtype=np.float32).reshape(100, 257)
    windows = split_windows(features)
    stretched = np.repeat(np.repeat(features, 2, axis=0), 2, axis=0)  # 100 -> 200 -> 400 frames
    assert windows.shape == (1, 300, 257)
    np.testing.assert_array_equal(windows[0], stretched[:300])


def test_exactly_300_frames_are_still_doubled() -> None:
    assert split_windows(np.ones((300, 257), np.float32)).shape == (3, 300, 257)


@pytest.mark.parametrize("seconds", [0.5, 2.0, 7.3])
def test_utterance_embedding_equals_reference_pipeline(embedder: AutoSpeechEmbedder, toy_model: Path, seconds: float) -> None:
    waveform = speech(seconds, seed=1)
    np.testing.assert_allclose(
        embedder.embed_utterance(waveform), reference_embedding(waveform, toy_model), rtol=1e-4, atol=1e-4
    )


def test_batched_window_embeddings_equal_one_by_one(embedder: AutoSpeechEmbedder) -> None:
    # 20 s gives 12 network windows each, so three waveforms straddle several batches of 16
    waveforms = [speech(20.0, seed=0), speech(1.5, seed=1), speech(20.0, seed=2)]
    batched = embedder.embed_windows(waveforms)
    one_by_one = np.stack([embedder.embed_utterance(waveform) for waveform in waveforms])
    assert batched.shape == (3, TOY_DIMENSION) and batched.dtype == np.float32
    np.testing.assert_allclose(batched, one_by_one, rtol=1e-5, atol=1e-6)


def test_utterance_embedding_is_mean_of_window_outputs(embedder: AutoSpeechEmbedder, toy_model: Path) -> None:
    waveform = speech(5.0, seed=4)
    network_input = embedder.windows(waveform)
    session = ort.InferenceSession(str(toy_model), providers=["CPUExecutionProvider"])
    per_window = session.run(None, {"windows": network_input})[0]
    assert network_input.shape[0] == 2  # 501 frames: windows at 0 and 150
    np.testing.assert_allclose(embedder.embed_utterance(waveform), per_window.mean(axis=0), rtol=1e-5, atol=1e-6)


def test_model_with_fixed_batch_of_one_gives_same_embeddings(tmp_path: Path, embedder: AutoSpeechEmbedder) -> None:
    fixed_path = write_toy_autospeech(tmp_path / "fixed", batch=1)
    fixed = AutoSpeechEmbedder(fixed_path, fixed_path.with_name("mean.npy"), fixed_path.with_name("std.npy"), threads=1)
    waveforms = [speech(6.0, seed=5), speech(1.0, seed=6)]
    np.testing.assert_allclose(fixed.embed_windows(waveforms), embedder.embed_windows(waveforms), rtol=1e-5)


def test_embedder_reports_name_threshold_and_dimension(embedder: AutoSpeechEmbedder) -> None:
    assert (embedder.name, embedder.default_threshold, embedder.dimension) == ("autospeech", 0.26, TOY_DIMENSION)


def test_no_windows_give_empty_matrix(embedder: AutoSpeechEmbedder) -> None:
    assert embedder.embed_windows([]).shape == (0, TOY_DIMENSION)


def test_empty_waveform_is_a_user_error(embedder: AutoSpeechEmbedder) -> None:
    with pytest.raises(DiarizeError, match="empty waveform"):
        embedder.embed_utterance(np.zeros(0, dtype=np.float32))


def test_mean_file_of_wrong_size_is_rejected(toy_model: Path) -> None:
    np.save(toy_model.with_name("mean.npy"), np.zeros(80, dtype=np.float32))
    with pytest.raises(DiarizeError, match="expected 257"):
        AutoSpeechEmbedder(toy_model, toy_model.with_name("mean.npy"), toy_model.with_name("std.npy"))


def test_registry_recognises_autospeech_onnx_path(toy_model: Path) -> None:
    assert isinstance(load_embedder(str(toy_model), threads=1), AutoSpeechEmbedder)


def test_registry_needs_mean_and_std_beside_onnx_path(toy_model: Path) -> None:
    toy_model.with_name("std.npy").unlink()
    with pytest.raises(DiarizeError, match="std.npy is missing"):
        load_embedder(str(toy_model), threads=1)


def test_registry_loads_autospeech_by_name_from_model_dir(tmp_path: Path) -> None:
    write_toy_autospeech(tmp_path / "models" / "autospeech")
    loaded = load_embedder("autospeech", model_dir=tmp_path / "models", threads=1)
    assert isinstance(loaded, AutoSpeechEmbedder) and loaded.dimension == TOY_DIMENSION


def test_registry_says_how_to_install_missing_autospeech(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="diarize models download autospeech"):
        load_embedder("autospeech", model_dir=tmp_path)
