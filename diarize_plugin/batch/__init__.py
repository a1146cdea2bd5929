"""Many recordings at once: on this machine's cores, or on a Dask cluster.

>>> from diarize_plugin.batch import DiarizationSettings, run_batch   # doctest: +SKIP
>>> summary = run_batch(["corpus/"], "out/", DiarizationSettings(max_speakers=4), jobs=4)  # doctest: +SKIP
>>> [outcome.input for outcome in summary.failed]                     # doctest: +SKIP

- :mod:`.inputs`: files and folders -> recordings, each with its output name;
- :mod:`.resume`: the record beside each output that lets a re-run skip finished work;
- :mod:`.worker`: what a worker process runs (models loaded once per process);
- :mod:`.local` / :mod:`.dask_runner`: a process pool here, or a Dask cluster;
- :mod:`.summary`: ``summary.json``; :mod:`.run`: :func:`run_batch`, which ties them together.
"""

from __future__ import annotations

from .run import run_batch
from .settings import BATCH_FORMATS, DiarizationSettings
from .summary import BatchSummary, FileOutcome

__all__ = ["BATCH_FORMATS", "BatchSummary", "DiarizationSettings", "FileOutcome", "run_batch"]
