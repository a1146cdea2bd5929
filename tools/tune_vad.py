"""Grid search of the webrtcvad smoothing parameters on the AMI excerpts (development tool).

Prints the settings with the lowest detection error rate (missed + false alarm); the
defaults of :func:`diarize_plugin.segmentation.vad.detect_speech` were chosen with it.
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.ami import ami_files  # noqa: E402
from benchmarks.vad import score  # noqa: E402
from diarize_plugin.audio.decode import load_audio  # noqa: E402


def main() -> None:
    waveforms = {path.stem: load_audio(path) for path in ami_files()}
    results = []
    for aggressiveness, pad_s, min_speech_s, min_silence_s in itertools.product(
        (0, 1, 2, 3), (0.0, 0.06, 0.12, 0.2), (0.06, 0.15, 0.24, 0.4), (0.15, 0.3, 0.5)
    ):
        figures = score(aggressiveness, pad_s, min_speech_s, min_silence_s, waveforms)
        results.append((figures["error"], figures["missed"], figures["false_alarm"], aggressiveness, pad_s, min_speech_s, min_silence_s))
    for error, missed, false_alarm, *settings in sorted(results)[:10]:
        print(f"error {100 * error:.1f} % (missed {100 * missed:.1f}, false alarm {100 * false_alarm:.1f}) with "
              f"aggressiveness, pad_s, min_speech_s, min_silence_s = {settings}")


if __name__ == "__main__":
    main()
