"""Real-time factor and peak memory of the whole ``diarize`` command on long recordings.

Builds seeded recordings of 1, 3 and 10 hours from ``../shared/data/librispeech`` (nothing is
committed): 10-minute synthetic conversations of the same 10 speakers
(:mod:`benchmarks.conversations`), one after the other, with a 3-minute conversation in the
middle where an 11th, quiet speaker talks for about a minute and a half, and nowhere else.
Each recording is written as a 16 kHz 16-bit WAV file, and ``diarize`` runs on it in a fresh
process (default neural mode). One figure per line, per length and mode: real-time factor
(wall time / audio duration, decoding and model loading included), peak resident memory of
the process, the number of speakers found (11 expected), and whether the quiet speaker was
found (one output speaker covers at least half of its speech and spends at least half of its
time there).

    python benchmarks/speed.py [--lengths 1h,3h,10h] [--modes neural,webrtcvad] [--keep DIR]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402
from pyannote.core import Annotation, Segment, Timeline  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks.conversations import LIBRISPEECH, SAMPLE_RATE, build_conversation, speaker_files  # noqa: E402
from diarize_plugin.formats.rttm import read_rttm  # noqa: E402

#: the 10 speakers of every recording and the quiet one, drawn once from the LibriSpeech set
SPEAKER_SEED = 2024
NUM_SPEAKERS = 10
#: length (seconds) of each conversation of the 10 speakers
PART_S = 600.0
#: length of the conversation in the middle that the quiet speaker takes part in
QUIET_PART_S = 240.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default="1h,3h,10h", help="comma-separated lengths in hours, e.g. 1h,3h")
    parser.add_argument("--modes", default="neural", help="segmentation modes to time: neural, webrtcvad")
    parser.add_argument("--keep", type=Path, help="write the recordings and outputs here instead of a temporary folder")
    arguments = parser.parse_args()
    if not LIBRISPEECH.is_dir():
        print("skipped: ../shared/data/librispeech is absent")
        return
    hours = [float(item.strip().rstrip("h")) for item in arguments.lengths.split(",") if item.strip()]
    with tempfile.TemporaryDirectory() as temporary:
        folder = arguments.keep or Path(temporary)
        folder.mkdir(parents=True, exist_ok=True)
        for length_h in hours:
            audio = folder / f"long_{length_h:g}h.wav"
            quiet_reference, reference = write_recording(audio, length_h * 3600.0)
            for mode in arguments.modes.split(","):
                output = folder / f"long_{length_h:g}h_{mode}.rttm"
                command = [*diarize_command(), str(audio), "--out", str(output), "--segmentation", mode, "-q"]
                elapsed_s, peak_mb = measure(command)
                hypothesis = _read_annotation(output)
                label = f"[{mode}] {length_h:g} h recording"
                print(f"{label} real-time factor: {elapsed_s / (length_h * 3600.0):.4f}", flush=True)
                print(f"{label} peak memory: {peak_mb:.0f} MB", flush=True)
                print(f"{label} speakers found: {len(hypothesis.labels())} of {NUM_SPEAKERS + 1}", flush=True)
                print(f"{label} quiet speaker ({quiet_reference.duration():.0f} s of speech): "
                      f"{quiet_speaker_verdict(quiet_reference, hypothesis)}", flush=True)
                print(f"{label} DER: {100 * long_recording_der(reference, hypothesis, length_h * 3600.0):.1f} %", flush=True)


#: collar of the DER printed beside speed (seconds), as for der.py's synthetic conversations
DER_COLLAR_S = 0.25


def long_recording_der(reference: Annotation, hypothesis: Annotation, duration_s: float) -> float:
    """DER (a fraction) of ``hypothesis`` over the whole recording, collar :data:`DER_COLLAR_S`."""
    metric = DiarizationErrorRate(collar=DER_COLLAR_S, skip_overlap=False)
    return metric(reference, hypothesis, uem=Timeline([Segment(0.0, duration_s)]))


def write_recording(path: Path, duration_s: float) -> tuple[Timeline, Annotation]:
    """Write the recording of ``duration_s`` seconds to ``path``, a conversation at a time.

    Returns the quiet speaker's speech (seconds in the recording) and the reference turns of
    the whole recording (LibriSpeech speaker ids as labels)."""
    files = speaker_files()
    rng = np.random.default_rng(SPEAKER_SEED)
    chosen = [str(s) for s in rng.choice(sorted(files), size=NUM_SPEAKERS + 1, replace=False)]
    regulars, quiet = chosen[:NUM_SPEAKERS], chosen[NUM_SPEAKERS]
    quiet_at_s = max(0.0, duration_s / 2 - QUIET_PART_S / 2)
    written = 0
    quiet_speech = None
    reference = Annotation(uri=path.stem)
    part = 0
    with soundfile.SoundFile(str(path), "w", SAMPLE_RATE, 1, subtype="PCM_16") as output:
        while written < duration_s * SAMPLE_RATE:
            if quiet_speech is None and written >= quiet_at_s * SAMPLE_RATE:
                # the quiet speaker and one regular, the quiet one for about half the time
                conversation, _ = build_conversation(7000, 2, QUIET_PART_S, speakers=[quiet, regulars[0]])
                offset_s = written / SAMPLE_RATE
                quiet_speech = conversation.reference.label_timeline(quiet).support()
                quiet_speech = type(quiet_speech)([Segment(s.start + offset_s, s.end + offset_s) for s in quiet_speech])
            else:
                remaining_s = duration_s - written / SAMPLE_RATE
                part_s = min(PART_S, remaining_s) if remaining_s > 60 else max(remaining_s, 30.0)
                conversation, _ = build_conversation(9000 + part, NUM_SPEAKERS, part_s, speakers=regulars)
                part += 1
            samples = conversation.waveform[: int(duration_s * SAMPLE_RATE) - written]
            offset_s, end_s = written / SAMPLE_RATE, (written + len(samples)) / SAMPLE_RATE
            for turn, _, speaker in conversation.reference.itertracks(yield_label=True):
                start_s, stop_s = turn.start + offset_s, min(turn.end + offset_s, end_s)
                if stop_s > start_s:
                    reference[Segment(start_s, stop_s), reference.new_track(Segment(start_s, stop_s))] = speaker
            output.write(samples)
            written += len(samples)
    return quiet_speech, reference


def quiet_speaker_verdict(quiet_speech, hypothesis: Annotation) -> str:
    """``found (coverage C %, purity P %)`` or ``missed (...)`` for the quiet speaker."""
    best = ("", 0.0)
    for label in hypothesis.labels():
        timeline = hypothesis.label_timeline(label).support()
        shared = timeline.crop(quiet_speech, mode="intersection").duration()
        if shared > best[1]:
            best = (label, shared)
    if not best[0]:
        return "missed (no output speaker talks there)"
    coverage = best[1] / quiet_speech.duration()
    purity = best[1] / hypothesis.label_timeline(best[0]).support().duration()
    verdict = "found" if coverage >= 0.5 and purity >= 0.5 else "missed"
    return f"{verdict} (coverage {100 * coverage:.0f} %, purity {100 * purity:.0f} %)"


def diarize_command() -> list[str]:
    """The ``diarize`` console script of the Python running this benchmark (its virtual
    environment's, not whichever comes first on PATH)."""
    script = Path(sys.executable).parent / "diarize"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "diarize_plugin.cli"]


def measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of ``command``, run in its own child process."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    output = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True)
    elapsed_s, peak_mb = output.stdout.split()
    return float(elapsed_s), float(peak_mb)


def _read_annotation(path: Path) -> Annotation:
    annotations = read_rttm(path)
    return next(iter(annotations.values())) if annotations else Annotation()


if __name__ == "__main__":
    main()
