"""Writing transcripts: speaker-labelled SRT, WebVTT, JSON in the input's shape, plain text."""

from __future__ import annotations

import json

from diarize_plugin.transcript import Segment, Transcript, Word, parse_transcript, write_transcript


def _labelled() -> Transcript:
    return Transcript(
        segments=(
            Segment(0.0, 1.5, " Hello there.", speaker="SPEAKER_00"),
            Segment(62.0, 63.25, " Fine & you?", speaker="SPEAKER_01"),
            Segment(64.0, 65.0, " And me.", speaker="SPEAKER_01"),
        ),
        shape="json_object",
    )


def test_srt_prefixes_text_with_the_speaker():
    text = write_transcript(_labelled(), "srt")
    assert text.startswith("1\n00:00:00,000 --> 00:00:01,500\nSPEAKER_00: Hello there.\n\n2\n")


def test_vtt_uses_voice_tags_and_escapes_ampersands():
    text = write_transcript(_labelled(), "vtt")
    assert text.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.500\n<v SPEAKER_00>Hello there.\n")
    assert "<v SPEAKER_01>Fine &amp; you?" in text


def test_plain_text_groups_consecutive_segments_of_one_speaker():
    text = write_transcript(_labelled(), "txt")
    assert text == (
        "[00:00:00] SPEAKER_00: Hello there.\n"
        "[00:01:02] SPEAKER_01: Fine & you? And me.\n"
    )


def test_segments_without_speaker_are_written_unlabelled():
    transcript = Transcript(segments=(Segment(1.0, 2.0, "hm"),), shape="srt")
    assert "\nhm\n" in write_transcript(transcript, "srt")
    assert write_transcript(transcript, "txt") == "[00:00:01] hm\n"


def test_srt_round_trip_keeps_times_text_and_speakers():
    original = "1\n00:00:01,000 --> 00:00:02,500\nSPEAKER_00: one\ntwo\n\n2\n00:00:03,000 --> 00:00:04,000\nthree\n"
    assert write_transcript(parse_transcript(original, source="a.srt"), "srt") == original


def test_vtt_round_trip_keeps_header_identifiers_settings_and_voices():
    original = (
        "WEBVTT - talk\n\nSTYLE\n::cue { color: red }\n\n"
        "c1\n00:00:01.000 --> 00:00:02.500 align:start\n<v Alice>one &amp; two\n\n"
        "00:00:03.000 --> 00:00:04.000\n<i>three</i>\n"
    )
    assert write_transcript(parse_transcript(original, source="a.vtt"), "vtt") == original


def test_json_round_trip_keeps_every_field_and_adds_speaker():
    document = {
        "text": " Hi.",
        "language": "en",
        "segments": [{"id": 0, "seek": 0, "start": 0, "end": 1.0, "text": " Hi.", "tokens": [7],
                      "words": [{"word": " Hi.", "start": 0, "end": 1.0, "probability": 0.5}]}],
    }
    written = json.loads(write_transcript(parse_transcript(json.dumps(document)), "json"))
    expected = json.loads(json.dumps(document))
    expected["segments"][0]["speaker"] = None
    expected["segments"][0]["words"][0]["speaker"] = None
    assert written == expected


def test_json_list_input_is_written_as_a_list():
    document = [{"start": 0.0, "end": 1.0, "text": " Yes."}]
    written = json.loads(write_transcript(parse_transcript(json.dumps(document)), "json"))
    assert isinstance(written, list) and written[0]["text"] == " Yes."


def test_untimed_json_words_stay_untimed_in_json_output():
    document = {"segments": [{"start": 0.0, "end": 1.0, "text": "In 2024",
                              "words": [{"word": "In", "start": 0.0, "end": 0.5}, {"word": "2024"}]}]}
    written = json.loads(write_transcript(parse_transcript(json.dumps(document)), "json"))
    assert written["segments"][0]["words"][1] == {"word": "2024", "speaker": None}


