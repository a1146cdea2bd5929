"""Audio as it arrives: raw 16-bit PCM or a WAV stream, from a pipe or from a file that is
still being written, as 16 kHz mono float32 blocks for :class:`StreamingDiarizer`.

A WAV stream is told by its ``RIFF``/``WAVE`` header (ffmpeg's ``-f wav -`` writes one with
unknown sizes, which are ignored: the data runs to the end of the stream); anything else is
raw little-endian samples of the ``rate`` and ``channels`` given.
"""

from __future__ import annotations

import os
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np
import soxr

from ..errors import DiarizeError
from ..segmentation.network import SAMPLE_RATE

#: bytes read from the source at most at once (about 0.1 s of 16 kHz stereo 16-bit audio)
READ_BYTES = 8192
#: seconds between looks at a followed file that has not grown
POLL_S = 0.1
#: highest sample rate accepted, Hz
MAX_RATE = 384_000


@dataclass(frozen=True)
class PcmFormat:
    """Interleaved little-endian samples: ``rate`` Hz, ``channels``, ``"int16"`` or ``"float32"``."""

    rate: int = SAMPLE_RATE
    channels: int = 1
    sample_type: str = "int16"

    @property
    def frame_bytes(self) -> int:
        return self.channels * (2 if self.sample_type == "int16" else 4)


def check_pcm_format(rate: int, channels: int) -> PcmFormat:
    """A :class:`PcmFormat` of 16-bit samples, or :class:`DiarizeError` for a rate or channel
    count no stream has."""
    if not 1000 <= rate <= MAX_RATE:
        raise DiarizeError(f"sample rate {rate} Hz is not a rate audio has; give --rate in Hz, 1000 to {MAX_RATE} "
                           "(ffmpeg ... -ar 16000: --rate 16000)")
    if not 1 <= channels <= 64:
        raise DiarizeError(f"{channels} channels is not a channel count audio has; give --channels 1 to 64")
    return PcmFormat(rate, channels)


def parse_wav_header(header: bytes) -> tuple[PcmFormat, int] | None:
    """``(format, bytes before the samples)`` of a WAV header at the start of ``header``;
    ``None`` while more bytes are needed. Raises :class:`DiarizeError` for a WAV stream of a
    sample type other than 16-bit PCM or 32-bit float."""
    if len(header) < 12:
        return None
    position, found = 12, None
    while position + 8 <= len(header):
        chunk_id, size = header[position : position + 4], struct.unpack("<I", header[position + 4 : position + 8])[0]
        if chunk_id == b"fmt ":
            if position + 8 + 16 > len(header):
                return None
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", header[position + 8 : position + 24])
            if tag == 0xFFFE and position + 8 + 26 <= len(header):  # WAVE_FORMAT_EXTENSIBLE: the sub-format
                tag = struct.unpack("<H", header[position + 32 : position + 34])[0]
            if (tag, bits) == (1, 16):
                found = PcmFormat(rate, channels, "int16")
            elif (tag, bits) == (3, 32):
                found = PcmFormat(rate, channels, "float32")
            else:
                raise DiarizeError(f"the WAV stream holds {bits}-bit samples of format {tag}; send 16-bit PCM "
                                   "(ffmpeg ... -c:a pcm_s16le) or raw s16le (-f s16le)")
        elif chunk_id == b"data":
            if found is None:
                raise DiarizeError("the WAV stream has no format chunk before its samples; send raw s16le with --rate")
            check_pcm_format(found.rate, found.channels)
            return found, position + 8
        position += 8 + size + (size & 1)
    return None


def is_wav_start(first_bytes: bytes) -> bool:
    """Whether a stream starting with ``first_bytes`` (at least 12) is a WAV stream."""
    return first_bytes[:4] == b"RIFF" and first_bytes[8:12] == b"WAVE"


class BlockDecoder:
    """Bytes of a :class:`PcmFormat` in, 16 kHz mono float32 blocks out (channels averaged,
    resampled by a streaming soxr resampler when the rate differs)."""

    def __init__(self, pcm: PcmFormat) -> None:
        self.pcm = pcm
        self._pending = b""
        self._resampler = (
            None if pcm.rate == SAMPLE_RATE
            else soxr.ResampleStream(pcm.rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
        )

    def decode(self, payload: bytes, last: bool = False) -> np.ndarray:
        """The samples of ``payload`` (with what earlier calls left of an incomplete frame)."""
        data = self._pending + payload
        usable = len(data) - len(data) % self.pcm.frame_bytes
        self._pending = data[usable:]
        dtype = "<i2" if self.pcm.sample_type == "int16" else "<f4"
        samples = np.frombuffer(data[:usable], dtype=dtype).astype(np.float32)
        if self.pcm.sample_type == "int16":
            samples /= 32768.0
        samples = samples.reshape(-1, self.pcm.channels).mean(axis=1, dtype=np.float32)
        if self._resampler is not None:
            samples = self._resampler.resample_chunk(np.ascontiguousarray(samples), last=last)
        return np.nan_to_num(samples, nan=0.0, posinf=1.0, neginf=-1.0).astype(np.float32, copy=False)


ReadBytes = Callable[[], bytes]


def blocks_from(read: ReadBytes, raw: PcmFormat, wav_allowed: bool = True) -> Iterator[np.ndarray]:
    """16 kHz mono blocks from ``read()`` (which returns b"" at the end of the stream): a WAV
    stream when it starts like one, else raw samples of ``raw``."""
    head = b""
    while len(head) < 12:
        piece = read()
        if not piece:
            break
        head += piece
    pcm, offset = raw, 0
    if wav_allowed and is_wav_start(head):
        parsed = parse_wav_header(head)
        while parsed is None:
            piece = read()
            if not piece:
                raise DiarizeError("the WAV stream ended inside its header; send the whole stream")
            head += piece
            parsed = parse_wav_header(head)
        pcm, offset = parsed
    decoder = BlockDecoder(pcm)
    if len(head) > offset:
        yield decoder.decode(head[offset:])
    while True:
        piece = read()
        if not piece:
            break
        yield decoder.decode(piece)
    tail = decoder.decode(b"", last=True)
    if len(tail):
        yield tail


def stream_reader(fd: int) -> ReadBytes:
    """Read what has arrived on file descriptor ``fd`` (a pipe: returns as soon as anything
    is there), b"" at its end."""
    return lambda: os.read(fd, READ_BYTES)


def follow_reader(path: str, quiet_s: float, sleep: Callable[[float], None] = time.sleep) -> tuple[ReadBytes, Callable[[], None]]:
    """A reader of a file that another program is still writing, and the function that closes
    it: it waits while the file does not grow, and ends once it has not grown for ``quiet_s``
    seconds."""
    try:
        handle = open(path, "rb")
    except OSError as error:
        raise DiarizeError(f"cannot read {path}: {error.strerror or error}; give a file being recorded") from None

    def read() -> bytes:
        waited = 0.0
        while True:
            piece = handle.read(READ_BYTES)
            if piece:
                return piece
            if waited >= quiet_s:
                return b""
            sleep(POLL_S)
            waited += POLL_S

    return read, handle.close
