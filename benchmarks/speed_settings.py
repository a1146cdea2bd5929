"""What each speed setting of issue 13 costs in accuracy, on every benchmarks/der.py set.

Issue 13 made three changes for speed: int8 models (CAM++ static int8, segmentation LSTM
dynamic int8), segmentation chunks every 3 s instead of 2 s, and embedding windows every 1.0 s
instead of 0.75 s; it also made ``auto`` counting the default (``ahc`` and ``before-ahc``
count by agglomerative clustering alone). This script scores the default, the settings before issue 13, and each
change on its own or undone, with der.py's sets and scoring, and prints for each setting the
DER of every set and the DER pooled over sets (all errors over all reference speech: a 30 s
recording moves it by its share, not as much as a 10-recording set):

    python benchmarks/speed_settings.py [--settings default,before] [--conditions ami,meeting] [--splits test]

Accuracy only: the speed of each setting is ``benchmarks/speed.py``'s job (real-time factors
printed here are of der.py's short recordings, not comparable between runs on a shared machine).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.der import Score, add_set_arguments, chosen_conditions, report, score, scored_sets  # noqa: E402
from diarize_plugin import Diarizer, DiarizerOptions  # noqa: E402
from diarize_plugin.segmentation.network import BUNDLED_FP32_MODEL_PATH, BUNDLED_MODEL_PATH  # noqa: E402


@dataclass(frozen=True)
class Setting:
    """One combination of the three speed settings."""

    embedder: str
    segmentation_model: Path
    segmentation_step_s: float
    window_hop_s: float
    counting: str = "auto"

    def diarizer(self) -> Diarizer:
        return Diarizer(options=DiarizerOptions.from_keywords(
            embedder=self.embedder, hop_s=self.window_hop_s, counting=self.counting,
            segmentation_model=self.segmentation_model, segmentation_step_s=self.segmentation_step_s,
        ))


SETTINGS = {
    "default": Setting("campplus", BUNDLED_MODEL_PATH, 3.0, 1.0),
    "before": Setting("campplus-fp32", BUNDLED_FP32_MODEL_PATH, 2.0, 0.75),
    "int8-only": Setting("campplus", BUNDLED_MODEL_PATH, 2.0, 0.75),
    "step-2s": Setting("campplus", BUNDLED_MODEL_PATH, 2.0, 1.0),
    "hop-0.75s": Setting("campplus", BUNDLED_MODEL_PATH, 3.0, 0.75),
    "float32": Setting("campplus-fp32", BUNDLED_FP32_MODEL_PATH, 3.0, 1.0),
    # issue 13 also made "auto" counting the default (VB refinement from 6 speakers)
    "ahc": Setting("campplus", BUNDLED_MODEL_PATH, 3.0, 1.0, counting="ahc"),
    "before-ahc": Setting("campplus-fp32", BUNDLED_FP32_MODEL_PATH, 2.0, 0.75, counting="ahc"),
}


def pooled_der(scores: list[Score]) -> float:
    """DER in % over the union of the sets: summed errors over summed reference speech."""
    components = [result.metric.accumulated_ for result in scores]
    errors = sum(c["false alarm"] + c["missed detection"] + c["confusion"] for c in components)
    return 100 * errors / sum(c["total"] for c in components)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--settings", default=",".join(SETTINGS), help=f"comma-separated, of {', '.join(SETTINGS)}")
    add_set_arguments(parser)
    arguments = parser.parse_args()
    conditions = chosen_conditions(parser, arguments)
    names = arguments.settings.split(",")
    unknown = set(names) - set(SETTINGS)
    if unknown:
        parser.error(f"unknown settings: {', '.join(sorted(unknown))}")
    for name in names:
        diarizer = SETTINGS[name].diarizer()
        results: dict[str, Score] = {}
        for condition in conditions:
            for scored_set in scored_sets(condition, arguments):
                results[scored_set.label] = score(diarizer, scored_set.items(), scored_set.collar_s)
                report(f"[{name}] {scored_set.label}", results[scored_set.label], arguments.details, scored_set.counts)
                sys.stdout.flush()
        print(f"[{name}] pooled DER, every set: {pooled_der(list(results.values())):.2f} %")
        held_out = [result for label, result in results.items() if not label.endswith(" tune")]
        if held_out and len(held_out) < len(results):
            print(f"[{name}] pooled DER, all but the tuning halves: {pooled_der(held_out):.2f} %")


if __name__ == "__main__":
    main()
