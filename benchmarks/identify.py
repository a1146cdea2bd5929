"""Voice database figures, one per line: identification, open-set decisions, naming, speed.

Data: ``../shared/data/librispeech``, one utterance per speaker (100 speakers, 1.6–17 s).
Speakers sorted by id alternate between a **calibration half** (even positions) and a **report
half** (odd positions); the threshold is chosen on the first and every reported rate is measured
on the second. Within a speaker's one utterance, enrollment and test never share audio:

- **test clip**: the utterance's last 10 s (speakers whose utterance is shorter are left out);
- **enrollment**: everything before that clip (``L - 10`` s), enrolled as ``diarize enroll``
  does (refused below 3 s of speech or with a second voice: such speakers are never enrolled and
  serve only as unknown voices);
- both go through :func:`diarize_plugin.voices.recording.recording_voice` (diarization, then the
  speaker's speech embedded in one piece), as the commands do.

Figures of a half:

- **top-1 accuracy**: every enrolled speaker's test clip against all enrolled speakers of the
  half (closed set: is the best candidate right?); also against the enrolled speakers of both
  halves (no tuning involved, a larger gallery).
- **open set**: the enrolled speakers are split in two folds (alternating); with each fold as the
  gallery, its speakers' clips are known probes and the other fold's clips plus the never-enrolled
  speakers' clips are unknown probes. False accept: an unknown probe whose best similarity
  reaches the threshold; false reject: a known probe whose best similarity does not. (A known
  probe named after the wrong person is counted separately.)
- **calibration** (calibration half only): the lowest threshold (rounded up to 0.001) that at most
  0.1 % of the half's different-speaker pairs (an enrollment print against another speaker's
  test clip) reach: the same "sure match" rule as ``merge_threshold``, on identification data.
- **named correctly**: synthetic conversations (``benchmarks/conversations.py``) built only from
  the report half's test clips, 2–5 enrolled speakers each and, in every second one, one
  never-enrolled speaker; the gallery holds every enrolled speaker of the half. Share of the
  reference speech time whose diarized speaker carries the right name (never-enrolled: any
  ``SPEAKER_xx``).
- **speed**: 1,000 people with random voiceprints in a fresh database; the time to write their
  enrollments (one transaction each, as ``diarize enroll`` does) and the time to identify one
  clip against them beyond its embedding (open the database, load the prints, score, decide).

    python benchmarks/identify.py [--threads 2] [--conversations 8]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.conversations import LIBRISPEECH, build_conversation, speaker_files  # noqa: E402
from benchmarks.eer import threshold_at_false_acceptance  # noqa: E402
from diarize_plugin.audio.decode import SAMPLE_RATE, load_audio  # noqa: E402
from diarize_plugin.errors import DiarizeError  # noqa: E402
from diarize_plugin.diarization.pipeline import Diarizer  # noqa: E402
from diarize_plugin.voices.diarize_with_voices import run_with_voices  # noqa: E402
from diarize_plugin.voices.identification import Gallery, person_print  # noqa: E402
from diarize_plugin.voices.recording import MIN_ENROLL_SPEECH_S, MIN_IDENTIFY_SPEECH_S, recording_voice  # noqa: E402
from diarize_plugin.voices.people import Voiceprint  # noqa: E402
from diarize_plugin.voices.store import VoiceStore  # noqa: E402

TEST_S = 10.0
GALLERY_SIZE = 1000


@dataclass
class SpeakerVoices:
    """One speaker's test-clip embedding, and enrollment embedding when they could be enrolled."""

    speaker: str
    test: np.ndarray
    enrollment: np.ndarray | None
    enrollment_speech_s: float
    test_waveform: np.ndarray


def embed_speakers(diarizer: Diarizer, files: dict[str, Path]) -> tuple[list[SpeakerVoices], list[str]]:
    """Voices of every speaker with at least ``TEST_S`` of audio; and the speakers left out, why."""
    voices, left_out = [], []
    for speaker, path in files.items():
        waveform = load_audio(path)
        cut = len(waveform) - int(TEST_S * SAMPLE_RATE)
        if cut < 0:
            left_out.append(f"{speaker} (utterance {len(waveform) / SAMPLE_RATE:.1f} s)")
            continue
        try:
            test = recording_voice(waveform[cut:], diarizer, MIN_IDENTIFY_SPEECH_S, source_name=f"{speaker} test")
        except DiarizeError as error:
            left_out.append(f"{speaker} (test clip: {error})")
            continue
        enrollment, speech_s = None, 0.0
        if cut > 0:
            try:
                voice = recording_voice(waveform[:cut], diarizer, MIN_ENROLL_SPEECH_S, source_name=f"{speaker} enrollment")
                enrollment, speech_s = voice.embedding, voice.speech_s
            except DiarizeError:
                pass
        voices.append(SpeakerVoices(speaker, test.embedding, enrollment, speech_s, waveform[cut:]))
    return voices, left_out


