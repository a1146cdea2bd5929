"""What every ``diarize`` sub-command shares: exit codes, verbosity flags, output writing."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from .. import __version__
from ..errors import DiarizeError

EXIT_OK, EXIT_UNMATCH, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def add_verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no warnings")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail on stderr (-vv: debug)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="diarize: %(message)s", stream=sys.stderr)


def check_writable(path: str) -> None:
    """Fail before the long work when the output's folder is missing or read-only."""
    if path == "-":
        return
    import os

    folder = Path(path).parent
    if not folder.is_dir():
        raise DiarizeError(f"cannot write {path}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise DiarizeError(f"cannot write {path}: folder {folder} is not writable; choose another output path")
    if Path(path).is_dir():
        raise DiarizeError(f"cannot write {path}: it is a folder; give a file name")


def write_output(path: str, text: str) -> None:
    from ..atomic import atomic_write_text

    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(path, text)
