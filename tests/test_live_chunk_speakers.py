"""Local speakers of a chunk matched to the stream's speakers (the "local" identity)."""

from __future__ import annotations

import numpy as np
import pytest

from diarize_plugin.errors import DiarizeError
from diarize_plugin.live import LiveAnnotation, StreamingDiarizer
from diarize_plugin.live.chunk_speakers import (
    MatchedChunk, local_activity, local_speech_frames, local_speech_pieces, match_local_speakers, vote_frames,
)
from diarize_plugin.live.options import LocalSpeakerMatching, WindowLinkage
from diarize_plugin.live.speaker_summaries import OnlineSpeakers
from diarize_plugin.segmentation.network import POWERSET_CLASSES
from test_live_streaming import main_speaker, run_stream, two_voices

A, B, C = np.eye(3)


def fresh_speakers(max_speakers: int | None = None) -> OnlineSpeakers:
    return OnlineSpeakers(threshold=0.5, max_speakers=max_speakers, min_windows=1, rule="centroid")


def test_two_local_speakers_of_one_chunk_never_become_one_speaker() -> None:
    speakers = fresh_speakers()
    assert match_local_speakers(speakers, A[None, :], 0.5, 0.3) == [0]
    # both close to speaker 0: the assignment gives it to the closer one, the other is new
    labels = match_local_speakers(speakers, np.stack([A + 0.1 * B, A + 0.3 * B]), 0.5, 0.3)
    assert labels == [0, 1]


def test_a_local_speaker_far_from_every_speaker_starts_a_new_one() -> None:
    speakers = fresh_speakers()
    match_local_speakers(speakers, A[None, :], 0.5, 0.3)
    assert match_local_speakers(speakers, B[None, :], 0.5, 0.3) == [1]
    assert match_local_speakers(speakers, (B + 0.05 * C)[None, :], 0.5, 0.3) == [1]


def test_a_summary_takes_in_only_local_speakers_closer_than_the_update_distance() -> None:
    speakers = fresh_speakers()
    match_local_speakers(speakers, A[None, :], 0.9, 0.1)
    match_local_speakers(speakers, (A + B)[None, :], 0.9, 0.1)  # distance 0.29: matched, not taken in
    assert speakers.speakers[0].count == 1
    match_local_speakers(speakers, (A + 0.1 * B)[None, :], 0.9, 0.1)
    assert speakers.speakers[0].count == 2


def test_past_max_speakers_a_new_voice_joins_the_nearest_speaker() -> None:
    speakers = fresh_speakers(max_speakers=1)
    match_local_speakers(speakers, A[None, :], 0.5, 0.3)
    assert match_local_speakers(speakers, B[None, :], 0.5, 0.3) == [0]
    assert len(speakers.speakers) == 1


def test_a_local_speaker_heard_only_in_overlap_starts_no_speaker() -> None:
    speakers = fresh_speakers()
    match_local_speakers(speakers, A[None, :], 0.5, 0.3)
    # B's speech is all overlapped: matched if close to a free speaker, never a new one
    assert match_local_speakers(speakers, np.stack([A, B]), 0.5, 0.3, may_start=[True, False]) == [0, -1]
    assert len(speakers.speakers) == 1
    assert match_local_speakers(speakers, np.stack([A, B]), 0.5, 0.3, may_start=[True, True]) == [0, 1]


def test_the_very_first_speaker_may_come_from_overlapped_speech() -> None:
    speakers = fresh_speakers()
    assert match_local_speakers(speakers, A[None, :], 0.5, 0.3, may_start=[False]) == [0]


def test_pieces_say_whether_a_local_speaker_was_heard_alone() -> None:
    activity = np.zeros((589, 3))
    activity[:300, 0] = 1.0  # 5 s alone
    activity[200:300, 1] = 1.0  # 1.7 s, all of it over speaker 0
    found = local_speech_pieces(activity, np.ones(160000, dtype=np.float32), start=0)
    assert found.speakers == [0, 1]
    assert found.clean == [True, False]


def test_overlap_no_chunk_explains_goes_to_the_other_speaker_heard_last() -> None:
    activity = np.zeros((6, 3))
    activity[:, 0] = 1.0
    chunk = MatchedChunk(first_frame=0, activity=activity, labels=(4, -1, -1))
    first, second = vote_frames([chunk], 0, 6, np.ones(6), lambda label: label, -1, lambda label: 9 if label == 4 else -1)
    assert first.tolist() == [4] * 6
    assert second.tolist() == [9] * 6
    _, unknown = vote_frames([chunk], 0, 6, np.ones(6), lambda label: label, fallback=-1)
    assert unknown.tolist() == [-1] * 6


