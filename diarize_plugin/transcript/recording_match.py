"""One rule for inputs that must describe the same recording: a transcript or RTTM given with
a recording (``diarize --transcript``, ``diarize report``) or with each other (``diarize
merge``) belongs to it only if its time lies inside it.

Light on purpose (no numpy): commands check before the models load.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..errors import DiarizeError

#: seconds of an input that may lie past the recording's end whatever its length (a recogniser
#: rounds its last segment up, a trailing word after the last turn)
MAX_PAST_END_S = 1.0
#: share of an input's time that may lie past the recording's end; more is another recording
MAX_PAST_END_SHARE = 0.1


def require_same_recording(spans: Iterable[tuple[float, float]], end_s: float, *, what: str, recording: str) -> None:
    """Raise :class:`DiarizeError` unless the time of ``spans`` (``(start, end)`` seconds: a
    transcript's segments, an RTTM's turns) lies inside ``0..end_s`` (the recording's length;
    for ``merge``, the end of the RTTM's last turn): more than :data:`MAX_PAST_END_S` seconds
    and :data:`MAX_PAST_END_SHARE` of it past ``end_s``, or none of it before, is another
    recording's. ``what`` and ``recording`` name both in the message ("transcript a.json",
    "a.wav"). No spans pass.
    """
    ordered = [(min(start, stop), max(start, stop)) for start, stop in spans]
    if not ordered:
        return
    total = sum(stop - start for start, stop in ordered)
    past = sum(stop - max(start, end_s) for start, stop in ordered if stop > end_s)
    reach = max(stop for _, stop in ordered)
    first = min(start for start, _ in ordered)
    if first < end_s and past <= max(MAX_PAST_END_S, MAX_PAST_END_SHARE * total):
        return
    raise DiarizeError(
        f"{what} is of another recording: {past:.1f} s of its {total:.1f} s lie past the end of {recording} at "
        f"{end_s:.1f} s (it spans {first:.1f}-{reach:.1f} s); give the one made for {recording}"
    )
