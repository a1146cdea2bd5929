"""Assigning diarization speakers to transcript words and segments."""

from __future__ import annotations

import json
import time

from pyannote.core import Annotation
from pyannote.core import Segment as Interval

from diarize_plugin.transcript import Segment, Transcript, Word, merge, parse_transcript, write_transcript


def _annotation(*turns: tuple[float, float, str]) -> Annotation:
    annotation = Annotation()
    for index, (start_s, end_s, speaker) in enumerate(turns):
        annotation[Interval(start_s, end_s), index] = speaker
    return annotation


def _segment(*words: tuple[str, float | None, float | None], start_s=None, end_s=None) -> Segment:
    built = tuple(Word(text, start, end) for text, start, end in words)
    timed = [w for w in built if w.is_timed]
    return Segment(
        start_s=timed[0].start_s if start_s is None else start_s,
        end_s=timed[-1].end_s if end_s is None else end_s,
        text="".join(w.text for w in built),
        words=built,
    )


def _speakers(transcript: Transcript) -> list[str | None]:
    return [word.speaker for word in transcript.words]


def test_word_takes_the_speaker_who_overlaps_it_most():
    annotation = _annotation((0.0, 1.2, "A"), (1.2, 3.0, "B"))
    merged = merge(annotation, Transcript((_segment((" x", 1.0, 2.0)),)))
    assert _speakers(merged) == ["B"]


def test_overlapping_turns_of_one_speaker_count_once():
    annotation = _annotation((0.0, 1.0, "A"), (0.0, 1.0, "A"), (0.0, 1.0, "A"), (0.2, 1.0, "B"))
    merged = merge(annotation, Transcript((_segment((" x", 0.0, 1.0)),)))
    assert _speakers(merged) == ["A"]


def test_word_without_overlap_takes_nearest_turn_within_tolerance():
    annotation = _annotation((0.0, 1.0, "A"), (3.0, 4.0, "B"))
    merged = merge(annotation, Transcript((_segment((" x", 2.6, 2.8)),)), tolerance_s=0.5)
    assert _speakers(merged) == ["B"]


def test_word_farther_than_tolerance_from_any_turn_has_no_speaker():
    annotation = _annotation((0.0, 1.0, "A"))
    merged = merge(annotation, Transcript((_segment((" x", 2.0, 2.5)),)), tolerance_s=0.5)
    assert _speakers(merged) == [None]


def test_word_in_overlapped_speech_keeps_the_previous_words_speaker():
    annotation = _annotation((0.0, 1.6, "B"), (1.0, 3.0, "A"))
    # " two": A talks 0.8 s, B 0.6 s (at least half as long), and B said " one".
    segment = _segment((" one", 0.2, 0.8), (" two", 1.0, 1.8))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["B", "B"]


def test_overlapped_first_word_takes_the_next_words_speaker():
    annotation = _annotation((0.0, 1.5, "A"), (1.0, 3.0, "B"))
    # " one": A and B both talk 0.5 s; the tie alone would give it A, but B says " two".
    segment = _segment((" one", 1.0, 1.5), (" two", 2.0, 2.5))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["B", "B"]


def test_run_of_overlapped_words_takes_the_speaker_after_it_when_none_before():
    annotation = _annotation((0.0, 2.0, "A"), (0.0, 3.0, "B"))
    segment = _segment((" a", 0.0, 0.5), (" b", 0.5, 1.0), (" c", 1.0, 1.5), (" d", 2.2, 2.8))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["B", "B", "B", "B"]


def test_overlapped_word_whose_neighbours_are_other_speakers_keeps_its_own():
    annotation = _annotation((0.0, 1.0, "C"), (1.0, 2.0, "A"), (1.0, 2.0, "B"), (2.0, 3.0, "D"))
    segment = _segment((" c", 0.2, 0.8), (" ab", 1.2, 1.8), (" d", 2.2, 2.8))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["C", "A", "D"]


def test_continuity_does_not_reach_into_the_previous_segment():
    annotation = _annotation((0.0, 1.6, "B"), (1.0, 3.0, "A"))
    first, second = _segment((" one", 0.2, 0.8)), _segment((" two", 1.0, 1.8))
    assert _speakers(merge(annotation, Transcript((first, second)))) == ["B", "A"]


