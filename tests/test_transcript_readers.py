"""Reading Whisper JSON, SRT and WebVTT transcripts into the transcript model."""

from __future__ import annotations

import json

from diarize_plugin.transcript import parse_transcript, read_transcript

WHISPER_WORDS = {
    "text": " Hello there.",
    "language": "en",
    "segments": [
        {
            "id": 0,
            "seek": 0,
            "start": 0.0,
            "end": 1.0,
            "text": " Hello there.",
            "words": [
                {"word": " Hello", "start": 0.0, "end": 0.4, "probability": 0.9},
                {"word": " there.", "start": 0.4, "end": 1.0, "probability": 0.8},
            ],
        }
    ],
}


def test_whisper_json_with_word_timestamps_gives_timed_words():
    transcript = parse_transcript(json.dumps(WHISPER_WORDS), source="a.json")
    words = transcript.words
    assert [word.text for word in words] == [" Hello", " there."]
    assert (words[1].start_s, words[1].end_s) == (0.4, 1.0)
    assert transcript.shape == "json_object"


def test_whisper_json_without_words_gives_segments_without_words():
    document = {"text": " Hi.", "segments": [{"id": 0, "start": 1.5, "end": 2.0, "text": " Hi."}]}
    transcript = parse_transcript(json.dumps(document), source="a.json")
    assert transcript.segments[0].words == ()
    assert (transcript.segments[0].start_s, transcript.segments[0].end_s) == (1.5, 2.0)


def test_faster_whisper_segment_list_is_read_as_list_shape():
    document = [{"id": 1, "start": 0.0, "end": 1.0, "text": " Yes.", "words": [
        {"start": 0.0, "end": 1.0, "word": " Yes.", "probability": 0.99}]}]
    transcript = parse_transcript(json.dumps(document), source="fw.json")
    assert transcript.shape == "json_list"
    assert transcript.words[0].text == " Yes."


def test_whisperx_words_without_times_are_untimed():
    document = {"segments": [{"start": 0.0, "end": 2.0, "text": " In 2024 we", "words": [
        {"word": "In", "start": 0.0, "end": 0.3, "score": 0.9},
        {"word": "2024"},
        {"word": "we", "start": 1.5, "end": 2.0, "score": 0.8}]}], "word_segments": []}
    words = parse_transcript(json.dumps(document), source="wx.json").words
    assert not words[1].is_timed
    assert words[0].is_timed and words[2].is_timed


def test_json_keeps_unknown_fields_in_raw():
    transcript = parse_transcript(json.dumps(WHISPER_WORDS), source="a.json")
    assert transcript.segments[0].raw["seek"] == 0
    assert transcript.words[0].raw["probability"] == 0.9
    assert transcript.header["language"] == "en"


def test_json_existing_speaker_is_read():
    document = {"segments": [{"start": 0, "end": 1, "text": "x", "speaker": "Alice"}]}
    assert parse_transcript(json.dumps(document)).segments[0].speaker == "Alice"


def test_srt_cues_keep_times_and_multiline_text():
    text = "1\n00:00:01,000 --> 00:00:02,500\nfirst line\nsecond line\n\n2\n00:01:02,250 --> 00:01:03,000\nnext\n"
    segments = parse_transcript(text, source="a.srt").segments
    assert [(s.start_s, s.end_s) for s in segments] == [(1.0, 2.5), (62.25, 63.0)]
    assert segments[0].text == "first line\nsecond line"
    assert segments[1].cue_id == "2"


def test_srt_with_crlf_and_bom_is_read():
    text = "\ufeff1\r\n00:00:01,000 --> 00:00:02,000\r\nhello\r\n\r\n"
    segments = parse_transcript(text, source="a.srt").segments
    assert segments[0].text == "hello"


def test_srt_speaker_prefix_of_this_plugin_becomes_the_speaker():
    text = "1\n00:00:01,000 --> 00:00:02,000\nSPEAKER_03: hello\n"
    segment = parse_transcript(text, source="a.srt").segments[0]
    assert (segment.speaker, segment.text) == ("SPEAKER_03", "hello")


def test_vtt_cues_keep_identifier_settings_and_short_timestamps():
    text = "WEBVTT\n\nintro\n01:02.500 --> 01:03.000 align:start\nhello\nworld\n"
    segment = parse_transcript(text, source="a.vtt").segments[0]
    assert (segment.start_s, segment.end_s) == (62.5, 63.0)
    assert segment.cue_id == "intro"
    assert segment.cue_settings == "align:start"
    assert segment.text == "hello\nworld"


def test_vtt_voice_tag_becomes_the_speaker_and_leaves_the_text():
    text = "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n<v.loud Mary Smith>Hi there</v>\n"
    segment = parse_transcript(text, source="a.vtt").segments[0]
    assert (segment.speaker, segment.text) == ("Mary Smith", "Hi there")


def test_vtt_note_blocks_are_skipped_and_style_kept_in_header():
    text = "WEBVTT - talk\n\nSTYLE\n::cue { color: red }\n\nNOTE a comment\n\n00:00.000 --> 00:01.000\nx\n"
    transcript = parse_transcript(text, source="a.vtt")
    assert len(transcript.segments) == 1
    assert transcript.header == ("WEBVTT - talk", "STYLE\n::cue { color: red }")


def test_format_is_detected_from_content_not_extension(tmp_path):
    path = tmp_path / "subtitles.txt"
    path.write_text("WEBVTT\n\n00:00.000 --> 00:01.000\nx\n", encoding="utf-8")
    assert read_transcript(path).shape == "vtt"


def test_srt_without_cue_numbers_is_detected(tmp_path):
    path = tmp_path / "cues"
    path.write_text("00:00:00,000 --> 00:00:01,000\nx\n", encoding="utf-8")
    assert read_transcript(path).segments[0].text == "x"


def test_vtt_cue_right_under_the_header_is_still_a_cue():
    text = "WEBVTT\nKind: captions\n00:00.000 --> 00:01.000\nhi\n"
    transcript = parse_transcript(text, source="a.vtt")
    assert [segment.text for segment in transcript.segments] == ["hi"]
    assert transcript.header == ("WEBVTT\nKind: captions",)
