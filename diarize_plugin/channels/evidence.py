"""Where the channels of a recording come in: the ``channels`` option of :class:`Diarizer`.

- ``"mix"``: the channels are averaged, as they always were;
- ``"auto"`` (default): a channel-separated recording (:mod:`.detection`) is diarized with
  the channel evidence fused with the embeddings (:mod:`.fusion`); anything else (mono, the
  same signal on both channels, a stereo music or meeting mix) gives exactly the mix's result;
- ``"split"``: one speaker per channel (:mod:`.split`), whatever the levels say.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pyannote.core import Annotation

from ..audio.source import AudioSource
from ..clustering.bounds import SpeakerBounds
from ..errors import DiarizeError
from .detection import ChannelLayout, detect_layout
from .fusion import fuse
from .levels import ChannelLevels, channel_levels

from .naming import channel_labels, check_channel_count
from .source import ChannelAudio
from .split import split_by_channel

_LOG = logging.getLogger("diarize")


def check_channel_input(
    audio: AudioSource, channels: str, channel_names: Sequence[str] | None, bounds: SpeakerBounds, origin: str
) -> None:
    """Raise :class:`DiarizeError`, before any diarization, when ``channel_names`` are not one
    per channel of ``audio`` or when ``split`` is asked for a speaker count it cannot give."""
    count = audio.num_channels if isinstance(audio, ChannelAudio) else 1
    if channels != "mix":
        check_channel_count(channel_names, count, origin)
    if channels == "split" and count > 1 and bounds.clamp(count) != count:
        raise DiarizeError(
            f"--channels split gives one speaker per channel ({count}); drop the speaker count or use --channels auto"
        )


@dataclass
class ChannelEvidence:
    """What the channels of one recording say, and how its diarization uses it.

    Built by :func:`channel_evidence` before the diarization: :attr:`source` is what the
    pipeline diarizes (the recording's mono mix itself, the very object, unless the channels
    are used), :meth:`apply` turns the turns found there into the final ones.
    """

    audio: ChannelAudio
    mode: str
    levels: ChannelLevels
    layout: ChannelLayout
    labels: list[str]
    named: bool
    bounds: SpeakerBounds

    @property
    def used(self) -> bool:
        """Whether the channels decide the speakers (``split``, or ``auto`` on a separated call)."""
        return self.mode == "split" or self.layout.separated

    @property
    def source(self) -> AudioSource:
        """The mix (``auto`` on a recording that is not separated), else the channels' sum: each
        party at the level of their own channel, not halved by the average (the speech detector
        misses soft speech at half level: on the calls of ``benchmarks/channels.py``, missed
        speech 6.4 % of the average against 2.3 % of the sum)."""
        return SummedChannels(self.audio) if self.used else self.audio

    def apply(self, annotation: Annotation) -> Annotation:
        """The final turns, from ``annotation`` (the turns found on :attr:`source`): the same
        object when the channels are not used, or, in ``auto``, when the channels' speakers
        would break the speaker count asked."""
        if not self.used:
            return annotation
        speech = annotation.get_timeline().support()
        if self.mode == "split":
            return split_by_channel(self.levels, speech, self.labels, uri=annotation.uri)
        fused = fuse(self.levels, annotation, self.labels, named=self.named, uri=annotation.uri)
        count = len(fused.labels())
        if self.bounds.clamp(count) != count:  # outside the speaker count asked
            _LOG.info("channels: %d speakers from the channels is outside the speaker count asked: the mix's result", count)
            return annotation
        return fused


class SummedChannels(AudioSource):
    """The sum of the channels of a :class:`ChannelAudio` (16 kHz float32, not clipped)."""

    def __init__(self, audio: ChannelAudio) -> None:
        self.audio = audio

    @property
    def num_samples(self) -> int:
        return self.audio.num_samples

    def read(self, start: int, stop: int) -> np.ndarray:
        parts = [channel.read(start, stop) for channel in self.audio.channels]
        length = min(len(part) for part in parts)
        return np.sum([part[:length] for part in parts], axis=0, dtype=np.float32)


def channel_evidence(
    audio: AudioSource,
    channels: str,
    channel_names: Sequence[str] | None = None,
    bounds: SpeakerBounds = SpeakerBounds(),
) -> ChannelEvidence | None:
    """The :class:`ChannelEvidence` of ``audio`` in mode ``channels``, or ``None`` (the mix
    alone decides) in ``"mix"`` mode and for a recording of one channel. Warns when ``split``
    is asked of one channel, and when ``auto`` does not use ``channel_names``."""
    if channels == "mix" or not isinstance(audio, ChannelAudio):
        if channels == "split":
            warnings.warn("--channels split needs two channels or more; the input has one: diarized as mono",
                          UserWarning, stacklevel=3)
        return None
    levels = channel_levels(audio.channels)
    layout = detect_layout(levels)
    _LOG.info("%s", layout.describe())
    if channels == "auto" and not layout.separated:
        _warn_unused_names(channel_names, layout)
    labels = channel_labels(audio.num_channels, channel_names)
    return ChannelEvidence(audio, channels, levels, layout, labels, channel_names is not None, bounds)


def _warn_unused_names(channel_names: Sequence[str] | None, layout: ChannelLayout) -> None:
    if channel_names is not None:
        warnings.warn(
            "the input's channels are not one voice each (one channel leads only "
            f"{layout.dominated_share:.0%} of the time): diarized as mono, --channel-names not used "
            "(--channels split names them anyway)",
            UserWarning,
            stacklevel=4,
        )
