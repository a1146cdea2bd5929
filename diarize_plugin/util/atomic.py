"""Writing output files: whole or not at all for regular files, straight through for the rest.

A regular file is written to a temporary file beside it and renamed over it, so that a crash
or an error half-way never leaves a half-written output behind. A symbolic link is followed to
the file it points at (the link stays a link). A character device, FIFO or socket
(``/dev/null``, ``/dev/stdout``, a named pipe) cannot be renamed over without destroying it
(as root the rename succeeds and ``/dev/null`` becomes a regular file), so it is written
directly. New files get the permissions the umask allows (0644 under umask 022), an existing
file keeps its own; ``mode`` asks for others (0o600 for a private file).
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

from ..errors import DiarizeError


def atomic_write_bytes(path: str | os.PathLike[str], payload: bytes, *, mode: int | None = None) -> None:
    """Write ``payload`` to ``path``: atomically (temporary file + rename) for a regular file,
    directly for a character device, FIFO or socket; symbolic links are followed.

    ``mode``: permission bits of the file (default: an existing file's own, else 0o666 less
    the umask). Raises :class:`DiarizeError` when the folder does not exist or is not writable.
    """
    target = Path(path)
    if is_special_file(target):
        _write_directly(target, payload)
        return
    real_target = Path(os.path.realpath(target)) if target.is_symlink() else target
    folder = real_target.parent if str(real_target.parent) else Path(".")
    if not folder.is_dir():
        raise DiarizeError(f"cannot write {target}: folder {folder} does not exist; create it first")
    permissions = _permissions(real_target, mode)
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{_short(real_target.name)}.", suffix=".part", dir=folder)
    except OSError as error:
        raise DiarizeError(f"cannot write {target}: {error.strerror or error}; choose a writable output path") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(payload)
            stream.flush()
            os.fchmod(stream.fileno(), permissions)
            os.fsync(stream.fileno())
        os.replace(temporary, real_target)
    except OSError as error:
        _remove_quietly(temporary)
        raise DiarizeError(f"cannot write {target}: {error.strerror or error}; choose a writable output path") from None
    except BaseException:
        _remove_quietly(temporary)
        raise


def atomic_write_text(path: str | os.PathLike[str], text: str, *, mode: int | None = None) -> None:
    """Write ``text`` (UTF-8) to ``path``; see :func:`atomic_write_bytes`."""
    atomic_write_bytes(path, text.encode("utf-8"), mode=mode)


def is_special_file(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` (links followed) is a character device, FIFO or socket."""
    try:
        file_mode = os.stat(path).st_mode
    except OSError:
        return False
    return stat.S_ISCHR(file_mode) or stat.S_ISFIFO(file_mode) or stat.S_ISSOCK(file_mode)


def current_umask() -> int:
    """The process's umask: from ``/proc/self/status`` (Linux), else by setting it and setting
    it back (which another thread creating a file at that instant would notice)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _permissions(target: Path, mode: int | None) -> int:
    if mode is not None:
        return mode
    try:
        existing = os.stat(target).st_mode
    except OSError:
        return 0o666 & ~current_umask()
    return stat.S_IMODE(existing)


def _write_directly(target: Path, payload: bytes) -> None:
    try:
        with open(target, "wb") as stream:
            stream.write(payload)
    except OSError as error:
        raise DiarizeError(f"cannot write {target}: {error.strerror or error}; choose a writable output") from None


#: characters of the output's name kept in its temporary file's name, so that any name the file
#: system holds also leaves room for the temporary one (``.NAME.xxxxxxxx.part``)
_TEMPORARY_NAME_CHARS = 40


def _short(name: str) -> str:
    return name[:_TEMPORARY_NAME_CHARS]


def check_name_length(path: str | os.PathLike[str]) -> None:
    """Raise :class:`DiarizeError` when the last component of ``path`` is longer than its
    folder's file system allows (255 bytes on most), so it is refused before any work."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    try:
        limit = os.pathconf(folder if folder.is_dir() else ".", "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = 255
    length = len(os.fsencode(target.name))
    if length > limit:
        raise DiarizeError(
            f"cannot write {target.name[:40]}...: the file name is too long ({length} bytes; the file system "
            f"allows {limit}); choose a shorter name"
        )


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
