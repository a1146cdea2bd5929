"""What one diarization decided and how long each stage took: a record that
:meth:`~diarize_plugin.diarization.pipeline.Diarizer.run` fills (``Diarizer.last_run``) and ``diarize -v``
prints.

The stages time themselves with :func:`stage`, which adds to the record of the run in
progress (a context variable, so concurrent runs in other threads keep their own) and does
nothing outside a run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class RunRecord:
    """The decisions and stage times of one run.

    ``speech_threshold`` / ``overlap_threshold``: the probability decoding's (``None``
    otherwise); ``threshold``: the clustering cut used (cosine distance), ``threshold_source``:
    where it came from (``"given"`` or ``"calibrated"``); ``merge_similarity``: the speaker
    merge's cosine similarity (``None``: off); ``counting``: the method asked, ``counting_used``: what it came to (``auto`` refines by VB
    only with many speakers); ``stage_s``: seconds per stage, in the order they ran.
    """

    segmentation: str = ""
    decoding: str | None = None
    speech_threshold: float | None = None
    overlap_threshold: float | None = None
    embedder: str = ""
    threshold: float = float("nan")
    merge_similarity: float | None = None
    counting: str = ""
    # what the run finds out, set as it goes
    threshold_source: str = field(default="", init=False)
    counting_used: str = field(default="", init=False)
    speakers: int = field(default=0, init=False)
    turns: int = field(default=0, init=False)
    stage_s: dict[str, float] = field(default_factory=dict, init=False)

    def add_time(self, name: str, seconds: float) -> None:
        """Add ``seconds`` to stage ``name`` (a stage may run more than once)."""
        self.stage_s[name] = self.stage_s.get(name, 0.0) + seconds

    def lines(self) -> list[str]:
        """The record as lines for people (``diarize -v``)."""
        found = [f"{self.speakers} speakers, {self.turns} turns"]
        if self.segmentation == "neural":
            if self.decoding == "pyannote":
                found.append("segmentation neural, pyannote decoding")
            else:
                found.append(f"segmentation neural, probability decoding: speech from {self.speech_threshold:g}, "
                             f"overlap from {self.overlap_threshold:g}")
        else:
            found.append(f"segmentation {self.segmentation}")
        source = {"given": "given", "calibrated": f"calibrated for {self.embedder}"}.get(
            self.threshold_source, self.threshold_source)
        merge = ("speaker merge off" if self.merge_similarity is None
                 else f"speaker merge from similarity {self.merge_similarity:.3f}")
        found.append(f"clustering cut {self.threshold:.3f} ({source}) cosine distance; {merge}")
        used = f": {self.counting_used}" if self.counting_used and self.counting_used != self.counting else ""
        found.append(f"counting {self.counting}{used}")
        if self.stage_s:
            found.append("times: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in self.stage_s.items()))
        return found


_CURRENT: ContextVar[RunRecord | None] = ContextVar("diarize_run_record", default=None)


@contextmanager
def recording(record: RunRecord) -> Iterator[RunRecord]:
    """Make ``record`` the one :func:`stage` and :func:`note` fill while inside."""
    token = _CURRENT.set(record)
    try:
        yield record
    finally:
        _CURRENT.reset(token)


@contextmanager
def stage(name: str) -> Iterator[None]:
    """Time the block as stage ``name`` of the run in progress (nothing outside a run)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record = _CURRENT.get()
        if record is not None:
            record.add_time(name, time.perf_counter() - started)


def note(**decisions: object) -> None:
    """Set fields of the run in progress's record (nothing outside a run)."""
    record = _CURRENT.get()
    if record is not None:
        for name, value in decisions.items():
            setattr(record, name, value)
