"""The settings of the clustering stage, checked without loading numpy."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import DiarizeError
from .counting import COUNTING_METHODS, DEFAULT_COUNTING


@dataclass(frozen=True)
class ClusteringOptions:
    """How window embeddings become speakers.

    ``threshold``: cosine distance at which clustering stops merging (``None``: calibrated for
    the embedder; lower finds more speakers); ``counting``: one of :data:`COUNTING_METHODS`
    (see :mod:`~diarize_plugin.clustering.counting`); ``reassign``: then give every window to
    its nearest speaker centroid until nothing moves; ``merge_speakers``: merge speakers whose
    pooled speech the embedder calls one person for sure.
    """

    threshold: float | None = None
    counting: str = DEFAULT_COUNTING
    reassign: bool = False
    merge_speakers: bool = True

    def check(self) -> None:
        if self.threshold is not None and not 0.0 < self.threshold < 2.0:
            raise DiarizeError(f"threshold must be a cosine distance between 0 and 2, not {self.threshold}")
        if self.counting not in COUNTING_METHODS:
            raise DiarizeError(
                f"unknown counting method {self.counting!r}; use one of {', '.join(COUNTING_METHODS)} (--counting)"
            )
