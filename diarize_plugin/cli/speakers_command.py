"""``diarize speakers list|show|rename|remove|export|import``: manage the voice database."""

from __future__ import annotations

import argparse
import json
import sys

from .common import ArgumentParser, EXIT_OK, STDOUT, add_verbosity, add_voice_db, check_writable


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="diarize speakers", description="List and manage the enrolled people.")
    actions = parser.add_subparsers(dest="action", required=True,
                                    metavar="{list,show,rename,remove,export,import}")
    listing = actions.add_parser("list", help="the enrolled people")
    listing.add_argument("--json", action="store_true", help="print JSON")
    show = actions.add_parser("show", help="one person and their voiceprints")
    show.add_argument("name", help="the person's name, as enrolled")
    show.add_argument("--json", action="store_true", help="print JSON")
    rename = actions.add_parser("rename", help="rename a person")
    rename.add_argument("old", help="the person's name now")
    rename.add_argument("new", help="the name to give them")
    remove = actions.add_parser("remove", help="delete a person and all their voiceprints from disk")
    remove.add_argument("name", help="the person to delete, with every voiceprint")
    export = actions.add_parser("export", help="write everyone to a JSON file (embeddings, no audio)")
    export.add_argument("path", help="the JSON file to write ('-': standard output); keep it private")
    importing = actions.add_parser("import", help="add the people of an export file (checked before writing)")
    importing.add_argument("path", help="a JSON file written by 'diarize speakers export'")
    # --db only after the action: a sub-parser's default would overwrite the main parser's value
    for sub in (listing, show, rename, remove, export, importing):
        add_voice_db(sub)
        add_verbosity(sub)
    add_verbosity(parser)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from ..voices import VoiceStore, export_voices, import_voices
    from ..voices.transfer import export_text

    action = arguments.action
    if action == "export":
        check_writable(arguments.path)
    with VoiceStore.open(arguments.db, create=action == "import") as store:
        if action == "list":
            _print_people(store.people(), arguments.json)
        elif action == "show":
            _print_person(store.person(arguments.name), arguments.json)
        elif action == "rename":
            store.rename(arguments.old, arguments.new)
            print(f"renamed {arguments.old} to {arguments.new}")
        elif action == "remove":
            removed = store.remove(arguments.name)
            print(f"removed {arguments.name}: {removed} voiceprint{'s' * (removed != 1)} deleted, "
                  f"database {store.path} vacuumed")
        elif action == "export" and arguments.path == STDOUT:
            text, count = export_text(store)
            sys.stdout.write(text)
            sys.stdout.flush()
            print(f"exported {count} people to standard output (embeddings, no audio; keep it private)", file=sys.stderr)
        elif action == "export":
            count = export_voices(store, arguments.path)
            print(f"exported {count} people to {arguments.path} (embeddings, no audio; keep it private)")
        else:
            people, prints = import_voices(store, arguments.path)
            print(f"imported {people} new people and {prints} voiceprints into {store.path}")
    return EXIT_OK


def _print_people(people, as_json: bool) -> None:
    if as_json:
        print(json.dumps([_summary(person) for person in people], indent=2, ensure_ascii=False))
        return
    if not people:
        print("nobody is enrolled; enroll with: diarize enroll NAME FILE")
        return
    width = max(len(person.name) for person in people)
    for person in people:
        summary = _summary(person)
        count = summary["voiceprints"]
        print(f"{person.name:<{width}}  {count:>3} recording{'s' * (count != 1)}  {summary['speech_s']:>7.1f} s  "
              f"{', '.join(summary['embedders'])}  since {person.created}")


def _print_person(person, as_json: bool) -> None:
    prints = [
        {"source_name": p.source_name, "source_sha256": p.source_sha256, "speech_s": round(p.speech_s, 2),
         "embedder": p.embedder, "model_sha256": p.model_sha256, "created": p.created}
        for p in person.voiceprints
    ]
    if as_json:
        print(json.dumps({**_summary(person), "note": person.note, "voiceprints": prints}, indent=2, ensure_ascii=False))
        return
    print(f"{person.name}: enrolled {person.created}, {len(prints)} recording{'s' * (len(prints) != 1)}, "
          f"{person.speech_s:.1f} s of speech")
    if person.note:
        print(f"note: {person.note}")
    for p in prints:
        print(f"  {p['created']}  {p['source_name']} (sha256 {p['source_sha256'][:12]}...)  "
              f"{p['speech_s']:.1f} s  {p['embedder']}")


def _summary(person) -> dict:
    return {
        "name": person.name,
        "created": person.created,
        "voiceprints": len(person.voiceprints),
        "speech_s": round(person.speech_s, 2),
        "embedders": sorted({p.embedder for p in person.voiceprints}),
    }
