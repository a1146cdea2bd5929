"""``diarize verify A B``: are two recordings the same speaker?"""

from __future__ import annotations

import argparse
import json

from ..embed.settings import DEFAULT_EMBEDDER
from .common import EMBEDDER_HELP, ArgumentParser, EXIT_OK, EXIT_UNMATCH, add_verbosity, audio_inputs


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="diarize verify",
        description="Are two recordings the same speaker? Prints the cosine similarity and match/unmatch. "
        "Exit code 0: match, 1: unmatch, 2: error.",
    )
    parser.add_argument("first", help="first recording ('-': standard input)")
    parser.add_argument("second", help="second recording ('-': standard input)")
    parser.add_argument("--embedder", default=DEFAULT_EMBEDDER, help=EMBEDDER_HELP)
    parser.add_argument("--threshold", type=float, help="similarity at or above which it is a match (default: the model's own)")
    parser.add_argument("--model-dir", help="folder of downloaded models")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..audio.input_file import check_input_file

    arguments.first, arguments.second = audio_inputs([arguments.first, arguments.second])
    for path in (arguments.first, arguments.second):  # before any model loads
        check_input_file(path)
    from ..voices.verification import format_verification, verify

    result = verify(arguments.first, arguments.second, embedder=arguments.embedder,
                    threshold=arguments.threshold, model_dir=arguments.model_dir)
    if arguments.json:
        print(json.dumps(asdict(result)))
    else:
        print(format_verification(result))
    return EXIT_OK if result.match else EXIT_UNMATCH
