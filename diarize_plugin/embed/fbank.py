"""Kaldi log-mel filterbanks, the front end of CAM++ (via kaldi-native-fbank).

The options equal ``torchaudio.compliance.kaldi.fbank(waveform, num_mel_bins=80, dither=0.0)``,
which is how 3D-Speaker computes CAM++ features: 25 ms frames every 10 ms, ``snip_edges`` (only
whole frames), DC removal, pre-emphasis 0.97, povey window, 512-point FFT, power spectrum,
triangular mel filters from 20 Hz to Nyquist, natural log floored at float32 epsilon, no energy
term. Like torchaudio (and unlike Kaldi's command-line tools, which read int16 samples),
kaldi-native-fbank uses the samples as given: the waveform stays in [-1, 1], no rescaling.
"""

from __future__ import annotations

import kaldi_native_fbank as knf
import numpy as np

#: number of mel bands per frame
NUM_MEL_BINS = 80
#: frame length and shift, in milliseconds (Kaldi defaults)
FRAME_LENGTH_MS = 25.0
FRAME_SHIFT_MS = 10.0


def _fbank_options(sample_rate: int, num_mel_bins: int) -> knf.FbankOptions:
    options = knf.FbankOptions()
    options.frame_opts.samp_freq = float(sample_rate)
    options.frame_opts.frame_length_ms = FRAME_LENGTH_MS
    options.frame_opts.frame_shift_ms = FRAME_SHIFT_MS
    options.frame_opts.dither = 0.0  # deterministic; knf's default dither is non-zero
    options.frame_opts.preemph_coeff = 0.97
    options.frame_opts.remove_dc_offset = True
    options.frame_opts.window_type = "povey"
    options.frame_opts.round_to_power_of_two = True
    options.frame_opts.snip_edges = True
    options.mel_opts.num_bins = num_mel_bins
    options.mel_opts.low_freq = 20.0
    options.mel_opts.high_freq = 0.0  # 0 means Nyquist
    options.use_energy = False
    options.use_log_fbank = True
    options.use_power = True
    return options


def num_frames(num_samples: int, sample_rate: int = 16_000) -> int:
    """Frames :func:`kaldi_fbank` returns for ``num_samples`` samples (``snip_edges``: whole frames only)."""
    frame_length = int(sample_rate * FRAME_LENGTH_MS / 1000)
    frame_shift = int(sample_rate * FRAME_SHIFT_MS / 1000)
    if num_samples < frame_length:
        return 0
    return 1 + (num_samples - frame_length) // frame_shift


def kaldi_fbank(waveform: np.ndarray, sample_rate: int = 16_000, num_mel_bins: int = NUM_MEL_BINS) -> np.ndarray:
    """Log-mel filterbank features of a mono waveform.

    ``waveform``: 1-D samples in [-1, 1] at ``sample_rate`` Hz. Returns a ``(T, num_mel_bins)``
    float32 array, one row per 10 ms frame (``T`` = :func:`num_frames`; 0 rows when the
    waveform is shorter than one 25 ms frame).
    """
    samples = np.asarray(waveform, dtype=np.float32).ravel()
    extractor = knf.OnlineFbank(_fbank_options(sample_rate, num_mel_bins))
    # a list crosses the pybind boundary faster than a numpy array converted element-wise
    extractor.accept_waveform(float(sample_rate), samples.tolist())
    extractor.input_finished()
    frames = extractor.num_frames_ready
    if frames == 0:
        return np.zeros((0, num_mel_bins), dtype=np.float32)
    return np.array([extractor.get_frame(index) for index in range(frames)], dtype=np.float32)