def test_subtitles_written_as_json_become_whisper_style():
    transcript = parse_transcript("1\n00:00:01,000 --> 00:00:02,000\nSPEAKER_01: a\nb\n", source="a.srt")
    written = json.loads(write_transcript(transcript, "json"))
    assert written["segments"] == [
        {"id": 0, "start": 1.0, "end": 2.0, "text": "a\nb", "speaker": "SPEAKER_01"}
    ]


def test_subtitle_writers_keep_cues_intact_when_text_has_blank_lines_or_arrows():
    transcript = Transcript(segments=(Segment(0.0, 1.0, "a\n\nb --> c"),), shape="json_object")
    again = parse_transcript(write_transcript(transcript, "srt"), source="x.srt")
    assert [segment.text for segment in again.segments] == ["a\nb -> c"]
    again = parse_transcript(write_transcript(transcript, "vtt"), source="x.vtt")
    assert [segment.text for segment in again.segments] == ["a\nb -> c"]


def test_word_speakers_are_written_in_json():
    transcript = Transcript(
        segments=(Segment(0.0, 1.0, " a b", words=(Word(" a", 0.0, 0.5, "S1"), Word(" b", 0.5, 1.0, "S2")),
                          speaker="S1"),),
    )
    written = json.loads(write_transcript(transcript, "json"))
    assert [word["speaker"] for word in written["segments"][0]["words"]] == ["S1", "S2"]


# --- issue 19, item 6: files the tool can read back -----------------------------------------


def test_a_segment_that_ends_before_it_starts_is_written_as_a_valid_cue():
    transcript = Transcript(segments=(Segment(14.0, 12.0, "late", speaker="SPEAKER_00"),), shape="json_object")
    srt = write_transcript(transcript, "srt")
    vtt = write_transcript(transcript, "vtt")
    assert "00:00:12,000 --> 00:00:14,000" in srt
    assert "00:00:12.000 --> 00:00:14.000" in vtt
    for text, source in ((srt, "a.srt"), (vtt, "a.vtt")):
        segment = parse_transcript(text, source=source).segments[0]
        assert (segment.start_s, segment.end_s) == (12.0, 14.0)


VTT_WITH_MARKUP = (
    "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\n<v Alice>R&amp;D &lt;3 <i>now</i> &gt; later&nbsp;on\n\n"
    "00:00:03.000 --> 00:00:04.000\n<c.loud>Yes</c> <00:00:03.500>&amp; no\n"
)


def test_webvtt_markup_and_entities_are_read_as_plain_text():
    transcript = parse_transcript(VTT_WITH_MARKUP, source="a.vtt")
    assert [segment.text for segment in transcript.segments] == ["R&D <3 now > later\u00a0on", "Yes & no"]
    srt = write_transcript(transcript, "srt")
    assert "R&D <3 now > later\u00a0on" in srt and "Yes & no" in srt
    assert "&amp;" not in srt and "<i>" not in srt
    assert json.loads(write_transcript(transcript, "json"))["segments"][0]["text"] == "R&D <3 now > later\u00a0on"
    assert "Yes & no" in write_transcript(transcript, "txt")


def test_webvtt_markup_survives_a_webvtt_round_trip():
    assert write_transcript(parse_transcript(VTT_WITH_MARKUP, source="a.vtt"), "vtt") == VTT_WITH_MARKUP


def test_voice_names_are_escaped_in_webvtt_and_read_back_whole():
    name = "Zoë & Co </v> <b>"
    transcript = Transcript(segments=(Segment(0.0, 1.0, "Hi.", speaker=name),), shape="json_object")
    text = write_transcript(transcript, "vtt")
    assert "<v Zoë &amp; Co &lt;/v&gt; &lt;b&gt;>Hi." in text
    read_back = parse_transcript(text, source="a.vtt").segments[0]
    assert (read_back.speaker, read_back.text) == (name, "Hi.")
