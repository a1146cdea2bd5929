"""Channel energy fused with the speaker embeddings (``--channels auto`` on a separated call).

The channels say *which party* speaks (:func:`~.split.channel_masks`, crosstalk removed,
overlap kept), which is where diarizing the mix goes wrong on a call (two voices through one
telephone band, turns a few hundred milliseconds long). The clusters of the embeddings found
on the mix say whether a channel holds *more than one voice* (a colleague taking over the
agent's headset): a cluster that lives on one channel, holds a good part of it and is not that
channel's main voice becomes a speaker of its own; every other cluster is ignored.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from pyannote.core import Annotation

from .frames import annotation_from_masks, timeline_mask
from .levels import ChannelLevels
from .naming import extra_label
from .split import channel_masks

#: a cluster lives on a channel when at least this share of its speech is there
HOME_SHARE = 0.8
#: ... and becomes a speaker of its own there when it holds at least this share of the channel
MIN_CHANNEL_SHARE = 0.25
#: ... and at least this much speech (seconds)
MIN_SPEECH_S = 10.0


def fuse(
    levels: ChannelLevels, mix_annotation: Annotation, labels: Sequence[str], named: bool, uri: str | None = None
) -> Annotation:
    """Speaker turns of a channel-separated recording: one speaker per channel (labelled
    ``labels[channel]``), plus any cluster of ``mix_annotation`` that is a second voice of a
    channel (labels from :func:`~.naming.extra_label`; ``named``: ``labels`` came from the user)."""
    speech = mix_annotation.get_timeline().support()
    masks = channel_masks(levels, speech)
    centres = levels.frame_centres_s()
    clusters = {label: timeline_mask(mix_annotation.label_timeline(label), centres) for label in sorted(mix_annotation.labels())}
    speakers: dict[str, np.ndarray] = {}
    taken = set(labels)
    for channel, label in enumerate(labels):
        channel_mask = masks[:, channel].copy()
        for cluster_mask in _second_voices(clusters, masks, channel, levels.frame_s):
            extra = extra_label(label, taken, named)
            taken.add(extra)
            speakers[extra] = channel_mask & cluster_mask
            channel_mask &= ~cluster_mask
        speakers[label] = channel_mask
    ordered = {label: speakers[label] for label in sorted(speakers, key=lambda name: _order(name, labels))}
    return annotation_from_masks(ordered, levels.frame_s, speech, uri)


def _second_voices(clusters: dict[str, np.ndarray], masks: np.ndarray, channel: int, frame_s: float) -> list[np.ndarray]:
    """Frame masks of the clusters that are further voices of ``channel`` (not its largest)."""
    on_channel = {label: int((mask & masks[:, channel]).sum()) for label, mask in clusters.items()}
    channel_frames = max(int(masks[:, channel].sum()), 1)
    candidates = []
    for label, mask in clusters.items():
        everywhere = max(int((mask & masks.any(axis=1)).sum()), 1)
        here = on_channel[label]
        if (here >= HOME_SHARE * everywhere and here >= MIN_CHANNEL_SHARE * channel_frames
                and here * frame_s >= MIN_SPEECH_S):
            candidates.append((here, label))
    if not candidates:
        return []
    # the channel's main voice is its largest cluster: only the others are second voices
    main = max(sorted(on_channel), key=lambda label: on_channel[label])
    return [clusters[label] for here, label in sorted(candidates, reverse=True) if label != main]


def _order(label: str, labels: Sequence[str]) -> tuple[int, str]:
    return (list(labels).index(label) if label in labels else len(labels), label)
