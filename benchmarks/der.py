"""Diarization error rate and speed of the pipeline, one figure per line.

- AMI excerpts (``../shared/data/ami``): collar 0, overlapping speech scored, inside the UEM.
- Synthetic conversations built (seeded) from ``../shared/data/librispeech``: 2–6 speakers,
  3–10 minutes, pauses and some overlap; collar 0.25 s, overlap scored.
- pyannote.audio's sample conversation (``examples/sample.wav`` with its ``sample.rttm``, put
  there by ``python examples/fetch_sample.py``; 30 s, 2 speakers, never tuned on before it was
  first scored): collar 0, overlap scored, whole file.

For each segmentation mode it prints DER and its components (false alarm, missed speech,
confusion, as % of reference speech), the share of conversations with the exact speaker
count, and the real-time factor (processing time / audio duration, audio decoding included
for AMI, on this machine with the default number of threads).

    python benchmarks/der.py [--modes webrtcvad,neural] [--conversations 10] [--overlap-threshold X]

``--overlap-threshold`` scores the neural mode with that overlap threshold instead of the
default (its lines then read ``[neural o1.1]``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyannote.core import Segment, Timeline  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks.ami import ami_available, ami_files, ami_references, ami_uems  # noqa: E402
from benchmarks.conversations import LIBRISPEECH, benchmark_set, build_conversation  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.formats.rttm import read_rttm  # noqa: E402

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def score_ami(diarizer: Diarizer) -> tuple[DiarizationErrorRate, float, float]:
    metric = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    references, uems = ami_references(), ami_uems()
    elapsed_s = audio_s = 0.0
    for path in ami_files():
        started = time.perf_counter()
        hypothesis = diarizer.run(path)
        elapsed_s += time.perf_counter() - started
        audio_s += uems[path.stem].duration()
        metric(references[path.stem], hypothesis, uem=uems[path.stem])
    return metric, elapsed_s, audio_s


def score_conversations(diarizer: Diarizer, count: int) -> tuple[DiarizationErrorRate, float, float, float]:
    metric = DiarizationErrorRate(collar=0.25, skip_overlap=False)
    exact = 0
    elapsed_s = audio_s = 0.0
    for seed, speakers, duration_s in benchmark_set(count):
        conversation, _ = build_conversation(seed, speakers, duration_s)
        started = time.perf_counter()
        hypothesis = diarizer.run(conversation.waveform, uri=conversation.name)
        elapsed_s += time.perf_counter() - started
        audio_s += conversation.duration_s
        metric(conversation.reference, hypothesis, uem=Timeline([Segment(0.0, conversation.duration_s)]))
        exact += len(hypothesis.labels()) == len(conversation.speakers)
    return metric, elapsed_s, audio_s, exact / count


def score_sample(diarizer: Diarizer) -> DiarizationErrorRate:
    metric = DiarizationErrorRate(collar=0.0, skip_overlap=False)
    reference = read_rttm(EXAMPLES / "sample.rttm")["sample"]
    hypothesis = diarizer.run(EXAMPLES / "sample.wav")
    metric(reference, hypothesis, uem=Timeline([Segment(0.0, 30.0)]))
    return metric


def report(prefix: str, metric: DiarizationErrorRate) -> None:
    components = metric.accumulated_
    total = components["total"]
    print(f"{prefix} DER: {100 * abs(metric):.1f} %")
    print(f"{prefix} false alarm: {100 * components['false alarm'] / total:.1f} %")
    print(f"{prefix} missed speech: {100 * components['missed detection'] / total:.1f} %")
    print(f"{prefix} speaker confusion: {100 * components['confusion'] / total:.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--modes", default="webrtcvad,neural", help="comma-separated segmentation modes")
    parser.add_argument("--conversations", type=int, default=10, help="number of synthetic conversations (>= 8)")
    parser.add_argument("--overlap-threshold", type=float, help="neural mode's overlap threshold (default: the pipeline's)")
    parser.add_argument("--skip-ami", action="store_true")
    parser.add_argument("--skip-synthetic", action="store_true")
    parser.add_argument("--skip-sample", action="store_true")
    arguments = parser.parse_args()
    for name in arguments.modes.split(","):
        mode = name
        if name == "neural" and arguments.overlap_threshold is not None:
            diarizer = Diarizer(segmentation=name, overlap_threshold=arguments.overlap_threshold)
            mode = f"neural o{arguments.overlap_threshold:g}"
        else:
            diarizer = Diarizer(segmentation=name)
        if not arguments.skip_ami:
            if ami_available():
                metric, elapsed_s, audio_s = score_ami(diarizer)
                report(f"[{mode}] AMI", metric)
                print(f"[{mode}] AMI real-time factor: {elapsed_s / audio_s:.3f}")
            else:
                print("AMI skipped: ../shared/data/ami is absent")
        if not arguments.skip_synthetic:
            if LIBRISPEECH.is_dir():
                metric, elapsed_s, audio_s, exact = score_conversations(diarizer, arguments.conversations)
                report(f"[{mode}] synthetic", metric)
                print(f"[{mode}] synthetic exact speaker count: {100 * exact:.0f} % of {arguments.conversations}")
                print(f"[{mode}] synthetic real-time factor: {elapsed_s / audio_s:.3f}")
            else:
                print("synthetic conversations skipped: ../shared/data/librispeech is absent")
        if not arguments.skip_sample:
            if (EXAMPLES / "sample.wav").is_file() and (EXAMPLES / "sample.rttm").is_file():
                report(f"[{mode}] pyannote sample", score_sample(diarizer))
            else:
                print("pyannote sample skipped: run python examples/fetch_sample.py first")


if __name__ == "__main__":
    main()
