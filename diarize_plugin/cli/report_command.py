"""``diarize report RTTM AUDIO``: the HTML report of a diarization already written as RTTM."""

from __future__ import annotations

import argparse

from ..errors import DiarizeError
from ..audio.input_file import check_input_file
from .common import EXIT_OK, STDOUT, ArgumentParser, add_verbosity, check_outputs, warn_all, write_outputs


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="diarize report",
        description="Write a self-contained HTML page to look at and listen to a diarization: a timeline with one"
        " lane per speaker, the audio player, the speaker-labelled transcript, per-speaker statistics.",
    )
    parser.add_argument("rttm", help="speaker turns (RTTM, as 'diarize' writes them)")
    parser.add_argument("audio", help="the recording the turns are of")
    parser.add_argument("-o", "--out", required=True, help="the report to write (.html)")
    parser.add_argument("--transcript", metavar="PATH", help="ASR transcript (Whisper JSON, SRT, WebVTT) to show, labelled")
    parser.add_argument("--file-id", help="which file of a multi-file RTTM to use (default: the only one)")
    parser.add_argument("--exclusive", action="store_true", help="show at most one speaker at any time")
    parser.add_argument("--names", metavar="PAIRS|FILE",
                        help="rename speakers: SPEAKER_00=Alice,SPEAKER_01=Bob, or a file of LABEL=NAME lines")
    parser.add_argument("--embed-limit-mb", type=float, default=16.0, metavar="MB",
                        help="embed the audio (MP3, 32 kbit/s: about 14 MB an hour) up to this size, else link it"
                        " by its path relative to the report (default 16; 0: always link)")
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..formats import exclusive, read_rttm_file
    from ..transcript.recording_match import require_same_recording
    from ..report import report_html
    from ..report.embedded_audio import audio_duration_s

    if not arguments.embed_limit_mb >= 0:
        raise DiarizeError(f"--embed-limit-mb must be 0 or more, got {arguments.embed_limit_mb}")
    if arguments.out == STDOUT:
        raise DiarizeError("the html report links or embeds the audio beside it: give --out FILE.html")
    inputs = [("RTTM", arguments.rttm), ("audio", arguments.audio)]
    inputs += [("transcript", arguments.transcript)] if arguments.transcript else []
    for what, path in inputs:
        check_input_file(path, what=f"{what} file" if what == "RTTM" else what)
    check_outputs([("--out", arguments.out)], inputs)
    annotation = read_rttm_file(arguments.rttm, arguments.file_id)
    duration_s = audio_duration_s(arguments.audio)
    if duration_s is not None:
        require_same_recording(((turn.start, turn.end) for turn in annotation.itersegments()), duration_s,
                               what=f"RTTM {arguments.rttm}", recording=arguments.audio)
    if arguments.exclusive:
        annotation = exclusive(annotation)
    if arguments.names is not None:
        from ..formats.speaker_names import read_names, rename_speakers

        annotation = rename_speakers(annotation, read_names(arguments.names))
    transcript = None
    if arguments.transcript:
        from ..transcript import merge, read_transcript

        read = read_transcript(arguments.transcript)
        if duration_s is not None:
            require_same_recording(((s.start_s, s.end_s) for s in read.segments), duration_s,
                                   what=f"transcript {arguments.transcript}", recording=arguments.audio)
        transcript = merge(annotation, read)
        warn_all(transcript.warnings)
    options = {"rttm": arguments.rttm, "transcript": arguments.transcript, "exclusive": arguments.exclusive or None}
    page = report_html(
        annotation, arguments.audio, arguments.out, transcript=transcript,
        options={key: value for key, value in options.items() if value is not None}, duration_s=duration_s,
        embed_limit_bytes=int(arguments.embed_limit_mb * 1024 * 1024),
    )
    write_outputs([(arguments.out, page)])
    return EXIT_OK
