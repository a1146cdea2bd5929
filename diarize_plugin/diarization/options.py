"""Every tunable value of :class:`~diarize_plugin.diarization.pipeline.Diarizer`, in one frozen,
picklable value, validated once when it is made.

Nested per stage, as the pipeline runs: :class:`SegmentationOptions` (where the speech is, and
the overlap), :class:`EmbeddingOptions` (which model, which windows), :class:`ClusteringOptions`
(how windows become speakers), then what turns them into turns (:class:`DiarizerOptions`).

>>> options = DiarizerOptions(segmentation=SegmentationOptions(decoding="pyannote"))
>>> options.segmentation.step_s
3.0
>>> DiarizerOptions.from_keywords(segmentation="webrtcvad").window_hop_s
0.75

Loads no model and no numerical library, so that the command line and the batch runner can
refuse bad options before any work starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..channels.modes import DEFAULT_CHANNELS, ChannelOptions
from ..clustering.counting import DEFAULT_COUNTING
from ..clustering.settings import ClusteringOptions
from ..embed.settings import DEFAULT_EMBEDDER, EmbeddingOptions
from ..embed.windows import WINDOW_HOP_S, WINDOW_S
from ..errors import DiarizeError
from ..segmentation.settings import (
    DEFAULT_DECODING,
    DEFAULT_SEGMENTATION,
    OVERLAP_PROBABILITY,
    SEGMENTATION_STEP_S,
    SegmentationOptions,
    VadOptions,
)
from ..util.threads import resolve_threads
#: how speakers are told apart in neural mode: "windows" (1.5 s window embeddings clustered over
#: the recording, the default: see docs/how-it-works.md) or "local" (one embedding per
#: chunk-local speaker, matched to clusters with the Hungarian algorithm, as pyannote 3.x does)
IDENTITY_MODES = ("windows", "local")
#: turns shorter than this (seconds) go to the neighbouring speaker
MIN_TURN_S = 0.3


@dataclass(frozen=True)
class DiarizerOptions:
    """Every option of :class:`~diarize_plugin.diarization.pipeline.Diarizer`, checked once here.

    ``channels``: how a recording with several channels is diarized (:mod:`diarize_plugin.channels`);
    ``identity``: neural mode only, one of :data:`IDENTITY_MODES`; ``min_turn_s``: turns shorter
    than this, in seconds, go to the neighbouring speaker; ``threads``: ONNX Runtime threads
    (``None``: ``$DIARIZE_THREADS`` or the cores, at most 8). Raises :class:`DiarizeError` when
    made with a value the pipeline would refuse.
    """

    segmentation: SegmentationOptions = field(default_factory=SegmentationOptions)
    embedding: EmbeddingOptions = field(default_factory=EmbeddingOptions)
    clustering: ClusteringOptions = field(default_factory=ClusteringOptions)
    channels: ChannelOptions = field(default_factory=ChannelOptions)
    identity: str = "windows"
    min_turn_s: float = MIN_TURN_S
    threads: int | None = None

    def __post_init__(self) -> None:
        self.segmentation.check()
        self.clustering.check()
        self.channels.check()
        if self.identity not in IDENTITY_MODES:
            raise DiarizeError(f"unknown speaker identity mode {self.identity!r}; use one of {', '.join(IDENTITY_MODES)}")
        resolve_threads(self.threads)
        window_s, hop_s = self.embedding.window_s, self.window_hop_s
        if window_s <= 0 or hop_s <= 0 or hop_s > window_s:
            raise DiarizeError("window_s and hop_s must be positive, with hop_s <= window_s")

    @property
    def window_hop_s(self) -> float:
        """Seconds between embedding windows: ``embedding.hop_s``, else the segmentation mode's."""
        hop_s = self.embedding.hop_s
        return WINDOW_HOP_S[self.segmentation.mode] if hop_s is None else hop_s

    @property
    def local_identity(self) -> bool:
        """Whether speakers are chunk-local speakers of the network (pyannote 3.x style)."""
        return self.segmentation.mode == "neural" and self.identity == "local"

    def with_threads(self, threads: int | None) -> "DiarizerOptions":
        """These options with ``threads`` ONNX Runtime threads."""
        return replace(self, threads=threads)

    @classmethod
    def from_keywords(
        cls,
        embedder: str = DEFAULT_EMBEDDER,
        segmentation: str = DEFAULT_SEGMENTATION,
        threshold: float | None = None,
        vad: VadOptions = VadOptions(),
        window_s: float = WINDOW_S,
        hop_s: float | None = None,
        min_turn_s: float = MIN_TURN_S,
        model_dir: str | None = None,
        threads: int | None = None,
        neural_identity: str = "windows",
        merge_speakers: bool = True,
        overlap_threshold: float | None = None,
        decoding: str = DEFAULT_DECODING,
        counting: str = DEFAULT_COUNTING,
        reassign: bool = False,
        channels: str = DEFAULT_CHANNELS,
        channel_names: "tuple[str, ...] | list[str] | None" = None,
        **stage_options: Any,
    ) -> "DiarizerOptions":
        """The options of :class:`Diarizer`'s flat keywords (its shortcut), plus
        ``segmentation_step_s``, ``segmentation_model`` and ``reject_background``."""
        unknown = set(stage_options) - {"segmentation_step_s", "segmentation_model", "reject_background"}
        if unknown:
            raise TypeError(f"unknown diarizer options: {', '.join(sorted(unknown))}")
        return cls(
            segmentation=SegmentationOptions(
                mode=segmentation,
                decoding=decoding,
                overlap_threshold=OVERLAP_PROBABILITY if overlap_threshold is None else float(overlap_threshold),
                reject_background=stage_options.get("reject_background", True),
                step_s=stage_options.get("segmentation_step_s", SEGMENTATION_STEP_S),
                model=_optional_text(stage_options.get("segmentation_model")),
                vad=vad,
            ),
            embedding=EmbeddingOptions(embedder, _optional_text(model_dir), window_s, hop_s),
            clustering=ClusteringOptions(threshold, counting, reassign, merge_speakers),
            channels=ChannelOptions(channels, None if channel_names is None else tuple(channel_names)),
            identity=neural_identity,
            min_turn_s=min_turn_s,
            threads=threads,
        )


def _optional_text(path: object) -> str | None:
    return None if path is None else str(path)
