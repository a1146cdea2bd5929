"""Runs of set frames in a per-frame flag array: the step from frames to regions."""

from __future__ import annotations

import numpy as np


def true_runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """``[start, end)`` frame indices of the runs of True in ``flags``, in order."""
    padded = np.concatenate([[False], np.asarray(flags, dtype=bool), [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(padded))
    return list(zip(edges[0::2].tolist(), edges[1::2].tolist()))
