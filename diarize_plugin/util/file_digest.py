"""sha256 of files, read a block at a time: which model, which recording, which output."""

from __future__ import annotations

import hashlib
import os
from typing import Iterable

_BLOCK_BYTES = 1 << 20


def sha256_of_files(paths: Iterable[str | os.PathLike[str]]) -> str:
    """Hex sha256 of the files' bytes, one file after the other (one file: its own sha256)."""
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as stream:
            for block in iter(lambda: stream.read(_BLOCK_BYTES), b""):
                digest.update(block)
    return digest.hexdigest()
