"""One speaker per channel: stereo calls (agent left, customer right) diarized with their channels.

- :mod:`.source`: decoding that keeps the channels beside the mono mix (only when asked);
- :mod:`.levels`: per-frame level of every channel (the channel statistics);
- :mod:`.detection`: is the recording channel-separated?
- :mod:`.own_voice`: whose own voice each channel holds, frame by frame (crosstalk removed);
- :mod:`.split`: one speaker per channel (``--channels split``);
- :mod:`.fusion`: channel energy fused with the embeddings (``--channels auto``);
- :mod:`.naming`: the labels (``--channel-names agent,customer``);
- :mod:`.evidence`: the hook the pipeline calls.

Import the API from its modules (``from diarize_plugin.channels.evidence import
channel_evidence``); this package's own names are light (no numpy), for the command line.
"""

from __future__ import annotations

from .modes import CHANNEL_MODES, DEFAULT_CHANNELS, ChannelOptions

__all__ = ["CHANNEL_MODES", "DEFAULT_CHANNELS", "ChannelOptions"]
