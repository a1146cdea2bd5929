"""``diarize enroll NAME FILE...``: add recordings of one person to the voice database."""

from __future__ import annotations

import argparse

from .common import ArgumentParser, EXIT_OK, add_verbosity, add_voice_options, parse_time_range


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(
        prog="diarize enroll",
        description="Enroll a person: one voiceprint per recording of them alone (at least 1 s of speech each,"
        " 3 s in all). Enrolling more recordings of a known person improves their print; a recording enrolled"
        " before is skipped. No audio is stored.",
    )
    parser.add_argument("name", help="the person's name (quote it if it has spaces)")
    parser.add_argument("files", nargs="+", metavar="FILE", help="recordings of the person alone")
    parser.add_argument("--segment", type=parse_time_range, metavar="START-END",
                        help="use only this part of each file (seconds, or [h:]mm:ss)")
    parser.add_argument("--note", help="a note stored with the person")
    add_voice_options(parser)
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..audio.input_file import check_input_file
    from ..diarization.pipeline import Diarizer
    from ..voices import VoiceStore, enroll

    for path in arguments.files:  # before the models load
        check_input_file(path)
    diarizer = Diarizer(embedder=arguments.embedder, model_dir=arguments.model_dir, threads=arguments.threads)
    with VoiceStore.open(arguments.db) as store:
        before = sum(len(p.voiceprints) for p in store.people() if p.name == arguments.name.strip())
        person = enroll(store, arguments.name, arguments.files, diarizer, segment=arguments.segment, note=arguments.note)
        path = store.path
    added = len(person.voiceprints) - before
    print(
        f"enrolled {person.name}: {added} recording{'s' * (added != 1)} added, {len(person.voiceprints)} in all, "
        f"{person.speech_s:.1f} s of speech ({path})"
    )
    return EXIT_OK
