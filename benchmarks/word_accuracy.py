"""Word-level speaker accuracy of ``diarize AUDIO --transcript T.json --out O.json``.

Held-out synthetic conversations (seeds from 5000, none of them used to calibrate thresholds
in :mod:`benchmarks.der`; 2–5 speakers, 2–5 minutes, built from ``../shared/data/librispeech``)
are written to WAV with a Whisper-shaped transcript (:mod:`benchmarks.transcripts`: word
times ±50 ms, about one in five quick changes of speaker inside a segment). The real CLI
labels the transcript; a word is right when its speaker is its true speaker under the best
one-to-one mapping of output labels to true speakers (word counts, Hungarian method). A word
with no speaker is wrong. The output must give back every input word once, in order.

The ``whisperx`` variant (WhisperX shape, ~2 % of words untimed) is merged by
``diarize merge`` with the speaker turns the first run wrote (``--rttm``): the same
diarization, without running it twice.

The ``no word times`` variant strips the words from the Whisper transcript (as a recogniser
without word timestamps, or an SRT file, gives it): each word then counts as right when the
output segment holding it names its true speaker, so segments split at a change of speaker
score their parts separately.

Diagnostics, to tell where words are lost: the DER of the diarization (collar 0.25 s,
overlap scored), the accuracy of the merge alone (the reference turns merged in place of the
diarization), and the accuracy on words within 0.5 s of a change of speaker, on the rest, and
in segments that span one.

    python benchmarks/word_accuracy.py [--conversations 8] [--first-seed 5000] [--segmentation MODE] [-v]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # ONNX Runtime gets the cores, not BLAS

import argparse  # noqa: E402
import contextlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Sequence  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from pyannote.core import Annotation  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402

from benchmarks.conversations import LIBRISPEECH, SAMPLE_RATE, Conversation, Turn, build_conversation  # noqa: E402
from benchmarks.transcripts import BuiltTranscript, Variant, build_transcript  # noqa: E402
from diarize_plugin.cli import main as diarize_main  # noqa: E402
from diarize_plugin.formats import read_rttm  # noqa: E402
from diarize_plugin.transcript import merge, parse_transcript  # noqa: E402

#: a word this close (seconds) to a change of speaker in the script counts as "near" one
NEAR_CHANGE_S = 0.5


def held_out_set(count: int = 8, first_seed: int = 5000) -> list[tuple[int, int, float]]:
    """(seed, speakers, duration_s) of the held-out conversations: 2–5 speakers, 2–5 minutes."""
    rng = np.random.default_rng(first_seed)
    return [(first_seed + i, int(rng.integers(2, 6)), float(rng.uniform(120, 300))) for i in range(count)]


def correct_words(true_speakers: Sequence[str], output_speakers: Sequence[str | None]) -> np.ndarray:
    """Which words (a boolean array) carry their true speaker under the best one-to-one
    mapping of output labels to true speakers; ``None`` and unmapped labels are wrong."""
    truths = sorted(set(true_speakers))
    labels = sorted({label for label in output_speakers if label is not None})
    counts = np.zeros((len(labels), len(truths)), dtype=np.int64)
    for truth, label in zip(true_speakers, output_speakers):
        if label is not None:
            counts[labels.index(label), truths.index(truth)] += 1
    rows, columns = linear_sum_assignment(counts, maximize=True)
    mapping = {labels[row]: truths[column] for row, column in zip(rows, columns)}
    return np.array([mapping.get(label) == truth for truth, label in zip(true_speakers, output_speakers)], dtype=bool)


def output_words(document: object) -> list[tuple[str, str | None]]:
    """(text, speaker) of every word of a merged Whisper JSON document, in file order."""
    segments = document["segments"] if isinstance(document, dict) else document
    return [(word["word"], word.get("speaker")) for segment in segments for word in segment.get("words", [])]


def run_cli(argv: list[str]) -> None:
    """Run the ``diarize`` command in this process; raise when it fails."""
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        code = diarize_main(argv)
    if code != 0:
        raise RuntimeError(f"diarize {' '.join(argv)} exited {code}: {stderr.getvalue().strip()}")


@dataclass
class Tally:
    """Words counted over conversations for one transcript variant."""

    words: int = 0
    correct: int = 0
    kept_in_order: int = 0
    all_in_order: bool = True
    untimed: int = 0
    untimed_correct: int = 0
    merge_only_correct: int = 0
    near_change: int = 0
    near_change_correct: int = 0
    spanning: int = 0
    spanning_correct: int = 0
    spanning_segments: int = 0
    quick_changes: int = 0
    per_conversation: list[str] = field(default_factory=list)


def score(
    tally: Tally,
    built: BuiltTranscript,
    merged_document: object,
    conversation: Conversation,
    script: list[Turn],
) -> float:
    """Add one merged transcript to ``tally``; return its word accuracy (0–1)."""
    words = output_words(merged_document)
    texts = tuple(text for text, _ in words)
    in_order = texts == built.word_texts
    tally.all_in_order &= in_order
    tally.kept_in_order += _kept_in_order(built.word_texts, texts)
    tally.words += len(built.word_texts)
    if not in_order:
        return float("nan")
    right = correct_words(built.true_speakers, [speaker for _, speaker in words])
    tally.correct += int(right.sum())
    untimed = np.array(_untimed_flags(built.document), dtype=bool)
    tally.untimed += int(untimed.sum())
    tally.untimed_correct += int(right[untimed].sum())
    near = _near_change(built.document, script)
    tally.near_change += int(near.sum())
    tally.near_change_correct += int(right[near].sum())
    spanning = _in_spanning_segment(built)
    tally.spanning += int(spanning.sum())
    tally.spanning_correct += int(right[spanning].sum())
    tally.spanning_segments += built.spanning_segments
    tally.quick_changes += built.quick_changes
    tally.merge_only_correct += int(_merge_only(built, conversation.reference).sum())
    return float(right.mean())


def _kept_in_order(expected: tuple[str, ...], found: tuple[str, ...]) -> int:
    """How many input words come back at their own place (all of them when nothing is lost)."""
    return sum(a == b for a, b in zip(expected, found)) if len(expected) == len(found) else 0


def _untimed_flags(document: dict) -> list[bool]:
    return [("start" not in word) for segment in document["segments"] for word in segment["words"]]


def _near_change(document: dict, script: list[Turn]) -> np.ndarray:
    """Words whose (jittered, when timed) interval comes within ``NEAR_CHANGE_S`` of a turn's
    start or end where another speaker's turn touches it."""
    changes = []
    for previous, following in zip(script, script[1:]):
        changes.extend([previous.end_s, following.start_s])
    changes_s = np.array(sorted(changes))
    flags = []
    for segment in document["segments"]:
        for word in segment["words"]:
            if "start" not in word:
                flags.append(False)
                continue
            index = np.searchsorted(changes_s, word["start"])
            nearest = [changes_s[i] for i in (index - 1, index) if 0 <= i < len(changes_s)]
            flags.append(any(word["start"] - NEAR_CHANGE_S <= t <= word["end"] + NEAR_CHANGE_S for t in nearest))
    return np.array(flags, dtype=bool)


