"""Real-time factor and peak memory of the pipeline on one long synthetic recording.

Builds a seeded 20-minute, 6-speaker conversation from ``../shared/data/librispeech``, writes
it as a WAV file and runs ``diarize`` on it in a fresh process per segmentation mode, printing
one figure per line: real-time factor (wall time / audio duration, decoding included) and peak
resident memory of that process.

    python benchmarks/speed.py [--minutes 20]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import soundfile  # noqa: E402

from benchmarks.conversations import LIBRISPEECH, SAMPLE_RATE, build_conversation  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=20.0)
    parser.add_argument("--modes", default="neural,webrtcvad")
    arguments = parser.parse_args()
    if not LIBRISPEECH.is_dir():
        print("skipped: ../shared/data/librispeech is absent")
        return
    conversation, _ = build_conversation(seed=9000, num_speakers=6, duration_s=arguments.minutes * 60)
    with tempfile.TemporaryDirectory() as folder:
        audio = Path(folder) / "long.wav"
        soundfile.write(str(audio), conversation.waveform, SAMPLE_RATE, subtype="PCM_16")
        for mode in arguments.modes.split(","):
            command = ["diarize", str(audio), "--out", str(Path(folder) / f"{mode}.rttm"), "--segmentation", mode, "-q"]
            elapsed_s, peak_mb = _measure(command)
            print(f"[{mode}] {arguments.minutes:g} min recording real-time factor: {elapsed_s / conversation.duration_s:.3f}")
            print(f"[{mode}] {arguments.minutes:g} min recording peak memory: {peak_mb:.0f} MB")


def _measure(command: list[str]) -> tuple[float, float]:
    """Wall seconds and peak resident memory (MB) of ``command``, run in its own child process."""
    probe = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        "subprocess.run(sys.argv[1:], check=True); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    output = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True)
    elapsed_s, peak_mb = output.stdout.split()
    return float(elapsed_s), float(peak_mb)


if __name__ == "__main__":
    main()
