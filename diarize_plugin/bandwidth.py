"""Is a recording telephone-band? Narrowband audio needs its own speaker thresholds.

Speech that went through a telephone line (8 kHz sampling, 300–3400 Hz) carries next to
nothing above 4 kHz, even after resampling to 16 kHz. Speaker embedders trained on wideband
speech then see every voice through the same missing upper band, which pulls different
people's embeddings together (CAM++ on 1.5 s LibriSpeech crops: different-speaker cosine
similarity 0.06 on average at 16 kHz, 0.25 through the telephone band; see
``models/campplus.md``), so diarization uses the embedder's narrowband thresholds there.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import welch

from .audio_source import AudioSource, as_audio_source

#: energy above this frequency (Hz) is absent from telephone-band audio
UPPER_BAND_HZ = 4200.0
#: the telephone band (Hz), whose energy the upper band is compared with
TELEPHONE_BAND_HZ = (300.0, 3400.0)
#: upper-band energy below the telephone band's by more than this (dB) means narrowband audio:
#: resampled 8 kHz calls measure -104 to -113 dB, wideband recordings (LibriSpeech, AMI, the
#: development set) -25 dB at the lowest
NARROWBAND_DB = -40.0
#: 2 s pieces of a long recording whose spectrum decides (a minute of audio in all)
EXCERPTS = 30


def upper_band_db(audio: AudioSource | np.ndarray, sample_rate: int = 16_000) -> float:
    """Energy above :data:`UPPER_BAND_HZ` relative to the telephone band's, in dB."""
    source = as_audio_source(audio)
    if source.num_samples < 512:
        return 0.0
    frequencies, power = welch(_excerpts(source, sample_rate), fs=sample_rate, nperseg=512)
    band = power[(frequencies >= TELEPHONE_BAND_HZ[0]) & (frequencies <= TELEPHONE_BAND_HZ[1])].sum()
    upper = power[frequencies >= UPPER_BAND_HZ].sum()
    if band <= 0.0:
        return 0.0  # silence: call it wideband, nothing to decide on
    return float(10 * np.log10(upper / band + 1e-30))


def _excerpts(source: AudioSource, sample_rate: int) -> np.ndarray:
    """Up to :data:`EXCERPTS` evenly spread 2 s pieces of ``source``, joined (float64): the
    spectrum of a long recording without reading all of it."""
    length = 2 * sample_rate
    if source.num_samples <= EXCERPTS * length:
        return np.asarray(source.read(0, source.num_samples), dtype=np.float64)
    starts = np.linspace(0, source.num_samples - length, EXCERPTS).astype(np.int64)
    return np.concatenate([np.asarray(source.read(int(start), int(start) + length), dtype=np.float64) for start in starts])


def is_narrowband(audio: AudioSource | np.ndarray, sample_rate: int = 16_000) -> bool:
    """True when ``audio`` (mono, ``sample_rate`` Hz; an array or an
    :class:`~diarize_plugin.audio_source.AudioSource`) is telephone-band audio."""
    return upper_band_db(audio, sample_rate) < NARROWBAND_DB
