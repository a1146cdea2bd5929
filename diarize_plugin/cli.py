"""The ``diarize`` command: a thin layer over the public API.

    diarize INPUT [--out OUT] [--format rttm|srt|vtt|json] [--num-speakers N | ...]
    diarize INPUT --transcript T.json --out OUT.srt [--rttm OUT.rttm]
    diarize merge RTTM TRANSCRIPT --out OUT
    diarize verify A B [--embedder NAME] [--threshold T] [--json]
    diarize models list | diarize models download autospeech
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path
from typing import Sequence

from . import __version__
from .errors import DiarizeError

SUBCOMMANDS = ("merge", "verify", "models")
EXIT_OK, EXIT_UNMATCH, EXIT_ERROR, EXIT_INTERNAL = 0, 1, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    command = argv[0] if argv and argv[0] in SUBCOMMANDS else "diarize"
    parser = _PARSERS[command]()
    arguments = parser.parse_args(argv[1:] if command != "diarize" else argv)
    _configure_logging(getattr(arguments, "verbose", 0), getattr(arguments, "quiet", False))
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            code = arguments.handler(arguments)
        if not getattr(arguments, "quiet", False):
            for warning in caught:
                print(f"diarize: warning: {warning.message}", file=sys.stderr)
        return code
    except DiarizeError as error:
        print(f"diarize: error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("diarize: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not a user error: one line unless -v asks for more
        if getattr(arguments, "verbose", 0):
            raise
        print(f"diarize: internal error: {type(error).__name__}: {error} (rerun with -v for details)", file=sys.stderr)
        return EXIT_INTERNAL


# --- diarize INPUT ------------------------------------------------------------------------


def _diarize_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diarize",
        description="Who spoke when: speaker diarization of a recording, optionally merged into its transcript.",
        epilog="Other commands: 'diarize merge RTTM TRANSCRIPT --out OUT', 'diarize verify A B', "
        "'diarize models list|download'. Run each with --help.",
    )
    parser.add_argument("input", help="audio or video file (WAV, FLAC, MP3, OGG, M4A, MP4, MKV, WEBM, ...)")
    parser.add_argument("-o", "--out", default="-", help="output file; '-' (default) writes to stdout")
    parser.add_argument("--format", choices=("rttm", "srt", "vtt", "json", "txt"),
                        help="output format (default: from the extension of --out; RTTM on stdout)")
    count = parser.add_argument_group("number of speakers (default: found automatically)")
    count.add_argument("--num-speakers", type=int, metavar="N", help="exactly N speakers")
    count.add_argument("--min-speakers", type=int, metavar="A", help="at least A speakers")
    count.add_argument("--max-speakers", type=int, metavar="B", help="at most B speakers")
    tuning = parser.add_argument_group("models and tuning")
    tuning.add_argument("--embedder", default="campplus",
                        help="speaker-embedding model: campplus (bundled, default), autospeech, or PATH.onnx")
    tuning.add_argument("--segmentation", choices=("webrtcvad", "neural"), default=None,
                        help="speech detector: neural (overlap-aware network, default) or webrtcvad (faster, no overlap)")
    tuning.add_argument("--threshold", type=float,
                        help="clustering cosine-distance threshold (default: calibrated for the model; lower = more speakers)")
    tuning.add_argument("--overlap-threshold", type=float, metavar="X",
                        help="neural segmentation: expected number of speakers at once (1-2) from which speech counts"
                        " as overlap (default 1.25, and 1.15 inside one speaker's turn; lower finds more overlap, and more"
                        " false overlap at speaker changes)")
    tuning.add_argument("--vad-aggressiveness", type=int, choices=(0, 1, 2, 3), default=None,
                        help="webrtcvad mode, 0 (keeps most) to 3 (strictest); webrtcvad segmentation only")
    tuning.add_argument("--model-dir", help="folder of downloaded models (default: per-user cache, or $DIARIZE_MODEL_DIR)")
    tuning.add_argument("--threads", type=int, help="ONNX Runtime threads (default: number of cores)")
    merging = parser.add_argument_group("transcripts")
    merging.add_argument("--transcript", metavar="PATH",
                         help="ASR transcript (Whisper JSON, SRT, WebVTT) to label with speakers; --out then gets the merged transcript")
    merging.add_argument("--rttm", metavar="PATH", help="also write the speaker turns as RTTM to PATH")
    merging.add_argument("--keep-segments", action="store_true",
                         help="do not split transcript segments where the speaker changes")
    _add_verbosity(parser)
    parser.set_defaults(handler=_run_diarize)
    return parser


def _run_diarize(arguments: argparse.Namespace) -> int:
    from .formats import format_for_path, render_annotation
    from .pipeline import DEFAULT_SEGMENTATION, Diarizer, VadOptions
    from .progress import no_progress, stderr_progress

    vad = VadOptions() if arguments.vad_aggressiveness is None else VadOptions(aggressiveness=arguments.vad_aggressiveness)
    transcript_format = None
    if arguments.transcript:
        from .transcript import read_transcript, transcript_format_for

        transcript = read_transcript(arguments.transcript)  # fail early, before the long work
        transcript_format = arguments.format or (
            transcript_format_for(arguments.out) if arguments.out != "-" else transcript_format_for(arguments.transcript)
        )
    else:
        if arguments.format == "txt":
            raise DiarizeError("--format txt needs --transcript; speaker turns alone are written as rttm, srt, vtt or json")
        output_format = format_for_path(arguments.out, arguments.format)
    _check_writable(arguments.out)
    if arguments.rttm:
        _check_writable(arguments.rttm)
    from .audio import load_audio
    from .cluster import SpeakerBounds

    # bad options and bad input fail before the models load
    SpeakerBounds.from_options(arguments.num_speakers, arguments.min_speakers, arguments.max_speakers)
    waveform = load_audio(arguments.input)
    diarizer = Diarizer(
        embedder=arguments.embedder,
        segmentation=arguments.segmentation or DEFAULT_SEGMENTATION,
        threshold=arguments.threshold,
        vad=vad,
        overlap_threshold=arguments.overlap_threshold,
        model_dir=arguments.model_dir,
        threads=arguments.threads,
        progress=no_progress if arguments.quiet else stderr_progress,
    )
    annotation = diarizer.run(
        waveform,
        uri=Path(arguments.input).stem,
        num_speakers=arguments.num_speakers,
        min_speakers=arguments.min_speakers,
        max_speakers=arguments.max_speakers,
    )
    logging.getLogger("diarize").info("%d speakers, %d turns", len(annotation.labels()), len(annotation))
    if arguments.rttm:
        _write(arguments.rttm, render_annotation(annotation, "rttm"))
    if arguments.transcript:
        from .transcript import merge, write_transcript

        merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
        _write(arguments.out, write_transcript(merged, transcript_format))
    else:
        _write(arguments.out, render_annotation(annotation, output_format))
    return EXIT_OK


# --- diarize merge RTTM TRANSCRIPT ----------------------------------------------------------


def _merge_parser() -> argparse.ArgumentParser:
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
    _add_verbosity(parser)
    parser.set_defaults(handler=_run_merge)
    return parser


def _run_merge(arguments: argparse.Namespace) -> int:
    from .formats import read_rttm
    from .transcript import merge, read_transcript, transcript_format_for, write_transcript

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
    _check_writable(arguments.out)
    merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
    _write(arguments.out, write_transcript(merged, fmt))
    return EXIT_OK


# --- diarize verify A B ---------------------------------------------------------------------


def _verify_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diarize verify",
        description="Are two recordings the same speaker? Prints the cosine similarity and match/unmatch. "
        "Exit code 0: match, 1: unmatch, 2: error.",
    )
    parser.add_argument("first", help="first recording")
    parser.add_argument("second", help="second recording")
    parser.add_argument("--embedder", default="campplus", help="campplus (bundled, default), autospeech, or PATH.onnx")
    parser.add_argument("--threshold", type=float, help="similarity at or above which it is a match (default: the model's own)")
    parser.add_argument("--model-dir", help="folder of downloaded models")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    _add_verbosity(parser)
    parser.set_defaults(handler=_run_verify)
    return parser


def _run_verify(arguments: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .verify import format_verification, verify

    result = verify(arguments.first, arguments.second, embedder=arguments.embedder,
                    threshold=arguments.threshold, model_dir=arguments.model_dir)
    if arguments.json:
        print(json.dumps(asdict(result)))
    else:
        print(format_verification(result))
    return EXIT_OK if result.match else EXIT_UNMATCH


# --- diarize models ... ---------------------------------------------------------------------


def _models_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="diarize models", description="List or download speaker-embedding models.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="{list,download}")
    listing = actions.add_parser("list", help="bundled and installed models, with paths, sizes and licences")
    listing.add_argument("--model-dir", help="folder of downloaded models")
    listing.add_argument("--json", action="store_true", help="print JSON")
    download = actions.add_parser("download", help="download a model into the model folder")
    download.add_argument("name", choices=("autospeech",), help="model to download")
    download.add_argument("--model-dir", help="folder of downloaded models")
    for sub in (parser, listing, download):
        _add_verbosity(sub)
    parser.set_defaults(handler=_run_models)
    return parser


def _run_models(arguments: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .embed.model_store import download_autospeech, list_models

    if arguments.action == "download":
        path = download_autospeech(arguments.model_dir, progress=not arguments.quiet)
        print(f"installed autospeech in {path}")
        return EXIT_OK
    models = list_models(arguments.model_dir)
    if arguments.json:
        print(json.dumps([{k: str(v) if isinstance(v, Path) else v for k, v in asdict(m).items()} for m in models], indent=2))
        return EXIT_OK
    print(f"{'name':<17} {'state':<13} {'size':>8}  {'licence':<12} path")
    for model in models:
        size = f"{model.size_bytes / 1e6:.1f} MB" if model.installed else "-"
        state = model.kind if model.installed else "not installed"
        licence = model.licence.split(" ")[0]
        print(f"{model.name:<17} {state:<13} {size:>8}  {licence:<12} {model.path}")
    missing = [model.name for model in models if not model.installed]
    if missing:
        print(f"install with: diarize models download {' | '.join(missing)}  (diarize models list --json for licence details)")
    return EXIT_OK


# --- shared --------------------------------------------------------------------------------


def _add_verbosity(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar, no warnings")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more detail on stderr (-vv: debug)")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")


def _configure_logging(verbose: int, quiet: bool) -> None:
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="diarize: %(message)s", stream=sys.stderr)


def _check_writable(path: str) -> None:
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


def _write(path: str, text: str) -> None:
    from .atomic import atomic_write_text

    if path == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write_text(path, text)


_PARSERS = {"diarize": _diarize_parser, "merge": _merge_parser, "verify": _verify_parser, "models": _models_parser}


if __name__ == "__main__":
    sys.exit(main())
