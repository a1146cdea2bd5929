"""Live diarization (``StreamingDiarizer``) against the offline ``Diarizer``, one figure per line.

On the recordings :mod:`benchmarks.der` scores (the AMI excerpts at collar 0, the real calls and
broadcast of ``../shared/data/real`` at 0.25 s, the pyannote sample at collar 0, as der.py
does), each fed in blocks of ``--block-s`` seconds, at every ``--latencies`` value:

- DER of the final live turns (and its components), beside the offline DER of the same files;
  the exit outputs apply the merges found (a merged label becomes the one it joined): the DER
  of the turns exactly as reported, merges not applied, is printed too;
- latency: from each sample's arrival (the end of the block that brought it) to the report of
  its final turn (the stream position of that report plus the processing time of the call
  that made it), median and 95th percentile over the final speech, against the latency asked;
- label stability: the share of final speech whose label changed after it was first reported
  (start, speaker or settled part of a turn rewritten by a later report), the merges reported,
  and the share of final speech a merge relabels in the exit outputs;
- real-time factor of the live processing on one thread.

``--memory-hours 1,2`` also feeds a long stream (seeded 10-minute LibriSpeech conversations,
4 voices each, one after the other) in a child process and prints its peak resident memory
after each of those hours.

    nice -n 10 python benchmarks/live.py [--latencies 1,2,5] [--sets ami,real,sample] [--memory-hours 1,2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from pyannote.core import Annotation  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks.der import EXAMPLES, ScoredSet, ami_items, real_items, sample_items, score  # noqa: E402
from benchmarks.real import REAL_COLLAR_S  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.embed.registry import load_embedder  # noqa: E402
from diarize_plugin.live import LiveAnnotation, LiveTurn, SpeakerMerge, StreamingDiarizer  # noqa: E402
from diarize_plugin.live.options import LocalSpeakerMatching, WindowLinkage  # noqa: E402

def ami_split(first: int, last: int):
    """The AMI excerpts ``trn{first:02d}`` to ``trn{last:02d}`` (the local identity's distances
    were tuned on trn00-04 and the long stream's first half hour)."""
    names = {f"trn{index:02d}" for index in range(first, last + 1)}
    return lambda: [item for item in ami_items() if item[0] in names]


SETS = {
    "ami": ScoredSet("AMI", ami_items, collar_s=0.0),
    "ami-tune": ScoredSet("AMI trn00-04", ami_split(0, 4), collar_s=0.0),
    "ami-test": ScoredSet("AMI trn05-09", ami_split(5, 9), collar_s=0.0),
    "real": ScoredSet("real", real_items, collar_s=REAL_COLLAR_S),
    "sample": ScoredSet("pyannote sample", sample_items, collar_s=0.0),
}
SAMPLE_RATE = 16000
#: resolution (seconds) at which the latency of final speech is sampled
LATENCY_GRID_S = 0.01


@dataclass
class LiveStats:
    """What the live runs of one latency measured, over every recording."""

    latencies_s: list[np.ndarray] = field(default_factory=list)
    final_speech_s: float = 0.0
    rewritten_s: float = 0.0
    relabelled_s: float = 0.0
    merges: int = 0
    elapsed_s: float = 0.0
    audio_s: float = 0.0
    raw: DiarizationErrorRate | None = None


class LiveSystem:
    """A :class:`StreamingDiarizer` fed a file block by block, looking like a ``Diarizer``."""

    def __init__(
        self, embedder, latency_s: float, block_s: float, stats: LiveStats, collar_s: float, threshold: float | None = None,
        options: dict | None = None,
    ) -> None:
        self.embedder, self.latency_s, self.block_s, self.stats = embedder, latency_s, block_s, stats
        self.threshold = threshold
        self.options = diarizer_options(options or {})
        stats.raw = stats.raw or DiarizationErrorRate(collar=collar_s, skip_overlap=False)
        self.references: dict[str, tuple[Annotation, object]] = {}

    def run(self, audio: Path | np.ndarray, uri: str) -> Annotation:
        waveform = soundfile.read(str(audio), dtype="float32")[0] if isinstance(audio, Path) else audio
        if waveform.ndim > 1:
            waveform = waveform.mean(axis=1)
        diarizer = StreamingDiarizer(self.embedder, latency_s=self.latency_s, threshold=self.threshold, **self.options)
        collected = LiveAnnotation(uri)
        block = int(round(self.block_s * SAMPLE_RATE))
        reports: list[tuple[LiveTurn, float]] = []
        merges = 0
        for first in range(0, len(waveform), block):
            started = time.perf_counter()
            events = diarizer.feed(waveform[first : first + block])
            spent = time.perf_counter() - started
            self.stats.elapsed_s += spent
            arrived_s = min(first + block, len(waveform)) / SAMPLE_RATE
            reports += [(event, arrived_s + spent) for event in events if isinstance(event, LiveTurn)]
            merges += sum(isinstance(event, SpeakerMerge) for event in events)
            collected.add(events)
        started = time.perf_counter()
        events = diarizer.finish()
        spent = time.perf_counter() - started
        self.stats.elapsed_s += spent
        reports += [(event, len(waveform) / SAMPLE_RATE + spent) for event in events if isinstance(event, LiveTurn)]
        merges += sum(isinstance(event, SpeakerMerge) for event in events)
        collected.add(events)
        self.stats.audio_s += len(waveform) / SAMPLE_RATE
        self.stats.merges += merges
        self._measure(reports, collected)
        self.last_raw = collected.annotation(apply_merges=False)
        return collected.annotation()

    def _measure(self, reports: list[tuple[LiveTurn, float]], collected: LiveAnnotation) -> None:
        block_s = self.block_s
        first_report: dict[int, LiveTurn] = {}
        reported_end: dict[int, float] = {}
        for turn, emitted_s in reports:
            if not turn.final:
                continue
            earlier = first_report.setdefault(turn.turn_id, turn)
            settled_before = reported_end.get(turn.turn_id, turn.start_s)
            if earlier.speaker != turn.speaker or earlier.start_s != turn.start_s or turn.end_s < settled_before:
                self.stats.rewritten_s += max(settled_before - earlier.start_s, 0.0)
            new_s = np.arange(settled_before, turn.end_s, LATENCY_GRID_S)
            if len(new_s):
                arrival_s = np.ceil((new_s + 1e-9) / block_s) * block_s
                self.stats.latencies_s.append(emitted_s - arrival_s)
            reported_end[turn.turn_id] = max(turn.end_s, settled_before)
        for turn in collected.final_turns():
            self.stats.final_speech_s += turn.end_s - turn.start_s
            if collected.resolve(turn.speaker) != turn.speaker:
                self.stats.relabelled_s += turn.end_s - turn.start_s


def offline_system(embedder) -> Diarizer:
    return Diarizer(embedder, threads=1)


def file_der(reference: Annotation, hypothesis: Annotation, uem, collar_s: float) -> float:
    """DER of one recording, as the set's metric scores it."""
    return DiarizationErrorRate(collar=collar_s, skip_overlap=False)(reference, hypothesis, uem=uem)


def print_der(prefix: str, metric: DiarizationErrorRate) -> None:
    parts = metric.accumulated_
    total = parts["total"]
    print(f"{prefix} DER: {100 * abs(metric):.1f} %")
    print(f"{prefix} false alarm: {100 * parts['false alarm'] / total:.1f} %")
    print(f"{prefix} missed speech: {100 * parts['missed detection'] / total:.1f} %")
    print(f"{prefix} speaker confusion: {100 * parts['confusion'] / total:.1f} %")


def compare(
    set_name: str, latencies: list[float], block_s: float, embedder, threshold: float | None = None, offline: bool = True,
    options: dict | None = None, details: bool = False,
) -> None:
    """Offline and live figures of one set; ``details``: also one DER line per recording."""
    scored = SETS[set_name]
    items = list(scored.items())
    offline_metric = None
    if offline:
        offline_metric = score(offline_system(embedder), items, scored.collar_s).metric
        print_der(f"[offline] {scored.label}", offline_metric)
    for latency_s in latencies:
        stats = LiveStats()
        system = LiveSystem(embedder, latency_s, block_s, stats, scored.collar_s, threshold, options)
        metric = DiarizationErrorRate(collar=scored.collar_s, skip_overlap=False)
        for name, audio, reference, uem in items:
            hypothesis = system.run(audio, uri=name)
            metric(reference, hypothesis, uem=uem)
            if details:
                print(f"[live {latency_s:g} s] {scored.label} {name} DER: {100 * file_der(reference, hypothesis, uem, scored.collar_s):.1f} %")
            stats.raw(reference, system.last_raw, uem=uem)
        prefix = f"[live {latency_s:g} s] {scored.label}"
        print_der(prefix, metric)
        print(f"{prefix} DER, merges not applied: {100 * abs(stats.raw):.1f} %")
        if offline_metric is not None:
            print(f"{prefix} DER minus offline: {100 * (abs(metric) - abs(offline_metric)):+.1f} points")
        latencies_s = np.concatenate(stats.latencies_s) if stats.latencies_s else np.zeros(1)
        print(f"{prefix} latency median: {np.median(latencies_s):.2f} s (asked {latency_s:g} s)")
        print(f"{prefix} latency p95: {np.percentile(latencies_s, 95):.2f} s (asked {latency_s:g} s)")
        print(f"{prefix} latency max: {latencies_s.max():.2f} s (asked {latency_s:g} s)")
        print(f"{prefix} final speech relabelled after first report: {100 * stats.rewritten_s / max(stats.final_speech_s, 1e-9):.2f} %")
        print(f"{prefix} merges reported: {stats.merges}")
        print(f"{prefix} final speech relabelled by merges in the exit outputs: {100 * stats.relabelled_s / max(stats.final_speech_s, 1e-9):.2f} %")
        print(f"{prefix} real-time factor (1 thread): {stats.elapsed_s / stats.audio_s:.3f}")
        sys.stdout.flush()


def long_stream(hours: float, voices: set[str] | None = None):
    """Blocks of 0.5 s of seeded 10-minute conversations, one after the other, for ``hours``;
    ``voices`` collects the LibriSpeech speakers heard so far (the reference count)."""
    from benchmarks.conversations import build_conversation

    fed, seed, total = 0, 0, int(hours * 3600 * SAMPLE_RATE)
    while fed < total:
        conversation, _ = build_conversation(5000 + seed, 4, 600.0)
        seed += 1
        if voices is not None:
            voices.update(conversation.speakers)
        waveform = conversation.waveform[: total - fed]
        for first in range(0, len(waveform), SAMPLE_RATE // 2):
            yield waveform[first : first + SAMPLE_RATE // 2]
        fed += len(waveform)


def diarizer_options(options: dict) -> dict:
    """``StreamingDiarizer`` keywords from the command line's identity choices."""
    options = dict(options)
    if options.pop("identity", "local") == "windows":
        return {"identity": WindowLinkage()}
    return {"identity": LocalSpeakerMatching(**options)} if options else {}


def memory_run(hours: list[float], options: dict | None = None) -> None:
    """Child process: feed the long stream, print ``{"hours": h, "peak_mb": ...}`` after each hour mark."""
    diarizer = StreamingDiarizer(load_embedder("campplus", threads=1), latency_s=2.0, **diarizer_options(options or {}))
    marks = sorted(hours)
    fed, started = 0, time.perf_counter()
    voices: set[str] = set()
    for block in long_stream(marks[-1], voices):
        diarizer.feed(block)
        fed += len(block)
        while marks and fed >= marks[0] * 3600 * SAMPLE_RATE:
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(json.dumps({"hours": marks.pop(0), "peak_mb": peak_mb, "elapsed_s": time.perf_counter() - started,
                              "speakers": len(diarizer.speakers.speakers), "active": len(diarizer.speakers.active),
                              "reference": len(voices)}), flush=True)
    diarizer.finish()


def measure_memory(hours: list[float], options: dict | None = None) -> None:
    command = [sys.executable, __file__, "--memory-run", ",".join(f"{h:g}" for h in hours),
               "--options-json", json.dumps(options or {})]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None
        for line in child.stdout:
            mark = json.loads(line)
            print(f"[live 2 s] long stream peak memory at {mark['hours']:g} h: {mark['peak_mb']:.0f} MB")
            print(f"[live 2 s] long stream real-time factor (1 thread) at {mark['hours']:g} h: "
                  f"{mark['elapsed_s'] / (mark['hours'] * 3600):.3f}")
            print(f"[live 2 s] long stream speakers found by {mark['hours']:g} h: {mark['speakers']} "
                  f"({mark['active']} after merges; reference {mark['reference']})")
            sys.stdout.flush()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latencies", default="1,2,5", help="latencies to test, seconds, comma-separated")
    parser.add_argument("--sets", default="ami,real,sample", help=f"recordings: {','.join(SETS)}")
    parser.add_argument("--block-s", type=float, default=0.1, help="seconds of audio per block fed")
    parser.add_argument("--memory-hours", default="", help="hours of a long stream after which to print peak memory")
    parser.add_argument("--threshold", type=float, help="live clustering threshold (default: the StreamingDiarizer's)")
    parser.add_argument("--no-offline", action="store_true", help="skip the offline runs")
    parser.add_argument("--details", action="store_true", help="also one DER line per recording")
    parser.add_argument("--identity", help="local or windows (default: the StreamingDiarizer's)")
    parser.add_argument("--new-speaker-distance", type=float, help="local identity: distance over which a speaker is new")
    parser.add_argument("--update-distance", type=float, help="local identity: distance under which a summary updates")
    parser.add_argument("--merge-distance", type=float, help="local identity: distance under which speakers merge")
    parser.add_argument("--local-step-s", type=float, help="local identity: seconds between two matchings")
    parser.add_argument("--memory-run", help=argparse.SUPPRESS)
    parser.add_argument("--options-json", default="{}", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    options = {
        name: value for name, value in (
            ("identity", arguments.identity), ("new_speaker_distance", arguments.new_speaker_distance),
            ("update_distance", arguments.update_distance), ("merge_distance", arguments.merge_distance),
            ("step_s", arguments.local_step_s),
        ) if value is not None
    }
    if arguments.memory_run:
        memory_run([float(value) for value in arguments.memory_run.split(",")], json.loads(arguments.options_json))
        return
    if arguments.identity and arguments.identity not in ("local", "windows"):
        parser.error("--identity is local or windows")
    embedder = load_embedder("campplus", threads=1)
    latencies = [float(value) for value in arguments.latencies.split(",") if value]
    for set_name in [name for name in arguments.sets.split(",") if name]:
        if set_name == "sample" and not (EXAMPLES / "sample.wav").is_file():
            print("pyannote sample: skipped (run python examples/fetch_sample.py)")
            continue
        compare(
            set_name, latencies, arguments.block_s, embedder, arguments.threshold, not arguments.no_offline, options,
            arguments.details,
        )
    if arguments.memory_hours:
        measure_memory([float(value) for value in arguments.memory_hours.split(",")], options)


if __name__ == "__main__":
    main()
