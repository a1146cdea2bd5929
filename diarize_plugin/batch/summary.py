"""``summary.json``: what became of every recording of a batch run."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..util.atomic import atomic_write_text

#: what can become of a recording: diarized now, done by an earlier run, failed, or not
#: reached (the run was interrupted)
STATUSES = ("done", "skipped", "failed", "not run")
SUMMARY_NAME = "summary.json"


@dataclass(frozen=True)
class FileOutcome:
    """One recording in ``summary.json``.

    ``input``: its path as found; ``output``: the output file (``None`` when it failed);
    ``status``: one of :data:`STATUSES`; ``duration_s``: length of the audio; ``speakers``:
    speakers found; ``seconds``: worker time spent on it (for ``"skipped"``, by the run that
    made the output); ``error``: the one-line message of a failure.
    """

    input: str
    output: str | None
    status: str
    duration_s: float | None = None
    speakers: int | None = None
    seconds: float | None = None
    error: str | None = None


@dataclass(frozen=True)
class BatchSummary:
    """The outcome of every recording of a run, in input order."""

    files: tuple[FileOutcome, ...]

    def count(self, status: str) -> int:
        return sum(outcome.status == status for outcome in self.files)

    @property
    def failed(self) -> tuple[FileOutcome, ...]:
        return tuple(outcome for outcome in self.files if outcome.status == "failed")


def write_summary(path: Path, summary: BatchSummary, made_with: dict[str, Any]) -> None:
    """Write ``summary`` as JSON (atomically): counts per status, what it was made with, then every file."""
    body = {
        "counts": {status: summary.count(status) for status in STATUSES},
        "made_with": made_with,
        "files": [asdict(outcome) for outcome in summary.files],
    }
    atomic_write_text(path, json.dumps(body, indent=1) + "\n")
