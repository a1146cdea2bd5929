"""Many recordings on this machine: in this process, or in a pool of worker processes.

Each worker process loads the models once (the pool's initializer) and gets its share of the
cores for ONNX Runtime (:func:`.worker.threads_per_task`). Results come back to this process,
which writes them, in the order they finish.
"""

from __future__ import annotations

import multiprocessing
import shutil
import signal
import tempfile
import threading
from collections import Counter
from collections.abc import Generator, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from pathlib import Path

from .inputs import BatchInput
from .settings import DiarizationSettings
from .worker import FileResult, diarize_file, output_path, preload, threads_per_task

#: times a recording is given to a fresh pool after a worker process died under it
MAX_ATTEMPTS = 2


def run_locally(
    inputs: Sequence[BatchInput], out_dir: Path, settings: DiarizationSettings, jobs: int = 1
) -> Generator[tuple[BatchInput, FileResult], None, None]:
    """Diarize ``inputs`` for ``out_dir`` with ``jobs`` worker processes (``1``: in this process),
    yielding as each finishes.

    A worker process that dies (killed, out of memory) breaks the pool; the recordings it held
    are tried again in a fresh pool, and reported as failed after :data:`MAX_ATTEMPTS` tries.
    """
    jobs = max(1, min(jobs, len(inputs)))
    threads = threads_per_task(settings.threads, jobs)
    if jobs == 1:
        for item in inputs:
            yield item, diarize_file(str(item.path), str(output_path(out_dir, item, settings)), settings, threads)
        return
    attempts: Counter[BatchInput] = Counter()
    pending = list(inputs)
    while pending:
        retry: list[BatchInput] = []
        for item, result in _run_pool(pending, out_dir, settings, jobs, threads):
            if result is not None:
                yield item, result
                continue
            attempts[item] += 1
            if attempts[item] < MAX_ATTEMPTS:
                retry.append(item)
            else:
                yield item, FileResult(None, error="the worker process died while diarizing it (out of memory?)")
        pending = retry


def _run_pool(
    inputs: Sequence[BatchInput], out_dir: Path, settings: DiarizationSettings, jobs: int, threads: int
) -> Iterator[tuple[BatchInput, FileResult | None]]:
    """One pool's results; ``None`` for a recording whose worker process died.

    The workers' temporary files go to one folder of this process, removed when the pool ends:
    a worker killed mid-file leaves nothing behind.
    """
    scratch = tempfile.mkdtemp(prefix="diarize-batch-")
    # spawn, not fork: this process may hold threads (a progress bar, ONNX Runtime's pools)
    pool = ProcessPoolExecutor(
        max_workers=min(jobs, len(inputs)),
        mp_context=multiprocessing.get_context("spawn"),
        initializer=preload,
        initargs=(settings, threads, scratch),
    )
    finished = False
    try:
        with _children_ignore_interrupts():  # the pool starts its processes as tasks are submitted
            futures = {
                pool.submit(diarize_file, str(item.path), str(output_path(out_dir, item, settings)), settings, threads): item
                for item in inputs
            }
        remaining = set(futures)
        while remaining:
            done, remaining = wait(remaining, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    yield futures[future], future.result()
                except BrokenProcessPool:
                    yield futures[future], None
        finished = True
    finally:
        if not finished:  # interrupted: stop the recordings in progress rather than wait for them
            _terminate_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)
        shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _children_ignore_interrupts() -> Iterator[None]:
    """Processes started meanwhile ignore Ctrl-C (SIGINT): this process stops them, quietly."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _terminate_workers(pool: ProcessPoolExecutor) -> None:
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()
