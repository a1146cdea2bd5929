"""``diarize identify FILE``: who among the enrolled people speaks in a recording?"""

from __future__ import annotations

import argparse
import json

from .common import ArgumentParser, EXIT_OK, EXIT_UNMATCH, add_verbosity, add_voice_options, audio_inputs, parse_time_range


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="diarize identify",
        description="Who speaks in a recording of one person, among the enrolled people? Prints the best "
        "matches with their cosine similarity, or 'unknown' below the threshold. "
        "Exit code 0: known, 1: unknown, 2: error.",
    )
    parser.add_argument("file", help="recording of one person ('-': standard input)")
    parser.add_argument("--top", type=int, default=1, metavar="K", help="show the K best matches (default 1)")
    parser.add_argument("--threshold", type=float,
                        help="similarity from which a voice is named (default: calibrated for the embedder)")
    parser.add_argument("--segment", type=parse_time_range, metavar="START-END",
                        help="use only this part of the file (seconds, or [h:]mm:ss)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_voice_options(parser)
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..errors import DiarizeError
    from ..audio.input_file import check_input_file
    from ..diarization.pipeline import Diarizer
    from ..voices import Gallery, VoiceStore, identify

    if arguments.top < 1:
        raise DiarizeError(f"--top counts matches: give 1 or more, not {arguments.top}")
    arguments.file = audio_inputs([arguments.file])[0]
    check_input_file(arguments.file)  # before the models load
    with VoiceStore.open(arguments.db, create=False) as store:
        diarizer = Diarizer(embedder=arguments.embedder, model_dir=arguments.model_dir, threads=arguments.threads)
        gallery = Gallery.from_store(store, diarizer.embedder)
    result = identify(arguments.file, gallery, diarizer, threshold=arguments.threshold,
                      top=arguments.top, segment=arguments.segment)
    if arguments.json:
        print(json.dumps({
            "name": result.name,
            "known": result.name is not None,
            "similarity": round(result.similarity, 4),
            "threshold": result.threshold,
            "candidates": [{"name": c.name, "similarity": round(c.similarity, 4)} for c in result.candidates],
            "embedder": result.embedder,
            "speech_s": round(result.speech_s, 2),
        }, ensure_ascii=False))
    else:
        verdict = result.name if result.name is not None else "unknown"
        print(f"{verdict} (similarity {result.similarity:.3f}, threshold {result.threshold:.3f})")
        if arguments.top > 1:
            for rank, candidate in enumerate(result.candidates, 1):
                print(f"{rank:>3}. {candidate.name}  {candidate.similarity:.3f}")
    return EXIT_OK if result.name is not None else EXIT_UNMATCH
