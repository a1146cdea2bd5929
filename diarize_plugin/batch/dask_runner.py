"""Many recordings on many machines: a Dask distributed cluster (``--scheduler tcp://HOST:8786``).

Every recording is one task, submitted by path: the workers read the inputs themselves, so
they need the same files at the same paths (a shared folder) and ``pip install
diarize-plugin`` (the same version). Each worker process loads the models once, with its
share of the cores for ONNX Runtime. The results come back to this process, which writes
each output as its task completes; a worker that dies costs only the recordings it held,
which the scheduler gives to another worker (up to ``distributed.scheduler.allowed-failures``
times, 3 by default, before they count as failed).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any

from ..errors import DiarizeError
from .inputs import BatchInput
from .settings import DiarizationSettings
from .worker import FileResult, diarize_file, output_path, threads_per_task

#: seconds to wait for the scheduler to answer
CONNECT_TIMEOUT_S = 20
#: a scheduler address: an optional protocol, a host (or [IPv6]) and a port
_ADDRESS = re.compile(r"^(?:(?P<protocol>[a-z][a-z0-9+]*)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/\[\]]+):(?P<port>\d{1,5})/?$")


def check_scheduler_address(address: str) -> None:
    """Raise :class:`DiarizeError` unless ``address`` reads as ``[PROTOCOL://]HOST:PORT``.

    Checked before anything connects: Dask refuses an address without a port only after it has
    started its client, whose clean-up then hangs for 40 s and prints a traceback.
    """
    match = _ADDRESS.match(address.strip())
    if match is None or not 0 < int(match.group("port")) < 65536:
        raise DiarizeError(
            f"--scheduler {address!r} is not a scheduler address; give PROTOCOL://HOST:PORT, e.g. tcp://HOST:8786 "
            "(the address `dask scheduler` prints)"
        )


def run_on_cluster(
    inputs: Sequence[BatchInput], out_dir: Path, settings: DiarizationSettings, scheduler: str
) -> Generator[tuple[BatchInput, FileResult], None, None]:
    """Diarize ``inputs`` for ``out_dir`` on the Dask cluster at ``scheduler``, yielding as each
    task completes.

    Raises :class:`DiarizeError` at once when ``distributed`` is not installed or the
    scheduler cannot be reached (nothing to run: no connection at all).
    """
    if not inputs:
        return (pair for pair in ())
    try:
        from distributed import Client
    except ImportError:
        raise DiarizeError("--scheduler needs Dask: pip install 'diarize-plugin[dask]'") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as error:
        raise DiarizeError(
            f"cannot reach the Dask scheduler at {scheduler} ({type(error).__name__}: {error}); "
            "start one with `dask scheduler` and give its address, e.g. tcp://HOST:8786"
        ) from None
    return _results(client, inputs, out_dir, settings)


def _results(
    client: Any, inputs: Sequence[BatchInput], out_dir: Path, settings: DiarizationSettings
) -> Generator[tuple[BatchInput, FileResult], None, None]:
    from distributed import KilledWorker, as_completed

    run_id = uuid.uuid4().hex[:8]
    with client:
        futures = {
            client.submit(
                diarize_on_worker, str(item.path.resolve()), str(output_path(out_dir, item, settings).resolve()), settings,
                key=f"diarize-{item.name.name}-{run_id}-{index}",
            ): item
            for index, item in enumerate(inputs)
        }
        for future in as_completed(futures, loop=client.loop):
            item = futures.pop(future)
            try:
                result = future.result()
            except KilledWorker:
                result = FileResult(None, error="Dask workers died while diarizing it, again and again (out of memory?)")
            except Exception as error:  # the task itself catches every error; this is the cluster's
                result = FileResult(None, error=f"the cluster failed to run it: {type(error).__name__}: {error}")
            future.release()
            yield item, result


def diarize_on_worker(path: str, output: str, settings: DiarizationSettings) -> FileResult:
    """The Dask task: :func:`.worker.diarize_file` with this worker's share of the cores."""
    from distributed import get_worker

    worker = get_worker()
    if not Path(path).exists():
        return FileResult(
            None,
            error=f"worker {worker.address} cannot see {path}: workers read the inputs by path, "
            "so they need the same files at the same paths (a shared folder)",
        )
    try:
        threads = threads_per_task(settings.threads, worker.state.nthreads)
    except DiarizeError as error:  # this worker's $DIARIZE_THREADS
        return FileResult(None, error=f"worker {worker.address}: {error}")
    return diarize_file(path, output, settings, threads)

