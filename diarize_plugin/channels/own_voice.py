"""Whose own voice is on each channel, frame by frame: crosstalk is not a turn.

On a channel-separated call each party's voice leaks into the other channel at a fairly
constant gain (the leakage of a headset or a telephone hybrid, typically -15 to -25 dB). That
gain is measured on the recording itself, from the frames where the other channel clearly
leads; a channel then holds its own voice in a frame when it has sound and is louder than the
leakage of every other channel's sound would make it, by :data:`LEAK_MARGIN_DB`. Both parties
talking at once leave both channels near the same level: both hold their own voice (overlap).
"""

from __future__ import annotations

import numpy as np

from .detection import DOMINANCE_DB
from .levels import ChannelLevels

#: a channel has sound in a frame when it is this far above its noise floor (dB)
SOUND_ABOVE_FLOOR_DB = 10.0
#: own voice must be at least this much louder than the measured leakage (dB)
LEAK_MARGIN_DB = 6.0
#: whatever the leakage, a channel within this many dB of another's level is its own voice
#: (both talking at once, one of them softer)
OWN_VOICE_WITHIN_DB = 6.0
#: frames where another channel leads needed to measure a leakage gain
MIN_LEAK_FRAMES = 20


def leakage_db(levels: ChannelLevels) -> np.ndarray:
    """``(channels, channels)``: entry ``[c, d]`` is the level of channel ``c`` relative to
    channel ``d`` (dB, negative) in the frames where ``d`` clearly leads and has sound: the gain
    at which ``d``'s voice leaks into ``c``; ``-inf`` where there are too few such frames."""
    channels = levels.num_channels
    gains = np.full((channels, channels), -np.inf)
    sound = levels.above_floor_db > SOUND_ABOVE_FLOOR_DB
    for c in range(channels):
        for d in range(channels):
            if c == d:
                continue
            difference = levels.levels_db[:, c] - levels.levels_db[:, d]
            leading = sound[:, d] & (difference < -DOMINANCE_DB)
            if leading.sum() >= MIN_LEAK_FRAMES:
                gains[c, d] = float(np.median(difference[leading]))
    return gains


def own_voice(levels: ChannelLevels) -> np.ndarray:
    """``(frames, channels)`` booleans: the frames in which each channel holds its own speaker's
    voice (it has sound, and it is not only another channel's voice leaking in)."""
    sound = levels.above_floor_db > SOUND_ABOVE_FLOOR_DB
    gains = leakage_db(levels)
    own = sound.copy()
    for c in range(levels.num_channels):
        for d in range(levels.num_channels):
            if c == d or not np.isfinite(gains[c, d]):
                continue
            needed_db = min(gains[c, d] + LEAK_MARGIN_DB, -OWN_VOICE_WITHIN_DB)
            leak_only = sound[:, d] & (levels.levels_db[:, c] - levels.levels_db[:, d] <= needed_db)
            own[:, c] &= ~leak_only
    return own


def loudest_above_floor(levels: ChannelLevels) -> np.ndarray:
    """``(frames,)``: the channel furthest above its noise floor in each frame (who is most
    likely speaking where no channel clearly holds its own voice)."""
    return np.argmax(levels.above_floor_db, axis=1)
