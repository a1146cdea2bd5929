"""When a speaker label counts as doubtful: a calibrated confidence below :data:`DOUBTFUL_BELOW`.

The confidences are calibrated probabilities that the label is right (see
:mod:`diarize_plugin.confidence.calibration`), so below one half the label is more likely wrong
than right.
"""

from __future__ import annotations

#: a label whose confidence (0-1) is below this is marked doubtful (SRT/WebVTT ``(?)``, the
#: HTML report's hatched stretches)
DOUBTFUL_BELOW = 0.5
#: what follows the speaker of a doubtful turn or cue in SRT and WebVTT (``--mark-doubtful``)
DOUBTFUL_MARK = " (?)"


def is_doubtful(confidence: float | None) -> bool:
    """True when ``confidence`` (0-1) is known and below :data:`DOUBTFUL_BELOW`."""
    return confidence is not None and confidence < DOUBTFUL_BELOW
