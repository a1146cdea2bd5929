"""One batch run: find the recordings, skip the finished ones, run the rest, write as they come."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Generator, Iterable
from pathlib import Path
from typing import Any

from ..util.atomic import atomic_write_text
from ..errors import DiarizeError
from .inputs import BatchInput, expand_inputs
from .resume import finished_record, made_with, record_path, write_record
from .settings import DiarizationSettings
from .summary import SUMMARY_NAME, BatchSummary, FileOutcome, write_summary
from .worker import FileResult


def run_batch(
    inputs: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str],
    settings: DiarizationSettings | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: bool = False,
    on_outcome: Callable[[FileOutcome, tuple[str, ...]], None] | None = None,
) -> BatchSummary:
    """Diarize every recording in ``inputs`` (files and folders) into ``out_dir``.

    Each recording gets one output named after it (``out_dir/meeting.rttm``); recordings
    finished by an earlier run with the same settings are skipped (:mod:`.resume`).
    ``settings``: how to diarize (default: as the ``diarize`` command does); ``jobs``: worker
    processes on this machine (default 1); ``scheduler``: address of a Dask scheduler to run
    on instead. ``progress``: a bar over files on stderr. ``on_outcome(outcome, warnings)`` is
    called as each recording finishes or fails. ``out_dir/summary.json`` is written at the
    end, also when interrupted. Returns the summary; a failed recording does not stop the
    others. Raises :class:`DiarizeError` for bad options, missing inputs or an unwritable
    ``out_dir``, before any work starts.
    """
    settings = settings or DiarizationSettings()
    settings.check()
    if jobs is not None and scheduler:
        raise DiarizeError("--jobs runs worker processes on this machine; with --scheduler the cluster's workers run")
    if jobs is not None and jobs < 1:
        raise DiarizeError(f"--jobs must be at least 1, not {jobs}")
    if scheduler:
        from .dask_runner import check_scheduler_address

        check_scheduler_address(scheduler)
    recordings = expand_inputs(inputs)
    _refuse_outputs_over_inputs(recordings, Path(out_dir), settings.output_extension)
    expected = made_with(settings)
    out_dir = _output_folder(out_dir)
    outcomes: dict[BatchInput, FileOutcome] = {}
    pending = []
    for item in recordings:
        name = item.output_name(settings.output_extension)
        output = out_dir / name
        record = finished_record(output, record_path(out_dir, name), item.path, expected)
        if record is None:
            pending.append(item)
        else:
            details = {key: record.get("result", {}).get(key) for key in ("duration_s", "speakers", "seconds")}
            outcomes[item] = FileOutcome(str(item.path), str(output), "skipped", **details)
    results = _runner(pending, out_dir, settings, jobs, scheduler)
    try:
        with _progress_bar(len(recordings), len(outcomes), progress) as bar:
            for item, result in results:
                outcomes[item] = _save(item, result, out_dir, settings)
                if on_outcome is not None:
                    on_outcome(outcomes[item], result.warnings + _version_warning(result, expected))
                bar.update(1)
    finally:
        results.close()  # an interruption stops the workers before the summary is written
        summary = BatchSummary(tuple(
            outcomes.get(item, FileOutcome(str(item.path), None, "not run")) for item in recordings
        ))
        write_summary(out_dir / SUMMARY_NAME, summary, expected)
    return summary


def _runner(
    pending: list[BatchInput], out_dir: Path, settings: DiarizationSettings, jobs: int | None, scheduler: str | None
) -> Generator[tuple[BatchInput, FileResult], None, None]:
    if scheduler:
        from .dask_runner import run_on_cluster

        return run_on_cluster(pending, out_dir, settings, scheduler)
    from .local import run_locally

    return run_locally(pending, out_dir, settings, jobs or 1)


def _save(item: BatchInput, result: FileResult, out_dir: Path, settings: DiarizationSettings) -> FileOutcome:
    """Write ``result``'s output and record; the outcome says what became of ``item``."""
    if result.text is None:
        return FileOutcome(str(item.path), None, "failed", seconds=result.seconds, error=result.error)
    name = item.output_name(settings.output_extension)
    output = out_dir / name
    details = {"duration_s": result.duration_s, "speakers": result.speakers, "seconds": result.seconds}
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(output, result.text)
        write_record(record_path(out_dir, name), item.path, result.text, result.made_with, details)
    except (DiarizeError, OSError) as error:
        return FileOutcome(str(item.path), None, "failed", error=str(error), **details)
    return FileOutcome(str(item.path), str(output), "done", **details)


def _version_warning(result: FileResult, expected: dict[str, Any]) -> tuple[str, ...]:
    if result.text is None or result.made_with == expected:
        return ()
    return ("its worker runs another plugin version or other model files than this machine; a re-run redoes it",)


def _refuse_outputs_over_inputs(recordings: list[BatchInput], out_dir: Path, extension: str) -> None:
    inputs = {item.path.resolve() for item in recordings}
    for item in recordings:
        output = out_dir / item.output_name(extension)
        if output.resolve() in inputs:
            raise DiarizeError(
                f"the output of {item.path} would be {output}, which is an input; choose another --out-dir or --format"
            )


def _output_folder(out_dir: str | os.PathLike[str]) -> Path:
    folder = Path(out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DiarizeError(f"cannot create the output folder {folder}: {error.strerror or error}") from None
    if not os.access(folder, os.W_OK):
        raise DiarizeError(f"the output folder {folder} is not writable; choose another --out-dir")
    return folder


def _progress_bar(total: int, initial: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="file", desc="diarize", file=sys.stderr,
                disable=not enabled, dynamic_ncols=True)
