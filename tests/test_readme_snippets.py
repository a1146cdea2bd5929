"""Every Python snippet of README.md, examples/README.md and docs/*.md runs as written, and every
``diarize`` command line in their shell snippets is one the command accepts.

The Python snippets run in a folder that holds the files they name: tiny generated recordings
and transcripts under the names the text uses (``examples/sample.wav`` too, 6 s instead of the
fetched 30 s sample, so that the test needs no download and stays fast). A snippet that names
a file this test does not provide fails with "does not exist": add the file to
:func:`snippet_folder`.
"""

from __future__ import annotations

import importlib
import json
import re
import shlex
from pathlib import Path

import numpy as np
import pytest
import soundfile

from conftest import REPO_ROOT, SAMPLE_RATE, speech_like

DOCUMENTS = [REPO_ROOT / "README.md", REPO_ROOT / "examples" / "README.md", *sorted((REPO_ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def snippets(language: str) -> list[tuple[str, str]]:
    """``(label, code)`` of every fenced block in :data:`DOCUMENTS` of the given language."""
    found = []
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            if match.group(1) == language:
                line = text[: match.start()].count("\n") + 1
                found.append((f"{document.relative_to(REPO_ROOT)}:{line}", match.group(2)))
    return found


def _whisper_json(path: Path) -> None:
    path.write_text(json.dumps({"text": "Good morning. Hello.", "segments": [
        {"start": 0.2, "end": 2.8, "text": " Good morning."},
        {"start": 3.2, "end": 5.8, "text": " Hello."},
    ]}))


@pytest.fixture(scope="module")
def snippet_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with every file the snippets name."""
    folder = tmp_path_factory.mktemp("snippets")
    (folder / "examples").mkdir()
    meeting = np.concatenate([speech_like(3.0, seed=1, pitch_hz=110.0), speech_like(3.0, seed=2, pitch_hz=220.0)])
    for name in ("meeting.wav", "examples/sample.wav"):
        soundfile.write(folder / name, meeting, SAMPLE_RATE)
    soundfile.write(folder / "alice1.wav", speech_like(4.0, seed=3), SAMPLE_RATE)
    soundfile.write(folder / "alice2.wav", speech_like(4.0, seed=4), SAMPLE_RATE)
    for name in ("meeting.whisper.json", "meeting.json", "examples/sample.whisper.json"):
        _whisper_json(folder / name)
    return folder


@pytest.mark.parametrize("label, code", snippets("python"), ids=[label for label, _ in snippets("python")])
def test_python_snippet_runs_as_written(label: str, code: str, snippet_folder: Path, monkeypatch) -> None:
    monkeypatch.chdir(snippet_folder)
    exec(compile(code, label, "exec"), {"__name__": "__snippet__"})


def diarize_command_lines() -> list[tuple[str, list[str]]]:
    """``(label, argv)`` of every ``diarize ...`` line in the shell snippets (comments dropped)."""
    lines = []
    for label, code in snippets("bash"):
        for command in code.splitlines():
            for part in command.split("&&"):
                words = shlex.split(part, comments=True)
                if words and words[0] == "diarize":
                    lines.append((label, words[1:]))
    return lines


@pytest.mark.parametrize("label, argv", diarize_command_lines(), ids=[" ".join(a) for _, a in diarize_command_lines()])
def test_shell_snippet_command_line_is_accepted(label: str, argv: list[str]) -> None:
    from diarize_plugin.cli import COMMANDS

    command = argv[0] if argv and argv[0] in COMMANDS else "diarize"
    parser = importlib.import_module(f"diarize_plugin.cli.{COMMANDS[command]}").build_parser()
    arguments = parser.parse_args(argv[1:] if command != "diarize" else argv)
    assert arguments.handler is not None, label
