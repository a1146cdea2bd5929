"""Compare speaker-counting settings on the development set quickly: the segmentation
network's output and every embedding are computed once and kept on disk, so each further
setting costs only its clustering, the speaker merge and scoring.

    python tools/tune_counting.py --configs 'ahc={}' 'spectral={"counting": "spectral"}' \
        --conditions meeting,broadcast --splits tune [--cache /tmp/counting-cache]

Each config is ``NAME=JSON`` of :class:`diarize_plugin.Diarizer` keyword arguments. Prints,
per config and condition, DER and exact / within-one speaker counts (as ``benchmarks/der.py``
does, with its scoring); ``--details`` adds one line per recording. Tune on ``--splits tune``
only: the test half and AMI are for reporting.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import der  # noqa: E402
from diarize_plugin import Diarizer  # noqa: E402
from diarize_plugin.segmentation.network import Segmenter  # noqa: E402


class DiskMemo:
    """A dict of computed arrays by content hash, loaded from and saved to one pickle file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, np.ndarray] = pickle.loads(path.read_bytes()) if path.is_file() else {}
        self.added = 0

    def save(self) -> None:
        if self.added:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(".tmp")
            temporary.write_bytes(pickle.dumps(self.values))
            temporary.replace(self.path)
            self.added = 0


def _digest(*arrays: np.ndarray, tag: str = "") -> str:
    hasher = hashlib.sha1(tag.encode())
    for array in arrays:
        hasher.update(np.ascontiguousarray(array, dtype=np.float32).tobytes())
    return hasher.hexdigest()


def memoize_models(diarizer: Diarizer, embeddings: DiskMemo, counts: DiskMemo) -> None:
    """Make ``diarizer``'s embedder and segmenter answer from the memos where they can."""
    embedder = diarizer.embedder
    if not getattr(embedder, "_memoized", False):
        _memoize_embedder(embedder, embeddings)
    if diarizer.neural is not None:
        _memoize_segmenter(diarizer.neural.segmenter, counts)


def _memoize_embedder(embedder, embeddings: DiskMemo) -> None:
    embed_windows, embed_utterance = embedder.embed_windows, embedder.embed_utterance

    def cached_windows(windows):
        keys = [_digest(window) for window in windows]
        missing = [index for index, key in enumerate(keys) if key not in embeddings.values]
        if missing:
            computed = embed_windows([windows[index] for index in missing])
            for index, row in zip(missing, computed):
                embeddings.values[keys[index]] = row
            embeddings.added += len(missing)
        return np.stack([embeddings.values[key] for key in keys]) if keys else embed_windows(windows)

    def cached_utterance(waveform):
        key = _digest(waveform, tag="utterance")
        if key not in embeddings.values:
            embeddings.values[key] = embed_utterance(waveform)
            embeddings.added += 1
        return embeddings.values[key]

    embedder.embed_windows, embedder.embed_utterance = cached_windows, cached_utterance
    embedder._memoized = True


def _memoize_segmenter(segmenter: Segmenter, counts: DiskMemo) -> None:
    expected_count, argmax_count = segmenter.expected_count, segmenter.argmax_count

    def cached(function, tag):
        def run(audio, progress=None, edge_s=1.0):
            key = _digest(audio.read(0, audio.num_samples), tag=f"{tag}{segmenter.step_s}{edge_s}")
            if key not in counts.values:
                counts.values[key] = function(audio, progress=progress, edge_s=edge_s)
                counts.added += 1
            return counts.values[key]

        return run

    segmenter.expected_count = cached(expected_count, "expected")
    segmenter.argmax_count = cached(argmax_count, "argmax")