def _in_spanning_segment(built: BuiltTranscript) -> np.ndarray:
    flags = []
    offset = 0
    for segment in built.document["segments"]:
        count = len(segment["words"])
        speakers = set(built.true_speakers[offset : offset + count])
        flags.extend([len(speakers) > 1] * count)
        offset += count
    return np.array(flags, dtype=bool)


def _merge_only(built: BuiltTranscript, reference: Annotation) -> np.ndarray:
    """Words right when the reference turns are merged in place of the diarization: what the
    merge and the transcript's own imprecision lose with a perfect diarization."""
    transcript = parse_transcript(json.dumps(built.document), source="reference", fmt="json")
    merged = merge(reference, transcript)
    return correct_words(built.true_speakers, [word.speaker for word in merged.words])


def diarize_conversation(
    conversation: Conversation, built: BuiltTranscript, folder: Path, options: Sequence[str] = ()
) -> tuple[object, Annotation, float]:
    """Run ``diarize AUDIO --transcript T.json --out O.json --rttm R.rttm [OPTIONS]``: the
    merged document, the speaker turns, and the seconds it took."""
    audio = folder / f"{conversation.name}.wav"
    transcript = folder / f"{conversation.name}.json"
    merged = folder / f"{conversation.name}.merged.json"
    rttm = folder / f"{conversation.name}.rttm"
    soundfile.write(str(audio), conversation.waveform, SAMPLE_RATE)
    transcript.write_text(json.dumps(built.document), encoding="utf-8")
    started = time.perf_counter()
    run_cli([str(audio), "--transcript", str(transcript), "--out", str(merged), "--rttm", str(rttm), "-q", *options])
    elapsed_s = time.perf_counter() - started
    annotation = next(iter(read_rttm(rttm).values()), Annotation())
    return json.loads(merged.read_text(encoding="utf-8")), annotation, elapsed_s


