"""What every file of a batch is diarized with: one small, picklable value sent to the workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from ..clustering.bounds import SpeakerBounds
from ..diarization.options import MIN_TURN_S, DiarizerOptions
from ..errors import DiarizeError
from ..embed.windows import WINDOW_S
from ..segmentation.settings import OVERLAP_PROBABILITY, SEGMENTATION_STEP_S, SPEECH_PROBABILITY, VadOptions

if TYPE_CHECKING:  # the models' libraries load in the workers, not where settings are made
    from ..diarization.pipeline import Diarizer

#: output formats of a batch run (a transcript format needs a transcript per recording)
BATCH_FORMATS = ("rttm", "srt", "vtt", "json", "textgrid", "eaf", "audacity", "html", "csv", "tsv")
#: the file extension of each (Audacity's label tracks are plain text)
OUTPUT_EXTENSIONS = {"rttm": ".rttm", "srt": ".srt", "vtt": ".vtt", "json": ".json", "textgrid": ".TextGrid",
                     "eaf": ".eaf", "audacity": ".txt", "html": ".html", "csv": ".csv", "tsv": ".tsv"}
#: settings outputs were made with before they were options, so earlier records name none of
#: them: an output records one only when it differs from these
_UNRECORDED_DEFAULTS = {
    "speech_threshold": SPEECH_PROBABILITY,
    "reject_background": True,
    "segmentation_step_s": SEGMENTATION_STEP_S,
    "segmentation_model": None,
    "window_s": WINDOW_S,
    "hop_s": None,
    "min_turn_s": MIN_TURN_S,
    "neural_identity": "windows",
    "merge_speakers": True,
    "reassign": False,
    "channels": "auto",
    "channel_names": None,
}


@dataclass(frozen=True)
class DiarizationSettings:
    """The options of ``diarize`` that a batch applies to every recording.

    ``options``: the diarizer's (:class:`~diarize_plugin.diarization.options.DiarizerOptions`;
    its ``threads``: ONNX Runtime threads per worker, ``None``: the cores shared out among the
    parallel workers); ``num_speakers``/``min_speakers``/``max_speakers``: as in
    :meth:`Diarizer.run`; ``output_format``: one of :data:`BATCH_FORMATS`; ``exclusive``: at
    most one speaker at any time (:func:`diarize_plugin.formats.exclusive`).
    """

    options: DiarizerOptions = field(default_factory=DiarizerOptions)
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    output_format: str = "rttm"
    exclusive: bool = False

    @classmethod
    def from_keywords(cls, **keywords: Any) -> "DiarizationSettings":
        """Settings from flat keywords: this class's own and :class:`Diarizer`'s
        (:meth:`DiarizerOptions.from_keywords`)."""
        own = {name: keywords.pop(name) for name in ("num_speakers", "min_speakers", "max_speakers", "output_format",
                                                     "exclusive") if name in keywords}
        return cls(DiarizerOptions.from_keywords(**keywords), **own)

    @property
    def threads(self) -> int | None:
        return self.options.threads

    def check(self) -> None:
        """Raise :class:`DiarizeError` for values a worker would refuse; loads no model."""
        if self.output_format not in BATCH_FORMATS:
            raise DiarizeError(
                f"a batch writes {', '.join(BATCH_FORMATS)}, not {self.output_format!r} (--format)"
            )
        SpeakerBounds.from_options(self.num_speakers, self.min_speakers, self.max_speakers)

    @property
    def output_extension(self) -> str:
        """The extension of the outputs, with its dot (``".rttm"``)."""
        return OUTPUT_EXTENSIONS[self.output_format]

    def output_options(self) -> dict[str, Any]:
        """The settings an output depends on (not where models live, not thread counts; the
        counting method only when it is not ``"ahc"``, and the settings that became options
        later only when they differ from what outputs were made with before, so that earlier
        outputs count as made with them)."""
        options, segmentation = self.options, self.options.segmentation
        recorded: dict[str, Any] = {
            "embedder": options.embedding.embedder,
            "segmentation": segmentation.mode,
            "threshold": options.clustering.threshold,
            "overlap_threshold": None if segmentation.overlap_threshold == OVERLAP_PROBABILITY
            else segmentation.overlap_threshold,
            "vad_aggressiveness": None if segmentation.vad == VadOptions() else segmentation.vad.aggressiveness,
            **{key: value for key, value in asdict(self).items() if key != "options"},
            "counting": options.clustering.counting,
            "decoding": segmentation.decoding,
        }
        if recorded["counting"] == "ahc":
            del recorded["counting"]
        later = {
            "speech_threshold": segmentation.speech_threshold, "reject_background": segmentation.reject_background,
            "segmentation_step_s": segmentation.step_s, "segmentation_model": segmentation.model,
            "window_s": options.embedding.window_s, "hop_s": options.embedding.hop_s, "min_turn_s": options.min_turn_s,
            "neural_identity": options.identity, "merge_speakers": options.clustering.merge_speakers,
            "reassign": options.clustering.reassign,
            "channels": options.channels.mode, "channel_names": options.channels.names,
        }
        recorded.update({key: value for key, value in later.items() if value != _UNRECORDED_DEFAULTS[key]})
        return recorded

    def build_diarizer(self, threads: int) -> "Diarizer":
        """Load the models into a :class:`Diarizer` with ``threads`` ONNX Runtime threads."""
        from ..diarization.pipeline import Diarizer

        return Diarizer(options=self.options.with_threads(threads))
