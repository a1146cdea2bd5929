"""What runs in a worker process: load the models once, then diarize one file per call.

Used by both the local process pool (:mod:`.local`) and Dask workers (:mod:`.dask_runner`).
A call never raises for a bad recording: the error comes back in the :class:`FileResult`, so
one bad file costs only itself, and Dask spends its retries on lost workers only.
"""

from __future__ import annotations

import os
import tempfile
import threading
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import DiarizeError
from ..util.threads import MAX_DEFAULT_THREADS, THREADS_ENV, default_threads
from .inputs import BatchInput
from .settings import DiarizationSettings

_lock = threading.Lock()
#: the one diarizer of this process, with the settings and thread count it was built for
_loaded: tuple[tuple[DiarizationSettings, int], Any] | None = None


@dataclass(frozen=True)
class FileResult:
    """What a worker sends back for one recording.

    ``text``: the output in the settings' format (``None`` when it failed); ``error``: a
    one-line message (``None`` when it worked); ``duration_s``: length of the audio;
    ``speakers``: speakers found; ``seconds``: time the worker spent on it, model loading
    excluded; ``warnings``: messages of the warnings raised meanwhile; ``made_with``: the
    plugin version and model files of the worker (see :func:`.resume.made_with`).
    """

    text: str | None
    error: str | None = None
    duration_s: float | None = None
    speakers: int | None = None
    seconds: float = 0.0
    warnings: tuple[str, ...] = ()
    made_with: dict[str, Any] = field(default_factory=dict)


def threads_per_task(explicit: int | None, parallel_tasks: int) -> int:
    """ONNX Runtime threads for one of ``parallel_tasks`` tasks sharing this machine.

    ``explicit`` (``--threads``) wins, then ``$DIARIZE_THREADS``, else the cores shared out
    evenly (at most 8 each, at least 1): ``--jobs 4`` on 16 cores gives 4 threads per worker.
    Raises :class:`DiarizeError` when ``$DIARIZE_THREADS`` is not a number of threads.
    """
    if explicit:
        return explicit
    if os.environ.get(THREADS_ENV, "").strip():
        return default_threads()
    return max(1, min(MAX_DEFAULT_THREADS, (os.cpu_count() or 1) // max(1, parallel_tasks)))


def preload(settings: DiarizationSettings, threads: int, temp_dir: str | None = None) -> None:
    """Process-pool initializer: load the models now rather than with the first file.

    ``temp_dir``: where this process puts its temporary files (decoded recordings), so that the
    pool's owner can remove what a killed worker left. Never raises: a model that fails to
    load fails again, with its message, on every file.
    """
    if temp_dir is not None:
        tempfile.tempdir = temp_dir
    try:
        _diarizer_for(settings, threads)
    except Exception:  # reported per file by diarize_file
        pass


def output_path(out_dir: Path, item: BatchInput, settings: DiarizationSettings) -> Path:
    """Where the output of ``item`` goes."""
    return out_dir / item.output_name(settings.output_extension)


def diarize_file(path: str, output: str, settings: DiarizationSettings, threads: int) -> FileResult:
    """Diarize the recording at ``path`` with ``settings``; errors come back in the result.

    ``output``: where the client will write the result (an HTML report links the audio
    relative to it).
    """
    from .resume import made_with

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            result = _diarize(Path(path), Path(output), settings, threads)
            result = replace(result, made_with=made_with(settings))
        except DiarizeError as error:
            result = FileResult(None, error=str(error))
        except Exception as error:  # a bug, or a machine out of memory: this file fails, the others go on
            result = FileResult(None, error=f"internal error: {type(error).__name__}: {error}")
    messages = tuple(dict.fromkeys(str(warning.message) for warning in caught))
    return replace(result, warnings=messages)


def _diarize(path: Path, output: Path, settings: DiarizationSettings, threads: int) -> FileResult:
    from ..audio.source import decode_audio
    from ..diarization.evidence import collecting
    from ..formats import exclusive

    started = time.perf_counter()
    # decoded before the models load (a bad file fails without loading them), to a temporary
    # file read a piece at a time: memory does not grow with the recording's length
    with decode_audio(path) as audio:
        loading_started = time.perf_counter()
        diarizer = _diarizer_for(settings, threads)
        started += time.perf_counter() - loading_started
        with collecting() as evidence:  # for the confidence of JSON and HTML outputs; changes no turn
            annotation = diarizer.run(
                audio,
                uri=path.stem,
                num_speakers=settings.num_speakers,
                min_speakers=settings.min_speakers,
                max_speakers=settings.max_speakers,
            )
    if settings.exclusive:
        annotation = exclusive(annotation)
    duration_s = audio.duration_s
    confidences = None
    if settings.output_format in ("json", "html"):
        from ..confidence import turn_confidences

        confidences = turn_confidences(annotation, evidence)
    return FileResult(
        _render(annotation, path, output, settings, duration_s, confidences),
        duration_s=round(duration_s, 3),
        speakers=len(annotation.labels()),
        seconds=round(time.perf_counter() - started, 3),
    )


def _render(
    annotation: Any, path: Path, output: Path, settings: DiarizationSettings, duration_s: float,
    confidences: list[float] | None = None,
) -> str:
    """The output text, as ``diarize INPUT --out OUTPUT`` renders it."""
    if settings.output_format == "html":
        from ..report import report_html

        options = {key: value for key, value in settings.output_options().items() if value not in (None, False)}
        return report_html(annotation, path, output, options=options, duration_s=duration_s, confidences=confidences)
    from ..formats import render_annotation

    return render_annotation(annotation, settings.output_format, media_path=path.resolve(), duration_s=duration_s,
                             confidences=confidences)


def _diarizer_for(settings: DiarizationSettings, threads: int) -> Any:
    """The process's diarizer for ``settings``, loaded on first use (one at a time, to bound memory)."""
    global _loaded
    key = (settings, threads)
    with _lock:
        if _loaded is None or _loaded[0] != key:
            _loaded = None
            _limit_native_threads(threads)
            _loaded = (key, settings.build_diarizer(threads))
        return _loaded[1]


def _limit_native_threads(threads: int) -> None:
    """Keep numpy/scikit-learn's BLAS and OpenMP pools to this worker's share of the cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # scikit-learn brings threadpoolctl; without it the pools stay as they are
        return
    threadpool_limits(limits=threads)
