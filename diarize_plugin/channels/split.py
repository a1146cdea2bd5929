"""Split diarization: each channel's own voice is its speaker's turns (``--channels split``).

The speech is what the pipeline found on the mix (so the network's speech detection and
boundaries are kept); each frame of it goes to the channels that hold their own voice there
(:mod:`.own_voice`: crosstalk is not a turn), to both when both parties talk at once, and to
the channel furthest above its noise floor when no channel clearly does (a soft syllable).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyannote.core import Annotation, Timeline

from .frames import annotation_from_masks, smoothed, timeline_mask
from .levels import ChannelLevels
from .own_voice import loudest_above_floor, own_voice


def channel_masks(levels: ChannelLevels, speech: Timeline) -> np.ndarray:
    """``(frames, channels)`` booleans: the speech frames of each channel's own speaker,
    smoothed (:func:`~.frames.smoothed`)."""
    in_speech = timeline_mask(speech, levels.frame_centres_s())
    own = own_voice(levels) & in_speech[:, None]
    nobody = in_speech & ~own.any(axis=1)
    own[np.flatnonzero(nobody), loudest_above_floor(levels)[nobody]] = True
    return np.stack([smoothed(own[:, index], levels.frame_s) for index in range(levels.num_channels)], axis=1)


def split_by_channel(levels: ChannelLevels, speech: Timeline, labels: Sequence[str], uri: str | None = None) -> Annotation:
    """Speaker turns with one speaker per channel, labelled ``labels[channel]``, inside
    ``speech`` (seconds)."""
    masks = channel_masks(levels, speech)
    return annotation_from_masks({label: masks[:, index] for index, label in enumerate(labels)}, levels.frame_s, speech, uri)
