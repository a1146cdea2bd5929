"""Reading audio: any file ffmpeg or libsndfile reads, as 16 kHz mono float32 in [-1, 1].

WAV (any subtype), FLAC, OGG and MP3 are decoded by libsndfile (soundfile); everything else
(M4A/AAC, MP4, MKV, WEBM, ...) is piped through the ffmpeg binary that the ``imageio-ffmpeg``
package carries, so no system ffmpeg is needed. Both are read in blocks: channels are
averaged and each block is resampled by a streaming soxr resampler (high quality), which gives
the same samples as resampling the whole recording at once. :func:`decoded_blocks` is the
stream; :func:`load_audio` gathers it into one array for short inputs, and
:func:`~diarize_plugin.audio.source.decode_audio` writes it to a compact temporary file for
the pipeline, so that no recording needs to fit in memory.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from ..errors import DiarizeError
from . import SAMPLE_RATE
from .input_file import check_input_file, regular_file

#: a header claiming a rate outside this range (Hz) is damaged: no recorder writes it
MIN_SAMPLE_RATE = 4_000
MAX_SAMPLE_RATE = 768_000
#: seconds of the source decoded per block
BLOCK_S = 30.0
#: most channels an array may have; a longer axis holds the samples
MAX_CHANNELS = 64


def load_audio(path: str | os.PathLike[str], sample_rate: int = SAMPLE_RATE) -> np.ndarray:
    """Decode ``path`` to a mono float32 waveform at ``sample_rate`` Hz, values in [-1, 1].

    Meant for short inputs (the whole waveform is in memory: 230 MB per hour); the pipeline
    reads long ones in blocks (:func:`~diarize_plugin.audio.source.decode_audio`). Raises
    :class:`DiarizeError` when the file is missing, empty, not audio, claims an absurd sample
    rate, or holds NaN/infinite samples; warns (``UserWarning``) when it is truncated.
    """
    blocks = list(decoded_blocks(path, sample_rate))
    return np.concatenate(blocks) if len(blocks) > 1 else blocks[0]


def decoded_blocks(
    path: str | os.PathLike[str], sample_rate: int = SAMPLE_RATE, block_s: float = BLOCK_S
) -> Iterator[np.ndarray]:
    """The recording at ``path`` as consecutive mono float32 blocks at ``sample_rate`` Hz.

    Each block holds about ``block_s`` seconds (the resampler's delay shifts a few samples from
    one block to the next); their concatenation does not depend on ``block_s``. Raises and
    warns as :func:`load_audio` does.
    """
    named = check_input_file(path)
    yield from mono_blocks(native_blocks(named, block_s), sample_rate, origin=str(named))


def native_blocks(path: str | os.PathLike[str], block_s: float = BLOCK_S) -> Iterator[tuple[np.ndarray, int]]:
    """The recording at ``path`` as it is stored: ``((frames, channels) float32 block,
    native_rate)`` pairs of about ``block_s`` seconds, channels kept (see
    :mod:`diarize_plugin.channels`). Raises and warns as :func:`load_audio` does."""
    named = check_input_file(path)
    with regular_file(named) as source:  # a pipe is read to the end first: decoders seek
        sound = _open_with_libsndfile(source)
        if sound is not None:
            yield from _libsndfile_blocks(source, sound, block_s)
        else:
            yield from _ffmpeg_blocks(source, block_s)


def mono_blocks(
    native: Iterator[tuple[np.ndarray, int]], sample_rate: int = SAMPLE_RATE, origin: str = "input"
) -> Iterator[np.ndarray]:
    """:func:`native_blocks` averaged to mono and resampled to ``sample_rate`` Hz (the samples
    :func:`decoded_blocks` gives); raises :class:`DiarizeError` when there are none."""
    total = 0
    for block in _to_mono_at_rate(native, sample_rate, origin=origin):
        total += len(block)
        if len(block):
            yield block
    if total == 0:
        raise DiarizeError(f"input {origin} holds no audio samples; give a recording with audio in it")


def prepare_waveform(
    samples: np.ndarray, native_rate: int, sample_rate: int = SAMPLE_RATE, origin: str = "waveform"
) -> np.ndarray:
    """Average channels, resample to ``sample_rate`` Hz and check for NaN/infinite values.

    ``samples``: shape ``(frames,)``, ``(frames, channels)`` or ``(channels, frames)`` (the
    shorter axis, of at most :data:`MAX_CHANNELS`, is the channels), any float or int dtype
    (integers are scaled to [-1, 1]). Returns a contiguous float32 ``(frames',)`` array.
    """
    samples = np.asarray(samples)
    if samples.ndim == 2:
        samples = _frames_by_channels(samples, origin)
    elif samples.ndim != 1:
        raise DiarizeError(f"{origin}: expected a 1-D or 2-D (frames, channels) array, got shape {samples.shape}")
    if np.issubdtype(samples.dtype, np.integer):
        scale = float(np.iinfo(samples.dtype).max) + 1.0
        samples = samples.astype(np.float32) / scale
    elif not np.issubdtype(samples.dtype, np.floating):
        raise DiarizeError(f"{origin}: expected audio samples (floats or integers), got dtype {samples.dtype}")
    _check_rate(native_rate, origin)
    blocks = list(_to_mono_at_rate(iter([samples.astype(np.float32, copy=False)]), sample_rate, origin, native_rate))
    mono = np.concatenate(blocks) if blocks else np.zeros(0, dtype=np.float32)
    return np.ascontiguousarray(mono, dtype=np.float32)


def _frames_by_channels(samples: np.ndarray, origin: str) -> np.ndarray:
    """A 2-D array as ``(frames, channels)``, whichever way round it came."""
    rows, columns = samples.shape
    if min(rows, columns) > MAX_CHANNELS or (rows == columns and rows > 1):
        raise DiarizeError(
            f"{origin}: cannot tell channels from samples in an array of shape {samples.shape}; "
            f"give (samples,), (samples, channels) or (channels, samples) with at most {MAX_CHANNELS} channels"
        )
    return samples if rows >= columns else samples.T


def _to_mono_at_rate(
    blocks: Iterator[np.ndarray] | Iterator[tuple[np.ndarray, int]],
    sample_rate: int,
    origin: str,
    native_rate: int | None = None,
) -> Iterator[np.ndarray]:
    """Average channels, check values and resample a stream of float32 blocks.

    ``blocks`` yields ``(frames, channels)`` or ``(frames,)`` arrays, or, when ``native_rate``
    is ``None``, ``(block, native_rate)`` pairs (the rate is known once the first block is).
    """
    resampler = None
    rate = native_rate
    for item in blocks:
        block = item
        if native_rate is None:
            block, rate = item
        if block.ndim == 2:
            block = block.mean(axis=1, dtype=np.float32) if block.shape[1] > 1 else block[:, 0]
        if not np.all(np.isfinite(block)):
            raise DiarizeError(f"{origin} holds NaN or infinite samples; the file is corrupt, re-export it")
        if rate == sample_rate:
            yield block
            continue
        if resampler is None:
            import soxr

            resampler = soxr.ResampleStream(rate, sample_rate, 1, dtype="float32", quality="HQ")
        yield resampler.resample_chunk(np.ascontiguousarray(block, dtype=np.float32))
    if resampler is not None:
        yield resampler.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


def _check_rate(native_rate: int, origin: str) -> None:
    if not MIN_SAMPLE_RATE <= native_rate <= MAX_SAMPLE_RATE:
        raise DiarizeError(
            f"{origin} claims a sample rate of {native_rate} Hz, outside {MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz; "
            "its header is damaged, re-export it"
        )


# --- libsndfile ------------------------------------------------------------------------------

#: what libsndfile's log says when a WAV's data chunk claims more bytes than the file holds
_SHORT_DATA = re.compile(r"^data\s*:\s*(\d+)\s*\(should be (\d+)\)", re.MULTILINE)
#: what mpg123 prints when an MP3's Xing header promises more than the file holds
_SHORT_MP3 = "Xing stream size off"
#: a claimed size this large means "unknown" (streamed WAV), not truncation
_UNKNOWN_SIZE = 0xFFFFFFF0


def _open_with_libsndfile(source: Path):
    """An open ``soundfile.SoundFile``, or ``None`` when libsndfile cannot read the file."""
    import soundfile

    with captured_stderr() as chatter:
        try:
            sound = soundfile.SoundFile(str(source))
        except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError):
            return None  # not a format libsndfile knows (or a damaged one): let ffmpeg try
    _check_rate(int(sound.samplerate), f"input {source}")
    if sound.frames > 0 and _looks_truncated(sound.extra_info, chatter.text):  # none at all: an error, later
        _warn_truncated(source)
    return sound


def _libsndfile_blocks(source: Path, sound, block_s: float) -> Iterator[tuple[np.ndarray, int]]:
    rate = int(sound.samplerate)
    block_frames = max(1, int(block_s * rate))
    with sound:
        while True:
            with captured_stderr():  # mpg123 prints its resync notes on stderr
                block = sound.read(block_frames, dtype="float32", always_2d=True)
            if len(block) == 0:
                return
            yield block, rate


def _looks_truncated(log: str, chatter: str) -> bool:
    for claimed, present in _SHORT_DATA.findall(log):
        if int(present) < int(claimed) < _UNKNOWN_SIZE:
            return True
    return _SHORT_MP3 in chatter


def _warn_truncated(source: Path) -> None:
    warnings.warn(
        f"input {source} is truncated (its header promises more audio than the file holds); "
        "diarizing the part that is there",
        UserWarning,
        stacklevel=3,
    )


class _Captured:
    text = ""


#: file descriptor 2 is the process's: threads decoding at once take turns to borrow it
_STDERR_LOCK = threading.Lock()


@contextmanager
def captured_stderr() -> Iterator[_Captured]:
    """Catch what C libraries (libsndfile's mpg123) write straight to file descriptor 2.

    Held only around single library calls (never across a ``yield`` of a block)."""
    captured = _Captured()
    with _STDERR_LOCK:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):  # no usable stderr: nothing to keep clean
            yield captured
            return
        with tempfile.TemporaryFile() as sink:
            os.dup2(sink.fileno(), 2)
            try:
                yield captured
            finally:
                os.dup2(saved, 2)
                os.close(saved)
                sink.seek(0)
                captured.text = sink.read().decode(errors="replace")


# --- ffmpeg ----------------------------------------------------------------------------------

_RIFF_FLOAT = 3
_RIFF_EXTENSIBLE = 0xFFFE


def _ffmpeg_blocks(source: Path, block_s: float) -> Iterator[tuple[np.ndarray, int]]:
    """Decode with ffmpeg into a float32 WAV stream on a pipe, read in blocks."""
    import imageio_ffmpeg

    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-hide_banner", "-loglevel", "error",
        "-i", str(source), "-vn", "-map", "0:a:0", "-c:a", "pcm_f32le", "-f", "wav", "-",
    ]
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors)
        try:
            header = _read_wav_header(process.stdout)
            if header is None:
                process.wait()
                raise _ffmpeg_error(source, _text(errors))
            channels, rate = header
            _check_rate(rate, f"input {source}")
            frame_bytes = 4 * channels
            block_bytes = max(1, int(block_s * rate)) * frame_bytes
            pending = b""
            while True:
                chunk = process.stdout.read(block_bytes)
                if not chunk:
                    break
                chunk = pending + chunk
                whole = len(chunk) - len(chunk) % frame_bytes
                pending = chunk[whole:]
                if whole:
                    yield np.frombuffer(chunk[:whole], dtype="<f4").reshape(-1, channels), rate
            process.wait()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
        if process.returncode != 0 or _text(errors).strip():
            warnings.warn(
                f"input {source} is damaged or truncated ({_ffmpeg_reason(_text(errors))}); "
                "diarizing the part that could be decoded",
                UserWarning,
                stacklevel=3,
            )


def _read_wav_header(stream) -> tuple[int, int] | None:
    """``(channels, sample_rate)`` of the float WAV ffmpeg writes, positioned at its samples;
    ``None`` when the stream ends first (ffmpeg failed). Chunk sizes are not trusted: on a
    pipe ffmpeg cannot go back to fill them in."""
    if _read_exactly(stream, 12)[:4] != b"RIFF":
        return None
    layout = None
    while True:
        chunk_header = _read_exactly(stream, 8)
        if len(chunk_header) < 8:
            return None
        name, size = chunk_header[:4], int.from_bytes(chunk_header[4:], "little")
        if name == b"data":
            return layout
        body = _read_exactly(stream, size + size % 2)
        if name == b"fmt ":
            code, channels, rate = int.from_bytes(body[0:2], "little"), int.from_bytes(body[2:4], "little"), int.from_bytes(body[4:8], "little")
            bits = int.from_bytes(body[14:16], "little")
            if code not in (_RIFF_FLOAT, _RIFF_EXTENSIBLE) or bits != 32 or channels < 1:
                return None
            layout = (channels, rate)


def _read_exactly(stream, count: int) -> bytes:
    parts, remaining = [], count
    while remaining > 0:
        part = stream.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _text(file) -> str:
    file.flush()
    file.seek(0)
    return file.read().decode(errors="replace")


def _ffmpeg_error(source: Path, message: str) -> DiarizeError:
    if "matches no streams" in message or "does not contain any stream" in message:
        return DiarizeError(f"input {source} has no audio track; give a recording with sound")
    return DiarizeError(
        f"cannot decode {source} as audio ({_ffmpeg_reason(message)}); give a WAV, FLAC, MP3, OGG, M4A or video file"
    )


def _ffmpeg_reason(message: str) -> str:
    for line in reversed(message.strip().splitlines()):
        line = re.sub(r"^\[[^\]]*\]\s*", "", line.strip())
        if line and not line.startswith(("Error opening input file", "Error opening input files")):
            return line[:160]
    return "ffmpeg could not read it"
