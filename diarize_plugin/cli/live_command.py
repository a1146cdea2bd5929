"""``diarize live -`` / ``diarize live --follow FILE``: who speaks, while the recording goes on.

Reads raw 16-bit PCM (``--rate``, ``--channels``) or a WAV stream from standard input, or
follows a file another program is still writing; prints one JSON object per settled turn (and
per provisional guess with ``--provisional``), per merge of two labels and per speaker
recognised among the enrolled voices; writes ``--out`` on exit (end of input, Ctrl-C,
SIGTERM). A thin layer over :class:`diarize_plugin.live.StreamingDiarizer`.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from .common import EMBEDDER_HELP, EXIT_OK, STDIN, ArgumentParser, add_verbosity, check_outputs, positive_int, write_outputs
from .termination import Terminated

#: seconds a followed file may stay the same size before the recording counts as over
DEFAULT_QUIET_S = 10.0


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="diarize live",
        description="Live diarization: speaker turns as JSON lines while the audio arrives, e.g. "
        "ffmpeg -f pulse -i default -ac 1 -ar 16000 -f s16le - | diarize live - --rate 16000",
    )
    parser.add_argument("input", nargs="?", help="'-': raw s16le or a WAV stream on standard input")
    parser.add_argument("--follow", metavar="FILE",
                        help="follow a WAV (or raw s16le) file that is still being written; stops after --quiet-s "
                        "seconds without growth, or on Ctrl-C")
    parser.add_argument("--rate", type=int, default=16000, help="sample rate of raw input, Hz (default 16000)")
    parser.add_argument("--channels", type=int, default=1, help="channels of raw input, averaged (default 1)")
    parser.add_argument("--latency", type=float, default=2.0, metavar="S",
                        help="a turn is final at most S seconds after its audio arrived, 1 to 10 (default 2)")
    parser.add_argument("--provisional", action="store_true",
                        help="also print provisional guesses about the last seconds (\"final\": false)")
    parser.add_argument("--out", action="append", default=[], metavar="PATH",
                        help="on exit, write the final turns here (.rttm .srt .vtt .json .TextGrid .eaf); repeatable")
    parser.add_argument("--format", help="format of --out when its extension does not say")
    parser.add_argument("--voices", nargs="?", const="", metavar="DB",
                        help="name speakers after the people enrolled in the voice database DB as soon as they are "
                        "recognised (default DB: $DIARIZE_VOICE_DB, else the per-user one)")
    parser.add_argument("--voices-threshold", type=float, metavar="S",
                        help="cosine similarity from which a speaker gets an enrolled name (default: calibrated)")
    parser.add_argument("--max-speakers", type=positive_int, metavar="N", help="at most N speakers")
    parser.add_argument("--threshold", type=float, help="cosine distance under which a voice joins a speaker")
    parser.add_argument("--quiet-s", type=float, default=DEFAULT_QUIET_S, metavar="S",
                        help=f"--follow: stop once the file has not grown for S seconds (default {DEFAULT_QUIET_S:g})")
    parser.add_argument("--embedder", default="campplus", help=EMBEDDER_HELP)
    parser.add_argument("--model-dir", help="folder of downloaded models")
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..embed.registry import load_embedder
    from ..errors import DiarizeError
    from ..formats import format_for_path, render_annotation
    from ..live import LiveAnnotation, LiveOptions, StreamingDiarizer, check_live_options
    from ..live.pcm_input import blocks_from, check_pcm_format, follow_reader, stream_reader
    from ..voices import Gallery

    raw = check_pcm_format(arguments.rate, arguments.channels)
    check_live_options(arguments.latency, arguments.threshold, max_speakers=arguments.max_speakers)
    if arguments.quiet_s <= 0:
        raise DiarizeError(f"--quiet-s must be a positive number of seconds, not {arguments.quiet_s:g}")
    if arguments.voices_threshold is not None and arguments.voices is None:
        raise DiarizeError("--voices-threshold needs --voices (name the speakers after enrolled people)")
    outputs = [(path, format_for_path(path, arguments.format)) for path in arguments.out]
    if any(fmt == "html" for _, fmt in outputs):
        raise DiarizeError("the html report needs the whole recording: write .rttm or .json live, then diarize report")
    check_outputs([("--out", path) for path in arguments.out],
                  [("--follow", arguments.follow)] if arguments.follow else [])
    read, close, uri = _open_input(arguments, DiarizeError, follow_reader, stream_reader)
    try:
        embedder = load_embedder(arguments.embedder, arguments.model_dir, 1)
        gallery = None if arguments.voices is None else Gallery.from_database(arguments.voices or None, embedder)
        options = LiveOptions(
            threshold=arguments.threshold, latency_s=arguments.latency, max_speakers=arguments.max_speakers,
            provisional=arguments.provisional, identification_threshold=arguments.voices_threshold,
        )
        diarizer = StreamingDiarizer(embedder, options, gallery=gallery)
        collected = LiveAnnotation(uri)
        received = _stream(diarizer, blocks_from(read, raw), collected)
    finally:
        close()
    if received == 0:
        raise DiarizeError("no audio arrived; pipe raw s16le or WAV audio in (ffmpeg ... -f s16le - | diarize live -)")
    annotation = collected.annotation()
    write_outputs([(path, render_annotation(annotation, fmt, uri)) for path, fmt in outputs])
    return EXIT_OK


def _open_input(arguments, error_type, follow_reader, stream_reader):
    """``(read, close, uri)`` of the input the arguments name."""
    if arguments.follow and arguments.input:
        raise error_type("give '-' (standard input) or --follow FILE, not both")
    if arguments.follow:
        path = Path(arguments.follow)
        if not path.is_file():
            raise error_type(f"{path} does not exist or is not a file; --follow reads a file being recorded")
        read, close = follow_reader(str(path), arguments.quiet_s)
        return read, close, path.stem
    if arguments.input != STDIN:
        raise error_type("diarize live reads '-' (standard input) or --follow FILE: "
                         "ffmpeg -i meeting.mp4 -f s16le -ac 1 -ar 16000 - | diarize live -")
    if sys.stdin is None or sys.stdin.isatty():
        raise error_type("'-' reads audio from standard input, but nothing is piped in: "
                         "ffmpeg -f pulse -i default -ac 1 -ar 16000 -f s16le - | diarize live - --rate 16000")
    try:
        descriptor = sys.stdin.fileno()
    except (OSError, ValueError, io.UnsupportedOperation):
        raise error_type("standard input is not a stream this process can read; pipe audio in") from None
    return stream_reader(descriptor), lambda: None, "live"


def _stream(diarizer, blocks, collected) -> int:
    """Feed every block, print every event; on Ctrl-C or SIGTERM stop reading and settle what
    arrived. Returns the number of samples received."""
    received = 0

    def show(events) -> None:
        collected.add(events)
        for event in events:
            print(event.to_json(), flush=True)

    try:
        for block in blocks:
            received += len(block)
            show(diarizer.feed(block))
    except (KeyboardInterrupt, Terminated):
        print("diarize: live input stopped; writing what arrived", file=sys.stderr)
    show(diarizer.finish())
    return received