def test_two_voices_as_close_as_the_samples_stay_two_speakers_while_copies_merge() -> None:
    # the default identity's merge rule: centroids under merge_distance become one speaker.
    # The pyannote sample's two voices come within 0.356 of each other, copies of one voice
    # within 0.20-0.28 (benchmarks/live.py); 0.4 merged the two voices into one.
    merge_similarity = 1.0 - LocalSpeakerMatching().merge_distance

    def speakers_at(distance: float) -> OnlineSpeakers:
        speakers = OnlineSpeakers(0.5, merge_after=2, min_windows=1, rule="centroid", merge_similarity=merge_similarity)
        other = (1.0 - distance) * A + np.sqrt(1.0 - (1.0 - distance) ** 2) * B  # cosine distance ``distance`` from A
        for _ in range(2):
            match_local_speakers(speakers, np.stack([A, other]), 0.75, 0.5)
        return speakers

    assert speakers_at(0.34).find_merge() is None
    assert speakers_at(0.26).find_merge() == (0, 1)


def test_local_activity_sums_the_powerset_classes_of_each_local_speaker() -> None:
    probabilities = np.zeros((2, len(POWERSET_CLASSES)))
    probabilities[0, POWERSET_CLASSES.index((0, 2))] = 1.0
    probabilities[1, POWERSET_CLASSES.index((1,))] = 0.6
    probabilities[1, 0] = 0.4
    activity = local_activity(np.log(np.maximum(probabilities, 1e-30)))
    np.testing.assert_allclose(activity, [[1, 0, 1], [0, 0.6, 0]], atol=1e-9)


def test_overlap_is_left_out_of_a_local_speakers_speech_while_enough_remains() -> None:
    activity = np.zeros((10, 3))
    activity[:6, 0] = 1.0
    activity[4:, 1] = 1.0
    found = dict(local_speech_frames(activity, min_clean_frames=3, min_frames=2))
    assert found[0].tolist() == [True] * 4 + [False] * 6
    assert found[1].tolist() == [False] * 6 + [True] * 4
    assert 2 not in found
    short = dict(local_speech_frames(activity, min_clean_frames=5, min_frames=2))
    assert short[0].sum() == 6  # too little clean speech: all of it


def test_a_frame_goes_to_the_speaker_whose_local_activity_is_highest() -> None:
    activity = np.zeros((6, 3))
    activity[:3, 0] = 1.0
    activity[2:, 1] = 0.8
    chunk = MatchedChunk(first_frame=10, activity=activity, labels=(4, 7, -1))
    first, second = vote_frames([chunk], 10, 16, np.ones(6), lambda label: label, fallback=-1)
    assert first.tolist() == [4, 4, 4, 7, 7, 7]
    assert second[2] == 7
    # frames no chunk covers take the nearest covered frame's speaker
    first, _ = vote_frames([chunk], 14, 19, np.ones(6), lambda label: label, fallback=-1)
    assert first.tolist() == [7] * 5


def test_two_voices_keep_two_labels_with_the_windows_identity_too(campplus) -> None:
    waveform, _ = two_voices()
    collected = LiveAnnotation()
    collected.add(run_stream(StreamingDiarizer(campplus, latency_s=2.0, identity=WindowLinkage()), waveform, 1600))
    result = collected.annotation()
    assert main_speaker(result, 0, 8) != main_speaker(result, 8, 16)
    assert main_speaker(result, 16, 22) == main_speaker(result, 0, 8)


def test_matched_chunks_are_forgotten_once_their_frames_are_final(campplus) -> None:
    diarizer = StreamingDiarizer(campplus, latency_s=2.0)
    waveform, _ = two_voices()
    held = []
    for first in range(0, len(waveform), 8000):
        diarizer.feed(waveform[first : first + 8000])
        held.append(len(diarizer._chunks))
    # a chunk reaches 10 s back, frames are final 2 s after their audio: 24 chunks 0.5 s apart
    assert 0 < max(held) <= 25


def test_an_unknown_identity_is_refused(campplus) -> None:
    with pytest.raises(DiarizeError, match="identity must be a LocalSpeakerMatching or a WindowLinkage"):
        StreamingDiarizer(campplus, identity="clusters")  # type: ignore[arg-type]


def test_a_new_speaker_distance_outside_0_to_2_is_refused(campplus) -> None:
    with pytest.raises(DiarizeError, match="new_speaker_distance must be a cosine distance"):
        StreamingDiarizer(campplus, identity=LocalSpeakerMatching(new_speaker_distance=2.5))
