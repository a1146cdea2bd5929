"""Channel statistics: the level of every channel in short frames, and each channel's noise floor.

The channel evidence (:mod:`.detection`, :mod:`.own_voice`) compares channels frame by frame:
in a call recorded one party per channel, the party who speaks is 15–25 dB louder on their own
channel than their voice leaking into the other one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..audio.source import AudioSource

#: seconds per level frame
FRAME_S = 0.05
#: frames averaged (centred) into each level: 0.15 s, a syllable or two
SMOOTHING_FRAMES = 3
#: the percentile of a channel's levels taken as its noise floor (line noise, room tone)
FLOOR_PERCENTILE = 10.0
#: seconds of audio read at a time
_BLOCK_S = 60.0
#: power added before the logarithm: digital silence reads -100 dB, not -inf
_POWER_FLOOR = 1e-10


@dataclass(frozen=True)
class ChannelLevels:
    """Per-frame levels of each channel of a recording.

    ``levels_db``: ``(frames, channels)``, mean power in dB (full scale 0 dB) over
    :data:`SMOOTHING_FRAMES` frames of ``frame_s`` seconds centred on each frame.
    """

    levels_db: np.ndarray
    frame_s: float = FRAME_S

    @property
    def num_frames(self) -> int:
        return self.levels_db.shape[0]

    @property
    def num_channels(self) -> int:
        return self.levels_db.shape[1]

    @property
    def floor_db(self) -> np.ndarray:
        """``(channels,)``: each channel's noise floor, dB."""
        if self.num_frames == 0:
            return np.full(self.num_channels, -100.0)
        return np.percentile(self.levels_db, FLOOR_PERCENTILE, axis=0)

    @property
    def above_floor_db(self) -> np.ndarray:
        """``(frames, channels)``: each level above its channel's noise floor, dB."""
        return self.levels_db - self.floor_db[None, :]

    def frame_centres_s(self) -> np.ndarray:
        """``(frames,)``: the centre of each frame, seconds."""
        return (np.arange(self.num_frames) + 0.5) * self.frame_s


def channel_levels(channels: Sequence[AudioSource], frame_s: float = FRAME_S) -> ChannelLevels:
    """The :class:`ChannelLevels` of ``channels`` (equal-rate sources; the shortest sets the
    length), read a minute at a time."""
    frame = max(1, int(round(frame_s * channels[0].sample_rate)))
    length = min(source.num_samples for source in channels)
    block = frame * max(1, int(_BLOCK_S / frame_s))
    powers = [np.concatenate([_frame_powers(source.read(start, min(start + block, length)), frame)
                              for start in range(0, length, block)] or [np.zeros(0)])
              for source in channels]
    power = np.stack(powers, axis=1)
    if len(power) and SMOOTHING_FRAMES > 1:
        kernel = np.ones(SMOOTHING_FRAMES) / SMOOTHING_FRAMES
        padded = np.pad(power, ((SMOOTHING_FRAMES // 2, SMOOTHING_FRAMES // 2), (0, 0)), mode="edge")
        power = np.stack([np.convolve(padded[:, index], kernel, mode="valid") for index in range(power.shape[1])], axis=1)
    return ChannelLevels(10.0 * np.log10(power + _POWER_FLOOR), frame_s)


def _frame_powers(samples: np.ndarray, frame: int) -> np.ndarray:
    """Mean power of consecutive frames of ``frame`` samples (the last may be shorter)."""
    whole = len(samples) // frame * frame
    squared = np.square(samples.astype(np.float64))
    powers = squared[:whole].reshape(-1, frame).mean(axis=1)
    if whole < len(samples):
        powers = np.append(powers, squared[whole:].mean())
    return powers
