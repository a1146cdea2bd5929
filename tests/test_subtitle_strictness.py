"""SRT and WebVTT readers reject malformed timing lines, naming the line, instead of reading
them as cue text, wrapping out-of-range minutes, or keeping cues that end before they start."""

from __future__ import annotations

import pytest

from diarize_plugin.errors import DiarizeError
from diarize_plugin.transcript import parse_transcript

GOOD_SRT_CUE = "1\n00:00:01,000 --> 00:00:02,000\nHello.\n\n"
GOOD_VTT_HEAD = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello.\n\n"


@pytest.mark.parametrize(
    "second_cue, fragment",
    [
        ("2\n00:00:03,000 -> 00:00:04,000\nWorld.\n", "line 6: '00:00:03,000 -> 00:00:04,000' is not a timing line"),
        ("2\n00:99:08,436 --> 00:99:09,000\nWorld.\n", "line 6: 00:99:08 is not a time"),
        ("2\n00:00:05,000 --> 00:00:04,000\nWorld.\n", "line 6: the cue ends (4.000 s) before it starts (5.000 s)"),
        ("2\n00:00:03,000 --> 00:00:61,000\nWorld.\n", "line 6: 00:00:61 is not a time"),
    ],
    ids=["single-dash arrow", "99 minutes", "end before start", "61 seconds"],
)
def test_malformed_srt_timing_is_rejected_with_its_line(second_cue: str, fragment: str) -> None:
    with pytest.raises(DiarizeError, match=fragment.replace("(", r"\(").replace(")", r"\)")):
        parse_transcript(GOOD_SRT_CUE + second_cue, source="talk.srt")


@pytest.mark.parametrize(
    "second_cue, fragment",
    [
        ("00:00:03.000 -> 00:00:04.000\nWorld.\n", "line 6: '00:00:03.000 -> 00:00:04.000' is not a timing line"),
        ("00:99:08.436 --> 00:99:09.000\nWorld.\n", "line 6: 00:99:08 is not a time"),
        ("cue-2\n00:00:05.000 --> 00:00:04.000\nWorld.\n", "line 7: the cue ends"),
    ],
    ids=["single-dash arrow", "99 minutes", "end before start"],
)
def test_malformed_vtt_timing_is_rejected_with_its_line(second_cue: str, fragment: str) -> None:
    with pytest.raises(DiarizeError, match=fragment):
        parse_transcript(GOOD_VTT_HEAD + second_cue, source="talk.vtt")


def test_zero_length_cue_is_kept() -> None:
    transcript = parse_transcript(GOOD_SRT_CUE + "2\n00:00:03,000 --> 00:00:03,000\nUh.\n", source="t.srt")
    assert [(s.start_s, s.end_s) for s in transcript.segments] == [(1.0, 2.0), (3.0, 3.0)]


def test_minutes_without_hours_are_read_in_webvtt() -> None:
    transcript = parse_transcript("WEBVTT\n\n01:02.500 --> 59:59.000\nLong.\n", source="t.vtt")
    assert (transcript.segments[0].start_s, transcript.segments[0].end_s) == (62.5, 3599.0)
