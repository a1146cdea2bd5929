"""Speaker labels of channel-separated recordings: one per channel, the same in every call.

Without names the speaker of channel 0 (left) is ``SPEAKER_00``, of channel 1 (right)
``SPEAKER_01``, and so on; ``--channel-names agent,customer`` names them instead. A second
voice found on a channel (a colleague taking over) is ``NAME_2`` (or the next free
``SPEAKER_xx``).
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import DiarizeError
from .modes import check_channel_names
from ..diarization.turns import speaker_label


def parse_channel_names(text: str) -> tuple[str, ...]:
    """``"agent,customer"`` as ``("agent", "customer")``; raises :class:`DiarizeError` for an
    empty or repeated name."""
    names = tuple(name.strip() for name in text.split(","))
    check_channel_names(names)
    return names


def check_channel_count(names: Sequence[str] | None, channels: int, origin: str) -> None:
    """Raise :class:`DiarizeError` when ``names`` are given and are not one per channel."""
    if names is not None and len(names) != channels:
        raise DiarizeError(
            f"--channel-names gives {len(names)} names but {origin} has {channels} channel{'s' if channels != 1 else ''}; "
            "give one name per channel"
        )


def channel_labels(channels: int, names: Sequence[str] | None) -> list[str]:
    """The label of each channel's speaker."""
    return list(names) if names is not None else [speaker_label(index) for index in range(channels)]


def extra_label(channel_label: str, taken: set[str], named: bool) -> str:
    """A label for a further speaker found on the channel labelled ``channel_label``."""
    if named:
        number = 2
        while f"{channel_label}_{number}" in taken:
            number += 1
        return f"{channel_label}_{number}"
    index = 0
    while speaker_label(index) in taken:
        index += 1
    return speaker_label(index)
