"""Runs of set frames."""

import numpy as np

from diarize_plugin.segmentation.frame_runs import true_runs


def test_runs_are_half_open_and_include_the_edges() -> None:
    flags = np.array([1, 1, 0, 0, 1, 0, 1, 1, 1], dtype=bool)
    assert true_runs(flags) == [(0, 2), (4, 5), (6, 9)]
    assert true_runs(np.zeros(4, dtype=bool)) == []
    assert true_runs(np.ones(3, dtype=bool)) == [(0, 3)]
