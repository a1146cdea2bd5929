"""StreamingDiarizer: events as the stream arrives, stable labels, bounded state, determinism."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile

from conftest import SAMPLE_RATE, librispeech_files, speech_like
from diarize_plugin.errors import DiarizeError
from diarize_plugin.live import LiveAnnotation, LiveTurn, SpeakerNamed, StreamingDiarizer
from diarize_plugin.live.frame_scores import RollingFrameAverage
from diarize_plugin.live.speaker_summaries import OnlineSpeakers
from diarize_plugin.live.stream_buffer import SampleRing
from diarize_plugin.segmentation.network import FRAMES_PER_CHUNK, aggregate


def two_voices() -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """8 s of one LibriSpeech voice, 8 s of another, 6 s of the first again; the script."""
    files = librispeech_files()
    first = soundfile.read(files[0], dtype="float32")[0]
    second = soundfile.read(files[1], dtype="float32")[0]
    parts = [first[: 8 * SAMPLE_RATE], second[: 8 * SAMPLE_RATE], first[8 * SAMPLE_RATE : 14 * SAMPLE_RATE]]
    return np.concatenate(parts), [(0.0, 8.0, "A"), (8.0, 16.0, "B"), (16.0, 22.0, "A")]


def run_stream(diarizer: StreamingDiarizer, waveform: np.ndarray, block: int) -> list:
    events = []
    for first in range(0, len(waveform), block):
        events += diarizer.feed(waveform[first : first + block])
    return events + diarizer.finish()


def main_speaker(annotation, start_s: float, end_s: float) -> str:
    """The label with the most speech between ``start_s`` and ``end_s``."""
    from pyannote.core import Segment

    cropped = annotation.crop(Segment(start_s, end_s))
    return max(cropped.labels(), key=cropped.label_duration)


def test_the_block_size_does_not_change_the_events(campplus) -> None:
    waveform = speech_like(9.0, seed=3)
    runs = [
        [event.to_json() for event in run_stream(StreamingDiarizer(campplus, latency_s=2.0), waveform, block)]
        for block in (1600, len(waveform) // 3 + 7)
    ]
    assert runs[0], "speech-like audio gave no event"
    assert runs[0] == runs[1]


def test_two_voices_keep_two_labels_for_the_whole_stream(campplus) -> None:
    waveform, _ = two_voices()
    collected = LiveAnnotation()
    collected.add(run_stream(StreamingDiarizer(campplus, latency_s=2.0), waveform, 1600))
    result = collected.annotation()
    first, second, again = main_speaker(result, 0, 8), main_speaker(result, 8, 16), main_speaker(result, 16, 22)
    assert first != second
    assert again == first


def test_a_final_turn_is_never_rewritten(campplus) -> None:
    waveform, _ = two_voices()
    seen: dict[int, LiveTurn] = {}
    ends: dict[int, float] = {}
    for event in run_stream(StreamingDiarizer(campplus, latency_s=1.0), waveform, 4000):
        if isinstance(event, LiveTurn) and event.final:
            earlier = seen.setdefault(event.turn_id, event)
            assert (event.start_s, event.speaker) == (earlier.start_s, earlier.speaker)
            assert event.end_s >= ends.get(event.turn_id, event.end_s)
            ends[event.turn_id] = event.end_s


@pytest.mark.parametrize("latency_s", [1.0, 3.0])
def test_audio_older_than_the_latency_is_settled_after_every_block(campplus, latency_s: float) -> None:
    waveform = speech_like(6.0, seed=1)
    diarizer = StreamingDiarizer(campplus, latency_s=latency_s)
    for first in range(0, len(waveform), 2400):
        diarizer.feed(waveform[first : first + 2400])
        assert diarizer.received_s - diarizer._settler.settled_s <= latency_s + 1e-6


def test_provisional_guesses_cover_the_unsettled_seconds(campplus) -> None:
    waveform = speech_like(6.0, seed=2)
    events = run_stream(StreamingDiarizer(campplus, latency_s=4.0, provisional=True), waveform, 8000)
    guesses = [event for event in events if isinstance(event, LiveTurn) and not event.final]
    assert guesses
    assert all(guess.end_s > guess.settled_at_s - 4.0 for guess in guesses)


def test_silence_gives_no_turns(campplus) -> None:
    events = run_stream(StreamingDiarizer(campplus, latency_s=2.0), np.zeros(6 * SAMPLE_RATE, dtype=np.float32), 1600)
    assert events == []


def test_state_does_not_grow_with_the_stream(campplus) -> None:
    diarizer = StreamingDiarizer(campplus, latency_s=2.0)
    waveform = speech_like(24.0, seed=4)
    sizes = []
    for first in range(0, len(waveform), 8 * SAMPLE_RATE):
        diarizer.feed(waveform[first : first + 8 * SAMPLE_RATE])
        sizes.append((len(diarizer._frames._weight_sum), diarizer._ring.capacity))
    assert sizes[1] == sizes[2]
    assert len(diarizer._windows) <= 61


def test_an_enrolled_voice_is_named_as_soon_as_it_is_recognised(campplus) -> None:
    from diarize_plugin.voices import Gallery

    waveform, _ = two_voices()
    enrolled = soundfile.read(librispeech_files()[1], dtype="float32")[0][: 8 * SAMPLE_RATE]
    gallery = Gallery(["Bea"], campplus.embed_utterance(enrolled)[None, :], campplus.name, campplus.model_sha256)
    events = run_stream(StreamingDiarizer(campplus, latency_s=2.0, gallery=gallery), waveform, 1600)
    named = [event for event in events if isinstance(event, SpeakerNamed)]
    assert [event.name for event in named] == ["Bea"]
    assert 8.0 < named[0].at_s < 16.0
    turns = [event for event in events if isinstance(event, LiveTurn) and event.start_s > named[0].at_s]
    assert all(turn.name in (None, "Bea") for turn in turns)
    assert {turn.name for turn in turns if turn.speaker == named[0].speaker} == {"Bea"}


@pytest.mark.parametrize("latency_s", [0.5, 10.5])
def test_a_latency_outside_1_to_10_seconds_is_refused(campplus, latency_s: float) -> None:
    with pytest.raises(DiarizeError, match="latency must be between 1 and 10 seconds"):
        StreamingDiarizer(campplus, latency_s=latency_s)


def test_feeding_after_finish_is_refused(campplus) -> None:
    diarizer = StreamingDiarizer(campplus)
    diarizer.finish()
    with pytest.raises(DiarizeError, match="finished"):
        diarizer.feed(np.zeros(100, dtype=np.float32))


def test_the_ring_keeps_the_latest_samples_by_stream_index() -> None:
    ring = SampleRing(10)
    ring.append(np.arange(7, dtype=np.float32))
    ring.append(np.arange(7, 15, dtype=np.float32))
    assert ring.read(5, 15).tolist() == list(range(5, 15))
    assert ring.read(-2, 0).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError):
        ring.read(4, 8)


def test_the_rolling_average_matches_the_offline_aggregate() -> None:
    rng = np.random.default_rng(0)
    starts_s = np.arange(4) * 0.5
    values = rng.random((4, FRAMES_PER_CHUNK, 2))
    rolling = RollingFrameAverage(values_per_frame=2)
    for start_s, chunk in zip(starts_s, values):
        rolling.add(int(np.rint(start_s / 0.016875)), chunk)
    offline = aggregate(values, starts_s, 0.016875, 11.0, edge_s=1.0)
    np.testing.assert_allclose(rolling.average(0, len(offline)), offline, atol=1e-6)


def test_two_speakers_that_drift_together_are_merged_into_the_older_label() -> None:
    speakers = OnlineSpeakers(threshold=0.5, min_windows=1, merge_after=2, rule="centroid", merge_similarity=0.9)
    a, b = np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.0])
    assert [speakers.assign(a), speakers.assign(a), speakers.assign(b), speakers.assign(b)] == [0, 0, 1, 1]
    assert speakers.find_merge() is None
    speakers.speakers[1].total = speakers.speakers[0].total.copy()  # the second summary turned out the same
    assert speakers.find_merge() == (0, 1)
    speakers.merge(0, 1)
    assert speakers.resolve(1) == 0 and speakers.assign(b + 0.01 * a) in (0, 2)


def test_the_exit_result_applies_merges_but_the_reports_keep_their_labels() -> None:
    from diarize_plugin.live import SpeakerMerge

    collected = LiveAnnotation()
    collected.add([
        LiveTurn(0.0, 2.0, "SPEAKER_00", True, turn_id=0), LiveTurn(2.5, 4.0, "SPEAKER_01", True, turn_id=1),
        SpeakerMerge("SPEAKER_01", "SPEAKER_00", 4.5),
    ])
    assert collected.annotation().labels() == ["SPEAKER_00"]
    assert collected.annotation(apply_merges=False).labels() == ["SPEAKER_00", "SPEAKER_01"]


def test_options_object_and_flat_keywords_are_the_same_and_not_both(campplus) -> None:
    import pickle

    from diarize_plugin.live import LiveOptions, WindowLinkage

    options = LiveOptions(latency_s=3.0, provisional=True, identity=WindowLinkage())
    assert pickle.loads(pickle.dumps(options)) == options
    assert StreamingDiarizer(campplus, options).options == StreamingDiarizer(
        campplus, latency_s=3.0, provisional=True, identity=WindowLinkage()
    ).options
    with pytest.raises(DiarizeError, match="not both"):
        StreamingDiarizer(campplus, options, latency_s=2.0)
    with pytest.raises(DiarizeError, match="latency"):
        LiveOptions(latency_s=0.2)  # checked once, when made
    with pytest.raises(TypeError, match="window_s"):
        StreamingDiarizer(campplus, window_s=1.0)
