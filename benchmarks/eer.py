"""Speaker-verification equal-error rate (EER) and its threshold, one figure per line.

Data: the LibriSpeech utterances in ``../shared/data/librispeech`` (one utterance per speaker).
Each utterance is cut into its first and second half, so the two sides of a trial never share
audio. Protocol, for every embedder installed (``campplus`` and ``campplus-fp32`` always, ``autospeech`` when
downloaded):

- whole utterance: every first half against every second half; same speaker: the two halves of
  one utterance (one target trial per speaker); different speakers: first half of one speaker
  against second half of another (S·(S-1) non-target trials);
- 1.5 s crops: from every half, ``--crops`` random 1.5 s crops (seed ``--seed``); trials pair
  crops of first halves with crops of second halves in the same way (halves shorter than 1.5 s
  are left out).

Scores are cosine similarities of :meth:`SpeakerEmbedder.embed_utterance` embeddings. The EER is
where the false-acceptance and false-rejection rates cross on the ROC curve (linearly
interpolated between operating points); the threshold printed is the score there. For whole
utterances it also prints the lowest threshold that falsely accepts at most 0.1 % of the
different-speaker trials, and the false-rejection rate there: the "sure match" point that
diarization uses to merge speakers (``SpeakerEmbedder.merge_threshold``).

    python benchmarks/eer.py [--crops 3] [--seed 0] [--threads 2]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from diarize_plugin.audio.decode import load_audio  # noqa: E402
from diarize_plugin.embed.base import SpeakerEmbedder, l2_normalize  # noqa: E402
from diarize_plugin.embed.registry import load_embedder  # noqa: E402
from diarize_plugin.errors import DiarizeError  # noqa: E402

LIBRISPEECH = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "librispeech"
SAMPLE_RATE = 16_000
CROP_S = 1.5


def librispeech_halves(folder: Path = LIBRISPEECH) -> list[tuple[np.ndarray, np.ndarray]]:
    """First and second half of every ``*.flac`` utterance in ``folder`` (sorted by name)."""
    halves = []
    for path in sorted(folder.glob("*.flac")):
        waveform = load_audio(path)
        middle = len(waveform) // 2
        halves.append((waveform[:middle], waveform[middle:]))
    return halves


def random_crops(waveform: np.ndarray, count: int, rng: np.random.Generator, crop_s: float = CROP_S) -> list[np.ndarray]:
    """``count`` crops of ``crop_s`` seconds at uniformly random offsets (empty if too short)."""
    crop_samples = int(round(crop_s * SAMPLE_RATE))
    if len(waveform) < crop_samples:
        return []
    starts = rng.integers(0, len(waveform) - crop_samples + 1, size=count)
    return [waveform[start : start + crop_samples] for start in starts]


def equal_error_rate(target_scores: np.ndarray, nontarget_scores: np.ndarray) -> tuple[float, float]:
    """``(EER as a fraction, threshold)`` from same-speaker and different-speaker scores.

    At threshold ``t`` a trial is accepted when its score is ``>= t``. The false-rejection and
    false-acceptance rates are evaluated at every distinct score; the crossing is linearly
    interpolated between the last threshold where FRR < FAR and the next.
    """
    targets = np.sort(np.asarray(target_scores, dtype=np.float64))
    nontargets = np.sort(np.asarray(nontarget_scores, dtype=np.float64))
    thresholds = np.unique(np.concatenate([targets, nontargets]))
    false_rejection = np.searchsorted(targets, thresholds, side="left") / len(targets)
    false_acceptance = 1.0 - np.searchsorted(nontargets, thresholds, side="left") / len(nontargets)
    crossing = int(np.argmax(false_rejection >= false_acceptance))
    if crossing == 0:
        return float(false_acceptance[0] + false_rejection[0]) / 2.0, float(thresholds[0])
    before, after = crossing - 1, crossing
    gap_before = false_acceptance[before] - false_rejection[before]
    gap_after = false_rejection[after] - false_acceptance[after]
    weight = gap_before / (gap_before + gap_after)
    eer = false_rejection[before] + weight * (false_rejection[after] - false_rejection[before])
    threshold = thresholds[before] + weight * (thresholds[after] - thresholds[before])
    return float(eer), float(threshold)


def threshold_at_false_acceptance(
    target_scores: np.ndarray, nontarget_scores: np.ndarray, rate: float = 0.001
) -> tuple[float, float]:
    """``(threshold, false-rejection rate)``: the lowest threshold (rounded up to 0.001) at which
    at most ``rate`` of the different-speaker trials score ``>=`` it, and the share of
    same-speaker trials below it."""
    nontargets = np.sort(np.asarray(nontarget_scores, dtype=np.float64))[::-1]
    allowed = int(np.floor(rate * len(nontargets)))
    threshold = float(np.ceil(nontargets[allowed] * 1000 + 1e-9) / 1000) if allowed < len(nontargets) else -1.0
    return threshold, float(np.mean(np.asarray(target_scores) < threshold))


def cross_scores(
    first: np.ndarray, second: np.ndarray, first_speaker: np.ndarray, second_speaker: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Cosine scores of every row of ``first`` against every row of ``second`` (N×D, M×D),
    split into same-speaker and different-speaker trials by the speaker indices."""
    scores = l2_normalize(first.astype(np.float64)) @ l2_normalize(second.astype(np.float64)).T
    same = first_speaker[:, None] == second_speaker[None, :]
    return scores[same], scores[~same]


