"""Diarizer.run() end to end: real voices in a synthetic conversation, silence, determinism.

The conversations are built from ``../shared/data/librispeech`` by ``benchmarks.conversations``
(about a minute each, so every run takes a second or two on one thread).
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import soundfile
from pyannote.core import Annotation

from conftest import LIBRISPEECH, SAMPLE_RATE, librispeech_files
from diarize_plugin import Diarizer
from diarize_plugin.errors import DiarizeError

#: diarization error rate allowed on the one-minute conversations (collar 0.25 s); the bundled
#: CAM++ model with webrtcvad scores 5-12 % on these seeds
MAX_DER = 0.15


def diarization_error_rate(reference: Annotation, hypothesis: Annotation) -> float:
    metrics = pytest.importorskip("pyannote.metrics.diarization")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "uem was approximated": the reference spans the recording
        return float(metrics.DiarizationErrorRate(collar=0.25)(reference, hypothesis))


@pytest.fixture(scope="module")
def diarizer(campplus) -> Diarizer:
    return Diarizer(embedder=campplus, threads=1)


def conversation(seed: int, num_speakers: int):
    """Conversation ``seed`` with ``num_speakers`` LibriSpeech voices, about 60 s long."""
    librispeech_files()
    from benchmarks.conversations import build_conversation

    return build_conversation(seed, num_speakers, 60.0, folder=LIBRISPEECH)[0]


@pytest.fixture(scope="module")
def two_voices():
    return conversation(seed=1, num_speakers=2)


@pytest.fixture(scope="module")
def three_voices():
    return conversation(seed=3, num_speakers=3)


@pytest.fixture(scope="module")
def two_voices_turns(diarizer: Diarizer, two_voices) -> Annotation:
    """The automatic diarization of ``two_voices``, shared by the tests that only read it."""
    return diarizer.run(two_voices.waveform)


def test_two_voice_conversation_finds_two_speakers_with_low_error(two_voices, two_voices_turns: Annotation) -> None:
    assert len(two_voices_turns.labels()) == 2
    assert diarization_error_rate(two_voices.reference, two_voices_turns) < MAX_DER


def test_three_voice_conversation_finds_three_speakers_with_low_error(diarizer: Diarizer, three_voices) -> None:
    hypothesis = diarizer.run(three_voices.waveform)
    assert len(hypothesis.labels()) == 3
    assert diarization_error_rate(three_voices.reference, hypothesis) < MAX_DER


@pytest.mark.parametrize("counting, reassign", [("spectral", False), ("vbx", True)])
def test_other_counting_methods_find_three_voices_with_low_error(campplus, three_voices, counting: str, reassign: bool) -> None:
    hypothesis = Diarizer(embedder=campplus, threads=1, counting=counting, reassign=reassign).run(three_voices.waveform)
    assert len(hypothesis.labels()) == 3
    assert diarization_error_rate(three_voices.reference, hypothesis) < MAX_DER


def test_num_speakers_is_honoured_with_low_error(diarizer: Diarizer, three_voices) -> None:
    hypothesis = diarizer.run(three_voices.waveform, num_speakers=3)
    assert len(hypothesis.labels()) == 3
    assert diarization_error_rate(three_voices.reference, hypothesis) < MAX_DER


def test_num_speakers_is_honoured_even_when_it_is_wrong(diarizer: Diarizer, two_voices) -> None:
    assert len(diarizer.run(two_voices.waveform, num_speakers=3).labels()) == 3


def test_max_speakers_caps_the_count(diarizer: Diarizer, three_voices) -> None:
    assert len(diarizer.run(three_voices.waveform, max_speakers=2).labels()) == 2


def test_speakers_are_named_in_order_of_first_appearance(two_voices_turns: Annotation) -> None:
    labels = [label for _, _, label in two_voices_turns.itertracks(yield_label=True)]
    assert labels[0] == "SPEAKER_00"
    assert sorted(two_voices_turns.labels()) == ["SPEAKER_00", "SPEAKER_01"]


def test_runs_are_deterministic(diarizer: Diarizer, two_voices, two_voices_turns: Annotation) -> None:
    again = diarizer.run(two_voices.waveform.copy())
    assert list(again.itertracks(yield_label=True)) == list(two_voices_turns.itertracks(yield_label=True))


def test_silence_only_waveform_gives_empty_annotation(diarizer: Diarizer) -> None:
    annotation = diarizer.run(np.zeros(5 * SAMPLE_RATE, dtype=np.float32))
    assert isinstance(annotation, Annotation) and len(annotation) == 0


def test_file_input_takes_the_file_stem_as_uri(diarizer: Diarizer, tmp_path: Path) -> None:
    path = tmp_path / "board meeting.wav"
    soundfile.write(path, np.zeros(SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    assert diarizer.run(path).uri == "board meeting"


def test_explicit_uri_wins(diarizer: Diarizer) -> None:
    assert diarizer.run(np.zeros(SAMPLE_RATE, dtype=np.float32), uri="call-7").uri == "call-7"


def test_invalid_speaker_options_fail_before_any_work(diarizer: Diarizer) -> None:
    with pytest.raises(DiarizeError, match="num_speakers"):
        diarizer.run(np.zeros(SAMPLE_RATE, dtype=np.float32), num_speakers=0)


@pytest.mark.parametrize(
    "options, message",
    [
        ({"segmentation": "magic"}, "unknown segmentation"),
        ({"threshold": 2.5}, "threshold must be a cosine distance"),
        ({"window_s": 1.0, "hop_s": 2.0}, "hop_s <= window_s"),
        ({"segmentation": "webrtcvad", "overlap_threshold": 1.1}, "needs neural segmentation"),
        ({"segmentation": "neural", "overlap_threshold": 2.5}, "between 0 and 1"),
        ({"counting": "kmeans"}, "unknown counting method"),
    ],
)
def test_invalid_pipeline_settings_are_user_errors(campplus, options: dict, message: str) -> None:
    with pytest.raises(DiarizeError, match=message):
        Diarizer(embedder=campplus, **options)


def test_window_hop_defaults_to_a_second_in_neural_mode_and_0_75_s_with_webrtcvad(campplus) -> None:
    assert Diarizer(embedder=campplus, segmentation="neural", threads=1).options.window_hop_s == 1.0
    assert Diarizer(embedder=campplus, segmentation="webrtcvad", threads=1).options.window_hop_s == 0.75
    assert Diarizer(embedder=campplus, segmentation="neural", hop_s=0.5, threads=1).options.window_hop_s == 0.5


def test_unknown_embedder_is_a_user_error() -> None:
    with pytest.raises(DiarizeError, match="unknown embedder"):
        Diarizer(embedder="wav2vec9")


@pytest.mark.parametrize("utterance", ["1116-132847-0000", "118-121721-0000", "3699-175950-0000"])
def test_one_reader_is_one_speaker(diarizer: Diarizer, utterance: str) -> None:
    """Utterances on which stray overlap detections once invented a second speaker."""
    librispeech_files()
    waveform, rate = soundfile.read(str(LIBRISPEECH / f"{utterance}.flac"), dtype="float32")
    assert rate == SAMPLE_RATE
    assert diarizer.run(waveform).labels() == ["SPEAKER_00"]


def test_channels_first_stereo_gives_the_turns_of_its_mono_mix(diarizer: Diarizer, two_voices, two_voices_turns: Annotation) -> None:
    # (samples, channels) is averaged the same way: tests/test_audio_blocks.py
    stereo = np.stack([two_voices.waveform, two_voices.waveform])
    assert list(diarizer.run(stereo).itertracks(yield_label=True)) == list(two_voices_turns.itertracks(yield_label=True))


def test_a_file_read_in_pieces_gives_the_turns_of_the_same_samples_in_memory(
    diarizer: Diarizer, two_voices, tmp_path: Path
) -> None:
    pcm = np.clip(np.rint(two_voices.waveform[: 20 * SAMPLE_RATE] * 32768), -32768, 32767).astype(np.int16)
    path = tmp_path / "two voices.wav"
    soundfile.write(path, pcm, SAMPLE_RATE, subtype="PCM_16")
    from_file = diarizer.run(path, uri="same")
    in_memory = diarizer.run(pcm.astype(np.float32) / 32768, uri="same")
    assert len(from_file) > 0
    assert list(from_file.itertracks(yield_label=True)) == list(in_memory.itertracks(yield_label=True))
