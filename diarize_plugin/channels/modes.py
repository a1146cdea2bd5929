"""The ``channels`` options (light: the command line's ``--help`` and the options read them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DiarizeError

#: ``mix``: average the channels; ``split``: one speaker per channel; ``auto``: the channels'
#: evidence where the recording is channel-separated, else the mix
CHANNEL_MODES = ("auto", "mix", "split")
DEFAULT_CHANNELS = "auto"


@dataclass(frozen=True)
class ChannelOptions:
    """How a recording with several channels is diarized: ``mode``, one of
    :data:`CHANNEL_MODES` (mono input is diarized alike in every mode); ``names``: the speaker
    label of each channel (``("agent", "customer")``), in ``auto`` and ``split``."""

    mode: str = DEFAULT_CHANNELS
    names: tuple[str, ...] | None = None

    def check(self) -> None:
        """Raise :class:`~diarize_plugin.errors.DiarizeError` for a mode or names the pipeline refuses."""
        check_channel_options(self.mode, self.names)


def check_channel_names(names: Sequence[str]) -> None:
    """Raise :class:`DiarizeError` unless ``names`` are at least two distinct, non-empty labels
    without white space."""
    if len(names) < 2:
        raise DiarizeError(f"--channel-names needs one name per channel, comma-separated (agent,customer), not {','.join(names)!r}")
    for name in names:
        if not name or any(character.isspace() for character in name):
            raise DiarizeError(f"--channel-names: {name!r} is not a name; give names without spaces, comma-separated (agent,customer)")
    if len(set(names)) != len(names):
        raise DiarizeError(f"--channel-names repeats a name ({','.join(names)}); give each channel its own name")


def check_channel_options(channels: str, channel_names: Sequence[str] | None) -> None:
    """Raise :class:`DiarizeError` for a ``channels`` mode or ``channel_names`` that
    :class:`Diarizer` would refuse (loads nothing, reads no audio)."""
    if channels not in CHANNEL_MODES:
        raise DiarizeError(f"unknown channels mode {channels!r}; use one of {', '.join(CHANNEL_MODES)} (--channels)")
    if channel_names is not None:
        check_channel_names(channel_names)
        if channels == "mix":
            raise DiarizeError("--channel-names names the speaker of each channel; it needs --channels auto or split, not mix")
