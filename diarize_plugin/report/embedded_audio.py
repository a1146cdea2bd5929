"""Where the report's audio player finds the recording: inside the page, or beside it.

Up to a size limit the recording is embedded as a data URI: MP3, mono, 16 kHz, 32 kbit/s
(about 14 MB an hour), encoded by the ffmpeg binary that ``imageio-ffmpeg`` ships. MP3 rather
than Opus because every browser plays it (Safari did not play Ogg Opus until 2025); at this
rate speech stays clear. A longer recording is linked by its path relative to the report, so
the report must stay beside it (or keep the same relative place).
"""

from __future__ import annotations

import base64
import os
import subprocess
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from ..errors import DiarizeError

#: encoded audio larger than this (bytes) is linked, not embedded: about 70 minutes
DEFAULT_EMBED_LIMIT_BYTES = 16 * 1024 * 1024
EMBED_BITRATE = "32k"
EMBED_SAMPLE_RATE = 16_000
_CHUNK_BYTES = 1 << 16


@dataclass(frozen=True)
class EmbeddedAudio:
    """The ``url`` an ``<audio>`` element plays (a ``data:`` URI when ``embedded``)."""

    url: str
    embedded: bool


def embedded_audio(
    audio_path: str | os.PathLike[str],
    report_path: str | os.PathLike[str],
    embed_limit_bytes: int = DEFAULT_EMBED_LIMIT_BYTES,
) -> EmbeddedAudio:
    """Embed ``audio_path`` when its MP3 encoding fits ``embed_limit_bytes`` (0: never), else
    link it relative to the folder of ``report_path``.

    Raises :class:`DiarizeError` when the audio file is missing or ffmpeg cannot decode it.
    """
    audio = Path(audio_path)
    if not audio.is_file():
        raise DiarizeError(f"cannot read audio {audio}: no such file; give the recording the turns are of")
    if embed_limit_bytes > 0:
        encoded = _encode_mp3(audio, embed_limit_bytes)
        if encoded is not None:
            return EmbeddedAudio("data:audio/mpeg;base64," + base64.b64encode(encoded).decode("ascii"), True)
    return EmbeddedAudio(_relative_url(audio, Path(report_path)), False)


def _encode_mp3(audio: Path, limit_bytes: int) -> bytes | None:
    """The MP3 encoding of ``audio``, or ``None`` as soon as it grows past ``limit_bytes``."""
    import imageio_ffmpeg

    command = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-nostdin", "-v", "error", "-i", str(audio), "-vn", "-map_metadata", "-1",
        "-ac", "1", "-ar", str(EMBED_SAMPLE_RATE), "-c:a", "libmp3lame", "-b:a", EMBED_BITRATE, "-f", "mp3", "pipe:1",
    ]
    chunks, size = [], 0
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        while chunk := process.stdout.read(_CHUNK_BYTES):
            chunks.append(chunk)
            size += len(chunk)
            if size > limit_bytes:
                process.kill()
                return None
        errors = process.stderr.read().decode("utf-8", "replace").strip()
        failed = process.wait() != 0
    if failed or not chunks:
        reason = errors.splitlines()[-1] if errors else "no audio stream"
        raise DiarizeError(f"cannot encode audio {audio} for the report: {reason}; check that it plays")
    return b"".join(chunks)


def _relative_url(audio: Path, report: Path) -> str:
    try:
        relative = os.path.relpath(audio.resolve(), report.resolve().parent)
    except ValueError:  # another drive (Windows): only an absolute URL reaches it
        return audio.resolve().as_uri()
    return urllib.parse.quote(Path(relative).as_posix())


def audio_duration_s(audio_path: str | os.PathLike[str]) -> float | None:
    """The recording's length in seconds when libsndfile can tell it without decoding (WAV,
    FLAC, OGG, MP3), else ``None`` (the report's page then asks its player)."""
    import soundfile

    try:
        return float(soundfile.info(str(audio_path)).duration)
    except Exception:  # soundfile raises several types for formats it does not read
        return None