def merge_with_cli(name: str, built: BuiltTranscript, rttm: Path, folder: Path) -> object:
    """Run ``diarize merge R.rttm T.json --out O.json`` and return the merged document."""
    transcript = folder / f"{name}.{len(built.word_texts)}.json"
    merged = folder / f"{name}.{len(built.word_texts)}.merged.json"
    transcript.write_text(json.dumps(built.document), encoding="utf-8")
    run_cli(["merge", str(rttm), str(transcript), "--out", str(merged), "-q"])
    return json.loads(merged.read_text(encoding="utf-8"))


def without_word_times(document: dict) -> dict:
    """The transcript as a recogniser without word times writes it: segments and their text."""
    return {**document, "segments": [{key: value for key, value in segment.items() if key != "words"}
                                      for segment in document["segments"]]}


@dataclass
class SegmentTally:
    """Words of transcripts without word times: each takes the speaker of the output segment
    that holds it (a segment split at a change of speaker gives each part its own). ``whole_*``:
    the same with ``--keep-segments``, each segment kept whole with the speaker who talks most
    in it (what every segment without word times got before such segments were split)."""

    words: int = 0
    correct: int = 0
    merge_only_correct: int = 0
    near_change: int = 0
    near_change_correct: int = 0
    whole_correct: int = 0
    whole_near_change_correct: int = 0
    in_order: bool = True


def score_without_word_times(
    tally: SegmentTally, built: BuiltTranscript, rttm: Path, folder: Path, conversation: Conversation, script: list[Turn]
) -> None:
    """Merge the transcript stripped of its word times with ``diarize merge`` (split at changes,
    and kept whole) and, for the merge-only figure, with the reference turns; count its words by
    the segment they land in."""
    document = without_word_times(built.document)
    transcript = folder / f"{conversation.name}.segments.json"
    transcript.write_text(json.dumps(document), encoding="utf-8")
    outputs = {}
    for name, options in (("split", []), ("whole", ["--keep-segments"])):
        merged = folder / f"{conversation.name}.segments.{name}.json"
        run_cli(["merge", str(rttm), str(transcript), "--out", str(merged), "-q", *options])
        outputs[name] = json.loads(merged.read_text(encoding="utf-8"))
    by_reference = merge(conversation.reference, parse_transcript(json.dumps(document), source="reference", fmt="json"))
    outputs["reference"] = {"segments": [{"text": s.text, "speaker": s.speaker} for s in by_reference.segments]}
    expected = [text.strip() for text in built.word_texts]
    near = _near_change(built.document, script)
    right = {}
    for name, output in outputs.items():
        tokens = [(token, segment.get("speaker")) for segment in output["segments"] for token in segment["text"].split()]
        if [token for token, _ in tokens] != expected:
            tally.in_order = False
            return
        right[name] = correct_words(built.true_speakers, [speaker for _, speaker in tokens])
    tally.words += len(expected)
    tally.correct += int(right["split"].sum())
    tally.near_change += int(near.sum())
    tally.near_change_correct += int(right["split"][near].sum())
    tally.whole_correct += int(right["whole"].sum())
    tally.whole_near_change_correct += int(right["whole"][near].sum())
    tally.merge_only_correct += int(right["reference"].sum())


def report_without_word_times(tally: SegmentTally) -> None:
    def percent(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f} %" if whole else "n/a"

    prefix = "[no word times] "
    far = tally.words - tally.near_change
    print(f"{prefix}word speaker accuracy: {percent(tally.correct, tally.words)} (words kept in order: "
          f"{'yes' if tally.in_order else 'NO'})")
    print(f"{prefix}merge-only word accuracy (reference turns, no diarization error): "
          f"{percent(tally.merge_only_correct, tally.words)}")
    print(f"{prefix}words within {NEAR_CHANGE_S} s of a speaker change: accuracy "
          f"{percent(tally.near_change_correct, tally.near_change)}; further: "
          f"{percent(tally.correct - tally.near_change_correct, far)}")
    print(f"{prefix}segments kept whole (--keep-segments): word accuracy {percent(tally.whole_correct, tally.words)}; "
          f"within {NEAR_CHANGE_S} s of a change {percent(tally.whole_near_change_correct, tally.near_change)}; "
          f"further {percent(tally.whole_correct - tally.whole_near_change_correct, far)}")


