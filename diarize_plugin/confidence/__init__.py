"""How sure the plugin is of each speaker label, per turn and per word (issue 22 item 2).

Collect what a run saw (:func:`~diarize_plugin.diarization.evidence.collecting`), then score::

    with collecting() as evidence:
        annotation = diarizer.run("meeting.wav")
    confidences = turn_confidences(annotation, evidence)   # one per turn, itertracks order
    labelled = transcript_confidences(merge(annotation, transcript), annotation, confidences)

Confidences are calibrated probabilities (0-1) that the label is right; below
:data:`~diarize_plugin.transcript.doubt.DOUBTFUL_BELOW` a label is doubtful.
"""

from __future__ import annotations

from .scores import transcript_confidences, turn_confidences

__all__ = ["transcript_confidences", "turn_confidences"]
