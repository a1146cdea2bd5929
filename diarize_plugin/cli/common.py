"""What every ``diarize`` sub-command shares: exit codes, the argument parser, verbosity flags,
option and output checks, output writing.

Light on purpose: nothing here imports numpy or a model, so that ``--help``, ``--version`` and
a mistyped path answer at once.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import NoReturn, Sequence

from ..embed.settings import DEFAULT_EMBEDDER
from .. import __version__
from ..errors import DiarizeError

EXIT_OK, EXIT_UNMATCH, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3
#: the output path that means standard output
STDOUT = "-"
#: what ``--embedder`` takes, in every command that has it
EMBEDDER_HELP = ("speaker-embedding model: campplus (bundled CAM++ int8, default), campplus-fp32 (its float32"
                 " original, bundled), autospeech (after 'diarize models download autospeech'), or PATH.onnx")
#: the input path that means standard input (audio only), and where it is read from
STDIN, STDIN_DEVICE = "-", "/dev/stdin"


class ArgumentParser(argparse.ArgumentParser):
    """argparse with one-line errors: ``diarize: error: MESSAGE (see diarize --help)``, exit 2.

    Sub-parsers (``add_subparsers``) are of this class too.
    """

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_ERROR, f"diarize: error: {message} (see {self.prog} --help)\n")


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def add_verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no warnings")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail on stderr (-vv: debug)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def configure_logging(verbose: int, quiet: bool) -> None:
    """The ``diarize`` logger at the level of ``-q``/``-v``, writing ``diarize: MESSAGE`` lines to
    the ``sys.stderr`` of now (each command configures it again, so a process that runs several,
    such as a test, gets each one's lines). Other libraries' loggers (Dask's) are left alone."""
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logger = logging.getLogger("diarize")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("diarize: %(message)s"))
    logger.handlers[:] = [handler]
    logger.setLevel(level)
    logger.propagate = False


def audio_inputs(paths: Sequence[str]) -> list[str]:
    """``paths`` with ``-`` read as standard input (``/dev/stdin``, which the decoder reads to
    the end first); at most one may be ``-``, and standard input must not be a terminal."""
    if list(paths).count(STDIN) > 1:
        raise DiarizeError("standard input ('-') holds one recording; give the others as files")
    if STDIN in paths and sys.stdin is not None and sys.stdin.isatty():
        raise DiarizeError("'-' reads the recording from standard input, but nothing is piped in: "
                           "cat meeting.wav | diarize -")
    return [STDIN_DEVICE if path == STDIN else path for path in paths]


def writes_to_stream(path: str) -> bool:
    """Whether the output ``path`` is standard output, a device or a pipe: a name with no
    extension to tell a format by (``-``, ``/dev/stdout``, ``/dev/null``, a FIFO)."""
    from ..util.atomic import is_special_file

    return path in (STDOUT, "/dev/stdout") or is_special_file(path)


def check_writable(path: str) -> None:
    """Fail before the long work when the output cannot be written: its folder is missing or
    read-only, its name is too long for the file system, it is a folder, or it is a device or
    pipe that refuses writing."""
    from ..util.atomic import check_name_length, is_special_file

    if path == STDOUT:
        return
    check_name_length(path)
    if is_special_file(path):
        if not os.access(path, os.W_OK):
            raise DiarizeError(f"cannot write {path}: permission denied; choose another output")
        return
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if target.is_dir():
        raise DiarizeError(f"cannot write {path}: it is a folder; give a file name")
    folder = target.parent
    if not folder.is_dir():
        raise DiarizeError(f"cannot write {path}: folder {folder} does not exist; create it first")
    if not os.access(folder, os.W_OK):
        raise DiarizeError(f"cannot write {path}: folder {folder} is not writable; choose another output path")


def check_outputs(outputs: Sequence[tuple[str, str]], inputs: Sequence[tuple[str, str]]) -> None:
    """Check every output before any work: each writable, none the same file as an input or as
    another output. ``outputs``/``inputs``: ``(option, path)`` pairs, e.g. ``("--out", "a.srt")``.
    """
    for option, path in outputs:
        check_writable(path)
    to_stdout = [option for option, path in outputs if path == STDOUT]
    if len(to_stdout) > 1:
        raise DiarizeError(f"{' and '.join(to_stdout)} both write to stdout ('-'); give one of them a file path")
    named = [(option, path) for option, path in outputs if path != STDOUT]
    for index, (option, path) in enumerate(named):
        for other_option, other_path in list(inputs) + named[:index]:
            if _same_file(path, other_path):
                role = "input" if (other_option, other_path) in inputs else "output"
                raise DiarizeError(
                    f"{option} {path} is the same file as the {role} {other_path} ({other_option}); "
                    "choose another output path"
                )


def _same_file(first: str, second: str) -> bool:
    try:
        return os.path.samefile(first, second)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return os.path.realpath(first) == os.path.realpath(second)


def warn_all(messages: Sequence[str]) -> None:
    """Issue each message as a warning; :func:`diarize_plugin.cli.main` prints them on stderr."""
    import warnings

    for message in messages:
        warnings.warn(message, UserWarning, stacklevel=2)


def write_outputs(outputs: Sequence[tuple[str, str]]) -> None:
    """Write every ``(path, text)`` once all of them are rendered: regular files atomically,
    ``-`` and ``/dev/stdout`` to standard output, devices and pipes directly."""
    from ..util.atomic import atomic_write_text

    for path, text in outputs:
        if path in (STDOUT, "/dev/stdout"):
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            atomic_write_text(path, text)


def write_output(path: str, text: str) -> None:
    """Write one output; see :func:`write_outputs`."""
    write_outputs([(path, text)])


def add_voice_db(parser: argparse.ArgumentParser) -> None:
    """``--db PATH``: the voice database of the voice commands."""
    parser.add_argument("--db", metavar="PATH",
                        help="voice database file (default: $DIARIZE_VOICE_DB, else the per-user data folder)")


def add_voice_options(parser: argparse.ArgumentParser) -> None:
    """The embedder and the voice database of the commands that embed voices (enroll, identify)."""
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help=EMBEDDER_HELP)
    parser.add_argument("--model-dir", help="folder of downloaded models")
    parser.add_argument("--threads", type=positive_int,
                        help="ONNX Runtime threads (default: $DIARIZE_THREADS, else the number of cores)")
    add_voice_db(parser)


def parse_time_range(text: str):
    """``START-END`` in seconds (``12.5-40``) or [h:]mm:ss (``1:05-1:20``) as a ``Segment``."""
    from pyannote.core import Segment

    def seconds(part: str) -> float:
        value = 0.0
        for field in part.strip().split(":"):
            value = value * 60 + float(field)
        return value

    try:
        start_text, end_text = text.split("-", 1)
        start, end = seconds(start_text), seconds(end_text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not START-END (seconds, or [h:]mm:ss)") from None
    if not 0 <= start < end:
        raise argparse.ArgumentTypeError(f"{text!r}: START must be at least 0 and before END")
    return Segment(start, end)
