"""The decoding rules: the network's output, averaged over chunks, as speech and overlapped speech.

``"probability"`` (the default): speech where the probability of anyone speaking reaches
``speech_threshold``, less a speech-like background (a crowd, :mod:`.background`) when
``reject_background``; overlap where the probability of two at once reaches
``overlap_threshold``. ``"pyannote"``: pyannote's own decoding, speech where the rounded
argmax count is at least 1, overlap where it is 2 (no thresholds). See :mod:`.settings`.
"""

from __future__ import annotations

import numpy as np
from pyannote.core import Timeline

from ..audio.source import AudioSource
from .background import without_background
from .frames import count_to_timeline
from .settings import SegmentationOptions


def speech_and_overlap(
    network_output: np.ndarray, audio: AudioSource, options: SegmentationOptions, frame_step_s: float
) -> tuple[Timeline, Timeline]:
    """Speech and overlapped speech (inside the speech) of ``audio``, in seconds.

    ``network_output``: per frame of ``frame_step_s`` seconds, the rounded argmax speaker count
    (``"pyannote"`` decoding, ``(frames,)``) or the probabilities of speech and of overlap
    (``"probability"``, ``(frames, 2)``).
    """
    if options.decoding == "pyannote":
        speech_flags, overlap_flags = network_output >= 1, network_output >= 2
    else:
        speech_flags = network_output[:, 0] >= options.speech_threshold
        if options.reject_background:
            speech_flags = without_background(audio, speech_flags, network_output[:, 0], frame_step_s)
        overlap_flags = network_output[:, 1] >= options.overlap_threshold
    speech = count_to_timeline(speech_flags, frame_step_s, audio.duration_s)
    overlap = count_to_timeline(overlap_flags & speech_flags, frame_step_s, audio.duration_s)
    return speech, overlap
