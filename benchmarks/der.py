"""Diarization error rate, speaker counts and speed of the pipeline, one figure per line.

Conditions (``--conditions``, comma-separated; default: all but ``telephone-stereo`` and
``synthetic``):

- ``ami``: the AMI excerpts (``../shared/data/ami``): collar 0, overlapping speech scored,
  inside the UEM;
- the multi-condition development set (:mod:`benchmarks.devset`: ``telephone``,
  ``telephone-16k``, ``telephone-stereo``, ``reverb``, ``noise``, ``meeting``, ``broadcast``),
  each in a tuning and a test split with different speakers (``--splits``): collar 0.25 s,
  overlap scored, whole recording;
- ``synthetic``: the ten seeded 3–10 min LibriSpeech conversations of
  :mod:`benchmarks.conversations` (all 100 speakers, so neither split): collar 0.25 s;
- ``sample``: pyannote.audio's sample conversation (``examples/sample.wav`` with its
  ``sample.rttm``, put there by ``python examples/fetch_sample.py``): collar 0, whole file;
- ``long``: the 1 h recording of ``benchmarks/speed.py`` (10 LibriSpeech voices in 10-minute
  conversations, an 11th quiet one in the middle), built once into ``benchmarks/.cache/``:
  collar 0.25 s, whole file (not in the default conditions: an hour of audio);
- ``real``: the real calls and broadcast-like excerpts of ``../shared/data/real``
  (:mod:`benchmarks.real`): collar 0.25 s, whole file, every recording reported.

Modes (``--modes``): ``neural`` (the default pipeline), ``pyannote`` (the same with
pyannote's own decoding of the segmentation network: powerset argmax, no extra thresholds),
``webrtcvad``. For each it prints DER and its components (false alarm, missed speech,
confusion, as % of reference speech), the share of recordings whose speaker count is exact
and within one, the overlapped speech of the output against the reference's (seconds, their
ratio, and false overlap: output overlap where the reference has none, also per minute of
reference speech), and the real-time factor (processing time / audio duration, decoding
included, with the default number of threads). ``--details`` adds one line per recording
(always on for ``real``).

    python benchmarks/der.py [--modes neural,pyannote] [--conditions ami,telephone] [--splits test]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from pyannote.core import Annotation, Segment, Timeline  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks import devset  # noqa: E402
from benchmarks.ami import ami_available, ami_files, ami_references, ami_uems  # noqa: E402
from benchmarks.conversations import LIBRISPEECH, benchmark_set, build_conversation  # noqa: E402
from benchmarks.real import REAL_COLLAR_S, real_available, real_files, real_reference  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.formats.rttm import annotation_to_rttm, read_rttm  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODES = {
    "neural": {"segmentation": "neural"},
    "pyannote": {"segmentation": "neural", "decoding": "pyannote"},
    "webrtcvad": {"segmentation": "webrtcvad"},
    "ahc": {"segmentation": "neural", "counting": "ahc"},
    "spectral": {"segmentation": "neural", "counting": "spectral"},
    "vbx": {"segmentation": "neural", "counting": "vbx"},
    "reassign": {"segmentation": "neural", "counting": "ahc", "reassign": True},
    "vbx-reassign": {"segmentation": "neural", "counting": "vbx", "reassign": True},
}
DEFAULT_CONDITIONS = ("ami", "real", "telephone", "telephone-16k", "reverb", "noise", "meeting", "broadcast", "sample")


@dataclass
class Score:
    """Accumulated error, counts and time over the recordings of one condition."""

    metric: DiarizationErrorRate
    recordings: int = 0
    exact: int = 0
    within_one: int = 0
    elapsed_s: float = 0.0
    audio_s: float = 0.0
    overlap: "OverlapSeconds" = field(default_factory=lambda: OverlapSeconds())
    details: list[str] = field(default_factory=list)

    def add(self, name: str, reference: Annotation, hypothesis: Annotation, uem: Timeline, elapsed_s: float) -> None:
        before = dict(self.metric.accumulated_) if self.recordings else {}
        error = self.metric(reference, hypothesis, uem=uem)
        found, true = len(hypothesis.labels()), len(reference.labels())
        self.recordings += 1
        self.exact += found == true
        self.within_one += abs(found - true) <= 1
        self.elapsed_s += elapsed_s
        self.audio_s += uem.duration()
        overlap = OverlapSeconds.of(reference, hypothesis, uem)
        self.overlap += overlap
        parts = {key: self.metric.accumulated_[key] - before.get(key, 0.0) for key in self.metric.accumulated_}
        total = max(parts["total"], 1e-9)
        self.details.append(
            f"{name} DER: {100 * error:.1f} % (false alarm {100 * parts['false alarm'] / total:.1f}, "
            f"missed {100 * parts['missed detection'] / total:.1f}, confusion {100 * parts['confusion'] / total:.1f}) "
            f"speakers: {found} of {true} overlap: {overlap.describe()}"
        )

    def error_percentages(self) -> dict[str, float]:
        """DER, false alarm, missed speech and speaker confusion, each in % of the reference speech."""
        components = self.metric.accumulated_
        total = components["total"]
        return {
            "DER": 100 * abs(self.metric),
            "false alarm": 100 * components["false alarm"] / total,
            "missed speech": 100 * components["missed detection"] / total,
            "speaker confusion": 100 * components["confusion"] / total,
        }


@dataclass
class OverlapSeconds:
    """Overlapped speech (two or more speakers at once) inside the UEM, in seconds."""

    #: in the output
    output_s: float = 0.0
    #: in the reference
    reference_s: float = 0.0
    #: in the output where the reference has no overlap
    false_s: float = 0.0
    #: reference speech (seconds), for the per-minute rate
    speech_s: float = 0.0

    @classmethod
    def of(cls, reference: Annotation, hypothesis: Annotation, uem: Timeline) -> "OverlapSeconds":
        reference_overlap = reference.get_overlap().crop(uem)
        output_overlap = hypothesis.get_overlap().crop(uem)
        false = output_overlap.extrude(reference_overlap) if len(reference_overlap) else output_overlap
        return cls(
            output_s=output_overlap.duration(),
            reference_s=reference_overlap.duration(),
            false_s=false.duration(),
            speech_s=reference.get_timeline().support().crop(uem).duration(),
        )

    def __add__(self, other: "OverlapSeconds") -> "OverlapSeconds":
        return OverlapSeconds(
            self.output_s + other.output_s,
            self.reference_s + other.reference_s,
            self.false_s + other.false_s,
            self.speech_s + other.speech_s,
        )

    def ratio(self) -> str:
        return f"{self.output_s / self.reference_s:.2f}" if self.reference_s > 0 else "n/a (none in the reference)"

    def false_per_minute(self) -> float:
        return 60 * self.false_s / self.speech_s if self.speech_s > 0 else 0.0

    def describe(self) -> str:
        return f"{self.output_s:.1f} s vs {self.reference_s:.1f} s, false {self.false_s:.1f} s"


#: one recording to score: name, audio (a file, or a 16 kHz mono waveform), reference, UEM
Item = tuple[str, Path | np.ndarray, Annotation, Timeline]


class System(Protocol):
    """A diarization system under test: :class:`Diarizer`, or a peer wrapped to look like it."""

    def run(self, audio: Path | np.ndarray, uri: str) -> Annotation: ...


@dataclass(frozen=True)
class ScoredSet:
    """The recordings of one condition (and split), and how they are scored."""

    #: names the set in the printed lines, e.g. ``telephone test``
    label: str
    #: builds the items afresh for each system (the synthetic ones are generated on the fly)
    items: Callable[[], Iterable[Item]]
    collar_s: float
    #: whether the speaker-count rates are printed
    counts: bool = True
    #: whether every recording gets a line of its own whatever ``--details`` says
    details: bool = False


def score(system: System, items: Iterable[Item], collar: float) -> Score:
    """Run ``system`` on every item and accumulate its errors, counts and time."""
    result = Score(DiarizationErrorRate(collar=collar, skip_overlap=False))
    for name, audio, reference, uem in items:
        started = time.perf_counter()
        hypothesis = system.run(audio, uri=name)
        result.add(name, reference, hypothesis, uem, time.perf_counter() - started)
    return result


def ami_items() -> list[Item]:
    references, uems = ami_references(), ami_uems()
    return [(path.stem, path, references[path.stem], uems[path.stem]) for path in ami_files()]


def devset_items(condition: str, split: str) -> list[Item]:
    return [
        (recording.name, recording.path, recording.reference, whole_recording(recording.path))
        for recording in devset.recordings(condition, split)
    ]


def synthetic_items(count: int) -> Iterator[Item]:
    for seed, speakers, duration_s in benchmark_set(count):
        conversation, _ = build_conversation(seed, speakers, duration_s)
        yield conversation.name, conversation.waveform, conversation.reference, Timeline([Segment(0.0, conversation.duration_s)])


def real_items() -> list[Item]:
    return [(path.stem, path, real_reference(path), whole_recording(path)) for path in real_files()]


LONG_CACHE = Path(__file__).resolve().parent / ".cache" / "long-1h"


def long_items() -> list[Item]:
    """speed.py's 1 h recording, written into :data:`LONG_CACHE` with its reference when missing."""
    from benchmarks.speed import write_recording

    audio, rttm = LONG_CACHE / "long_1h.wav", LONG_CACHE / "long_1h.rttm"
    if not rttm.is_file():
        LONG_CACHE.mkdir(parents=True, exist_ok=True)
        _, reference = write_recording(audio, 3600.0)
        partial = rttm.with_suffix(".part")
        partial.write_text("".join(annotation_to_rttm(reference)), encoding="utf-8")
        partial.replace(rttm)
    reference = next(iter(read_rttm(rttm).values()))
    return [("long_1h", audio, reference, Timeline([Segment(0.0, 3600.0)]))]


