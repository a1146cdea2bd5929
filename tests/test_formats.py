"""Speaker turns are written as RTTM, SRT, WebVTT and JSON, and read back without loss."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pyannote.core import Annotation, Segment

from diarize_plugin.errors import DiarizeError
from diarize_plugin.formats import FORMATS, annotation_to_rttm, format_for_path, read_rttm, render_annotation
from diarize_plugin.formats.json_format import annotation_from_json, annotation_to_json


def meeting(uri: str | None = "meeting") -> Annotation:
    annotation = Annotation(uri=uri)
    annotation[Segment(0.5, 2.25)] = "SPEAKER_00"
    annotation[Segment(2.5, 4.0)] = "SPEAKER_01"
    annotation[Segment(3.75, 5.125)] = "SPEAKER_00"
    annotation[Segment(61.0, 3725.5)] = "SPEAKER_02"
    return annotation


def single_turn(start_s: float, end_s: float, label: str) -> Annotation:
    annotation = Annotation()
    annotation[Segment(start_s, end_s)] = label
    return annotation


def assert_same_turns(first: Annotation, second: Annotation) -> None:
    def rounded(annotation: Annotation) -> list[tuple[float, float, str]]:
        return sorted((round(s.start, 3), round(s.end, 3), l) for s, _, l in annotation.itertracks(yield_label=True))

    assert rounded(first) == rounded(second)


def test_rttm_has_one_ten_field_speaker_line_per_turn() -> None:
    lines = annotation_to_rttm(meeting()).splitlines()
    assert len(lines) == 4
    assert lines[0] == "SPEAKER meeting 1 0.500 1.750 <NA> <NA> SPEAKER_00 <NA> <NA>"
    assert all(len(line.split()) == 10 for line in lines)


def test_rttm_round_trips_through_our_reader(tmp_path: Path) -> None:
    path = tmp_path / "meeting.rttm"
    path.write_text(annotation_to_rttm(meeting()))
    annotations = read_rttm(path)
    assert list(annotations) == ["meeting"]
    assert_same_turns(annotations["meeting"], meeting())


def test_rttm_round_trips_through_pyannote_database(tmp_path: Path) -> None:
    util = pytest.importorskip("pyannote.database.util")
    path = tmp_path / "meeting.rttm"
    path.write_text(annotation_to_rttm(meeting()))
    assert_same_turns(util.load_rttm(str(path))["meeting"], meeting())


def test_rttm_file_id_defaults_to_audio_and_loses_spaces() -> None:
    assert annotation_to_rttm(meeting(uri=None)).split()[1] == "audio"
    assert annotation_to_rttm(meeting(uri="team call")).split()[1] == "team_call"
    assert annotation_to_rttm(meeting(), uri="override").split()[1] == "override"


def test_empty_annotation_gives_empty_rttm() -> None:
    assert annotation_to_rttm(Annotation(uri="silence")) == ""


def test_rttm_reader_skips_comments_and_other_line_types(tmp_path: Path) -> None:
    path = tmp_path / "mixed.rttm"
    path.write_text(
        ";; a comment\n"
        "SPKR-INFO meeting 1 <NA> <NA> <NA> unknown SPEAKER_00 <NA> <NA>\n"
        "SPEAKER meeting 1 1.000 2.000 <NA> <NA> alice <NA> <NA>\n\n"
    )
    assert_same_turns(read_rttm(path)["meeting"], single_turn(1.0, 3.0, "alice"))


def test_rttm_reader_keeps_files_apart(tmp_path: Path) -> None:
    path = tmp_path / "two.rttm"
    path.write_text(annotation_to_rttm(meeting(), uri="a") + annotation_to_rttm(meeting(), uri="b"))
    assert sorted(read_rttm(path)) == ["a", "b"]


def test_malformed_rttm_line_is_named_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "bad.rttm"
    path.write_text("SPEAKER meeting 1 0.5 1.0 <NA> <NA> alice <NA> <NA>\nSPEAKER meeting 1 zero\n")
    with pytest.raises(DiarizeError, match="line 2"):
        read_rttm(path)


def test_negative_rttm_duration_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "negative.rttm"
    path.write_text("SPEAKER meeting 1 0.5 -1.0 <NA> <NA> alice <NA> <NA>\n")
    with pytest.raises(DiarizeError, match="negative duration"):
        read_rttm(path)


def test_missing_rttm_file_is_a_user_error(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="cannot read RTTM"):
        read_rttm(tmp_path / "absent.rttm")


def test_srt_has_numbered_cues_naming_the_speaker() -> None:
    cues = render_annotation(meeting(), "srt").strip().split("\n\n")
    assert len(cues) == 4
    assert cues[0].splitlines() == ["1", "00:00:00,500 --> 00:00:02,250", "SPEAKER_00"]
    assert cues[3].splitlines()[1] == "00:01:01,000 --> 01:02:05,500"
    assert [cue.splitlines()[0] for cue in cues] == ["1", "2", "3", "4"]


def test_vtt_starts_with_header_and_tags_each_voice() -> None:
    text = render_annotation(meeting(), "vtt")
    assert text.startswith("WEBVTT\n")
    cues = text.strip().split("\n\n")[1:]
    assert len(cues) == 4
    assert cues[1].splitlines() == ["00:00:02.500 --> 00:00:04.000", "<v SPEAKER_01>SPEAKER_01</v>"]
    assert all(re.fullmatch(r"\d\d:\d\d:\d\d\.\d{3} --> \d\d:\d\d:\d\d\.\d{3}", cue.splitlines()[0]) for cue in cues)


def test_json_has_uri_speakers_and_timed_segments() -> None:
    document = json.loads(annotation_to_json(meeting()))
    assert document["uri"] == "meeting"
    assert document["speakers"] == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    assert document["segments"][0] == {"start": 0.5, "end": 2.25, "speaker": "SPEAKER_00"}
    assert len(document["segments"]) == 4


def test_json_round_trips() -> None:
    restored = annotation_from_json(annotation_to_json(meeting()))
    assert restored.uri == "meeting"
    assert_same_turns(restored, meeting())


def test_json_of_empty_annotation_has_no_segments() -> None:
    assert json.loads(render_annotation(Annotation(uri="silence"), "json"))["segments"] == []


@pytest.mark.parametrize("text", ["[]", "{}", '{"segments": [{"start": 1}]}', "not json"])
def test_malformed_json_is_a_user_error(text: str) -> None:
    with pytest.raises(DiarizeError, match="not a diarization JSON document"):
        annotation_from_json(text)


@pytest.mark.parametrize(
    "path, expected",
    [("out.rttm", "rttm"), ("out.SRT", "srt"), ("out.vtt", "vtt"), ("out.webvtt", "vtt"), ("dir/out.json", "json"), ("-", "rttm")],
)
def test_format_follows_the_extension_and_stdout_is_rttm(path: str, expected: str) -> None:
    assert format_for_path(path) == expected


def test_explicit_format_wins_over_the_extension() -> None:
    assert format_for_path("out.rttm", "JSON") == "json"


def test_unknown_extension_asks_for_format() -> None:
    with pytest.raises(DiarizeError, match="--format"):
        format_for_path("out.xml")


def test_unknown_explicit_format_is_rejected() -> None:
    with pytest.raises(DiarizeError, match="unknown format 'xml'"):
        format_for_path("out.rttm", "xml")


def test_every_text_format_renders() -> None:
    for fmt in set(FORMATS) - {"html"}:
        assert isinstance(render_annotation(meeting(), fmt), str)
