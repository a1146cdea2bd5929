"""Skip what is already done: a record beside each output says what it was made with.

For ``DIR/meeting.rttm`` the record is ``DIR/.diarize/meeting.rttm.json``:

    {"made_with": {"diarize_plugin": "0.1.0", "options": {...}, "models": {"campplus.onnx": "<sha256>", ...}},
     "input": {"path": "...", "size_bytes": 123, "mtime_ns": 456},
     "output": {"sha256": "<sha256 of DIR/meeting.rttm>"},
     "result": {"duration_s": 4.0, "speakers": 2, "seconds": 0.5}}

A re-run skips a recording when its output is there, unchanged since it was written, and was
made from the same input (size and modification time) with the same options, plugin version
and model files. The output is written before its record, each atomically, so an interruption
at any moment leaves either a finished pair or a recording that is redone.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Any

from .. import __version__
from ..util.atomic import atomic_write_text
from ..errors import DiarizeError
from ..util.file_digest import sha256_of_files
from .settings import DiarizationSettings

#: folder inside the output folder that holds the records
RECORD_FOLDER = ".diarize"
BUNDLED_MODELS = Path(__file__).resolve().parents[1] / "models"


def made_with(settings: DiarizationSettings) -> dict[str, Any]:
    """Plugin version, output options and the sha256 of every model file ``settings`` may load.

    The model files are all bundled ONNX models plus the embedder's own files (AutoSpeech's
    three, or a given ONNX path with ``mean.npy``/``std.npy`` beside it), and the bundled PLDA
    when VBx counts the speakers. Raises :class:`DiarizeError` when the embedder is unknown or
    its files are missing.
    """
    embedding = settings.options.embedding
    files = sorted(BUNDLED_MODELS.glob("*.onnx")) + _embedder_files(embedding.embedder, embedding.model_dir)
    if settings.options.clustering.counting in ("vbx", "auto"):
        files.append(BUNDLED_MODELS / "plda-campplus.npz")
    return {
        "diarize_plugin": __version__,
        "options": settings.output_options(),
        "models": {file.name: _sha256_of_file(file, *_stamp(file)) for file in files},
    }


def record_path(out_dir: Path, output_name: PurePosixPath) -> Path:
    """Where the record of ``out_dir / output_name`` lives."""
    return out_dir / RECORD_FOLDER / f"{output_name}.json"


def input_identity(path: Path) -> dict[str, Any]:
    """What tells a changed input from the one an output was made from."""
    size_bytes, mtime_ns = _stamp(path)
    return {"path": str(path), "size_bytes": size_bytes, "mtime_ns": mtime_ns}


def finished_record(output: Path, record: Path, input_path: Path, expected: dict[str, Any]) -> dict[str, Any] | None:
    """The record of ``output`` when it is finished and made as ``expected`` from ``input_path``, else ``None``."""
    try:
        saved = json.loads(record.read_text(encoding="utf-8"))
        payload = output.read_bytes()
        current = input_identity(input_path)
    except (OSError, ValueError):
        return None
    same_input = all(saved.get("input", {}).get(key) == current[key] for key in ("size_bytes", "mtime_ns"))
    unchanged = saved.get("output", {}).get("sha256") == hashlib.sha256(payload).hexdigest()
    return saved if same_input and unchanged and saved.get("made_with") == expected else None


def write_record(
    record: Path, input_path: Path, output_text: str, made_with: dict[str, Any], result: dict[str, Any]
) -> None:
    """Write the record of an output whose text is ``output_text`` (after the output itself)."""
    record.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "made_with": made_with,
        "input": input_identity(input_path),
        "output": {"sha256": hashlib.sha256(output_text.encode("utf-8")).hexdigest()},
        "result": result,
    }
    atomic_write_text(record, json.dumps(body, indent=1) + "\n")


def _embedder_files(embedder: str, model_dir: str | None) -> list[Path]:
    if embedder in ("campplus", "campplus-fp32"):  # bundled: already among the bundled models
        return []
    if embedder == "autospeech":
        from ..embed.model_store import autospeech_paths

        return list(autospeech_paths(model_dir))
    path = Path(embedder)
    if not path.is_file():
        raise DiarizeError(
            f"unknown embedder {embedder!r}; use campplus, autospeech or the path of an existing .onnx file"
        )
    return [path] + [file for file in (path.with_name("mean.npy"), path.with_name("std.npy")) if file.is_file()]


def _stamp(path: Path) -> tuple[int, int]:
    status = os.stat(path)
    return status.st_size, status.st_mtime_ns


@lru_cache(maxsize=64)
def _sha256_of_file(path: Path, size_bytes: int, mtime_ns: int) -> str:
    """sha256 of ``path``; the size and time stamp key the cache, so a changed file is hashed again."""
    return sha256_of_files([path])