def test_brief_overlap_does_not_override_the_main_speaker_of_a_word():
    annotation = _annotation((0.0, 1.5, "A"), (1.3, 3.0, "B"))
    # " two": B talks 1.0 s, A only 0.2 s (less than half), so A's " one" does not carry over.
    segment = _segment((" one", 0.2, 0.8), (" two", 1.3, 2.3))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["A", "B"]


def test_words_without_overlapped_speech_keep_their_own_speakers():
    annotation = _annotation((0.0, 1.0, "B"), (1.0, 3.0, "A"))
    segment = _segment((" one", 0.2, 0.8), (" two", 1.2, 1.8))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["B", "A"]


def test_zero_length_word_inside_a_turn_takes_that_speaker():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 2.0, "B"))
    merged = merge(annotation, Transcript((_segment((" x", 1.5, 1.5)),)), tolerance_s=0.0)
    assert _speakers(merged) == ["B"]


def test_untimed_word_takes_the_speaker_its_neighbours_share():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 1.1, "B"), (1.1, 3.0, "A"))
    segment = _segment((" In", 0.0, 0.5), (" 2024", None, None), (" we", 1.5, 2.0))
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["A", "A", "A"]


def test_untimed_word_between_two_speakers_uses_its_interpolated_time():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 3.0, "B"))
    segment = _segment((" a", 0.0, 0.2), (" 1", None, None), (" 2", None, None), (" b", 2.6, 3.0))
    # " 1" spans 0.2-1.4 s (mostly A), " 2" 1.4-2.6 s (all B).
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["A", "A", "B", "B"]


def test_untimed_last_word_takes_the_previous_speaker():
    annotation = _annotation((0.0, 0.5, "A"), (0.5, 3.0, "B"))
    segment = _segment((" a", 0.0, 0.4), (" 5%", None, None), start_s=0.0, end_s=3.0)
    assert _speakers(merge(annotation, Transcript((segment,)))) == ["A", "A"]


def test_segment_is_split_where_its_words_change_speaker():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 2.0, "B"))
    segment = _segment((" one", 0.0, 0.5), (" two", 0.5, 1.0), (" three", 1.0, 2.0))
    merged = merge(annotation, Transcript((segment,)))
    assert [(s.speaker, s.text, s.start_s, s.end_s) for s in merged.segments] == [
        ("A", " one two", 0.0, 1.0),
        ("B", " three", 1.0, 2.0),
    ]


def test_keep_whole_option_gives_the_majority_speaker_by_duration():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 2.0, "B"))
    segment = _segment((" one", 0.0, 0.2), (" two", 0.2, 0.4), (" three", 1.0, 2.0))
    merged = merge(annotation, Transcript((segment,)), split_segments=False)
    assert [s.speaker for s in merged.segments] == ["B"]
    assert _speakers(merged) == ["A", "A", "B"]


def test_segment_without_words_takes_the_speaker_of_its_interval():
    annotation = _annotation((0.0, 1.0, "A"), (1.0, 4.0, "B"))
    merged = merge(annotation, Transcript((Segment(0.5, 3.0, "hello"),)))
    assert merged.segments[0].speaker == "B"


def test_word_without_speaker_inside_a_run_does_not_split_the_segment():
    annotation = _annotation((0.0, 1.0, "A"), (3.0, 4.0, "A"))
    segment = _segment((" a", 0.0, 1.0), (" b", 2.0, 2.0), (" c", 3.0, 4.0))
    merged = merge(annotation, Transcript((segment,)), tolerance_s=0.5)
    assert [s.speaker for s in merged.segments] == ["A"]
    assert _speakers(merged) == ["A", None, "A"]


def test_existing_speaker_is_kept_when_diarization_finds_none():
    transcript = parse_transcript("WEBVTT\n\n00:10.000 --> 00:11.000\n<v Alice>hi\n", source="a.vtt")
    merged = merge(_annotation((0.0, 1.0, "A")), transcript, tolerance_s=0.5)
    assert merged.segments[0].speaker == "Alice"


