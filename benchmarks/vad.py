"""Speech detection quality of webrtcvad (with the plugin's smoothing) on the AMI excerpts.

Prints one figure per line: missed speech, false alarm and detection error rate
(pyannote.metrics, collar 0, inside the UEM), summed over the excerpts.

    python benchmarks/vad.py [--aggressiveness 3] [--pad 0.2] [--min-speech 0.15] [--min-silence 0.15]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyannote.core import Annotation  # noqa: E402
from pyannote.metrics.detection import DetectionErrorRate  # noqa: E402

from benchmarks.ami import ami_available, ami_files, ami_references, ami_uems  # noqa: E402
from diarize_plugin.audio.decode import load_audio  # noqa: E402
from diarize_plugin.audio.source import InMemoryAudio  # noqa: E402
from diarize_plugin.segmentation.vad import detect_speech  # noqa: E402


def score(aggressiveness: int, pad_s: float, min_speech_s: float, min_silence_s: float, waveforms=None) -> dict:
    metric = DetectionErrorRate(collar=0.0, skip_overlap=False)
    references, uems = ami_references(), ami_uems()
    for path in ami_files():
        waveform = waveforms[path.stem] if waveforms else load_audio(path)
        speech = detect_speech(InMemoryAudio(waveform), aggressiveness, pad_s, min_speech_s, min_silence_s)
        hypothesis = Annotation(uri=path.stem)
        for segment in speech:
            hypothesis[segment] = "speech"
        metric(references[path.stem], hypothesis, uem=uems[path.stem])
    components = metric.accumulated_
    reference_s = components["total"]
    return {
        "missed": components["miss"] / reference_s,
        "false_alarm": components["false alarm"] / reference_s,
        "error": abs(metric),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--aggressiveness", type=int, default=3)
    parser.add_argument("--pad", type=float, default=0.2)
    parser.add_argument("--min-speech", type=float, default=0.15)
    parser.add_argument("--min-silence", type=float, default=0.15)
    arguments = parser.parse_args()
    if not ami_available():
        print("skipped: ../shared/data/ami is absent")
        return
    figures = score(arguments.aggressiveness, arguments.pad, arguments.min_speech, arguments.min_silence)
    print(f"AMI webrtcvad missed speech: {100 * figures['missed']:.1f} %")
    print(f"AMI webrtcvad false alarm: {100 * figures['false_alarm']:.1f} %")
    print(f"AMI webrtcvad detection error rate: {100 * figures['error']:.1f} %")


if __name__ == "__main__":
    main()
