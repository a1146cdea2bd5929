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

from pyannote.core import Annotation

from ..audio_source import AudioSource
from ..cluster import SpeakerBounds
from ..errors import DiarizeError
from .detection import ChannelLayout, detect_layout
from .fusion import fuse
from .levels import channel_levels
from .modes import CHANNEL_MODES
from .naming import channel_labels, check_channel_count, check_channel_names
from .source import ChannelAudio
from .split import split_by_channel

_LOG = logging.getLogger("diarize")


def check_channel_options(channels: str, channel_names: Sequence[str] | None) -> None:
    """Raise :class:`DiarizeError` for a ``channels`` mode or ``channel_names`` that
    :class:`Diarizer` would refuse (loads nothing, reads no audio)."""
    if channels not in CHANNEL_MODES:
        raise DiarizeError(f"unknown channels mode {channels!r}; use one of {', '.join(CHANNEL_MODES)} (--channels)")
    if channel_names is not None:
        check_channel_names(channel_names)
        if channels == "mix":
            raise DiarizeError("--channel-names names the speaker of each channel; it needs --channels auto or split, not mix")


def check_channel_input(
    audio: AudioSource, channels: str, channel_names: Sequence[str] | None, bounds: SpeakerBounds, origin: str
) -> None:
    """Raise :class:`DiarizeError`, before any diarization, when ``channel_names`` are not one
    per channel of ``audio`` or when ``split`` is asked for a speaker count it cannot give."""
    count = audio.num_channels if isinstance(audio, ChannelAudio) else 1
    if channels != "mix":
        check_channel_count(channel_names, count, origin)
    if channels == "split" and count > 1 and not (bounds.minimum <= count <= (bounds.maximum or count)):
        raise DiarizeError(
            f"--channels split gives one speaker per channel ({count}); drop the speaker count or use --channels auto"
        )


def apply_channel_evidence(
    audio: AudioSource,
    mix_annotation: Annotation,
    channels: str,
    channel_names: Sequence[str] | None = None,
    bounds: SpeakerBounds = SpeakerBounds(),
) -> Annotation:
    """The speaker turns of ``audio`` given those found on its mix, in mode ``channels``.

    ``mix_annotation`` itself (the very object) when the mode is ``"mix"``, when ``audio`` has
    one channel, or, in ``"auto"``, when the recording is not channel-separated or the
    channel result would break ``bounds``."""
    if channels == "mix" or not isinstance(audio, ChannelAudio):
        if channels == "split":
            warnings.warn("--channels split needs two channels or more; the input has one: diarized as mono",
                          UserWarning, stacklevel=2)
        return mix_annotation
    levels = channel_levels(audio.channels)
    labels = channel_labels(audio.num_channels, channel_names)
    if channels == "split":
        return split_by_channel(levels, mix_annotation.get_timeline().support(), labels, uri=mix_annotation.uri)
    layout = detect_layout(levels)
    _LOG.info("%s", layout.describe())
    if not layout.separated:
        _warn_unused_names(channel_names, layout)
        return mix_annotation
    fused = fuse(levels, mix_annotation, labels, named=channel_names is not None, uri=mix_annotation.uri)
    count = len(fused.labels())
    if not bounds.minimum <= count <= (bounds.maximum or count):
        _LOG.info("channels: %d speakers from the channels is outside the speaker count asked: the mix's result", count)
        return mix_annotation
    return fused


def _warn_unused_names(channel_names: Sequence[str] | None, layout: ChannelLayout) -> None:
    if channel_names is not None:
        warnings.warn(
            "the input's channels are not one voice each (one channel leads only "
            f"{layout.dominated_share:.0%} of the time): diarized as mono, --channel-names not used "
            "(--channels split names them anyway)",
            UserWarning,
            stacklevel=3,
        )
