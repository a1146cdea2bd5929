"""Reading audio: any file ffmpeg or libsndfile reads, as 16 kHz mono float32 in [-1, 1].

WAV (any subtype), FLAC, OGG and MP3 are decoded by libsndfile (soundfile); everything else
(M4A/AAC, MP4, MKV, WEBM, ...) goes through pydub with the ffmpeg binary that the
``imageio-ffmpeg`` package carries, so no system ffmpeg is needed. Resampling uses soxr
(high quality), channels are averaged.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import numpy as np

from .errors import DiarizeError
from .input_file import check_input_file

SAMPLE_RATE = 16_000
#: longest input accepted by default, in seconds (10 hours: ~2.3 GB of float32 at 16 kHz)
MAX_DURATION_S = 10 * 3600.0


def load_audio(
    path: str | os.PathLike[str],
    sample_rate: int = SAMPLE_RATE,
    max_duration_s: float = MAX_DURATION_S,
) -> np.ndarray:
    """Decode ``path`` to a mono float32 waveform at ``sample_rate`` Hz, values in [-1, 1].

    Raises :class:`DiarizeError` when the path is a URL, missing, unreadable or empty, when the
    file is not audio (or a video without sound), truncated beyond
    decoding, longer than ``max_duration_s`` seconds, or holds NaN/infinite samples.
    """
    source = check_input_file(path)
    samples, native_rate = _decode(source)
    if samples.size == 0:
        raise DiarizeError(f"input {source} holds no audio samples; give a recording with audio in it")
    duration_s = samples.shape[0] / native_rate
    if duration_s > max_duration_s:
        raise DiarizeError(
            f"input {source} lasts {duration_s / 3600:.1f} h, more than the {max_duration_s / 3600:.1f} h limit; "
            "split it into shorter files"
        )
    return prepare_waveform(samples, native_rate, sample_rate, origin=str(source))


def prepare_waveform(
    samples: np.ndarray, native_rate: int, sample_rate: int = SAMPLE_RATE, origin: str = "waveform"
) -> np.ndarray:
    """Average channels, resample to ``sample_rate`` Hz and check for NaN/infinite values.

    ``samples``: shape ``(frames,)`` or ``(frames, channels)``, any float or int dtype
    (integers are scaled to [-1, 1]). Returns a contiguous float32 ``(frames',)`` array.
    """
    samples = np.asarray(samples)
    if np.issubdtype(samples.dtype, np.integer):
        scale = float(np.iinfo(samples.dtype).max) + 1.0
        samples = samples.astype(np.float32) / scale
    samples = samples.astype(np.float32, copy=False)
    if samples.ndim == 2:
        samples = samples.mean(axis=1, dtype=np.float32)
    elif samples.ndim != 1:
        raise DiarizeError(f"{origin}: expected a 1-D or 2-D (frames, channels) array, got shape {samples.shape}")
    if not np.all(np.isfinite(samples)):
        raise DiarizeError(f"{origin} holds NaN or infinite samples; the file is corrupt, re-export it")
    if native_rate != sample_rate and samples.size:
        import soxr

        samples = soxr.resample(samples, native_rate, sample_rate, quality="HQ").astype(np.float32, copy=False)
    return np.ascontiguousarray(samples)


def _decode(source: Path) -> tuple[np.ndarray, int]:
    """Samples ``(frames, channels)`` and their sample rate, by libsndfile or else ffmpeg."""
    import soundfile

    try:
        samples, native_rate = soundfile.read(str(source), dtype="float32", always_2d=True)
        return samples, int(native_rate)
    except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError):
        pass  # not a format libsndfile knows (or a damaged one): let ffmpeg try
    return _decode_with_ffmpeg(source)


def _decode_with_ffmpeg(source: Path) -> tuple[np.ndarray, int]:
    # pydub's plain from_file() probes with ffprobe, which imageio-ffmpeg does not ship;
    # the temporary-file variant needs ffmpeg alone.
    import imageio_ffmpeg

    # pydub warns at import that no ffmpeg is on PATH (we hand it imageio-ffmpeg's) and that
    # audioop is deprecated; neither concerns the user, and the CLI prints every warning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from pydub import AudioSegment
        from pydub.exceptions import CouldntDecodeError

    AudioSegment.converter = imageio_ffmpeg.get_ffmpeg_exe()
    try:
        segment = AudioSegment.from_file_using_temporary_files(str(source))
    except (CouldntDecodeError, IndexError, OSError, ValueError) as error:
        if _has_no_audio_stream(str(error)):
            raise DiarizeError(f"input {source} has no audio track; give a recording with sound") from None
        reason = _ffmpeg_reason(str(error))
        raise DiarizeError(
            f"cannot decode {source} as audio ({reason}); give a WAV, FLAC, MP3, OGG, M4A or video file"
        ) from None
    width = segment.sample_width
    if width not in (1, 2, 4):
        segment = segment.set_sample_width(2)
        width = 2
    dtype = {1: np.int8, 2: np.int16, 4: np.int32}[width]
    samples = np.array(segment.get_array_of_samples(), dtype=dtype)
    if width == 1:  # 8-bit WAV is unsigned; pydub hands back raw bytes
        samples = (samples.view(np.uint8).astype(np.int16) - 128).astype(np.int8)
    return samples.reshape(-1, segment.channels), int(segment.frame_rate)


def _has_no_audio_stream(ffmpeg_output: str) -> bool:
    """True when ffmpeg read the container but found no audio stream in it (a silent video)."""
    streams = [line for line in ffmpeg_output.splitlines() if line.strip().startswith("Stream #")]
    return bool(streams) and not any(": Audio:" in line for line in streams)


def _ffmpeg_reason(message: str) -> str:
    for line in reversed(message.strip().splitlines()):
        line = line.strip()
        if line and not line.startswith("Output from") and "Decoding failed" not in line:
            return line[:160]
    return "ffmpeg could not read it"
