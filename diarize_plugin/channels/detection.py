"""Is a recording channel-separated (one voice much louder on one channel most of the time)?

A call-centre recording keeps each party on a channel of their own: whoever speaks is far
louder on their channel than on the other (which hears them only as crosstalk, 15–25 dB
down), and each party leads their channel a fair share of the time. An ordinary stereo
recording (the same signal on both channels, two microphones in one room, a music or meeting
mix) differs between channels by a few dB at most; a mono recording stored on one channel has
one leading channel only. Only a separated recording is diarized with the channel evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .levels import ChannelLevels

#: a frame has sound when its loudest channel is this far above its noise floor (dB)
ACTIVE_ABOVE_FLOOR_DB = 12.0
#: a channel leads a frame when it is this much louder than every other channel (dB)
DOMINANCE_DB = 10.0
#: separated when some channel leads at least this share of the frames with sound ...
MIN_DOMINATED_SHARE = 0.6
#: ... and at least two channels each lead at least this share of those it leads
MIN_LEADING_SHARE = 0.1
#: fewer frames with sound than this (5 s) tell nothing
MIN_ACTIVE_FRAMES = 100


@dataclass(frozen=True)
class ChannelLayout:
    """What the levels say about the channels of a recording.

    ``dominated_share``: share of the frames with sound that one channel leads by
    :data:`DOMINANCE_DB`; ``leading_shares``: per channel, its share of those frames;
    ``active_frames``: frames with sound.
    """

    separated: bool
    dominated_share: float
    leading_shares: tuple[float, ...]
    active_frames: int

    def describe(self) -> str:
        """One line for ``diarize -v``."""
        shares = "/".join(f"{share:.2f}" for share in self.leading_shares)
        kind = "separated (one voice per channel)" if self.separated else "not separated"
        return (f"channels: {kind}: one channel leads {self.dominated_share:.2f} of {self.active_frames} "
                f"frames with sound (each channel: {shares})")


def detect_layout(levels: ChannelLevels) -> ChannelLayout:
    """The :class:`ChannelLayout` of a recording from its :class:`ChannelLevels`."""
    channels = levels.num_channels
    if levels.num_frames == 0 or channels < 2:
        return ChannelLayout(False, 0.0, (0.0,) * channels, 0)
    active = levels.above_floor_db.max(axis=1) > ACTIVE_ABOVE_FLOOR_DB
    level = levels.levels_db[active]
    if len(level) < MIN_ACTIVE_FRAMES:
        return ChannelLayout(False, 0.0, (0.0,) * channels, int(active.sum()))
    ordered = np.sort(level, axis=1)
    dominated = ordered[:, -1] - ordered[:, -2] > DOMINANCE_DB
    leader = np.argmax(level[dominated], axis=1)
    counts = np.bincount(leader, minlength=channels)
    shares = counts / max(int(dominated.sum()), 1)
    dominated_share = float(dominated.mean())
    separated = dominated_share >= MIN_DOMINATED_SHARE and int((shares >= MIN_LEADING_SHARE).sum()) >= 2
    return ChannelLayout(separated, dominated_share, tuple(float(s) for s in shares), len(level))
