"""The diarizer's options from ``diarize``'s command line: one function for one recording and
for a batch, so that both read every option the same way."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import DiarizeError

if TYPE_CHECKING:
    from ..diarization.options import DiarizerOptions


def diarizer_options(arguments: argparse.Namespace) -> "DiarizerOptions":
    """:class:`~diarize_plugin.diarization.options.DiarizerOptions` of the parsed arguments;
    raises :class:`DiarizeError` for a combination the pipeline refuses."""
    from ..diarization.options import DiarizerOptions
    from ..segmentation.settings import DEFAULT_SEGMENTATION, VadOptions

    segmentation = arguments.segmentation or DEFAULT_SEGMENTATION
    if arguments.vad_aggressiveness is not None and segmentation != "webrtcvad":
        raise DiarizeError(f"--vad-aggressiveness tunes webrtcvad; it needs --segmentation webrtcvad, not {segmentation}")
    vad = VadOptions() if arguments.vad_aggressiveness is None else VadOptions(aggressiveness=arguments.vad_aggressiveness)
    channel_names = None
    if getattr(arguments, "channel_names", None) is not None:
        from ..channels.naming import parse_channel_names

        channel_names = parse_channel_names(arguments.channel_names)
    return DiarizerOptions.from_keywords(
        channels=arguments.channels,
        channel_names=channel_names,
        embedder=arguments.embedder,
        segmentation=segmentation,
        threshold=arguments.threshold,
        vad=vad,
        overlap_threshold=arguments.overlap_threshold,
        decoding=arguments.decoding,
        counting=arguments.counting,
        model_dir=arguments.model_dir,
        threads=arguments.threads,
    )
