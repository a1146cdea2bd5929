"""How sure the plugin is of each speaker label, per turn and per word (issue 22 item 2).

Collect what a run saw (:func:`~diarize_plugin.confidence.evidence.collecting`), then score::

    with collecting() as evidence:
        annotation = diarizer.run("meeting.wav")
    confidences = turn_confidences(annotation, evidence)   # one per turn, itertracks order
    labelled = transcript_confidences(merge(annotation, transcript), annotation, confidences)

Confidences are calibrated probabilities (0-1) that the label is right; below
:data:`DOUBTFUL_BELOW` a label is doubtful.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .doubt import DOUBTFUL_BELOW, is_doubtful
from .evidence import RunEvidence, collecting

if TYPE_CHECKING:
    from .scores import transcript_confidences, turn_confidences


def __getattr__(name: str) -> Any:
    # the scorers import the transcript and calibration modules: only when asked for, since the
    # pipeline's stages import this package for the evidence hooks
    if name in ("turn_confidences", "transcript_confidences"):
        from . import scores

        return getattr(scores, name)
    raise AttributeError(name)


__all__ = ["DOUBTFUL_BELOW", "RunEvidence", "collecting", "is_doubtful", "transcript_confidences", "turn_confidences"]
