"""Telephone channel: 300–3400 Hz, 8 kHz, G.711 mu-law, through the bundled ffmpeg.

Each party of a call is one channel (as call-centre recorders keep them); the stereo file
or its mono mix-down is written, as 8 kHz mu-law WAV files, by ffmpeg from
``imageio-ffmpeg`` (the binary the plugin itself decodes with).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from benchmarks.conversations import SAMPLE_RATE

TELEPHONE_RATE = 8000
#: the telephone band: a band-pass of order 4 (two cascaded 2-pole filters each side)
BAND_FILTER = "highpass=f=300,highpass=f=300,lowpass=f=3400,lowpass=f=3400"


def write_telephone_call(channels: np.ndarray, path: Path, parties_apart: bool = False) -> None:
    """Write ``channels`` ((2, N) float32 at 16 kHz, one party each) as a telephone call to
    ``path``: in stereo when ``parties_apart``, else mixed down to mono (their sum). Both are
    scaled alike so that the mix-down peaks at 0.9 at most (mu-law clips at full scale)."""
    channels = np.asarray(channels, dtype=np.float32)
    peak = float(np.max(np.abs(channels.sum(axis=0))))
    interleaved = np.ascontiguousarray((channels * min(1.0, 0.9 / max(peak, 1e-9))).T)
    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-loglevel", "error", "-y",
        "-f", "f32le", "-ar", str(SAMPLE_RATE), "-ac", "2", "-i", "pipe:0",
        "-af", BAND_FILTER if parties_apart else f"{BAND_FILTER},pan=mono|c0=c0+c1", "-ar", str(TELEPHONE_RATE),
        "-c:a", "pcm_mulaw", str(path),
    ]
    subprocess.run(command, input=interleaved.tobytes(), check=True)
