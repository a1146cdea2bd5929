"""From ``FILE_OR_FOLDER...`` to the recordings of a batch, each with the name of its output."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path, PurePosixPath

from ..errors import DiarizeError
from ..audio.input_file import AUDIO_EXTENSIONS  # noqa: F401 (taken from a folder; re-exported)


@dataclass(frozen=True)
class BatchInput:
    """One recording of a batch.

    ``path``: the audio or video file; ``name``: its output's path inside the output folder,
    without extension (``"meeting"`` for ``meeting.wav``, ``"day1/meeting"`` for
    ``day1/meeting.wav`` found under a folder given on the command line).
    """

    path: Path
    name: PurePosixPath

    def output_name(self, extension: str) -> PurePosixPath:
        """``name`` with ``extension`` (``".rttm"``: ``"day1/meeting.rttm"``)."""
        return self.name.with_name(self.name.name + extension)


def expand_inputs(paths: Iterable[str | os.PathLike[str]]) -> list[BatchInput]:
    """The recordings named by ``paths``: files as given, folders searched recursively.

    A folder contributes its files with an extension in :data:`AUDIO_EXTENSIONS` (hidden
    files and folders skipped), named by their path relative to that folder. A file reached
    twice counts once. Raises :class:`DiarizeError` when a path does not exist, when nothing
    is left, or when two recordings would write the same output (``a/x.wav`` and ``b/x.wav``
    given as files; ``x.wav`` and ``x.mp3`` in one folder).
    """
    found: dict[Path, BatchInput] = {}
    for given in paths:
        path = Path(given)
        if path.is_dir():
            candidates = [(file, PurePosixPath(file.relative_to(path).with_suffix("").as_posix()))
                          for file in _audio_files(path)]
        elif path.is_file():
            candidates = [(path, PurePosixPath(path.stem))]
        else:
            raise DiarizeError(f"input {path} does not exist; check the path")
        for file, name in candidates:
            found.setdefault(file.resolve(), BatchInput(file, name))
    if not found:
        raise DiarizeError(
            "no recordings found in the folders given; they are searched for files ending in "
            + ", ".join(sorted(AUDIO_EXTENSIONS))
        )
    inputs = sorted(found.values(), key=lambda item: (str(item.name), str(item.path)))
    _refuse_shared_names(inputs)
    return inputs


def _audio_files(folder: Path) -> list[Path]:
    files = []
    for root, folders, names in os.walk(folder):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        files += [Path(root) / name for name in sorted(names)
                  if not name.startswith(".") and Path(name).suffix.lower() in AUDIO_EXTENSIONS]
    return files


def _refuse_shared_names(inputs: list[BatchInput]) -> None:
    for first, second in pairwise(inputs):
        if first.name == second.name:
            raise DiarizeError(
                f"{first.path} and {second.path} would both write the output {first.name}.*; "
                "rename one, or diarize them in separate runs with different --out-dir"
            )
