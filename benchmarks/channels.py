"""One speaker per channel: stereo calls diarized with ``--channels auto``, ``split`` and ``mix``.

Seeded two-party calls are built from ``../shared/data/librispeech`` voices (the speakers of
the development set's test split, :func:`benchmarks.devset.split_speakers`): turns of 1–7 s,
backchannels and both-talking (the dialogue scenes of :mod:`benchmarks.scenes`). Each party
is on its own channel, with the other party leaking in at -15 to -25 dB (drawn per call and
per direction) and its own line hiss (-50 to -40 dB below full scale), then through the
telephone channel (300–3400 Hz, 8 kHz, G.711 mu-law: :mod:`benchmarks.telephone`). The same
calls are also written mixed down to mono, as a recorder without channels keeps them.

Printed, one figure per line, for each of stereo and mono and each mode: DER (collar 0.25 s,
overlap scored, whole call) with its components, and the share of calls whose speaker count
is exact. Then the default (``auto``) and ``mix`` DER on ``../shared/data/real`` (collar
0.25 s) and on the pyannote sample (``examples/sample.wav``, collar 0), which are mono: the
two must be equal.

    python benchmarks/channels.py [--calls 8] [--first-call 0]
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from pyannote.core import Segment, Timeline  # noqa: E402
from pyannote.metrics.diarization import DiarizationErrorRate  # noqa: E402

from benchmarks.conversations import LIBRISPEECH  # noqa: E402
from benchmarks.der import EXAMPLES, Score, real_items, sample_items  # noqa: E402
from benchmarks.devset import split_speakers  # noqa: E402
from benchmarks.real import REAL_COLLAR_S, real_available  # noqa: E402
from benchmarks.scenes import Scene, dialogue  # noqa: E402
from benchmarks.telephone import write_telephone_call  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "channels-v1"
COLLAR_S = 0.25
MODES = ("auto", "split", "mix")
#: seed of the calls (each call: SEED + its number)
SEED = 2200
LEAK_DB = (-25.0, -15.0)
HISS_DB = (-50.0, -40.0)


def build_calls(count: int, first: int = 0) -> list[tuple[Scene, Path, Path]]:
    """``count`` calls from number ``first`` as ``(scene, stereo path, mono path)``, written
    into :data:`CACHE` once."""
    CACHE.mkdir(parents=True, exist_ok=True)
    pool = split_speakers("test")
    calls = []
    for index in range(first, first + count):
        rng = np.random.default_rng(SEED + index)
        parties = [str(s) for s in rng.choice(pool, size=2, replace=False)]
        gains_db = {party: float(rng.uniform(-4, 2)) for party in parties}
        scene = dialogue(f"call{index}", parties, float(rng.uniform(45, 90)), rng,
                         overlap_probability=0.2, backchannel_probability=0.3, gains_db=gains_db)
        stereo, mono = CACHE / f"call{index}-stereo.wav", CACHE / f"call{index}-mono.wav"
        if not (stereo.is_file() and mono.is_file()):
            channels = _leaky_channels(scene, rng)
            write_telephone_call(channels, stereo, parties_apart=True)
            write_telephone_call(channels, mono, parties_apart=False)
        calls.append((scene, stereo, mono))
    return calls


def _leaky_channels(scene: Scene, rng: np.random.Generator) -> np.ndarray:
    """(2, N): each party's own channel, the other leaking in, and its own line hiss."""
    first, second = scene.tracks.values()
    leaks = 10 ** (rng.uniform(*LEAK_DB, size=2) / 20)
    hiss = 10 ** (rng.uniform(*HISS_DB, size=2) / 20)
    return np.stack([
        first + leaks[0] * second + rng.normal(0, hiss[0], len(first)),
        second + leaks[1] * first + rng.normal(0, hiss[1], len(second)),
    ]).astype(np.float32)


def score_calls(diarizer: Diarizer, calls: list[tuple[Scene, Path, Path]], which: int) -> Score:
    result = Score(DiarizationErrorRate(collar=COLLAR_S, skip_overlap=False))
    for scene, *paths in calls:
        started = time.perf_counter()
        hypothesis = diarizer.run(paths[which], uri=scene.name)
        uem = Timeline([Segment(0.0, scene.duration_s)])
        result.add(scene.name, scene.reference, hypothesis, uem, time.perf_counter() - started)
    return result


def print_score(prefix: str, result: Score, counts: bool = True) -> None:
    for name, percent in result.error_percentages().items():
        print(f"{prefix} {name}: {percent:.1f} %")
    if counts:
        print(f"{prefix} exact speaker count: {100 * result.exact / result.recordings:.0f} % of {result.recordings}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=8, help="number of calls (default 8)")
    parser.add_argument("--first-call", type=int, default=0,
                        help="number of the first call (default 0; 8: calls no choice was made on)")
    arguments = parser.parse_args()
    if not LIBRISPEECH.is_dir():
        sys.exit(f"channels benchmark: the shared LibriSpeech voices are absent (looked in {LIBRISPEECH})")
    calls = build_calls(arguments.calls, arguments.first_call)
    # split on the mono calls warns that they have one channel, each time: that is the point
    warnings.filterwarnings("ignore", message="--channels split needs two channels")
    diarizers = {mode: Diarizer(channels=mode) for mode in MODES}
    for which, layout in enumerate(("stereo", "mono")):
        for mode in MODES:
            print_score(f"channels {layout} calls {mode}", score_calls(diarizers[mode], calls, which))
    references = [("real", real_items(), REAL_COLLAR_S)] if real_available() else []
    if (EXAMPLES / "sample.wav").is_file():
        references.append(("sample", sample_items(), 0.0))
    for label, items, collar in references:
        for mode in ("auto", "mix"):
            result = Score(DiarizationErrorRate(collar=collar, skip_overlap=False))
            for name, path, reference, uem in items:
                result.add(name, reference, diarizers[mode].run(path, uri=name), uem, 0.0)
            print_score(f"channels {label} {mode}", result, counts=label == "real")


if __name__ == "__main__":
    main()
