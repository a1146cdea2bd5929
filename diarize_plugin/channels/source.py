"""A recording whose channels are kept beside its mono mix: what ``--channels auto|split`` reads.

The mix is exactly what :func:`~diarize_plugin.audio.source.decode_audio` gives (the channels
averaged, then resampled: the same samples, so a recording the channel evidence leaves alone is
diarized as it always was); each channel is resampled on its own. Everything is decoded in one
pass over the file's blocks into temporary 16-bit files (115 MB per hour and per stream, on
disk), so a long stereo recording is never held in memory. A mono file gives a plain
:class:`~diarize_plugin.audio.source.DecodedAudio` and no channel files.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from ..audio import SAMPLE_RATE
from ..audio.decode import mono_blocks, native_blocks, prepare_waveform
from ..audio.source import (
    FOLDER_PREFIX, SAMPLE_SCALE, AudioSource, DecodedAudio, InMemoryAudio, check_free_space, disk_error,
    remove_stale_folders,
)
from ..audio.input_file import check_input_file, regular_file


class ChannelAudio(AudioSource):
    """The mono mix of a multi-channel recording (what :meth:`read` serves, as any
    :class:`AudioSource`), with each channel as an :class:`AudioSource` of its own in
    :attr:`channels` (16 kHz, same length as the mix). Close it (or use it as a context
    manager) to delete temporary files."""

    def __init__(self, mix: AudioSource, channels: Sequence[AudioSource]) -> None:
        if len(channels) < 2:
            raise ValueError("a ChannelAudio holds at least two channels")
        self.mix = mix
        self.channels = tuple(channels)

    @property
    def num_channels(self) -> int:
        return len(self.channels)

    @property
    def num_samples(self) -> int:
        return self.mix.num_samples

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.mix.read(start, stop)

    def close(self) -> None:
        """Delete the temporary files of the mix and of every channel (if any)."""
        for source in (self.mix, *self.channels):
            close = getattr(source, "close", None)
            if close is not None:
                close()

    def __enter__(self) -> "ChannelAudio":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def channel_audio_from_array(samples: np.ndarray, origin: str = "waveform") -> AudioSource:
    """A 16 kHz waveform array as a :class:`ChannelAudio` when it has several channels
    (``(samples, channels)`` or ``(channels, samples)``), else as an
    :class:`~diarize_plugin.audio.source.InMemoryAudio` of its mono samples. The mix is what
    :func:`~diarize_plugin.audio.decode.prepare_waveform` gives."""
    mix = InMemoryAudio(prepare_waveform(samples, SAMPLE_RATE, origin=origin))
    array = np.asarray(samples)
    if array.ndim != 2 or min(array.shape) < 2:
        return mix
    by_frames = array if array.shape[0] >= array.shape[1] else array.T
    channels = [InMemoryAudio(prepare_waveform(by_frames[:, index], SAMPLE_RATE, origin=origin))
                for index in range(by_frames.shape[1])]
    return ChannelAudio(mix, channels)


def decode_with_channels(
    path: str | os.PathLike[str], temp_dir: str | os.PathLike[str] | None = None
) -> AudioSource:
    """Decode the recording at ``path`` once, in blocks: a :class:`ChannelAudio` when it has
    several channels, else a :class:`~diarize_plugin.audio.source.DecodedAudio` (the same as
    :func:`~diarize_plugin.audio.source.decode_audio`). Raises :class:`DiarizeError` as
    ``decode_audio`` does; the disk needs 115 MB per hour for the mix and for each channel."""
    with regular_file(check_input_file(path)) as source:
        return _decode(source, temp_dir)


def decode_for_mode(path: str | os.PathLike[str], channels: str) -> AudioSource:
    """The recording at ``path`` decoded for the ``channels`` mode: mixed to mono alone
    (:func:`~diarize_plugin.audio.source.decode_audio`) for ``"mix"``, else with its channels
    kept (:func:`decode_with_channels`)."""
    if channels == "mix":
        from ..audio.source import decode_audio

        return decode_audio(path)
    return decode_with_channels(path)


def _decode(path: Path, temp_dir: str | os.PathLike[str] | None) -> AudioSource:
    remove_stale_folders(temp_dir)
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=temp_dir))
    writer = _ChannelWriter(folder)
    try:
        check_free_space(path, folder)
        with open(folder / "audio.s16", "wb") as output:
            written = 0
            for block in mono_blocks(writer.tee(native_blocks(path)), origin=str(path)):
                written += _write_pcm(output, block, folder)
        channel_lengths = writer.finish()
    except BaseException:
        for file in writer.files:
            file.close()
        shutil.rmtree(folder, ignore_errors=True)
        raise
    if not channel_lengths:
        return DecodedAudio(folder / "audio.s16", written, folder)
    return _channel_audio(folder, written, channel_lengths)


def _channel_audio(folder: Path, written: int, channel_lengths: list[int]) -> ChannelAudio:
    """One folder per stream, so that each :class:`DecodedAudio` removes its own."""
    sources = []
    for index, length in enumerate(channel_lengths):
        own = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=folder.parent))
        os.replace(folder / f"channel{index}.s16", own / "audio.s16")
        sources.append(DecodedAudio(own / "audio.s16", min(length, written), own))
    return ChannelAudio(DecodedAudio(folder / "audio.s16", written, folder), sources)


class _ChannelWriter:
    """Resamples and writes each channel of the native blocks that pass through :meth:`tee`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.files: list = []
        self.lengths: list[int] = []
        self.resamplers: list = []

    def tee(self, native: Iterator[tuple[np.ndarray, int]]) -> Iterator[tuple[np.ndarray, int]]:
        for block, rate in native:
            if block.shape[1] > 1:
                self._write(block, rate)
            yield block, rate

    def _write(self, block: np.ndarray, rate: int) -> None:
        if not self.files:
            import soxr

            for index in range(block.shape[1]):
                self.files.append(open(self.folder / f"channel{index}.s16", "wb"))
                self.lengths.append(0)
                self.resamplers.append(
                    None if rate == SAMPLE_RATE
                    else soxr.ResampleStream(rate, SAMPLE_RATE, 1, dtype="float32", quality="HQ")
                )
        for index, file in enumerate(self.files):
            self._append(index, np.ascontiguousarray(block[:, index], dtype=np.float32))

    def _append(self, index: int, samples: np.ndarray, last: bool = False) -> None:
        resampler = self.resamplers[index]
        if resampler is not None:
            samples = resampler.resample_chunk(samples, last=last)
        self.lengths[index] += _write_pcm(self.files[index], samples, self.folder)

    def finish(self) -> list[int]:
        """Flush the resamplers, close the files; the number of samples of each channel."""
        for index in range(len(self.files)):
            if self.resamplers[index] is not None:
                self._append(index, np.zeros(0, dtype=np.float32), last=True)
            self.files[index].close()
        return self.lengths


def _write_pcm(output, samples: np.ndarray, folder: Path) -> int:
    pcm = np.clip(np.rint(samples * SAMPLE_SCALE), -SAMPLE_SCALE, SAMPLE_SCALE - 1).astype("<i2")
    try:
        output.write(pcm.tobytes())
    except OSError as error:
        raise disk_error(error, folder) from None
    return len(pcm)
