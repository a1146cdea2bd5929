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
  ``sample.rttm``, put there by ``python examples/fetch_sample.py``): collar 0, whole file.

Modes (``--modes``): ``neural`` (the default pipeline), ``pyannote`` (the same with
pyannote's own decoding of the segmentation network: powerset argmax, no extra thresholds),
``webrtcvad``. For each it prints DER and its components (false alarm, missed speech,
confusion, as % of reference speech), the share of recordings whose speaker count is exact
and within one, and the real-time factor (processing time / audio duration, decoding included,
with the default number of threads). ``--details`` adds one line per recording.

    python benchmarks/der.py [--modes neural,pyannote] [--conditions ami,telephone] [--splits test]
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import soundfile  # noqa: E402
from pyannote.core import Annotation, Segment, Timeline  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks import devset  # noqa: E402
from benchmarks.ami import ami_available, ami_files, ami_references, ami_uems  # noqa: E402
from benchmarks.conversations import LIBRISPEECH, benchmark_set, build_conversation  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.formats.rttm import read_rttm  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
MODES = {
    "neural": {"segmentation": "neural"},
    "pyannote": {"segmentation": "neural", "decoding": "pyannote"},
    "webrtcvad": {"segmentation": "webrtcvad"},
    "spectral": {"segmentation": "neural", "counting": "spectral"},
    "vbx": {"segmentation": "neural", "counting": "vbx"},
    "reassign": {"segmentation": "neural", "reassign": True},
    "vbx-reassign": {"segmentation": "neural", "counting": "vbx", "reassign": True},
}
DEFAULT_CONDITIONS = ("ami", "telephone", "telephone-16k", "reverb", "noise", "meeting", "broadcast", "sample")


@dataclass
class Score:
    """Accumulated error, counts and time over the recordings of one condition."""

    metric: DiarizationErrorRate
    recordings: int = 0
    exact: int = 0
    within_one: int = 0
    elapsed_s: float = 0.0
    audio_s: float = 0.0
    details: list[str] = field(default_factory=list)

    def add(self, name: str, reference: Annotation, hypothesis: Annotation, uem: Timeline, elapsed_s: float) -> None:
        error = self.metric(reference, hypothesis, uem=uem)
        found, true = len(hypothesis.labels()), len(reference.labels())
        self.recordings += 1
        self.exact += found == true
        self.within_one += abs(found - true) <= 1
        self.elapsed_s += elapsed_s
        self.audio_s += uem.duration()
        self.details.append(f"{name} DER: {100 * error:.1f} % speakers: {found} of {true}")


def score(diarizer: Diarizer, items, collar: float) -> Score:
    """``items``: (name, audio path or waveform, reference, uem) tuples."""
    result = Score(DiarizationErrorRate(collar=collar, skip_overlap=False))
    for name, audio, reference, uem in items:
        started = time.perf_counter()
        hypothesis = diarizer.run(audio, uri=name)
        result.add(name, reference, hypothesis, uem, time.perf_counter() - started)
    return result


def ami_items():
    references, uems = ami_references(), ami_uems()
    return [(path.stem, path, references[path.stem], uems[path.stem]) for path in ami_files()]


def devset_items(condition: str, split: str):
    return [
        (recording.name, recording.path, recording.reference, _whole(recording.path))
        for recording in devset.recordings(condition, split)
    ]


def synthetic_items(count: int):
    for seed, speakers, duration_s in benchmark_set(count):
        conversation, _ = build_conversation(seed, speakers, duration_s)
        yield conversation.name, conversation.waveform, conversation.reference, Timeline([Segment(0.0, conversation.duration_s)])


def sample_items():
    reference = read_rttm(EXAMPLES / "sample.rttm")["sample"]
    return [("sample", EXAMPLES / "sample.wav", reference, Timeline([Segment(0.0, 30.0)]))]


def _whole(path: Path) -> Timeline:
    """The whole recording at ``path`` as a UEM."""
    return Timeline([Segment(0.0, soundfile.info(str(path)).duration)])


def report(prefix: str, result: Score, details: bool = False, counts: bool = True) -> None:
    components = result.metric.accumulated_
    total = components["total"]
    print(f"{prefix} DER: {100 * abs(result.metric):.1f} %")
    print(f"{prefix} false alarm: {100 * components['false alarm'] / total:.1f} %")
    print(f"{prefix} missed speech: {100 * components['missed detection'] / total:.1f} %")
    print(f"{prefix} speaker confusion: {100 * components['confusion'] / total:.1f} %")
    if counts:
        print(f"{prefix} exact speaker count: {100 * result.exact / result.recordings:.0f} % of {result.recordings}")
        print(f"{prefix} speaker count within one: {100 * result.within_one / result.recordings:.0f} % of {result.recordings}")
    print(f"{prefix} real-time factor: {result.elapsed_s / result.audio_s:.3f}")
    if details:
        for line in result.details:
            print(f"{prefix} {line}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="neural,pyannote", help=f"comma-separated, of {', '.join(MODES)}")
    parser.add_argument("--conditions", default=",".join(DEFAULT_CONDITIONS), help="comma-separated conditions")
    parser.add_argument("--splits", default="tune,test", help="development-set splits to score")
    parser.add_argument("--conversations", type=int, default=10, help="number of synthetic conversations")
    parser.add_argument("--overlap-threshold", type=float, help="neural mode's overlap threshold (default: the pipeline's)")
    parser.add_argument("--details", action="store_true", help="also one line per recording")
    arguments = parser.parse_args()
    conditions = arguments.conditions.split(",")
    unknown = set(conditions) - {"ami", "synthetic", "sample", *devset.CONDITIONS}
    if unknown:
        parser.error(f"unknown conditions: {', '.join(sorted(unknown))}")
    for mode in arguments.modes.split(","):
        options = dict(MODES[mode])
        if mode != "webrtcvad" and arguments.overlap_threshold is not None:
            options["overlap_threshold"] = arguments.overlap_threshold
            mode = f"{mode} o{arguments.overlap_threshold:g}"
        diarizer = Diarizer(**options)
        for condition in conditions:
            score_condition(diarizer, mode, condition, arguments)


def score_condition(diarizer: Diarizer, mode: str, condition: str, arguments: argparse.Namespace) -> None:
    if condition == "ami":
        if not ami_available():
            print("AMI skipped: ../shared/data/ami is absent")
            return
        report(f"[{mode}] AMI", score(diarizer, ami_items(), collar=0.0), arguments.details, counts=False)
    elif condition == "synthetic":
        if not LIBRISPEECH.is_dir():
            print("synthetic conversations skipped: ../shared/data/librispeech is absent")
            return
        report(f"[{mode}] synthetic", score(diarizer, synthetic_items(arguments.conversations), 0.25), arguments.details)
    elif condition == "sample":
        if not (EXAMPLES / "sample.wav").is_file() or not (EXAMPLES / "sample.rttm").is_file():
            print("pyannote sample skipped: run python examples/fetch_sample.py first")
            return
        report(f"[{mode}] pyannote sample", score(diarizer, sample_items(), collar=0.0), counts=False)
    else:
        if not devset.available():
            print(f"{condition} skipped: ../shared/data/librispeech is absent")
            return
        for split in arguments.splits.split(","):
            report(f"[{mode}] {condition} {split}", score(diarizer, devset_items(condition, split), 0.25), arguments.details)


if __name__ == "__main__":
    main()
