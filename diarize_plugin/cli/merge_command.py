"""``diarize merge RTTM TRANSCRIPT``: attach RTTM speakers to a transcript, no audio needed."""

from __future__ import annotations

import argparse

from ..errors import DiarizeError
from ..audio.input_file import check_input_file
from .common import EXIT_OK, ArgumentParser, add_verbosity, check_outputs, warn_all, write_outputs, writes_to_stream


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
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
    parser.add_argument("--names", metavar="PAIRS|FILE",
                        help="rename speakers: SPEAKER_00=Alice,SPEAKER_01=Bob, or a file of LABEL=NAME lines")
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..formats import read_rttm_file
    from ..transcript.recording_match import require_same_recording
    from ..transcript import (
        TRANSCRIPT_FORMATS, merge, read_transcript, require_shared_time, transcript_format_for, write_transcript,
    )

    check_input_file(arguments.rttm, what="RTTM file")
    check_input_file(arguments.transcript, what="transcript")
    fmt = arguments.format or (
        transcript_format_for(arguments.transcript) if writes_to_stream(arguments.out) else transcript_format_for(arguments.out)
    )
    if fmt not in TRANSCRIPT_FORMATS:
        raise DiarizeError(f"cannot write a transcript as {fmt!r}; use --format {', '.join(TRANSCRIPT_FORMATS)}")
    check_outputs([("--out", arguments.out)], [("RTTM", arguments.rttm), ("transcript", arguments.transcript)])
    annotation = read_rttm_file(arguments.rttm, arguments.file_id)
    transcript = read_transcript(arguments.transcript)
    if arguments.names is not None:
        from ..formats.speaker_names import read_names, rename_speakers

        annotation = rename_speakers(annotation, read_names(arguments.names))
    require_shared_time(annotation, transcript, rttm=arguments.rttm, transcript_name=arguments.transcript)
    if annotation:
        require_same_recording(((s.start_s, s.end_s) for s in transcript.segments),
                               annotation.get_timeline().extent().end,
                               what=f"transcript {arguments.transcript}", recording=f"the turns of {arguments.rttm}")
    merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
    warn_all(merged.warnings)
    write_outputs([(arguments.out, write_transcript(merged, fmt))])
    return EXIT_OK
