"""The options of live diarization and their checks (light: the command line reads them)."""

from __future__ import annotations

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