def test_existing_speaker_is_replaced_when_diarization_finds_one():
    transcript = parse_transcript("WEBVTT\n\n00:00.000 --> 00:01.000\n<v Alice>hi\n", source="a.vtt")
    merged = merge(_annotation((0.0, 1.0, "SPEAKER_00")), transcript)
    assert write_transcript(merged, "vtt").endswith("<v SPEAKER_00>hi\n")


def test_split_json_segments_copy_other_fields_and_renumber_ids():
    document = {"text": " a b", "segments": [{"id": 0, "seek": 0, "start": 0.0, "end": 2.0, "text": " a b",
                "avg_logprob": -0.2, "words": [{"word": " a", "start": 0.0, "end": 1.0},
                                               {"word": " b", "start": 1.0, "end": 2.0}]}]}
    merged = merge(_annotation((0.0, 1.0, "A"), (1.0, 2.0, "B")), parse_transcript(json.dumps(document)))
    segments = json.loads(write_transcript(merged, "json"))["segments"]
    assert [(s["id"], s["text"], s["avg_logprob"], s["speaker"]) for s in segments] == [
        (0, " a", -0.2, "A"),
        (1, " b", -0.2, "B"),
    ]


def test_whisperx_words_without_spaces_are_joined_with_spaces_when_split():
    document = {"segments": [{"start": 0.0, "end": 2.0, "text": " one two three",
                "words": [{"word": "one", "start": 0.0, "end": 0.5}, {"word": "two", "start": 0.5, "end": 1.0},
                          {"word": "three", "start": 1.0, "end": 2.0}]}]}
    merged = merge(_annotation((0.0, 1.0, "A"), (1.0, 2.0, "B")), parse_transcript(json.dumps(document)))
    assert [s.text for s in merged.segments] == ["one two", "three"]


def test_merge_does_not_change_its_input():
    segment = _segment((" a", 0.0, 1.0), (" b", 1.0, 2.0))
    transcript = Transcript((segment,))
    merge(_annotation((0.0, 1.0, "A"), (1.0, 2.0, "B")), transcript)
    assert transcript.segments == (segment,)


def test_transcript_longer_than_the_diarization_warns_in_one_line():
    transcript = Transcript((_segment((" a", 0.0, 1.0)), _segment((" b", 50.0, 51.0))))
    merged = merge(_annotation((0.0, 1.0, "A")), transcript)
    assert _speakers(merged) == ["A", None]
    assert len(merged.warnings) == 1 and "\n" not in merged.warnings[0]
    assert "after the last speaker turn" in merged.warnings[0]


def test_out_of_order_and_reversed_times_warn_and_keep_file_order():
    transcript = Transcript((Segment(5.0, 6.0, "late"), Segment(1.0, 0.0, "early backwards")))
    merged = merge(_annotation((0.0, 1.0, "A"), (5.0, 6.0, "B")), transcript)
    assert [(s.text, s.speaker) for s in merged.segments] == [("late", "B"), ("early backwards", "A")]
    assert any("not in time order" in warning for warning in merged.warnings)
    assert any("end before they start" in warning for warning in merged.warnings)


def test_empty_diarization_leaves_speakers_unknown_with_a_warning():
    merged = merge(Annotation(), Transcript((_segment((" a", 0.0, 1.0)),)))
    assert _speakers(merged) == [None]
    assert merged.warnings == ("the diarization has no speaker turns; no speaker was assigned",)


def test_ten_thousand_words_merge_quickly():
    words = tuple(Word(f" w{i}", i * 0.3, i * 0.3 + 0.25) for i in range(10_000))
    segments = tuple(
        Segment(words[i].start_s, words[i + 9].end_s, "", words=words[i:i + 10]) for i in range(0, 10_000, 10)
    )
    annotation = _annotation(*[(i * 2.0, i * 2.0 + 2.0, f"S{i % 7}") for i in range(1_500)])
    started = time.perf_counter()
    merged = merge(annotation, Transcript(segments))
    assert time.perf_counter() - started < 5.0
    assert len(merged.words) == 10_000
