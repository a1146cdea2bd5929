"""A recording the pipeline reads a piece at a time: 16 kHz mono samples, from memory or disk.

Every stage reads only the samples it needs now (a 10 s chunk, a 1.5 s window, a minute for
webrtcvad), so a recording never has to fit in memory: :func:`decode_audio` decodes a file once
into a temporary file of 16-bit samples (115 MB per hour, on disk) and :class:`DecodedAudio`
reads it back with plain file reads (mapped pages would count in the process's memory).
:class:`InMemoryAudio` serves a waveform that is already an array (the API, tests).
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
import weakref
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from pyannote.core import Segment

from .decode import SAMPLE_RATE, decoded_blocks
from ..errors import DiarizeError
from .input_file import check_input_file, regular_file

#: bytes per stored sample (16-bit PCM)
_SAMPLE_BYTES = 2
#: full scale of the stored samples: ``int16 = round(float * 32768)``, clipped
SAMPLE_SCALE = 32768.0
#: free space kept on the temporary disk beyond the decoded recording: a share of it, and at
#: least a megabyte (a fixed 64 MB refused a 30 s file on a disk with 60 MB free)
_DISK_MARGIN_SHARE = 0.1
_MIN_DISK_MARGIN_BYTES = 10**6
#: names of the temporary folders: ``diarize-PID-xxxxxxxx``, so that a later run can tell the
#: folders of processes that died without cleaning up (SIGKILL, the OOM killer)
FOLDER_PREFIX = "diarize-"
_STALE_FOLDER = re.compile(r"^diarize-(?:input-)?(\d+)-")


class AudioSource(ABC):
    """16 kHz mono float32 samples in [-1, 1], read by sample index."""

    sample_rate: int = SAMPLE_RATE

    @property
    @abstractmethod
    def num_samples(self) -> int:
        """Length of the recording in samples."""

    @abstractmethod
    def read(self, start: int, stop: int) -> np.ndarray:
        """Samples ``[start, stop)`` as float32, clipped to the recording (shorter at its ends)."""

    @property
    def duration_s(self) -> float:
        """Length of the recording in seconds."""
        return self.num_samples / self.sample_rate

    def __len__(self) -> int:
        return self.num_samples

    def crop(self, segment: Segment) -> np.ndarray:
        """Samples of ``segment`` (seconds): ``[int(start * rate), int(end * rate))``."""
        return self.read(int(segment.start * self.sample_rate), int(segment.end * self.sample_rate))

    def read_padded(self, start: int, stop: int) -> np.ndarray:
        """Samples ``[start, stop)``, zeros where they fall outside the recording."""
        padded = np.zeros(stop - start, dtype=np.float32)
        first, last = max(start, 0), min(stop, self.num_samples)
        if last > first:
            padded[first - start : last - start] = self.read(first, last)
        return padded

    def blocks(self, block_samples: int) -> Iterator[np.ndarray]:
        """The whole recording as consecutive blocks of ``block_samples`` (the last shorter)."""
        for start in range(0, self.num_samples, block_samples):
            yield self.read(start, start + block_samples)


class InMemoryAudio(AudioSource):
    """A waveform already in memory (1-D float32 at 16 kHz)."""

    def __init__(self, waveform: np.ndarray) -> None:
        self.waveform = np.asarray(waveform, dtype=np.float32)
        if self.waveform.ndim != 1:
            raise DiarizeError(f"the pipeline needs a mono waveform, got shape {self.waveform.shape}")

    @property
    def num_samples(self) -> int:
        return len(self.waveform)

    def read(self, start: int, stop: int) -> np.ndarray:
        return self.waveform[max(start, 0) : max(min(stop, self.num_samples), 0)]


class DecodedAudio(AudioSource):
    """A recording decoded to 16-bit samples in a temporary file, unlinked as soon as it is
    open (so nothing stays on disk however the process ends) and closed by :meth:`close` (or
    when the object is collected, or at exit), which also removes its empty ``folder``. Use it
    as a context manager."""

    def __init__(self, path: Path, num_samples: int, folder: Path) -> None:
        self.folder = folder
        self._num_samples = num_samples
        self._file = open(path, "rb")
        # no name from here on: the samples go with the last open handle, even after SIGKILL
        path.unlink()
        self._cleanup = weakref.finalize(self, _remove, self._file, folder)

    @property
    def num_samples(self) -> int:
        return self._num_samples

    def read(self, start: int, stop: int) -> np.ndarray:
        start, stop = max(start, 0), min(stop, self._num_samples)
        if stop <= start:
            return np.zeros(0, dtype=np.float32)
        raw = os.pread(self._file.fileno(), (stop - start) * _SAMPLE_BYTES, start * _SAMPLE_BYTES)
        return np.frombuffer(raw, dtype="<i2").astype(np.float32) * np.float32(1.0 / SAMPLE_SCALE)

    def close(self) -> None:
        """Delete the temporary file."""
        self._cleanup()

    def __enter__(self) -> "DecodedAudio":
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def decode_audio(path: str | os.PathLike[str], temp_dir: str | os.PathLike[str] | None = None) -> DecodedAudio:
    """Decode the recording at ``path`` once, in blocks, into a temporary 16 kHz 16-bit file.

    ``temp_dir``: where the temporary folder goes (default: the system's, ``$TMPDIR``). Memory
    stays bounded whatever the length; the disk needs 115 MB per hour of audio. Raises
    :class:`DiarizeError` as :func:`~diarize_plugin.audio.decode.load_audio` does, and when the disk
    cannot hold the decoded recording.
    """
    with regular_file(check_input_file(path)) as source:  # a pipe is read to the end first
        return _decode_to_file(source, temp_dir)


def _decode_to_file(path: Path, temp_dir: str | os.PathLike[str] | None) -> DecodedAudio:
    remove_stale_folders(temp_dir)
    folder = Path(tempfile.mkdtemp(prefix=f"{FOLDER_PREFIX}{os.getpid()}-", dir=temp_dir))
    target = folder / "audio.s16"
    try:
        check_free_space(path, folder)
        written = 0
        with open(target, "wb") as output:
            for block in decoded_blocks(path):
                pcm = np.clip(np.rint(block * SAMPLE_SCALE), -SAMPLE_SCALE, SAMPLE_SCALE - 1).astype("<i2")
                try:
                    output.write(pcm.tobytes())
                except OSError as error:
                    raise disk_error(error, folder) from None
                written += len(pcm)
        return DecodedAudio(target, written, folder)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def check_free_space(source: Path, folder: Path) -> None:
    """Refuse, before decoding, a recording whose decoded form the disk cannot hold (when its
    length can be known without decoding)."""
    duration_s = _declared_duration_s(source)
    if duration_s is None:
        return
    decoded = int(duration_s * SAMPLE_RATE * _SAMPLE_BYTES)
    needed = decoded + max(int(decoded * _DISK_MARGIN_SHARE), _MIN_DISK_MARGIN_BYTES)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise DiarizeError(
            f"input {source} lasts {_duration_text(duration_s)} and needs {needed / 1e6:.1f} MB of temporary disk space "
            f"in {folder.parent}, which has {free / 1e6:.1f} MB free; free some space or point TMPDIR elsewhere"
        )


def _duration_text(duration_s: float) -> str:
    return f"{duration_s / 3600:.1f} h" if duration_s >= 3600 else f"{duration_s:.1f} s"


def remove_stale_folders(temp_dir: str | os.PathLike[str] | None = None) -> None:
    """Remove the temporary folders (``diarize-PID-*``, ``diarize-input-PID-*``) in
    ``temp_dir`` (default: the system's) of processes that no longer run: what a run killed by
    SIGKILL or the OOM killer left behind. A folder whose process id is alive again (reused)
    stays; so does anything of another user's."""
    parent = Path(temp_dir) if temp_dir is not None else Path(tempfile.gettempdir())
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return
    for entry in entries:
        match = _STALE_FOLDER.match(entry.name)
        if match and entry.is_dir(follow_symlinks=False) and not _process_alive(int(match.group(1))):
            shutil.rmtree(entry.path, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    except OverflowError:
        return False
    return True


def _declared_duration_s(source: Path) -> float | None:
    import soundfile

    from .decode import captured_stderr

    with captured_stderr():
        try:
            info = soundfile.info(str(source))
        except (soundfile.LibsndfileError, RuntimeError, ValueError, OSError):
            return None
    return info.frames / info.samplerate if info.samplerate > 0 else None


def disk_error(error: OSError, folder: Path) -> Exception:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiarizeError(
            f"the temporary disk in {folder.parent} is full; free some space or point TMPDIR elsewhere "
            "(the decoded recording needs 115 MB per hour)"
        )
    return error


def _remove(file, folder: Path) -> None:
    file.close()
    shutil.rmtree(folder, ignore_errors=True)
