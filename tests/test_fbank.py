"""kaldi_fbank equals Kaldi's (torchaudio.compliance.kaldi) filterbank definition."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from diarize_plugin.embed.fbank import frame_samples, kaldi_fbank, kaldi_fbank_batch, num_frames

SAMPLE_RATE = 16_000
LIBRISPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "librispeech"


def reference_fbank(waveform: np.ndarray, sample_rate: int = SAMPLE_RATE, num_bins: int = 80) -> np.ndarray:
    """Kaldi fbank written out in float64 numpy, as torchaudio.compliance.kaldi.fbank does it.

    25 ms / 10 ms frames (snip_edges), DC removal, pre-emphasis 0.97 (first sample against
    itself), povey window, 512-point power spectrum, triangular mel filters (mel = 1127 ln(1 +
    f/700)) between 20 Hz and Nyquist, natural log floored at float32 epsilon.
    """
    frame_length, frame_shift, fft_size = 400, 160, 512
    count = 1 + (len(waveform) - frame_length) // frame_shift
    starts = np.arange(count)[:, None] * frame_shift
    frames = waveform.astype(np.float64)[starts + np.arange(frame_length)]
    frames = frames - frames.mean(axis=1, keepdims=True)
    previous = np.concatenate([frames[:, :1], frames[:, :-1]], axis=1)
    frames = frames - 0.97 * previous
    n = np.arange(frame_length)
    povey = (0.5 - 0.5 * np.cos(2 * np.pi * n / (frame_length - 1))) ** 0.85
    power = np.abs(np.fft.rfft(frames * povey, n=fft_size)) ** 2

    def mel(frequency_hz: np.ndarray | float) -> np.ndarray:
        return 1127.0 * np.log(1.0 + np.asarray(frequency_hz) / 700.0)

    low, high = mel(20.0), mel(sample_rate / 2)
    step = (high - low) / (num_bins + 1)
    left = low + step * np.arange(num_bins)[:, None]
    center, right = left + step, left + 2 * step
    bin_mels = mel(np.arange(fft_size // 2) * sample_rate / fft_size)[None, :]
    weights = np.maximum(0.0, np.minimum((bin_mels - left) / (center - left), (right - bin_mels) / (right - center)))
    weights = np.pad(weights, ((0, 0), (0, 1)))  # the Nyquist bin gets no weight
    energies = power @ weights.T
    return np.log(np.maximum(energies, np.finfo(np.float32).eps))


def speech_like_waveform(duration_s: float, seed: int = 0) -> np.ndarray:
    """Noise plus a few harmonics with a DC offset, in [-1, 1]."""
    rng = np.random.default_rng(seed)
    time_s = np.arange(int(duration_s * SAMPLE_RATE)) / SAMPLE_RATE
    harmonics = sum(np.sin(2 * np.pi * 140.0 * k * time_s) / k for k in range(1, 8))
    return (0.2 * harmonics + 0.05 * rng.standard_normal(time_s.size) + 0.01).astype(np.float32)


def test_features_match_kaldi_definition():
    waveform = speech_like_waveform(1.5)
    features = kaldi_fbank(waveform)
    np.testing.assert_allclose(features, reference_fbank(waveform), atol=1e-3, rtol=0)


@pytest.mark.skipif(not LIBRISPEECH.is_dir(), reason="shared LibriSpeech data is absent")
def test_features_of_real_speech_match_kaldi_definition():
    soundfile = pytest.importorskip("soundfile")
    waveform, _ = soundfile.read(sorted(LIBRISPEECH.glob("*.flac"))[0], dtype="float32", frames=3 * SAMPLE_RATE)
    np.testing.assert_allclose(kaldi_fbank(waveform), reference_fbank(waveform), atol=1e-3, rtol=0)


def test_one_and_a_half_seconds_gives_148_frames_of_80_float32_bins():
    features = kaldi_fbank(np.zeros(24_000, dtype=np.float32) + 0.1)
    assert features.shape == (148, 80)
    assert features.dtype == np.float32
    assert num_frames(24_000) == 148


def test_waveform_scale_is_used_as_given():
    """Doubling the amplitude adds log(4) to every log power bin (no int16 rescaling inside)."""
    waveform = speech_like_waveform(0.5)
    difference = kaldi_fbank(2 * waveform) - kaldi_fbank(waveform)
    np.testing.assert_allclose(difference, np.log(4.0), atol=1e-3)


def test_waveform_shorter_than_one_frame_gives_no_frames():
    features = kaldi_fbank(np.zeros(399, dtype=np.float32))
    assert features.shape == (0, 80)
    assert num_frames(399) == 0


def test_a_batch_equals_its_windows_one_by_one():
    waveforms = np.stack([speech_like_waveform(1.5, seed) for seed in range(3)])
    batch = kaldi_fbank_batch(waveforms)
    for waveform, features in zip(waveforms, batch):
        np.testing.assert_allclose(features, kaldi_fbank(waveform), atol=1e-5, rtol=0)


def test_samples_past_the_last_whole_frame_are_not_read():
    waveform = speech_like_waveform(1.5)
    used = frame_samples(num_frames(waveform.size))
    assert used <= waveform.size < used + 160
    np.testing.assert_array_equal(kaldi_fbank(waveform), kaldi_fbank(waveform[:used]))


def test_features_match_kaldi_native_fbank():
    """The C++ extractor the plugin used until 2026-11, configured as torchaudio's defaults."""
    knf = pytest.importorskip("kaldi_native_fbank", reason="kaldi-native-fbank is not installed")
    options = knf.FbankOptions()
    options.frame_opts.dither = 0.0
    options.frame_opts.window_type = "povey"
    options.mel_opts.num_bins = 80
    waveform = speech_like_waveform(1.5, seed=4)
    extractor = knf.OnlineFbank(options)
    extractor.accept_waveform(float(SAMPLE_RATE), waveform.tolist())
    extractor.input_finished()
    expected = np.array([extractor.get_frame(index) for index in range(extractor.num_frames_ready)])
    np.testing.assert_allclose(kaldi_fbank(waveform), expected, atol=2e-3, rtol=0)
