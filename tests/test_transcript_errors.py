"""Malformed transcripts fail with a DiarizeError naming the file and the line or field."""

from __future__ import annotations

import json

import pytest
from pyannote.core import Annotation

from diarize_plugin.errors import DiarizeError
from diarize_plugin.transcript import (
    merge,
    parse_transcript,
    read_transcript,
    transcript_format_for,
    write_transcript,
)


def test_broken_json_names_file_line_and_column(tmp_path):
    path = tmp_path / "t.json"
    path.write_text('{\n  "segments": [\n    {"start": 0,, }\n  ]\n}\n', encoding="utf-8")
    with pytest.raises(DiarizeError, match=r"t\.json: invalid JSON at line 3 column"):
        read_transcript(path)


def test_json_without_segments_names_the_missing_field():
    with pytest.raises(DiarizeError, match="a.json: the JSON object has no 'segments' field"):
        parse_transcript('{"text": "hi"}', source="a.json")


def test_json_non_numeric_word_time_names_the_field():
    document = {"segments": [{"start": 0, "end": 1, "text": "x",
                              "words": [{"word": "x", "start": "zero", "end": 1}]}]}
    with pytest.raises(DiarizeError, match=r"segments\[0\]\.words\[0\]\.start is 'zero'"):
        parse_transcript(json.dumps(document), source="a.json")


def test_json_segment_without_start_names_the_field():
    with pytest.raises(DiarizeError, match=r"\[0\]\.start is missing"):
        parse_transcript('[{"end": 1, "text": "x"}]', source="a.json")


def test_srt_broken_timing_line_names_the_line():
    text = "1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\n00:00:03 --> later\nbad\n"
    with pytest.raises(DiarizeError, match=r"a\.srt line 6: '00:00:03 --> later' is not a timing"):
        parse_transcript(text, source="a.srt")


def test_srt_text_before_first_cue_names_the_line():
    with pytest.raises(DiarizeError, match=r"a\.srt line 1: expected a cue number"):
        parse_transcript("hello\n00:00:01,000 --> 00:00:02,000\nx\n", source="a.srt", fmt="srt")


def test_vtt_without_header_names_line_one():
    with pytest.raises(DiarizeError, match=r"a\.vtt line 1: a WebVTT file must begin with 'WEBVTT'"):
        parse_transcript("00:00.000 --> 00:01.000\nx\n", source="a.vtt", fmt="vtt")


def test_vtt_cue_without_timings_names_the_line():
    text = "WEBVTT\n\n00:00.000 --> 00:01.000\nx\n\nid\nno timings here\n"
    with pytest.raises(DiarizeError, match=r"a\.vtt line 7: expected cue timings"):
        parse_transcript(text, source="a.vtt")


def test_unrecognised_content_says_which_formats_are_accepted():
    with pytest.raises(DiarizeError, match="notes.md: not Whisper JSON, SRT or WebVTT"):
        parse_transcript("# my notes\n", source="notes.md")


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(DiarizeError, match="missing.json"):
        read_transcript(tmp_path / "missing.json")


def test_non_utf8_file_says_to_save_as_utf8(tmp_path):
    path = tmp_path / "latin.srt"
    path.write_bytes(b"1\n00:00:01,000 --> 00:00:02,000\ncaf\xe9\n")
    with pytest.raises(DiarizeError, match="not UTF-8"):
        read_transcript(path)


def test_unknown_extension_has_no_transcript_format():
    with pytest.raises(DiarizeError, match="from its extension"):
        transcript_format_for("out.docx")


def test_known_extensions_give_their_format():
    names = ["a.SRT", "b.vtt", "c.json", "d.txt"]
    assert [transcript_format_for(name) for name in names] == ["srt", "vtt", "json", "txt"]


def test_unknown_output_format_is_refused():
    transcript = parse_transcript('{"segments": []}')
    with pytest.raises(DiarizeError, match="unknown transcript format 'docx'"):
        write_transcript(transcript, "docx")


def test_negative_tolerance_is_refused():
    with pytest.raises(DiarizeError, match="tolerance"):
        merge(Annotation(), parse_transcript('{"segments": []}'), tolerance_s=-1.0)