def gallery_of(voices: list[SpeakerVoices], embedder) -> Gallery:
    prints = np.stack([person_print([v.enrollment], [v.enrollment_speech_s]) for v in voices])
    return Gallery([v.speaker for v in voices], prints, embedder.name, embedder.model_sha256)


def top1_accuracy(probes: list[SpeakerVoices], gallery: Gallery) -> float:
    scores = gallery.similarities(np.stack([v.test for v in probes]))
    best = [gallery.names[i] for i in np.argmax(scores, axis=1)]
    return float(np.mean([name == v.speaker for name, v in zip(best, probes)]))


def open_set_trials(enrolled: list[SpeakerVoices], unknown: list[SpeakerVoices], embedder):
    """Best (score, right person?) of every known probe, best score of every unknown probe."""
    folds = [enrolled[0::2], enrolled[1::2]]
    known, impostor = [], []
    for index, fold in enumerate(folds):
        gallery = gallery_of(fold, embedder)
        for probe in fold:
            scores = gallery.similarities(probe.test)[0]
            known.append((float(scores.max()), gallery.names[int(scores.argmax())] == probe.speaker))
        for probe in folds[1 - index] + unknown:
            impostor.append(float(gallery.similarities(probe.test)[0].max()))
    return known, np.array(impostor)


def pair_scores(enrolled: list[SpeakerVoices], probes: list[SpeakerVoices], embedder) -> tuple[np.ndarray, np.ndarray]:
    """Same-speaker and different-speaker scores of every enrollment print against every test clip."""
    gallery = gallery_of(enrolled, embedder)
    scores = gallery.similarities(np.stack([v.test for v in probes]))
    same = np.array([[probe.speaker == name for name in gallery.names] for probe in probes])
    return scores[same], scores[~same]


