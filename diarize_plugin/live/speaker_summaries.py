"""Incremental clustering of window embeddings against bounded per-speaker summaries.

Each speaker is kept as the sum of its windows' unit embeddings and their count: the
average-linkage distance of the offline clustering (:func:`diarize_plugin.clustering.ahc.average_linkage`,
1 minus the mean cosine similarity over all pairs) between a window and a speaker, or between
two speakers, is then ``1 - (a . b) / (n_a n_b)`` of their sums, so a window joins the speaker
the offline clustering would have merged it with first, and two speakers that have drifted
together are found by the same rule, without keeping every embedding. Memory per speaker: one
sum and one count; a merged speaker keeps only where it went.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: windows after which a speaker that never grew past ``min_windows`` is folded into the
#: nearest grown one (a stray window of noise or overlap: 60 s at one window per 0.5 s)
STRAY_AFTER_WINDOWS = 120


@dataclass
class SpeakerSummary:
    """One speaker of the stream: ``total`` (sum of unit window embeddings), ``count`` (how
    many), ``label`` (its index), ``last_window`` (the number of the latest window it took)."""

    label: int
    total: np.ndarray
    count: int = 0
    last_window: int = 0
    #: the speaker this one was merged into (its later windows go there), or ``None``
    merged_into: int | None = None

    def add(self, unit: np.ndarray, window: int) -> None:
        self.total = self.total + unit
        self.count += 1
        self.last_window = window

    @property
    def centroid(self) -> np.ndarray:
        """Unit-length mean direction of the speaker's windows."""
        return self.total / max(float(np.linalg.norm(self.total)), 1e-12)


def linkage_distance(total_a: np.ndarray, count_a: int, total_b: np.ndarray, count_b: int) -> float:
    """Average-linkage cosine distance of two groups of unit vectors, from their sums and counts."""
    return 1.0 - float(total_a @ total_b) / max(count_a * count_b, 1)


class OnlineSpeakers:
    """Speakers found so far and the rule that labels a new window.

    ``threshold``: average-linkage cosine distance under which a window joins a speaker (the
    embedder's calibrated clustering threshold, as offline); ``max_speakers``: no new speaker
    past this many (the window joins the nearest); ``merge_after``: least windows each of two
    speakers needs before they may be merged; ``min_windows``: windows a new speaker needs
    before its windows name it (:meth:`established`).
    """

    def __init__(
        self, threshold: float, max_speakers: int | None = None, merge_after: int = 3, min_windows: int = 3,
        rule: str = "linkage", merge_similarity: float | None = None,
    ) -> None:
        self.threshold = threshold
        self.rule = rule
        self.merge_similarity = merge_similarity
        self.min_windows = min_windows
        self.max_speakers = max_speakers
        self.merge_after = merge_after
        self.speakers: list[SpeakerSummary] = []
        self.windows = 0

    @property
    def active(self) -> list[SpeakerSummary]:
        """Speakers not merged into another one."""
        return [speaker for speaker in self.speakers if speaker.merged_into is None]

    def resolve(self, label: int) -> int:
        """The label that ``label`` now stands for, after merges."""
        while self.speakers[label].merged_into is not None:
            label = int(self.speakers[label].merged_into)
        return label

    def assign(self, embedding: np.ndarray) -> int:
        """Label of the window ``embedding`` (D,): the nearest speaker by average linkage when
        closer than the threshold (or when no new speaker is allowed), else a new speaker.
        The chosen speaker's summary takes the window in."""
        unit = np.asarray(embedding, dtype=np.float64)
        unit = unit / max(float(np.linalg.norm(unit)), 1e-12)
        active = self.active
        distances = [self._distance(unit, 1, speaker.total, speaker.count) for speaker in active]
        nearest = int(np.argmin(distances)) if distances else -1
        room = self.max_speakers is None or len(active) < self.max_speakers
        if nearest >= 0 and (distances[nearest] < self.threshold or not room):
            chosen = active[nearest]
        else:
            chosen = SpeakerSummary(label=len(self.speakers), total=np.zeros_like(unit))
            self.speakers.append(chosen)
        self.windows += 1
        chosen.add(unit, self.windows)
        return chosen.label

    def _distance(self, total_a: np.ndarray, count_a: int, total_b: np.ndarray, count_b: int) -> float:
        if self.rule == "linkage":
            return linkage_distance(total_a, count_a, total_b, count_b)
        norms = max(float(np.linalg.norm(total_a) * np.linalg.norm(total_b)), 1e-12)
        return 1.0 - float(total_a @ total_b) / norms

    def established(self, label: int) -> int:
        """The label a window of speaker ``label`` counts for now: its speaker after merges,
        or, while that speaker has fewer than ``min_windows`` windows (maybe a stray window of
        noise or overlap, not a new person), the nearest speaker that has enough, if any."""
        label = self.resolve(label)
        speaker = self.speakers[label]
        if speaker.count >= self.min_windows:
            return label
        grown = [other for other in self.active if other.count >= self.min_windows]
        if not grown:
            return label
        distances = [linkage_distance(speaker.total, speaker.count, other.total, other.count) for other in grown]
        return grown[int(np.argmin(distances))].label

    def find_merge(self) -> tuple[int, int] | None:
        """``(kept, absorbed)``: the closest two speakers (each with at least ``merge_after``
        windows) whose average-linkage distance has fallen under the threshold, else ``None``.
        The older label is kept."""
        ready = [speaker for speaker in self.active if speaker.count >= self.merge_after]
        if len(ready) < 2:
            return None
        # every pair at once: a long stream holds hundreds of speakers, a loop over pairs per
        # window would cost more than the networks
        totals = np.stack([speaker.total for speaker in ready])
        products = totals @ totals.T
        if self.merge_similarity is not None and self.rule != "linkage":
            norms = np.linalg.norm(totals, axis=1)
            distances = 1.0 - products / np.maximum(np.outer(norms, norms), 1e-12)
        else:
            counts = np.array([speaker.count for speaker in ready], dtype=np.float64)
            distances = 1.0 - products / np.maximum(np.outer(counts, counts), 1.0)
        limit = self.threshold if self.merge_similarity is None else 1.0 - self.merge_similarity
        distances[np.tril_indices(len(ready))] = np.inf  # each pair once, ready[i] before ready[j]
        first, second = divmod(int(np.argmin(distances)), len(ready))  # ties: the earliest pair
        if not distances[first, second] < limit:
            return None
        return ready[first].label, ready[second].label

    def merge(self, kept: int, absorbed: int) -> None:
        """Fold speaker ``absorbed`` into ``kept``: later windows of either go to ``kept``."""
        target, source = self.speakers[kept], self.speakers[absorbed]
        target.total = target.total + source.total
        target.count += source.count
        source.merged_into = kept
        source.total = np.zeros(0)

    def strays(self) -> list[tuple[int, int]]:
        """``(kept, absorbed)`` for every speaker that stayed under ``min_windows`` windows for
        :data:`STRAY_AFTER_WINDOWS` windows, with the grown speaker it counts for."""
        found = []
        for speaker in self.active:
            if speaker.count < self.min_windows and self.windows - speaker.last_window >= STRAY_AFTER_WINDOWS:
                kept = self.established(speaker.label)
                if kept != speaker.label:
                    found.append((kept, speaker.label))
        return found
