"""How far the speech-like background rejection reaches: crowds of other sizes and levels.

The ``noise`` condition's five test-half conversations (:mod:`benchmarks.devset`) under a
crowd of ``N`` voices of the test half (LibriSpeech, each at its own place in one simulated
room, as the condition's babble) at ``S`` dB SNR, for N in 1 (one distant talker, as a TV
in the room), 6 and 20 and S in 5 and 15. The crowd is not in the reference, so whatever is
heard of it is false alarm. A check of how the rules behave beyond the development set, not
a tuning set. For each crowd it prints DER and its components for the default rules
(``neural``), the same without the rejection (``neural-keep``) and pyannote's decoding
(``pyannote``). Audio is built once into ``benchmarks/.cache/crowds-v1/``.

    python benchmarks/crowds.py [--crowds 20x15,6x15]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import soundfile  # noqa: E402

from benchmarks import devset, rooms, sounds  # noqa: E402
from benchmarks.conversations import LIBRISPEECH, speaker_files  # noqa: E402
from benchmarks.der import Score, whole_recording, report, score  # noqa: E402
from diarize_plugin import Diarizer, DiarizerOptions  # noqa: E402
from diarize_plugin.formats.rttm import annotation_to_rttm, read_rttm  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache" / "crowds-v1"
CROWDS = ((1, 5), (1, 15), (6, 5), (6, 15), (20, 5), (20, 15))


def crowd_items(voices: int, snr_db: float) -> list[tuple]:
    """(name, path, reference, uem) of the five conversations under this crowd, built when missing."""
    folder = CACHE / f"{voices}x{snr_db:g}"
    if not (folder / "complete").is_file():
        folder.mkdir(parents=True, exist_ok=True)
        files, pool = speaker_files(LIBRISPEECH), devset.split_speakers("test")
        for scene in devset.CONDITIONS["noise"][0]("test"):
            rng = np.random.default_rng(devset.seed_of("crowds", str(voices), f"{snr_db:g}", scene.name))
            speech = scene.mix()
            crowd = rng.choice([s for s in pool if s not in scene.tracks], size=voices, replace=False)
            talkers = [soundfile.read(str(files[str(s)]), dtype="float32")[0] for s in crowd]
            responses = rooms.room_impulse_responses(len(talkers), rng)
            sound = sounds.babble(len(speech), [rooms.reverberate(t, r) for t, r in zip(talkers, responses)], rng)
            devset.write_wav(folder / f"{scene.name}.wav", sounds.add_at_snr(speech, sound, snr_db))
            (folder / f"{scene.name}.rttm").write_text(annotation_to_rttm(scene.reference), encoding="utf-8")
        (folder / "complete").write_text("", encoding="utf-8")
    items = []
    for path in sorted(folder.glob("*.wav")):
        reference = read_rttm(path.with_suffix(".rttm"))[path.stem]
        items.append((path.stem, path, reference, whole_recording(path)))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--crowds", default=",".join(f"{v}x{s}" for v, s in CROWDS), help="VOICESxSNR, comma-separated")
    arguments = parser.parse_args()
    if not devset.available():
        print("crowds skipped: ../shared/data/librispeech is absent")
        return
    # the ablation: the rules as they were before background rejection
    keep = Diarizer(options=DiarizerOptions.from_keywords(segmentation="neural", reject_background=False))
    diarizers = {"neural": Diarizer(segmentation="neural"), "neural-keep": keep,
                 "pyannote": Diarizer(segmentation="neural", decoding="pyannote")}
    for crowd in arguments.crowds.split(","):
        voices, snr_db = crowd.split("x")
        items = crowd_items(int(voices), float(snr_db))
        for mode, diarizer in diarizers.items():
            result: Score = score(diarizer, items, collar=0.25)
            report(f"[{mode}] crowd of {voices} at {snr_db} dB", result)


if __name__ == "__main__":
    main()
