"""What every file of a batch is diarized with: one small, picklable value sent to the workers."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from ..counting import DEFAULT_COUNTING
from ..decoding import DEFAULT_DECODING
from ..errors import DiarizeError
from ..pipeline import DEFAULT_SEGMENTATION, Diarizer, VadOptions, check_options

#: output formats of a batch run (a transcript format needs a transcript per recording)
BATCH_FORMATS = ("rttm", "srt", "vtt", "json", "textgrid", "eaf", "audacity", "html", "csv", "tsv")
#: the file extension of each (Audacity's label tracks are plain text)
OUTPUT_EXTENSIONS = {"rttm": ".rttm", "srt": ".srt", "vtt": ".vtt", "json": ".json", "textgrid": ".TextGrid",
                     "eaf": ".eaf", "audacity": ".txt", "html": ".html", "csv": ".csv", "tsv": ".tsv"}


@dataclass(frozen=True)
class DiarizationSettings:
    """The options of ``diarize`` that a batch applies to every recording.

    ``embedder``, ``segmentation``, ``threshold``, ``overlap_threshold``, ``model_dir``: as in
    :class:`~diarize_plugin.pipeline.Diarizer`; ``vad_aggressiveness``: webrtcvad mode 0-3
    (``None``: the default); ``num_speakers``/``min_speakers``/``max_speakers``: as in
    :meth:`Diarizer.run`; ``output_format``: one of :data:`BATCH_FORMATS`; ``exclusive``: at
    most one speaker at any time (:func:`diarize_plugin.formats.exclusive`); ``threads``: ONNX
    Runtime threads per worker (``None``: the cores shared out among the parallel workers);
    ``counting``, ``decoding``: as in :class:`~diarize_plugin.pipeline.Diarizer`.
    """

    embedder: str = "campplus"
    segmentation: str = DEFAULT_SEGMENTATION
    threshold: float | None = None
    overlap_threshold: float | None = None
    vad_aggressiveness: int | None = None
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    output_format: str = "rttm"
    exclusive: bool = False
    model_dir: str | None = None
    threads: int | None = None
    counting: str = DEFAULT_COUNTING
    decoding: str = DEFAULT_DECODING

    def check(self) -> None:
        """Raise :class:`DiarizeError` for values a worker would refuse; loads no model."""
        from ..cluster import SpeakerBounds

        if self.output_format not in BATCH_FORMATS:
            raise DiarizeError(
                f"a batch writes {', '.join(BATCH_FORMATS)}, not {self.output_format!r} (--format)"
            )
        if self.threads is not None and self.threads < 1:
            raise DiarizeError(f"threads must be at least 1, not {self.threads} (--threads)")
        if self.vad_aggressiveness is not None and self.vad_aggressiveness not in (0, 1, 2, 3):
            raise DiarizeError(f"vad_aggressiveness is 0-3, not {self.vad_aggressiveness} (--vad-aggressiveness)")
        vad = VadOptions() if self.vad_aggressiveness is None else VadOptions(aggressiveness=self.vad_aggressiveness)
        check_options(
            self.segmentation, self.threshold, self.overlap_threshold, vad=vad, threads=self.threads, counting=self.counting,
            decoding=self.decoding,
        )
        SpeakerBounds.from_options(self.num_speakers, self.min_speakers, self.max_speakers)

    @property
    def output_extension(self) -> str:
        """The extension of the outputs, with its dot (``".rttm"``)."""
        return OUTPUT_EXTENSIONS[self.output_format]

    def output_options(self) -> dict[str, Any]:
        """The settings an output depends on (not where models live, not thread counts; the
        counting method only when it is not ``"ahc"`` and the decoding only when it is not
        ``"rules"``, so outputs made before those options existed count as made with them: the
        rules were the default decoding until the probability decoding replaced them)."""
        options = {key: value for key, value in asdict(self).items() if key not in ("model_dir", "threads")}
        for key, before_the_option in (("counting", "ahc"), ("decoding", "rules")):
            if options[key] == before_the_option:
                del options[key]
        return options

    def build_diarizer(self, threads: int) -> Diarizer:
        """Load the models into a :class:`Diarizer` with ``threads`` ONNX Runtime threads."""
        vad = VadOptions() if self.vad_aggressiveness is None else VadOptions(aggressiveness=self.vad_aggressiveness)
        return Diarizer(
            embedder=self.embedder,
            segmentation=self.segmentation,
            threshold=self.threshold,
            vad=vad,
            overlap_threshold=self.overlap_threshold,
            model_dir=self.model_dir,
            threads=threads,
            counting=self.counting,
            decoding=self.decoding,
        )

