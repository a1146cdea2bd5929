"""Magnitude short-time Fourier transform in numpy, computed as ``librosa.stft`` computes it.

Frames are centred (``center=True``): the waveform is padded by ``n_fft // 2`` samples on each
side, so frame ``t`` is centred on sample ``t * hop_length`` and a waveform of ``L`` samples
gives ``1 + L // hop_length`` frames. The analysis window is a periodic Hann window of
``win_length`` samples, zero-padded on both sides to ``n_fft`` samples. Only numpy is needed at
run time; ``tests/test_autospeech.py`` checks the result against librosa on real speech.
"""

from __future__ import annotations

import numpy as np

#: frames transformed at once; bounds the temporary (frames × n_fft) float64 array to ~16 MB
_FRAMES_PER_BLOCK = 4096


def hann_window(win_length: int, n_fft: int) -> np.ndarray:
    """Periodic Hann window of ``win_length`` samples centred in ``n_fft`` samples (float64)."""
    if not 0 < win_length <= n_fft:
        raise ValueError(f"win_length must be in 1..{n_fft}, got {win_length}")
    window = 0.5 - 0.5 * np.cos(2.0 * np.pi * np.arange(win_length) / win_length)
    left = (n_fft - win_length) // 2
    return np.pad(window, (left, n_fft - win_length - left))


def magnitude_spectrogram(
    waveform: np.ndarray,
    n_fft: int,
    hop_length: int,
    win_length: int,
    pad_mode: str = "reflect",
) -> np.ndarray:
    """``|STFT|`` of a 1-D waveform as a ``(frames, n_fft // 2 + 1)`` float32 array.

    ``n_fft``, ``hop_length`` and ``win_length`` are in samples. ``pad_mode`` is the
    ``numpy.pad`` mode of the centring pad: ``"reflect"`` (librosa before 0.10) or
    ``"constant"`` (zeros, librosa 0.10 and later). Raises ``ValueError`` for an empty input.
    """
    samples = np.asarray(waveform, dtype=np.float64).ravel()
    if samples.size == 0:
        raise ValueError("cannot compute a spectrogram of an empty waveform")
    padded = np.pad(samples, n_fft // 2, mode=pad_mode)
    frames = np.lib.stride_tricks.sliding_window_view(padded, n_fft)[::hop_length]
    window = hann_window(win_length, n_fft)
    spectrogram = np.empty((frames.shape[0], n_fft // 2 + 1), dtype=np.float32)
    for start in range(0, frames.shape[0], _FRAMES_PER_BLOCK):
        block = frames[start : start + _FRAMES_PER_BLOCK] * window
        spectrogram[start : start + block.shape[0]] = np.abs(np.fft.rfft(block, axis=1))
    return spectrogram
