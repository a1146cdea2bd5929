"""How many of 24 seeded verification pairs ``verify`` gets right at the default threshold
(or ``--threshold``).

Pairs come from the LibriSpeech utterances in ``../shared/data/librispeech`` (one per
speaker), each cut into a first and a second half: 12 same-speaker pairs (the two halves of one
speaker's utterance) and 12 different-speaker pairs (the first half of one speaker against the
second half of another), speakers drawn with seed ``--seed``. These voices are not the
issue's held-out LibriSpeech voices (those are not in ``../shared``), so the figure is a check
of the decision rule, not an unbiased accuracy.

    python benchmarks/verify_pairs.py [--seed 0] [--threads 2] [--embedder campplus] [--threshold T]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.eer import LIBRISPEECH, librispeech_halves  # noqa: E402
from diarize_plugin.embed.registry import load_embedder  # noqa: E402
from diarize_plugin.voices.verification import verify  # noqa: E402

PAIRS_PER_KIND = 12


def seeded_pairs(speakers: int, seed: int) -> list[tuple[int, int]]:
    """12 ``(i, i)`` same-speaker pairs then 12 ``(i, j)``, ``i != j``, different-speaker pairs."""
    rng = np.random.default_rng(seed)
    same = [(int(i), int(i)) for i in rng.choice(speakers, PAIRS_PER_KIND, replace=False)]
    different = []
    while len(different) < PAIRS_PER_KIND:
        first, second = (int(index) for index in rng.choice(speakers, 2, replace=False))
        if (first, second) not in different:
            different.append((first, second))
    return same + different


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=0, help="seed of the speaker draw")
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads")
    parser.add_argument("--embedder", default="campplus", help="embedder name or ONNX path")
    parser.add_argument("--threshold", type=float, default=None, help="cosine threshold (default: the embedder's)")
    arguments = parser.parse_args(argv)
    if not LIBRISPEECH.is_dir():
        print(f"skipped: LibriSpeech excerpts are not at {LIBRISPEECH}")
        return 0
    halves = librispeech_halves()
    embedder = load_embedder(arguments.embedder, threads=arguments.threads)
    right = {"same": 0, "different": 0}
    for first, second in seeded_pairs(len(halves), arguments.seed):
        kind = "same" if first == second else "different"
        result = verify(halves[first][0], halves[second][1], embedder=embedder, threshold=arguments.threshold)
        right[kind] += result.match == (kind == "same")
    total = PAIRS_PER_KIND * 2
    threshold = embedder.default_threshold if arguments.threshold is None else arguments.threshold
    print(f"{embedder.name} threshold: {threshold:.3f}")
    print(f"{embedder.name} same-speaker pairs right: {right['same']} / {PAIRS_PER_KIND}")
    print(f"{embedder.name} different-speaker pairs right: {right['different']} / {PAIRS_PER_KIND}")
    print(f"{embedder.name} pairs right: {right['same'] + right['different']} / {total}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