def embed_all(embedder: SpeakerEmbedder, waveforms: list[np.ndarray]) -> np.ndarray:
    return np.stack([embedder.embed_utterance(waveform) for waveform in waveforms])


def whole_utterance_scores(
    embedder: SpeakerEmbedder, halves: list[tuple[np.ndarray, np.ndarray]]
) -> tuple[np.ndarray, np.ndarray]:
    """Same-speaker and different-speaker scores of first halves against second halves."""
    speakers = np.arange(len(halves))
    first = embed_all(embedder, [pair[0] for pair in halves])
    second = embed_all(embedder, [pair[1] for pair in halves])
    return cross_scores(first, second, speakers, speakers)


def crop_eer(
    embedder: SpeakerEmbedder, halves: list[tuple[np.ndarray, np.ndarray]], crops: int, seed: int
) -> tuple[float, float, int]:
    """EER, threshold and number of speakers used, on seeded 1.5 s crops of each half."""
    rng = np.random.default_rng(seed)
    first, second, first_speaker, second_speaker = [], [], [], []
    used = 0
    for speaker, (first_half, second_half) in enumerate(halves):
        first_crops, second_crops = random_crops(first_half, crops, rng), random_crops(second_half, crops, rng)
        if not first_crops or not second_crops:
            continue
        used += 1
        first += first_crops
        second += second_crops
        first_speaker += [speaker] * len(first_crops)
        second_speaker += [speaker] * len(second_crops)
    eer, threshold = equal_error_rate(
        *cross_scores(
            embedder.embed_windows(first),
            embedder.embed_windows(second),
            np.array(first_speaker),
            np.array(second_speaker),
        )
    )
    return eer, threshold, used


def installed_embedders(threads: int) -> list[SpeakerEmbedder]:
    """CAM++ (int8, the default, and float32) and, when it has been downloaded, AutoSpeech."""
    embedders = [load_embedder("campplus", threads=threads), load_embedder("campplus-fp32", threads=threads)]
    try:
        embedders.append(load_embedder("autospeech", threads=threads))
    except DiarizeError as error:
        print(f"autospeech skipped: {error}", file=sys.stderr)
    return embedders


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--crops", type=int, default=3, help="1.5 s crops per utterance half")
    parser.add_argument("--seed", type=int, default=0, help="seed of the crop offsets")
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads")
    arguments = parser.parse_args(argv)
    if not LIBRISPEECH.is_dir():
        print(f"skipped: LibriSpeech excerpts are not at {LIBRISPEECH}")
        return 0
    halves = librispeech_halves()
    print(f"speakers: {len(halves)}")
    for embedder in installed_embedders(arguments.threads):
        targets, nontargets = whole_utterance_scores(embedder, halves)
        eer, threshold = equal_error_rate(targets, nontargets)
        print(f"{embedder.name} whole-utterance EER: {100 * eer:.2f} %")
        print(f"{embedder.name} whole-utterance EER threshold: {threshold:.3f}")
        sure, rejected = threshold_at_false_acceptance(targets, nontargets)
        print(f"{embedder.name} whole-utterance threshold at 0.1 % false acceptance: {sure:.3f}")
        print(f"{embedder.name} whole-utterance false rejection there: {100 * rejected:.1f} %")
        eer, threshold, used = crop_eer(embedder, halves, arguments.crops, arguments.seed)
        print(f"{embedder.name} 1.5 s crop speakers: {used}")
        print(f"{embedder.name} 1.5 s crop EER: {100 * eer:.2f} %")
        print(f"{embedder.name} 1.5 s crop EER threshold: {threshold:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
