"""``diarize FILE_OR_FOLDER... --out-dir DIR [--jobs N | --scheduler ADDRESS]``: many recordings.

Part of the ``diarize`` command (:mod:`.diarize_command`): the options, the checks of what a
batch cannot do, and the lines on stderr; the work is :func:`diarize_plugin.batch.run_batch`.
"""

from __future__ import annotations

import argparse
import functools
import sys
from typing import TYPE_CHECKING

from ..errors import DiarizeError
from .common import EXIT_ERROR, EXIT_OK

if TYPE_CHECKING:
    from ..batch import FileOutcome


def add_batch_options(parser: argparse.ArgumentParser) -> None:
    batch = parser.add_argument_group("many recordings (one output per input, summary.json, resume on re-run)")
    batch.add_argument("--out-dir", metavar="DIR",
                       help="diarize every INPUT (files, and folders searched recursively) into DIR, "
                       "one output per input named after it; finished outputs are skipped on a re-run")
    batch.add_argument("--jobs", type=int, metavar="N",
                       help="worker processes on this machine (default 1), each with its share of the cores")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="run on the Dask cluster of this scheduler (tcp://HOST:8786); needs diarize-plugin[dask]")


def is_batch(arguments: argparse.Namespace) -> bool:
    """Whether the command line asks for a batch rather than one recording."""
    return (arguments.out_dir is not None or len(arguments.input) > 1
            or arguments.jobs is not None or arguments.scheduler is not None)


def run(arguments: argparse.Namespace) -> int:
    from ..batch import DiarizationSettings, run_batch
    from .diarizer_options import diarizer_options

    _refuse_single_file_options(arguments)
    settings = DiarizationSettings(
        diarizer_options(arguments),
        num_speakers=arguments.num_speakers,
        min_speakers=arguments.min_speakers,
        max_speakers=arguments.max_speakers,
        output_format=arguments.format or "rttm",
        exclusive=arguments.exclusive,
    )
    summary = run_batch(
        arguments.input, arguments.out_dir, settings, jobs=arguments.jobs, scheduler=arguments.scheduler,
        progress=not arguments.quiet, on_outcome=functools.partial(_print_outcome, quiet=arguments.quiet),
    )
    if not arguments.quiet:
        counts = ", ".join(f"{summary.count(status)} {status}" for status in ("done", "skipped", "failed"))
        print(f"diarize: {len(summary.files)} recordings: {counts}; summary in {arguments.out_dir}/summary.json",
              file=sys.stderr)
    return EXIT_ERROR if summary.failed else EXIT_OK


def _refuse_single_file_options(arguments: argparse.Namespace) -> None:
    if arguments.out_dir is None:
        raise DiarizeError(
            "several inputs, --jobs and --scheduler need --out-dir DIR (one output per input, named after it)"
        )
    if arguments.out != "-":
        raise DiarizeError("--out names one output; with --out-dir every input gets its own, named after it")
    for flag, value in (("--transcript", arguments.transcript), ("--rttm", arguments.rttm),
                        ("--keep-segments", arguments.keep_segments)):
        if value:
            raise DiarizeError(f"{flag} works on one recording; diarize each with its transcript separately")


def _print_outcome(outcome: FileOutcome, warnings: tuple[str, ...], quiet: bool) -> None:
    """One line per failure (always), per warning (unless ``quiet``), above the progress bar."""
    from tqdm import tqdm

    if outcome.status == "failed":
        tqdm.write(f"diarize: error: {outcome.input}: {outcome.error}", file=sys.stderr)
    for message in () if quiet else warnings:
        tqdm.write(f"diarize: warning: {outcome.input}: {message}", file=sys.stderr)
