"""Train the PLDA (two-covariance) model of VBx counting for CAM++, from the TUNING half only.

pyannote 4 and BUT's VBx use a PLDA trained on thousands of VoxCeleb speakers; there is none
for CAM++ we may use, so this one is estimated from what ``../shared`` holds: every recording
of the tuning half of the development set (``benchmarks/devset.py``: ``telephone``,
``telephone-16k``, ``reverb``, ``noise``, ``meeting``, ``broadcast``; 50 LibriSpeech speakers, none of
the test half's). In each, 1.5 s windows every 1 s inside each reference speaker's speech where
nobody else talks are embedded by the bundled int8 CAM++; a class is one speaker *in one
recording*, since in diarization every window of a speaker shares the recording's channel and
room. :meth:`diarize_plugin.clustering.vbx.SpeakerSpace.from_clusters` then estimates the within-class
covariance (shrunk by 0.1 toward its average variance) and the between-class covariance,
keeping the 64 dimensions of largest between-class variance, and the model is written to
``diarize_plugin/models/plda-campplus.npz`` (float32 ``mean``, ``transform``, ``phi``).

Deterministic; prints the number of windows and classes, and the file's sha256. Usage::

    python tools/train_plda.py [--output diarize_plugin/models/plda-campplus.npz]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import devset  # noqa: E402
from diarize_plugin.audio.source import decode_audio  # noqa: E402
from diarize_plugin.embed.registry import load_embedder  # noqa: E402
from diarize_plugin.util.file_digest import sha256_of_files  # noqa: E402
from diarize_plugin.clustering.vbx import PLDA_DIMENSION, PLDA_SHRINKAGE, SpeakerSpace  # noqa: E402
from diarize_plugin.embed.campplus import BUNDLED_PLDA_PATH  # noqa: E402
from diarize_plugin.diarization.window_speakers import embed_segments  # noqa: E402
from diarize_plugin.embed.windows import sliding_windows  # noqa: E402

CONDITIONS = ("telephone", "telephone-16k", "reverb", "noise", "meeting", "broadcast")
WINDOW_S, HOP_S = 1.5, 1.0


def speaker_windows(reference) -> list[tuple[str, list]]:
    """Per reference speaker, the windows inside their speech where nobody else speaks."""
    found = []
    for label in sorted(reference.labels()):
        alone = reference.label_timeline(label).support()
        for other in reference.labels():
            if other != label:
                alone = alone.extrude(reference.label_timeline(other).support())
        found.append((label, sliding_windows(alone, WINDOW_S, HOP_S)))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=BUNDLED_PLDA_PATH)
    arguments = parser.parse_args()
    embedder = load_embedder("campplus", threads=None)
    rows, classes = [], []
    for condition in CONDITIONS:
        for recording in devset.recordings(condition, "tune"):
            with decode_audio(recording.path) as audio:
                for label, windows in speaker_windows(recording.reference):
                    if windows:
                        rows.append(embed_segments(embedder, audio, windows))
                        classes.extend([f"{condition}/{recording.name}/{label}"] * len(windows))
    embeddings = np.concatenate(rows)
    names, labels = np.unique(classes, return_inverse=True)
    space = SpeakerSpace.from_clusters(embeddings, labels, shrinkage=PLDA_SHRINKAGE, max_dimension=PLDA_DIMENSION)
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    with open(arguments.output, "wb") as file:
        np.savez(file, mean=space.mean.astype(np.float32), transform=space.transform.astype(np.float32),
                 phi=space.phi.astype(np.float32))
    print(f"windows: {len(embeddings)}")
    print(f"classes (speaker x recording): {len(names)}")
    print(f"{arguments.output.name} sha256: {sha256_of_files([arguments.output])}")


if __name__ == "__main__":
    main()