def sample_items() -> list[Item]:
    reference = read_rttm(EXAMPLES / "sample.rttm")["sample"]
    return [("sample", EXAMPLES / "sample.wav", reference, Timeline([Segment(0.0, 30.0)]))]


def whole_recording(path: Path) -> Timeline:
    """The whole recording at ``path`` as a UEM."""
    return Timeline([Segment(0.0, soundfile.info(str(path)).duration)])


def report(prefix: str, result: Score, details: bool = False, counts: bool = True) -> None:
    for name, percent in result.error_percentages().items():
        print(f"{prefix} {name}: {percent:.1f} %")
    if counts:
        print(f"{prefix} exact speaker count: {100 * result.exact / result.recordings:.0f} % of {result.recordings}")
        print(f"{prefix} speaker count within one: {100 * result.within_one / result.recordings:.0f} % of {result.recordings}")
    overlap = result.overlap
    print(f"{prefix} overlap in output vs reference: {overlap.output_s:.1f} s vs {overlap.reference_s:.1f} s")
    print(f"{prefix} overlap ratio (output / reference): {overlap.ratio()}")
    print(f"{prefix} false overlap: {overlap.false_s:.1f} s ({overlap.false_per_minute():.2f} s per minute of speech)")
    print(f"{prefix} real-time factor: {result.elapsed_s / result.audio_s:.3f}")
    if details:
        for line in result.details:
            print(f"{prefix} {line}")