class WindowDump:
    """Records, per recording, the windows and embeddings that were counted (``--dump``)."""

    def __init__(self) -> None:
        self.recordings: dict[str, dict] = {}
        self._name = ""
        self._windows: list = []

    def install(self) -> None:
        from diarize_plugin import counting, pipeline, window_diarization

        run, sliding_windows, label = pipeline.Diarizer.run, window_diarization.sliding_windows, counting.Counting.label
        dump = self

        def named_run(diarizer, audio, *args, uri=None, **kwargs):
            dump._name = uri or ""
            return run(diarizer, audio, *args, uri=uri, **kwargs)

        def recorded_windows(*args, **kwargs):
            dump._windows = sliding_windows(*args, **kwargs)
            return dump._windows

        def recorded_label(counting_, embeddings, threshold, bounds=None):
            labels = label(counting_, embeddings, threshold, bounds)
            dump.recordings[dump._name] = {
                "windows": np.array([(w.start, w.end) for w in dump._windows]),
                "embeddings": np.asarray(embeddings),
                "threshold": threshold,
                "labels": labels,
            }
            return labels

        pipeline.Diarizer.run = named_run
        window_diarization.sliding_windows = recorded_windows
        counting.Counting.label = recorded_label


def patched(options: dict) -> list[tuple[object, str, object]]:
    """Apply the config's expert settings; returns what :func:`restore` puts back.

    ``"_spectral"`` / ``"_vbx"``: keyword arguments of :func:`~diarize_plugin.clustering.spectral.spectral_labels`
    / :func:`~diarize_plugin.clustering.vbx.vbx_labels`; ``"_counting"``: constants of :mod:`diarize_plugin.clustering.counting`.
    """
    import functools

    from diarize_plugin.clustering import counting, spectral, vbx

    saved = []
    for key, module, function in (("_spectral", spectral, "spectral_labels"), ("_vbx", vbx, "vbx_labels")):
        if key in options:
            saved.append((module, function, getattr(module, function)))
            setattr(module, function, functools.partial(getattr(module, function), **options.pop(key)))
    for name, value in options.pop("_counting", {}).items():
        saved.append((counting, name, getattr(counting, name)))
        setattr(counting, name, value)
    return saved


def restore(saved: list[tuple[object, str, object]]) -> None:
    for module, name, value in reversed(saved):
        setattr(module, name, value)


def items_of(condition: str, split: str):
    if condition == "ami":
        return der.ami_items()
    if condition == "sample":
        return der.sample_items()
    return der.devset_items(condition, split)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", nargs="+", default=["ahc={}"], help="NAME=JSON of Diarizer options")
    parser.add_argument("--conditions", default="meeting,broadcast")
    parser.add_argument("--splits", default="tune")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/counting-cache"))
    parser.add_argument("--details", action="store_true")
    parser.add_argument("--dump", type=Path, help="pickle of windows, embeddings and references per recording")
    arguments = parser.parse_args()
    dump = WindowDump() if arguments.dump else None
    if dump is not None:
        dump.install()
    dumped: dict[str, dict] = {}
    embeddings = DiskMemo(arguments.cache / "embeddings.pkl")
    counts = DiskMemo(arguments.cache / "counts.pkl")
    shared_embedder = None
    for config in arguments.configs:
        name, _, options = config.partition("=")
        options = json.loads(options or "{}")
        if shared_embedder is not None and "embedder" not in options:
            options["embedder"] = shared_embedder
        saved = patched(options)
        diarizer = Diarizer(**options)
        shared_embedder = diarizer.embedder
        memoize_models(diarizer, embeddings, counts)
        for condition in arguments.conditions.split(","):
            splits = [""] if condition in ("ami", "sample") else arguments.splits.split(",")
            for split in splits:
                collar = 0.0 if condition in ("ami", "sample") else 0.25
                items = items_of(condition, split)
                result = der.score(diarizer, items, collar)
                if dump is not None:
                    for item_name, _, reference, _ in items:
                        dump.recordings.setdefault(item_name, {})["reference"] = reference
                    dumped[f"{condition} {split}".rstrip()] = dump.recordings
                    dump.recordings = {}
                    arguments.dump.write_bytes(pickle.dumps(dumped))
                embeddings.save()
                counts.save()
                der.report(f"[{name}] {condition} {split}".rstrip(), result, arguments.details)
        restore(saved)


if __name__ == "__main__":
    main()
