"""How the segmentation network's output becomes speech and overlapped speech: the decodings,
by name, and the calibrated thresholds of the default one (used by :mod:`diarize_plugin.neural`).

A module of constants only, so that the command line can offer the choices without loading
the models' libraries.
"""

from __future__ import annotations

#: how the network's output becomes speech and overlap ("windows" identity): "probability"
#: (the default: the probability of speech and of overlapped speech, averaged over chunks, each
#: against its calibrated threshold) or "pyannote" (pyannote's own: the argmax powerset class
#: of every chunk, averaged over chunks and rounded)
DECODINGS = ("probability", "pyannote")
DEFAULT_DECODING = "probability"
#: probability of speech (anyone talking, averaged over chunks) from which a frame is speech:
#: the lowest tenth at which reference speech is more likely than not, frame by frame, on both
#: the AMI excerpts (0.2-0.3: 38 % speech, 0.3-0.4: 80 %) and the real calls and broadcast of
#: ../shared/data/real (32 %, 68 %); pyannote's sample puts it at 0.5, read speech higher
SPEECH_PROBABILITY = 0.3
#: probability of two speakers at once (averaged over chunks) from which a frame is overlapped
#: speech: the network's own "more likely than not". On AMI, reference overlap is already more
#: likely than not from 0.1-0.2, on pyannote's sample from 0.3-0.4, and the real calls mark
#: none; lower thresholds trade false overlap on calls for found overlap in meetings
#: (leave-one-recording-out over AMI, real and the sample: 0.4, 0.5 and 0.6 within 0.1 point)
OVERLAP_PROBABILITY = 0.5
