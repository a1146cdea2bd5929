"""Live diarization: speakers while the recording is still going (``diarize live``).

- :mod:`.streaming` (:class:`StreamingDiarizer`): ``feed(samples)`` / ``finish()``, events as
  turns settle;
- :mod:`.stream_buffer`: the last seconds of audio; :mod:`.frame_scores`: the network's
  per-frame probabilities over the chunks heard so far; :mod:`.chunk_speakers`: the network's
  local speakers of a chunk matched to the stream's speakers; :mod:`.speaker_summaries`:
  bounded per-speaker summaries and their merges; :mod:`.turn_settling`: final and
  provisional turns;
- :mod:`.events`: what is reported (turns, merges, names), as JSON lines;
  :mod:`.live_annotation`: the whole result, for the output files written on exit;
- :mod:`.pcm_input`: raw 16-bit PCM or WAV streams, from a pipe or a growing file.
"""

from __future__ import annotations

from .events import LiveEvent, LiveTurn, SpeakerMerge, SpeakerNamed
from .live_annotation import LiveAnnotation
from .options import DEFAULT_LATENCY_S, LATENCY_RANGE_S, LiveOptions, LocalSpeakerMatching, WindowLinkage, check_live_options
from .streaming import StreamingDiarizer

__all__ = [
    "DEFAULT_LATENCY_S", "LATENCY_RANGE_S", "LiveAnnotation", "LiveOptions", "LocalSpeakerMatching", "WindowLinkage", "LiveEvent", "LiveTurn", "SpeakerMerge", "SpeakerNamed",
    "StreamingDiarizer", "check_live_options",
]
