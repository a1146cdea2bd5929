"""Is the turn confidence calibrated? A reliability table on held-out development recordings.

Each recording is diarized with the default settings (evidence collected, which changes no
turn), every turn gets its confidence, and the reference says how much of the turn's speech
carries the right label under the best one-to-one mapping of output to reference speakers
(pyannote.metrics' optimal mapping; no collar). Speech the reference has no speaker for (false
alarm) is left out: the table is about *labels*. Per confidence bin it prints the share of
labelled speech, the mean confidence, and the share wrongly labelled (calibrated: one minus
the mean confidence); then the expected calibration error, and the error left after
discarding the least confident 10 % of the speech.

Split (``tools/calibrate_confidence.py`` fits on the first part, this prints the second):

- calibration: AMI ``trn00``-``trn04`` and the multi-condition dev set's ``tune`` split,
  conditions ``meeting``, ``telephone``, ``reverb``, ``noise`` and ``broadcast`` (synthetic, from
  LibriSpeech's even-position speakers);
- held out: AMI ``trn05``-``trn09``, the four real recordings of ``../shared/data/real``, the
  pyannote sample (``examples/sample.wav``, after ``python examples/fetch_sample.py``).

``--part devset-test`` scores the synthetic dev set's ``test`` split (the other half of the
LibriSpeech speakers, the same five conditions): more turns, none heard in calibration.

    python benchmarks/confidence.py [--part held-out|calibration|devset-test] [-v]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Iterator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from pyannote.core import Annotation  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks.ami import AMI, ami_available, ami_references  # noqa: E402
from benchmarks.real import real_available, real_files, real_reference  # noqa: E402
from diarize_plugin.diarization.evidence import collecting  # noqa: E402
from diarize_plugin.confidence.features import turn_features  # noqa: E402
from diarize_plugin.formats import read_rttm  # noqa: E402
from diarize_plugin.diarization.pipeline import Diarizer  # noqa: E402

REPOSITORY = Path(__file__).resolve().parents[1]
SAMPLE = REPOSITORY / "examples" / "sample.wav"
CALIBRATION_AMI = tuple(f"trn0{index}" for index in range(5))
HELD_OUT_AMI = tuple(f"trn0{index}" for index in range(5, 10))
CALIBRATION_DEVSET = ("meeting", "telephone", "reverb", "noise", "broadcast")
#: the confidence bins of the reliability table
BIN_EDGES = np.linspace(0.0, 1.0, 11)
#: share of the labelled speech discarded, least confident first
DISCARD_SHARE = 0.10


@dataclass
class LabelledTurns:
    """Turns of some recordings: features (N×6), seconds the reference has speech in each
    (``labelled_s``) and seconds of it that carry the right label (``correct_s``), group names."""

    features: np.ndarray
    labelled_s: np.ndarray
    correct_s: np.ndarray
    groups: list[str]

    @staticmethod
    def concatenate(parts: list["LabelledTurns"]) -> "LabelledTurns":
        return LabelledTurns(
            np.concatenate([part.features for part in parts]) if parts else np.zeros((0, 6)),
            np.concatenate([part.labelled_s for part in parts]) if parts else np.zeros(0),
            np.concatenate([part.correct_s for part in parts]) if parts else np.zeros(0),
            [group for part in parts for group in part.groups],
        )


def recordings(part: str) -> Iterator[tuple[str, str, Path, Annotation]]:
    """(group, name, audio path, reference) of the ``"calibration"`` or ``"held-out"`` part, or
    of ``"devset-test"`` (the dev set's test split, its other half of the speakers)."""
    if part == "devset-test":
        yield from _devset("test", "devset-test")
        return
    if ami_available():
        references = ami_references()
        for name in CALIBRATION_AMI if part == "calibration" else HELD_OUT_AMI:
            yield "ami", name, AMI / f"{name}.wav", references[name]
    if part == "calibration":
        yield from _devset("tune", "devset")
        return
    if real_available():
        for path in real_files():
            yield "real", path.stem, path, real_reference(path)
    if SAMPLE.is_file() and SAMPLE.with_suffix(".rttm").is_file():
        yield "sample", "sample", SAMPLE, next(iter(read_rttm(SAMPLE.with_suffix(".rttm")).values()))


def _devset(split: str, group: str) -> Iterator[tuple[str, str, Path, Annotation]]:
    """The dev set's recordings of ``split`` in the calibration conditions (none without LibriSpeech)."""
    from benchmarks import devset

    if devset.available():
        for condition in CALIBRATION_DEVSET:
            for recording in devset.recordings(condition, split):
                yield f"{group}-{condition}", recording.name, recording.path, recording.reference


def labelled_turns(diarizer: Diarizer, group: str, path: Path, reference: Annotation) -> tuple[LabelledTurns, Annotation]:
    """Diarize ``path`` with evidence collected; each turn's features and how right it is."""
    with collecting() as evidence:
        hypothesis = diarizer.run(path, uri=path.stem)
    features = turn_features(hypothesis, evidence)
    mapping = DiarizationErrorRate().optimal_mapping(reference, hypothesis) if len(hypothesis) else {}
    speech = reference.get_timeline(copy=False).support()
    labelled, correct = [], []
    for segment, _, label in hypothesis.itertracks(yield_label=True):
        labelled.append(speech.crop(segment, mode="intersection").duration())
        truth = mapping.get(label)
        right = reference.label_timeline(truth, copy=False).support() if truth is not None else None
        correct.append(right.crop(segment, mode="intersection").duration() if right else 0.0)
    turns = LabelledTurns(features, np.array(labelled), np.array(correct), [group] * len(labelled))
    return turns, hypothesis


def collect(part: str, verbose: bool = False, segmentation: str | None = None) -> LabelledTurns:
    """The labelled turns of every recording of ``part`` (default settings, or ``segmentation``)."""
    warnings.filterwarnings("ignore", message="'uem' was approximated")
    diarizer = Diarizer() if segmentation is None else Diarizer(segmentation=segmentation)
    parts = []
    for group, name, path, reference in recordings(part):
        turns, _ = labelled_turns(diarizer, group, path, reference)
        parts.append(turns)
        if verbose:
            wrong = 1 - turns.correct_s.sum() / max(turns.labelled_s.sum(), 1e-9)
            print(f"{group} {name}: {len(turns.groups)} turns, wrongly labelled {100 * wrong:.1f} %", flush=True)
    return LabelledTurns.concatenate(parts)


def reliability_lines(confidence: np.ndarray, labelled_s: np.ndarray, correct_s: np.ndarray, prefix: str = "") -> list[str]:
    """The reliability table, the calibration error and the error after discarding 10 %."""
    total_s = labelled_s.sum()
    lines = [f"{prefix}bin        speech  mean confidence  wrongly labelled"]
    bins = np.clip(np.digitize(confidence, BIN_EDGES[1:-1]), 0, len(BIN_EDGES) - 2)
    calibration_error = 0.0
    for index in range(len(BIN_EDGES) - 1):
        inside = bins == index
        held_s = labelled_s[inside].sum()
        if held_s <= 0:
            continue
        mean = float(np.average(confidence[inside], weights=labelled_s[inside]))
        wrong = 1 - correct_s[inside].sum() / held_s
        calibration_error += held_s / total_s * abs((1 - wrong) - mean)
        lines.append(f"{prefix}{BIN_EDGES[index]:.1f}-{BIN_EDGES[index + 1]:.1f}  {100 * held_s / total_s:5.1f} %"
                     f"  {mean:15.3f}  {100 * wrong:14.1f} %")
    lines.append(f"{prefix}expected calibration error (speech-weighted): {100 * calibration_error:.1f} %")
    wrong_all = 1 - correct_s.sum() / total_s
    kept = kept_after_discarding(confidence, labelled_s, DISCARD_SHARE)
    wrong_kept = 1 - correct_s[kept].sum() / labelled_s[kept].sum()
    lines.append(f"{prefix}wrongly labelled speech: {100 * wrong_all:.1f} % of {total_s / 60:.1f} min; after discarding"
                 f" the least confident {100 * DISCARD_SHARE:.0f} %: {100 * wrong_kept:.1f} %"
                 f" ({100 * labelled_s[kept].sum() / total_s:.1f} % kept)")
    return lines


def kept_after_discarding(confidence: np.ndarray, labelled_s: np.ndarray, share: float) -> np.ndarray:
    """Turns kept once the least confident turns holding ``share`` of the speech are dropped
    (whole turns, ties in turn order, stopping at the first that reaches the share)."""
    order = np.argsort(confidence, kind="stable")
    dropped_s = np.cumsum(labelled_s[order])
    drop = order[: int(np.searchsorted(dropped_s, share * labelled_s.sum(), side="left"))]
    kept = np.ones(len(confidence), dtype=bool)
    kept[drop] = False
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=("held-out", "calibration", "devset-test"), default="held-out",
                        help="held-out (default: AMI trn05-09, real, sample), calibration, or devset-test (the"
                        " synthetic dev set's test split: speakers the calibration never heard)")
    parser.add_argument("--segmentation", choices=("neural", "webrtcvad"),
                        help="diarize with this segmentation (default: the default, neural); webrtcvad runs have no"
                        " network probabilities and are scored by the without_probabilities model")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per recording")
    arguments = parser.parse_args()
    from diarize_plugin.confidence.calibration import shipped_calibration

    turns = collect(arguments.part, arguments.verbose, arguments.segmentation)
    if not len(turns.groups):
        print("confidence benchmark skipped: no development recordings under ../shared/data")
        return
    confidence = shipped_calibration().confidences(turns.features)
    groups = np.array(turns.groups)
    print(f"recordings: {arguments.part} part; {len(groups)} turns; segmentation "
          f"{arguments.segmentation or 'default (neural)'}")
    for line in reliability_lines(confidence, turns.labelled_s, turns.correct_s):
        print(line)
    for group in dict.fromkeys(turns.groups):
        inside = groups == group
        for line in reliability_lines(confidence[inside], turns.labelled_s[inside], turns.correct_s[inside],
                                      prefix=f"[{group}] ")[-2:]:
            print(line)


if __name__ == "__main__":
    main()
