"""Checking an input path before anything is decoded: it must be a local, readable file.

Light on purpose (no numpy), so that the command line answers a mistyped path at once.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from .errors import DiarizeError

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def check_input_file(path: str | os.PathLike[str], *, what: str = "input") -> Path:
    """``path`` as a :class:`Path` once it is known to be a local, readable, non-empty file.

    ``what`` names the file in messages (``"input"``, ``"transcript"``). Raises
    :class:`DiarizeError` for a URL, a missing path, a folder, a file that cannot be read
    (permission denied) or an empty file.
    """
    text = os.fspath(path)
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
