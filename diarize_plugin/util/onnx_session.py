"""Opening ONNX models with ONNX Runtime (CPU, one thread per computation, clear errors), and
running batches side by side on several threads.

Why one thread per computation: ONNX Runtime splits some kernels (the segmentation network's
int8 LSTM) differently for each thread count, so the same chunk gave expected speaker counts
up to 0.03 apart with 1 and 2 threads, which moved turn ends by tens of milliseconds. A
session is safe to run from several threads at once, and with one intra-op thread each run
computes on its caller's thread alone: :class:`BatchRunner` gets the parallelism from running
several fixed batches at once, so a batch's result never depends on how many run beside it.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

# Every module that imports ONNX Runtime imports it through this one, so this runs before
# ONNX Runtime loads. Its builds from 1.2x on send usage telemetry: on import they write
# $TMPDIR/.ses and, where the home folder cannot be written (a service account), print a
# coloured warning that -q cannot hide. The plugin promises no network at run time and a clean
# stderr; a caller who wants the telemetry sets the variable.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")

import onnxruntime as ort  # noqa: E402

from ..errors import DiarizeError
from .threads import default_threads, resolve_threads

__all__ = ["BatchRunner", "default_threads", "open_session"]

Item = TypeVar("Item")
Result = TypeVar("Result")


def open_session(model_path: str | os.PathLike[str]) -> ort.InferenceSession:
    """Load ``model_path`` on the CPU, one thread per run (see the module's docstring).

    Raises :class:`DiarizeError` when the file is missing or is not a loadable ONNX model.
    Sessions are deterministic: sequential execution, one intra-op and one inter-op thread;
    several threads may call ``run`` at once (:class:`BatchRunner`).
    """
    path = Path(model_path)
    if not path.is_file():
        raise DiarizeError(f"model file {path} does not exist; check the path or reinstall the model")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    # no worker threads to spin: with one intra-op thread the caller's thread computes, and
    # spinning pool threads only burned the core the serial numpy work needs
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    # no memory arena: with batches run side by side the arena kept a peak for each of them
    # (10 min of a conversation, 2 threads: 825 MB with it, 650 MB without, same time)
    options.enable_cpu_mem_arena = False
    try:
        return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
    except Exception as error:  # ONNX Runtime raises several unrelated types for a bad file
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise DiarizeError(
            f"model file {path} cannot be loaded by ONNX Runtime ({first_line[:160]}); "
            "the file is broken or not an ONNX model: download or export it again"
        ) from None


class BatchRunner:
    """Runs a function over batches on ``threads`` threads (``None``: ``$DIARIZE_THREADS``, else
    the cores), yielding the results in the batches' order.

    With one thread everything runs on the caller's thread. The function's result must not
    depend on the thread that runs it (an ONNX Runtime session of :func:`open_session` run on
    one batch, numpy), so the results do not depend on ``threads``. Raises
    :class:`DiarizeError` for a bad ``threads``.
    """

    def __init__(self, threads: int | None = None) -> None:
        self.threads = resolve_threads(threads)
        self._executor: ThreadPoolExecutor | None = None
        self._owner_pid = os.getpid()
        self._lock = threading.Lock()

    def map(self, function: Callable[[Item], Result], items: Iterable[Item]) -> Iterator[Result]:
        """``function(item)`` for every item, in order; at most twice ``threads`` batches are
        worked on or waiting at once, so memory does not grow with the number of batches."""
        if self.threads == 1:
            yield from map(function, items)
            return
        executor = self._pool()
        pending: deque[Future[Result]] = deque()
        try:
            for item in items:
                pending.append(executor.submit(function, item))
                if len(pending) >= 2 * self.threads:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()

    def _pool(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None or self._owner_pid != os.getpid():  # a forked child starts its own
                self._executor = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="diarize-onnx")
                self._owner_pid = os.getpid()
            return self._executor
