"""``diarize INPUT``: diarize one recording, optionally merged into its transcript."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from ..errors import DiarizeError
from .common import EXIT_OK, add_verbosity, check_writable, write_output


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="diarize",
        description="Who spoke when: speaker diarization of a recording, optionally merged into its transcript.",
        epilog="Other commands: 'diarize merge RTTM TRANSCRIPT --out OUT', 'diarize verify A B', "
        "'diarize models list|download'. Run each with --help.",
    )
    parser.add_argument("input", nargs="+", metavar="INPUT",
                        help="audio or video file (WAV, FLAC, MP3, OGG, M4A, MP4, MKV, WEBM, ...); "
                        "with --out-dir, several files and folders")
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
    from .batch_mode import add_batch_options

    add_batch_options(parser)
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from . import batch_mode

    if batch_mode.is_batch(arguments):
        return batch_mode.run(arguments)
    arguments.input = arguments.input[0]  # one recording: the behaviour of a single-input command
    from ..formats import format_for_path, render_annotation
    from ..pipeline import DEFAULT_SEGMENTATION, Diarizer, VadOptions
    from ..progress import no_progress, stderr_progress

    vad = VadOptions() if arguments.vad_aggressiveness is None else VadOptions(aggressiveness=arguments.vad_aggressiveness)
    transcript_format = None
    if arguments.transcript:
        from ..transcript import read_transcript, transcript_format_for

        transcript = read_transcript(arguments.transcript)  # fail early, before the long work
        transcript_format = arguments.format or (
            transcript_format_for(arguments.out) if arguments.out != "-" else transcript_format_for(arguments.transcript)
        )
    else:
        if arguments.format == "txt":
            raise DiarizeError("--format txt needs --transcript; speaker turns alone are written as rttm, srt, vtt or json")
        output_format = format_for_path(arguments.out, arguments.format)
    check_writable(arguments.out)
    if arguments.rttm:
        check_writable(arguments.rttm)
    from ..audio import load_audio
    from ..cluster import SpeakerBounds

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
        write_output(arguments.rttm, render_annotation(annotation, "rttm"))
    if arguments.transcript:
        from ..transcript import merge, write_transcript

        merged = merge(annotation, transcript, split_segments=not arguments.keep_segments)
        write_output(arguments.out, write_transcript(merged, transcript_format))
    else:
        write_output(arguments.out, render_annotation(annotation, output_format))
    return EXIT_OK
