"""Checking an input path before anything is decoded: it must be a local, readable file.

Light on purpose (no numpy), so that the command line answers a mistyped path at once.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import DiarizeError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: extensions (lower case) of audio and video files: what a batch takes from a folder (files
#: named one by one are taken whatever their extension)
AUDIO_EXTENSIONS = frozenset(
    ".wav .flac .ogg .oga .opus .mp3 .m4a .aac .wma .aif .aiff .au .caf "
    ".mp4 .m4v .mkv .webm .mov .avi".split()
)
#: the input path that means standard input, where a command reads audio from it
STDIN = "-"
#: bytes copied at a time from a pipe
_COPY_BYTES = 1 << 20


def check_input_file(path: str | os.PathLike[str], *, what: str = "input") -> Path:
    """``path`` as a :class:`Path` once it is known to be a local, readable, non-empty file.

    ``what`` names the file in messages (``"input"``, ``"transcript"``). Raises
    :class:`DiarizeError` for a URL, a missing path, a folder, a file that cannot be read
    (permission denied) or an empty file.
    """
    text = os.fspath(path)
    if text == STDIN:
        raise DiarizeError(f"{what} '-' (standard input) is not read here; give a file path")
    if _URL.match(text):
        raise DiarizeError(f"{what} {text} is a URL; URLs are not supported: download the file and give its local path")
    source = Path(text)
    if not source.exists():
        raise DiarizeError(f"{what} {source} does not exist; check the path")
    if source.is_dir():
        raise DiarizeError(f"{what} {source} is a folder; give a file")
    if not os.access(source, os.R_OK):
        raise DiarizeError(f"{what} {source} cannot be read: permission denied; check its permissions")
    if source.stat().st_size == 0 and source.is_file():
        raise DiarizeError(f"{what} {source} is empty (0 bytes); give a file with content")
    return source


def is_regular_file(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` (links followed) is a regular file, as opposed to a pipe, a FIFO or a
    device such as ``/dev/stdin``, which can be read only once, front to back."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


@contextmanager
def regular_file(path: str | os.PathLike[str], *, what: str = "input") -> Iterator[Path]:
    """``path`` itself when it is a regular file; otherwise (a pipe, FIFO, ``/dev/stdin``) its
    bytes, read to the end, in a temporary file that is removed on leaving.

    Decoders look at a file more than once (its header, then its samples; MP4 keeps its index
    at the end), which a stream cannot give them. Raises :class:`DiarizeError` when the stream
    brings nothing, or the temporary disk fills.
    """
    source = Path(os.fspath(path))
    if is_regular_file(source):
        yield source
        return
    folder = Path(tempfile.mkdtemp(prefix=f"diarize-input-{os.getpid()}-"))
    try:
        copy = folder / (source.name or "stdin")
        with open(source, "rb") as stream, open(copy, "wb") as target:
            try:
                shutil.copyfileobj(stream, target, _COPY_BYTES)
            except OSError as error:
                if error.errno in (errno.ENOSPC, errno.EDQUOT):
                    raise DiarizeError(
                        f"the temporary disk in {folder.parent} is full while reading {what} {source}; "
                        "free some space or point TMPDIR elsewhere"
                    ) from None
                raise
        if copy.stat().st_size == 0:
            raise DiarizeError(
                f"{what} {source} brought no data (nothing on standard input?); pipe a recording in: "
                "cat meeting.wav | diarize -"
            )
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)