def report(prefix: str, tally: Tally) -> None:
    def percent(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f} %" if whole else "n/a"

    kept = "yes" if tally.all_in_order else "NO"
    print(f"{prefix}word speaker accuracy: {percent(tally.correct, tally.words)}")
    print(f"{prefix}words kept in order: {kept} ({tally.kept_in_order} of {tally.words})")
    if tally.untimed:
        print(f"{prefix}untimed words: {tally.untimed}, accuracy {percent(tally.untimed_correct, tally.untimed)}")
    print(f"{prefix}merge-only word accuracy (reference turns, no diarization error): "
          f"{percent(tally.merge_only_correct, tally.words)}")
    print(f"{prefix}words within {NEAR_CHANGE_S} s of a speaker change: {percent(tally.near_change, tally.words)} "
          f"of words, accuracy {percent(tally.near_change_correct, tally.near_change)}")
    far, far_correct = tally.words - tally.near_change, tally.correct - tally.near_change_correct
    print(f"{prefix}words further than {NEAR_CHANGE_S} s from a speaker change: accuracy {percent(far_correct, far)}")
    print(f"{prefix}segments spanning a speaker change: {tally.spanning_segments} "
          f"(of {tally.quick_changes} quick changes), their words' accuracy "
          f"{percent(tally.spanning_correct, tally.spanning)} ({tally.spanning} words)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=8, help="number of held-out conversations")
    parser.add_argument("--first-seed", type=int, default=5000, help="seed of the first conversation")
    parser.add_argument("--segmentation", choices=("webrtcvad", "neural"),
                        help="passed to diarize (default: the CLI's own default)")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per conversation")
    arguments = parser.parse_args()
    # the reference and hypothesis extents are the right scoring region here
    warnings.filterwarnings("ignore", message="'uem' was approximated")
    if not LIBRISPEECH.is_dir():
        print("word accuracy skipped: ../shared/data/librispeech is absent")
        return
    variants: tuple[Variant, ...] = ("whisper", "whisperx")
    tallies = {variant: Tally() for variant in variants}
    untimed_tally = SegmentTally()
    der = DiarizationErrorRate(collar=0.25, skip_overlap=False)
    elapsed_s = audio_s = 0.0
    with tempfile.TemporaryDirectory(prefix="word-accuracy-") as name:
        folder = Path(name)
        for seed, speakers, duration_s in held_out_set(arguments.conversations, arguments.first_seed):
            conversation, script = build_conversation(seed, speakers, duration_s)
            built = {variant: build_transcript(conversation, script, seed, variant) for variant in variants}
            options = ["--segmentation", arguments.segmentation] if arguments.segmentation else []
            document, annotation, seconds = diarize_conversation(conversation, built["whisper"], folder, options)
            elapsed_s += seconds
            audio_s += conversation.duration_s
            conversation_der = der(conversation.reference, annotation)
            accuracy = score(tallies["whisper"], built["whisper"], document, conversation, script)
            rttm = folder / f"{conversation.name}.rttm"
            merged_x = merge_with_cli(conversation.name, built["whisperx"], rttm, folder)
            accuracy_x = score(tallies["whisperx"], built["whisperx"], merged_x, conversation, script)
            score_without_word_times(untimed_tally, built["whisper"], rttm, folder, conversation, script)
            if arguments.verbose:
                print(f"conversation {seed}: {speakers} speakers ({len(annotation.labels())} found), "
                      f"{conversation.duration_s:.0f} s, {len(built['whisper'].word_texts)} words, "
                      f"DER {100 * conversation_der:.1f} %, word accuracy {100 * accuracy:.1f} % "
                      f"(whisperx {100 * accuracy_x:.1f} %)")
    report("", tallies["whisper"])
    report("[whisperx, ~2 % untimed] ", tallies["whisperx"])
    report_without_word_times(untimed_tally)
    print(f"conversations: {arguments.conversations} (seeds {arguments.first_seed}+), {audio_s / 60:.1f} min of audio")
    print(f"diarization DER (collar 0.25 s, overlap scored): {100 * abs(der):.1f} %")
    print(f"real-time factor (diarize + merge, CLI): {elapsed_s / audio_s:.3f}")


if __name__ == "__main__":
    main()
