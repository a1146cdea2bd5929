"""The values of the ``channels`` option (light: the command line's ``--help`` reads them)."""

from __future__ import annotations

#: ``mix``: average the channels; ``split``: one speaker per channel; ``auto``: the channels'
#: evidence where the recording is channel-separated, else the mix
CHANNEL_MODES = ("auto", "mix", "split")
DEFAULT_CHANNELS = "auto"