def rates(known: list[tuple[float, bool]], impostor: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """False-accept, false-reject and wrong-person rates at ``threshold``."""
    false_accept = float(np.mean(impostor >= threshold))
    false_reject = float(np.mean([score < threshold for score, _ in known]))
    wrong = float(np.mean([score >= threshold and not right for score, right in known]))
    return false_accept, false_reject, wrong


def named_share(diarizer: Diarizer, enrolled: list[SpeakerVoices], unknown: list[SpeakerVoices], count: int) -> float:
    """Share of reference speech time whose diarized speaker carries the right name."""
    gallery = gallery_of(enrolled, diarizer.embedder)
    right_s = total_s = 0.0
    with tempfile.TemporaryDirectory() as folder:
        for voice in enrolled + unknown:
            soundfile.write(Path(folder) / f"{voice.speaker}-0-0000.flac", voice.test_waveform, SAMPLE_RATE)
        for index in range(count):
            rng = np.random.default_rng(2000 + index)
            chosen = [v.speaker for v in rng.choice(enrolled, size=int(rng.integers(2, 6)), replace=False)]
            if index % 2 == 1 and unknown:
                chosen.append(unknown[int(rng.integers(len(unknown)))].speaker)
            conversation, _ = build_conversation(2000 + index, len(chosen), float(rng.uniform(60, 120)),
                                                 speakers=chosen, folder=Path(folder))
            named = run_with_voices(diarizer, conversation.waveform, gallery, uri=conversation.name).annotation
            unknown_ids = {v.speaker for v in unknown}
            for segment, _, speaker in conversation.reference.itertracks(yield_label=True):
                for turn, _, label in named.crop(segment).itertracks(yield_label=True):
                    expected = label.startswith("SPEAKER_") if speaker in unknown_ids else label == speaker
                    right_s += turn.duration if expected else 0.0
                total_s += segment.duration
    return right_s / total_s


def speed(embedder, probe: np.ndarray) -> tuple[float, float]:
    """Seconds to enroll ``GALLERY_SIZE`` people (stored prints only) and to identify one
    embedding against them (open, load, score)."""
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "voices.sqlite3"
        started = time.perf_counter()
        with VoiceStore.open(path) as store:
            for index in range(GALLERY_SIZE):
                embedding = rng.standard_normal(probe.size).astype(np.float32)
                print_ = Voiceprint(embedding, embedder.name, embedder.model_sha256, 5.0, f"{index}.wav", "0" * 64, "now")
                store.add_voiceprints(f"person {index:04d}", [print_])
        enroll_s = time.perf_counter() - started
        timings = []
        for _ in range(5):
            started = time.perf_counter()
            gallery = Gallery.from_database(path, embedder)
            gallery.identify(probe, embedder.identification_threshold, top=5)
            timings.append(time.perf_counter() - started)
    return enroll_s, float(np.median(timings))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=2, help="ONNX Runtime threads")
    parser.add_argument("--conversations", type=int, default=8, help="synthetic conversations for the naming figure")
    arguments = parser.parse_args(argv)
    if not LIBRISPEECH.is_dir():
        print(f"skipped: LibriSpeech excerpts are not at {LIBRISPEECH}")
        return 0
    diarizer = Diarizer(threads=arguments.threads)
    embedder = diarizer.embedder
    files = speaker_files()
    halves = {"calibration": dict(list(files.items())[0::2]), "report": dict(list(files.items())[1::2])}
    split = {}
    for half, members in halves.items():
        voices, left_out = embed_speakers(diarizer, members)
        enrolled = [v for v in voices if v.enrollment is not None]
        unknown = [v for v in voices if v.enrollment is None]
        split[half] = (enrolled, unknown)
        print(f"{half} half: {len(members)} speakers, {len(enrolled)} enrolled, {len(unknown)} never enrolled, "
              f"{len(left_out)} without a {TEST_S:g} s test clip")
    enrolled, unknown = split["calibration"]
    targets, nontargets = pair_scores(enrolled, enrolled + unknown, embedder)
    calibrated, _ = threshold_at_false_acceptance(targets, nontargets, rate=0.001)
    known, impostor = open_set_trials(enrolled, unknown, embedder)
    false_accept, false_reject, _ = rates(known, impostor, calibrated)
    print(f"calibration pairs: {len(targets)} same-speaker, {len(nontargets)} different-speaker")
    print(f"calibrated identification threshold ({embedder.name}): {calibrated:.3f}")
    print(f"calibration half open-set false-accept rate: {100 * false_accept:.1f} % of {len(impostor)}")
    print(f"calibration half false-reject rate: {100 * false_reject:.1f} % of {len(known)}")
    threshold = embedder.identification_threshold
    enrolled, unknown = split["report"]
    print(f"identification threshold in use ({embedder.name}): {threshold:.3f}")
    accuracy = top1_accuracy(enrolled, gallery_of(enrolled, embedder))
    print(f"top-1 identification accuracy (10 s clips, {len(enrolled)} people): {100 * accuracy:.1f} %")
    everyone = split["calibration"][0] + enrolled
    print(f"top-1 identification accuracy (10 s clips, {len(everyone)} people of both halves): "
          f"{100 * top1_accuracy(enrolled, gallery_of(everyone, embedder)):.1f} %")
    known, impostor = open_set_trials(enrolled, unknown, embedder)
    false_accept, false_reject, wrong = rates(known, impostor, threshold)
    print(f"open-set false-accept rate: {100 * false_accept:.1f} % of {len(impostor)} unknown clips")
    print(f"false-reject rate: {100 * false_reject:.1f} % of {len(known)} known clips")
    print(f"known clips named after the wrong person: {100 * wrong:.1f} %")
    print(f"lowest best similarity of a known clip: {min(score for score, _ in known):.3f}")
    print(f"highest best similarity of an unknown clip: {impostor.max():.3f}")
    share = named_share(diarizer, enrolled, unknown, arguments.conversations)
    print(f"speech time named correctly ({arguments.conversations} synthetic conversations): {100 * share:.1f} %")
    enroll_s, identify_s = speed(embedder, enrolled[0].test)
    print(f"enroll {GALLERY_SIZE:,} people, embeddings excluded: {enroll_s:.2f} s")
    print(f"identify one clip against {GALLERY_SIZE:,} people, beyond the embedding: {1000 * identify_s:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
