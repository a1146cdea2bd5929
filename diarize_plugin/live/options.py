"""The options of live diarization and their checks (light: the command line reads them)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import DiarizeError


#: the ``latency_s`` range offered (seconds): under 1 s a window has not heard its speaker yet
LATENCY_RANGE_S = (1.0, 10.0)


DEFAULT_LATENCY_S = 2.0


def check_live_options(
    latency_s: float,
    threshold: float | None = None,
    overlap_threshold: float | None = None,
    max_speakers: int | None = None,
    window_s: float = 1.5,
) -> None:
    """Raise :class:`DiarizeError` for options :class:`StreamingDiarizer` refuses (loads nothing)."""
    low, high = LATENCY_RANGE_S
    if not low <= latency_s <= high:
        raise DiarizeError(f"latency must be between {low:g} and {high:g} seconds, not {latency_s:g} (--latency)")
    if threshold is not None and not 0.0 < threshold < 2.0:
        raise DiarizeError(f"threshold must be a cosine distance between 0 and 2, not {threshold}")
    if overlap_threshold is not None and not 0.0 < overlap_threshold < 1.0:
        raise DiarizeError(f"overlap_threshold is a probability between 0 and 1, not {overlap_threshold}")
    if max_speakers is not None and max_speakers < 1:
        raise DiarizeError(f"max_speakers must be at least 1, not {max_speakers}")
    if not 0.4 <= window_s <= 3.0:
        raise DiarizeError(f"window_s must be between 0.4 and 3 seconds, not {window_s}")


@dataclass(frozen=True)
class LocalSpeakerMatching:
    """``StreamingDiarizer(identity=...)``, the default: diart's rule (:mod:`.chunk_speakers`).

    Every ``step_s`` (seconds) the latest chunk's local speakers are embedded and matched to the
    stream's speakers; cosine distances to a speaker's centroid: over ``new_speaker_distance`` a
    local speaker is someone new, under ``update_distance`` it updates the speaker's summary,
    two speakers under ``merge_distance`` are merged (and the merge reported). Chosen on the AMI
    excerpts trn00-04 at 5 s latency (DER 32.9 % at ``step_s=1.0``, 29.8 % at 0.5) and the long
    stream's first quarter hour (benchmarks/live.py; docs/benchmarks.md "Live"). The merge
    distance was 0.4 until the pyannote sample's two voices, whose centroids come within 0.356 of
    each other, were merged into one on a second machine (DER 52.4 % at every latency); copies of
    one speaker merge at 0.20-0.28 there, so 0.3 keeps both apart with some margin.
    """

    new_speaker_distance: float = 0.75
    update_distance: float = 0.5
    merge_distance: float = 0.3
    step_s: float = 0.5

    def check(self) -> None:
        for name in ("new_speaker_distance", "update_distance", "merge_distance"):
            if not 0.0 < getattr(self, name) < 2.0:
                raise DiarizeError(f"{name} must be a cosine distance between 0 and 2, not {getattr(self, name)}")
        if not 0.5 <= self.step_s <= 10.0:
            raise DiarizeError(f"step_s must be between 0.5 and 10 seconds, not {self.step_s}")


@dataclass(frozen=True)
class WindowLinkage:
    """``StreamingDiarizer(identity=WindowLinkage())``, the first version: a ``window_s`` window
    every 0.5 s joins a speaker by average linkage at ``StreamingDiarizer.threshold``."""

    window_s: float = 1.5

    def check(self) -> None:
        if not 0.4 <= self.window_s <= 3.0:
            raise DiarizeError(f"window_s must be between 0.4 and 3 seconds, not {self.window_s}")


LiveIdentity = LocalSpeakerMatching | WindowLinkage


@dataclass(frozen=True)
class LiveOptions:
    """Every option of :class:`~diarize_plugin.live.StreamingDiarizer`, checked once when made
    (frozen, picklable); the fields are described there."""

    threshold: float | None = None
    latency_s: float = DEFAULT_LATENCY_S
    max_speakers: int | None = None
    overlap_threshold: float | None = None
    identification_threshold: float | None = None
    provisional: bool = False
    identity: LiveIdentity = LocalSpeakerMatching()

    def __post_init__(self) -> None:
        check_live_options(self.latency_s, self.threshold, self.overlap_threshold, self.max_speakers)
        if not isinstance(self.identity, (LocalSpeakerMatching, WindowLinkage)):
            raise DiarizeError(f"identity must be a LocalSpeakerMatching or a WindowLinkage, not {self.identity!r}")
        self.identity.check()

    @classmethod
    def from_keywords(cls, options: "LiveOptions | None" = None, **keywords: Any) -> "LiveOptions":
        """``options`` as given, or made from flat keywords (its field names); both is refused."""
        if options is not None and keywords:
            raise DiarizeError(f"give either options or the flat keywords ({', '.join(sorted(keywords))}), not both")
        return options if options is not None else cls(**keywords)
