"""Merging speakers whose pooled speech the verifier calls one person (real LibriSpeech voices)."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile
from pyannote.core import Annotation, Segment

from conftest import librispeech_files
from diarize_plugin.diarization.speaker_merge import merge_same_speakers
from diarize_plugin.audio.source import InMemoryAudio


@pytest.fixture(scope="module")
def two_readers() -> np.ndarray:
    """8 s of one reader, then 8 s of another."""
    files = librispeech_files()
    voices = [soundfile.read(str(path), dtype="float32")[0][: 8 * 16000] for path in files[:2]]
    return np.concatenate(voices)


def split_annotation(*turns: tuple[float, float, str]) -> Annotation:
    annotation = Annotation(uri="two_readers")
    for start_s, end_s, label in turns:
        annotation[Segment(start_s, end_s)] = label
    return annotation


def test_one_voice_split_in_two_is_merged(campplus, two_readers: np.ndarray) -> None:
    annotation = split_annotation((0.0, 4.0, "SPEAKER_00"), (4.0, 8.0, "SPEAKER_01"), (8.0, 16.0, "SPEAKER_02"))
    merged = merge_same_speakers(annotation, InMemoryAudio(two_readers), campplus, campplus.merge_threshold)
    assert merged.labels() == ["SPEAKER_00", "SPEAKER_01"]
    assert merged.label_timeline("SPEAKER_00").extent() == Segment(0.0, 8.0)
    assert merged.label_timeline("SPEAKER_01").extent() == Segment(8.0, 16.0)


def test_different_voices_stay_apart(campplus, two_readers: np.ndarray) -> None:
    annotation = split_annotation((0.0, 8.0, "SPEAKER_00"), (8.0, 16.0, "SPEAKER_01"))
    merged = merge_same_speakers(annotation, InMemoryAudio(two_readers), campplus, campplus.merge_threshold)
    assert merged is annotation


def test_merging_stops_at_min_speakers(campplus, two_readers: np.ndarray) -> None:
    annotation = split_annotation((0.0, 4.0, "SPEAKER_00"), (4.0, 8.0, "SPEAKER_01"), (8.0, 16.0, "SPEAKER_02"))
    merged = merge_same_speakers(annotation, InMemoryAudio(two_readers), campplus, campplus.merge_threshold, min_speakers=3)
    assert merged.labels() == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]


def test_merged_speakers_are_renamed_by_first_appearance(campplus, two_readers: np.ndarray) -> None:
    annotation = split_annotation((0.0, 4.0, "SPEAKER_00"), (4.0, 8.0, "SPEAKER_02"), (8.0, 16.0, "SPEAKER_01"))
    merged = merge_same_speakers(annotation, InMemoryAudio(two_readers), campplus, campplus.merge_threshold)
    assert merged.labels() == ["SPEAKER_00", "SPEAKER_01"]
    assert merged.label_timeline("SPEAKER_01").extent() == Segment(8.0, 16.0)
