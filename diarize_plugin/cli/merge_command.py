"""``diarize merge RTTM TRANSCRIPT``: attach RTTM speakers to a transcript, no audio needed."""

from __future__ import annotations

import argparse

from ..errors import DiarizeError
from .common import EXIT_OK, add_verbosity, check_writable, write_output


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diarize merge",
        description="Attach the speakers of an RTTM file to an ASR transcript (no audio needed).",
    )
    parser.add_argument("rttm", help="speaker turns (RTTM, as 'diarize' writes them)")
    parser.add_argument("transcript", help="transcript: Whisper/faster-whisper/WhisperX JSON, SRT or WebVTT")
    parser.add_argument("-o", "--out", default="-", help="output file; '-' (default) writes to stdout")
    parser.add_argument("--format", choices=("srt", "vtt", "json", "txt"),
                        help="output format (default: from --out's extension, else the transcript's own)")
    parser.add_argument("--file-id", help="which file of a multi-file RTTM to use (default: the only one)")
    parser.add_argument("--keep-segments", action="store_true", help="do not split segments where the speaker changes")
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..formats import read_rttm
    from ..transcript import merge, read_transcript, transcript_format_for, write_transcript

    annotations = read_rttm(arguments.rttm)
    if arguments.file_id:
        if arguments.file_id not in annotations:
            raise DiarizeError(f"{arguments.rttm} has no file id {arguments.file_id!r}; it has: {', '.join(annotations) or 'none'}")
        annotation = annotations[arguments.file_id]
    elif len(annotations) > 1:
        raise DiarizeError(f"{arguments.rttm} holds several files ({', '.join(annotations)}); choose one with --file-id")
    else:
        from pyannote.core import Annotation

        annotation = next(iter(annotations.values()), Annotation())
    transcript = read_transcript(arguments.transcript)
    fmt = arguments.format or (
        transcript_format_for(arguments.out) if arguments.out != "-" else transcript_format_for(arguments.transcript)
    )
    check_writable(arguments.out)
    merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
    write_output(arguments.out, write_transcript(merged, fmt))
    return EXIT_OK
