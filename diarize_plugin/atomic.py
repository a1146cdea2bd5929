"""Atomic file output: write to a temporary file beside the target, then rename.

A crash or an error half-way never leaves a half-written output behind.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from .errors import DiarizeError


def atomic_write_bytes(path: str | os.PathLike[str], payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically (temporary file in the same folder + rename).

    Raises :class:`DiarizeError` when the folder does not exist or is not writable.
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise DiarizeError(f"cannot write {target}: folder {folder} does not exist; create it first")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=folder)
    except OSError as error:
        raise DiarizeError(
            f"cannot write {target}: {error.strerror or error}; choose a writable output path"
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, target)
    except OSError as error:
        _remove_quietly(temporary)
        raise DiarizeError(
            f"cannot write {target}: {error.strerror or error}; choose a writable output path"
        ) from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"))


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
