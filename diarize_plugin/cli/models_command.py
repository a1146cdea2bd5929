"""``diarize models list|download``: the speaker-embedding models."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from .common import ArgumentParser, EXIT_OK, add_verbosity


def build_parser() -> argparse.ArgumentParser:
    parser = ArgumentParser(prog="diarize models", description="List or download speaker-embedding models.")
    actions = parser.add_subparsers(dest="action", required=True, metavar="{list,download}")
    listing = actions.add_parser("list", help="bundled and installed models, with paths, sizes and licences")
    listing.add_argument("--model-dir", help="folder of downloaded models")
    listing.add_argument("--json", action="store_true", help="print JSON")
    download = actions.add_parser("download", help="download a model into the model folder")
    download.add_argument("name", choices=("autospeech",), help="model to download")
    download.add_argument("--model-dir", help="folder of downloaded models")
    for sub in (parser, listing, download):
        add_verbosity(sub)
    parser.set_defaults(handler=run)
    return parser


def run(arguments: argparse.Namespace) -> int:
    from dataclasses import asdict

    from ..embed.model_store import download_autospeech, list_models

    if arguments.action == "download":
        path = download_autospeech(arguments.model_dir, progress=not arguments.quiet)
        print(f"installed autospeech in {path}")
        return EXIT_OK
    models = list_models(arguments.model_dir)
    if arguments.json:
        print(json.dumps([{k: str(v) if isinstance(v, Path) else v for k, v in asdict(m).items()} for m in models], indent=2))
        return EXIT_OK
    print(f"{'name':<22} {'state':<13} {'size':>8}  {'licence':<12} path")
    for model in models:
        size = f"{model.size_bytes / 1e6:.1f} MB" if model.installed else "-"
        state = "bundled" if model.kind == "bundled" else ("installed" if model.installed else "not installed")
        licence = model.licence.split(" ")[0]
        print(f"{model.name:<22} {state:<13} {size:>8}  {licence:<12} {model.path}")
    missing = [model.name for model in models if not model.installed]
    if missing:
        print(f"install with: diarize models download {' | '.join(missing)}  (diarize models list --json for licence details)")
    return EXIT_OK
