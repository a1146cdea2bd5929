"""The settings of the segmentation stage: how the network runs, how its output becomes speech
and overlapped speech (the decodings, by name, and the calibrated thresholds of the default
one), and webrtcvad's defaults.

Constants and one small dataclass only, so that the command line and
:class:`~diarize_plugin.diarization.options.DiarizerOptions` offer and check the choices
without loading the models' libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import DiarizeError

#: seconds between the network's 10 s chunks in diarization: each moment is heard by 3-4 chunks;
#: a 2 s step (5 chunks) costs 1.5 times as much segmentation for no better DER with the 1 s
#: embedding-window hop: DER pooled over every benchmarks/der.py set 9.76 % (3 s) vs 9.85 %
#: (2 s) with the int8 models (docs/benchmarks.md, "Speed settings")
SEGMENTATION_STEP_S = 3.0

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
#: where the speech comes from: the overlap-aware segmentation network, or webrtcvad
SEGMENTATION_MODES = ("webrtcvad", "neural")
DEFAULT_SEGMENTATION = "neural"


@dataclass(frozen=True)
class VadOptions:
    """webrtcvad settings (:func:`~diarize_plugin.segmentation.vad.detect_speech`,
    ``--segmentation webrtcvad``); the defaults were tuned on ``../shared/data/ami``
    (``benchmarks/vad.py``)."""

    #: webrtcvad's mode, 0 (keeps most) to 3 (drops most non-speech)
    aggressiveness: int = 3
    #: seconds added on both sides of every region
    speech_pad_s: float = 0.2
    #: shorter speech bursts (after filling gaps) are dropped, seconds
    min_speech_s: float = 0.15
    #: shorter gaps between speech frames are filled, seconds
    min_silence_s: float = 0.15


@dataclass(frozen=True)
class SegmentationOptions:
    """Where the speech is, and where two people speak at once.

    ``mode``: one of :data:`SEGMENTATION_MODES`; the rest but ``vad`` is for ``"neural"``:
    ``decoding``: ``"probability"`` (the network's probabilities of speech and of overlap
    against ``speech_threshold`` and ``overlap_threshold``; a speech-like background is removed
    when ``reject_background``) or ``"pyannote"`` (pyannote's own decoding, no thresholds);
    ``step_s``: seconds between the network's 10 s chunks (smaller is slower);
    ``model``: the network's ONNX file (``None``: the bundled int8 one);
    ``vad``: the webrtcvad settings (``"webrtcvad"`` mode only).
    """

    mode: str = DEFAULT_SEGMENTATION
    decoding: str = DEFAULT_DECODING
    speech_threshold: float = SPEECH_PROBABILITY
    overlap_threshold: float = OVERLAP_PROBABILITY
    reject_background: bool = True
    step_s: float = SEGMENTATION_STEP_S
    model: str | None = None
    vad: VadOptions = VadOptions()

    def check(self) -> None:
        """Raise :class:`DiarizeError` for a value the pipeline would refuse."""
        if self.mode not in SEGMENTATION_MODES:
            raise DiarizeError(f"unknown segmentation {self.mode!r}; use one of {', '.join(SEGMENTATION_MODES)}")
        if self.decoding not in DECODINGS:
            raise DiarizeError(f"unknown neural decoding {self.decoding!r}; use one of {', '.join(DECODINGS)} (--decoding)")
        if self.decoding != DEFAULT_DECODING and self.mode != "neural":
            raise DiarizeError(f"decoding {self.decoding!r} needs neural segmentation (--decoding with --segmentation neural)")
        if self.decoding == "pyannote" and self.overlap_threshold != OVERLAP_PROBABILITY:
            raise DiarizeError("pyannote decoding has no overlap threshold; give --decoding pyannote or --overlap-threshold")
        if self.overlap_threshold != OVERLAP_PROBABILITY:
            if self.mode != "neural":
                raise DiarizeError(
                    "overlap_threshold needs neural segmentation: webrtcvad finds no overlap "
                    "(--overlap-threshold with --segmentation neural)"
                )
        for name, value in (("overlap_threshold", self.overlap_threshold), ("speech_threshold", self.speech_threshold)):
            if not 0.0 < value < 1.0:
                what = "two speakers at once" if name == "overlap_threshold" else "speech"
                raise DiarizeError(
                    f"{name} is a probability of {what}: between 0 and 1, not {value} (--{name.replace('_', '-')})"
                )
        if self.mode != "webrtcvad" and self.vad != VadOptions():
            raise DiarizeError(
                f"vad options tune webrtcvad, which {self.mode} segmentation does not use "
                "(--vad-aggressiveness with --segmentation webrtcvad)"
            )
        if self.vad.aggressiveness not in (0, 1, 2, 3):
            raise DiarizeError(f"VAD aggressiveness must be 0, 1, 2 or 3, not {self.vad.aggressiveness} (--vad-aggressiveness)")
        if not 0.0 < self.step_s <= 10.0:
            raise DiarizeError(f"segmentation step {self.step_s} s must be in (0, 10] seconds")
        if self.model is not None and not Path(self.model).is_file():
            raise DiarizeError(f"segmentation model {self.model} does not exist; check the path")
