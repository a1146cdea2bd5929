"""The ``diarize`` command: a thin layer over the public API.

    diarize INPUT [--out OUT] [--format rttm|srt|vtt|json] [--num-speakers N | ...]
    diarize INPUT --transcript T.json --out OUT.srt [--rttm OUT.rttm]
    diarize merge RTTM TRANSCRIPT --out OUT
    diarize report RTTM AUDIO [--transcript T] --out report.html
    diarize verify A B [--embedder NAME] [--threshold T] [--json]
    diarize models list | diarize models download autospeech
    diarize enroll NAME FILE... | diarize identify FILE | diarize speakers list|show|rename|remove|export|import
    diarize live - [--rate 16000] [--latency 2] [--out OUT] | diarize live --follow recording.wav

Each sub-command lives in its own module (``*_command.py``) with ``build_parser()`` and
``run(arguments) -> exit code``; :data:`COMMANDS` maps the first word of the command line to
it, and the modules are imported only when their command runs, so ``--help`` stays fast.
"""

from __future__ import annotations

import importlib
import logging
import os
import signal
import sys
import warnings
from typing import Sequence

from ..errors import DiarizeError
from .common import EXIT_INTERNAL, configure_logging
from .termination import EXIT_TERMINATED, Terminated, exit_on_terminate

#: exit status when the reader of standard output went away (``| head -1``): 128 + SIGPIPE, what
#: a shell reports for any tool ended by a closed pipe
EXIT_CLOSED_PIPE = 128 + signal.SIGPIPE

#: first word of the command line -> module of this package; "diarize" is the default command
COMMANDS = {
    "diarize": "diarize_command",
    "merge": "merge_command",
    "verify": "verify_command",
    "models": "models_command",
    "report": "report_command",
    "enroll": "enroll_command",
    "identify": "identify_command",
    "speakers": "speakers_command",
    "live": "live_command",
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in COMMANDS and argv[0] != "diarize" else "diarize"
    module = importlib.import_module(f".{COMMANDS[command]}", __name__)
    parser = module.build_parser()
    arguments = parser.parse_args(argv[1:] if command != "diarize" else argv)
    configure_logging(getattr(arguments, "verbose", 0), getattr(arguments, "quiet", False))
    try:
        with warnings.catch_warnings(record=True) as caught, exit_on_terminate():
            warnings.simplefilter("always")
            code = arguments.handler(arguments)
        if not getattr(arguments, "quiet", False):
            for warning in caught:
                print(f"diarize: warning: {warning.message}", file=sys.stderr)
        return code
    except DiarizeError as error:
        print(f"diarize: error: {error}", file=sys.stderr)
        return error.exit_code
    except BrokenPipeError:
        _detach_stdout()
        return EXIT_CLOSED_PIPE
    except KeyboardInterrupt:
        print("diarize: interrupted", file=sys.stderr)
        return 130
    except Terminated:
        print("diarize: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except Exception as error:  # a bug, not a user error: one line unless -v asks for more
        if getattr(arguments, "verbose", 0):
            raise
        logging.getLogger("diarize").debug("internal error", exc_info=True)
        print(f"diarize: internal error: {type(error).__name__}: {error} (rerun with -v for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _detach_stdout() -> None:
    """Point standard output at ``/dev/null``: the reader is gone, and the interpreter's own
    flush at exit would otherwise print a second BrokenPipeError."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # no file descriptor behind sys.stdout (embedded, captured)
        pass