def add_set_arguments(parser: argparse.ArgumentParser) -> None:
    """The options that choose the recordings: ``--conditions``, ``--splits``, ``--conversations``, ``--details``."""
    parser.add_argument("--conditions", default=",".join(DEFAULT_CONDITIONS), help="comma-separated conditions")
    parser.add_argument("--splits", default="tune,test", help="development-set splits to score")
    parser.add_argument("--conversations", type=int, default=10, help="number of synthetic conversations")
    parser.add_argument("--details", action="store_true", help="also one line per recording")


def chosen_conditions(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> list[str]:
    """``--conditions`` as a list; an unknown one stops the script with a usage error."""
    conditions = arguments.conditions.split(",")
    unknown = set(conditions) - {"ami", "real", "long", "synthetic", "sample", *devset.CONDITIONS}
    if unknown:
        parser.error(f"unknown conditions: {', '.join(sorted(unknown))}")
    return conditions


def scored_sets(condition: str, arguments: argparse.Namespace) -> list[ScoredSet]:
    """The sets ``condition`` scores: one per split of the development set, else one.

    Prints one line and returns no set when the condition's data is absent.
    """
    if condition == "ami":
        if not ami_available():
            print("AMI skipped: ../shared/data/ami is absent")
            return []
        return [ScoredSet("AMI", ami_items, collar_s=0.0, counts=False)]
    if condition == "real":
        if not real_available():
            print("real recordings skipped: ../shared/data/real is absent")
            return []
        return [ScoredSet("real", real_items, collar_s=REAL_COLLAR_S, details=True)]
    if condition == "long":
        if not LIBRISPEECH.is_dir():
            print("long recording skipped: ../shared/data/librispeech is absent")
            return []
        return [ScoredSet("long 1 h", long_items, collar_s=0.25)]
    if condition == "synthetic":
        if not LIBRISPEECH.is_dir():
            print("synthetic conversations skipped: ../shared/data/librispeech is absent")
            return []
        return [ScoredSet("synthetic", lambda: synthetic_items(arguments.conversations), collar_s=0.25)]
    if condition == "sample":
        if not (EXAMPLES / "sample.wav").is_file() or not (EXAMPLES / "sample.rttm").is_file():
            print("pyannote sample skipped: run python examples/fetch_sample.py first")
            return []
        return [ScoredSet("pyannote sample", sample_items, collar_s=0.0, counts=False)]
    if not devset.available():
        print(f"{condition} skipped: ../shared/data/librispeech is absent")
        return []
    return [
        ScoredSet(f"{condition} {split}", lambda split=split: devset_items(condition, split), collar_s=0.25)
        for split in arguments.splits.split(",")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="neural,pyannote", help=f"comma-separated, of {', '.join(MODES)}")
    add_set_arguments(parser)
    parser.add_argument("--overlap-threshold", type=float, help="neural mode's overlap threshold (default: the pipeline's)")
    arguments = parser.parse_args()
    conditions = chosen_conditions(parser, arguments)
    for mode in arguments.modes.split(","):
        options = dict(MODES[mode])
        if mode != "webrtcvad" and arguments.overlap_threshold is not None:
            options["overlap_threshold"] = arguments.overlap_threshold
            mode = f"{mode} o{arguments.overlap_threshold:g}"
        diarizer = Diarizer(**options)
        for condition in conditions:
            for scored_set in scored_sets(condition, arguments):
                result = score(diarizer, scored_set.items(), scored_set.collar_s)
                report(f"[{mode}] {scored_set.label}", result, arguments.details or scored_set.details, scored_set.counts)


if __name__ == "__main__":
    main()
