"""Praat TextGrid, ELAN EAF and Audacity labels are read back by the tools' own readers, and
exclusive diarization leaves one speaker at a time without losing speech."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyannote.core import Annotation, Segment

from diarize_plugin.formats import annotation_to_eaf, annotation_to_textgrid, exclusive, format_for_path, render_annotation
from diarize_plugin.formats.audacity import annotation_to_audacity, transcript_to_audacity
from diarize_plugin.transcript import Segment as TranscriptSegment
from diarize_plugin.transcript import Transcript, Word, merge


def meeting() -> Annotation:
    annotation = Annotation(uri="meeting")
    annotation[Segment(0.5, 2.25)] = "SPEAKER_00"
    annotation[Segment(2.0, 4.0)] = 'Dr "Who" <script>'
    annotation[Segment(3.75, 5.125)] = "SPEAKER_00"
    annotation[Segment(61.0, 3725.5)] = "SPEAKER_02"
    return annotation


def support_turns(annotation: Annotation) -> list[tuple[float, float, str]]:
    return sorted(
        (round(segment.start, 3), round(segment.end, 3), str(label))
        for label in annotation.labels()
        for segment in annotation.label_timeline(label).support()
    )


def worded_transcript() -> Transcript:
    words = (Word(" Hello", 0.6, 1.0), Word(" there,", 1.0, 1.9), Word(' "doctor"', 2.6, 3.1), Word(" 42"))
    return Transcript((TranscriptSegment(0.6, 3.1, "Hello there, doctor", words),))


def test_textgrid_has_one_tier_per_speaker_read_back_by_praatio(tmp_path: Path) -> None:
    textgrid = pytest.importorskip("praatio.textgrid", reason="praatio reads the TextGrid back")
    path = tmp_path / "meeting.TextGrid"
    path.write_text(annotation_to_textgrid(meeting(), duration_s=3800.0), encoding="utf-8")
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    assert sorted(grid.tierNames) == sorted(meeting().labels())
    assert grid.maxTimestamp == pytest.approx(3800.0)
    read_back = sorted(
        (round(entry.start, 3), round(entry.end, 3), entry.label)
        for name in grid.tierNames
        for entry in grid.getTier(name).entries
    )
    assert read_back == support_turns(meeting())


def test_textgrid_words_tier_holds_the_timed_words_of_a_merged_transcript(tmp_path: Path) -> None:
    textgrid = pytest.importorskip("praatio.textgrid", reason="praatio reads the TextGrid back")
    path = tmp_path / "meeting.TextGrid"
    merged = merge(meeting(), worded_transcript())
    path.write_text(annotation_to_textgrid(meeting(), merged), encoding="utf-8")
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    words = [(entry.start, entry.end, entry.label) for entry in grid.getTier("words").entries]
    assert words == [(0.6, 1.0, "Hello"), (1.0, 1.9, "there,"), (2.6, 3.1, '"doctor"')]


def test_eaf_has_one_tier_per_speaker_read_back_by_pympi(tmp_path: Path) -> None:
    elan = pytest.importorskip("pympi.Elan", reason="pympi-ling reads the EAF back")
    path = tmp_path / "meeting.eaf"
    path.write_text(annotation_to_eaf(meeting(), media_path=tmp_path / "meeting.wav"), encoding="utf-8")
    document = elan.Eaf(str(path))
    speakers = sorted(name for name in document.get_tier_names())
    assert speakers == sorted(meeting().labels())
    read_back = sorted(
        (start_ms / 1000, end_ms / 1000, value)
        for name in speakers
        for start_ms, end_ms, value in document.get_annotation_data_for_tier(name)
    )
    assert read_back == support_turns(meeting())
    assert document.media_descriptors[0]["RELATIVE_MEDIA_URL"] == "./meeting.wav"


def test_eaf_words_tier_read_back_by_pympi(tmp_path: Path) -> None:
    elan = pytest.importorskip("pympi.Elan", reason="pympi-ling reads the EAF back")
    path = tmp_path / "meeting.eaf"
    path.write_text(annotation_to_eaf(meeting(), merge(meeting(), worded_transcript())), encoding="utf-8")
    words = elan.Eaf(str(path)).get_annotation_data_for_tier("words")
    assert words == [(600, 1000, "Hello"), (1000, 1900, "there,"), (2600, 3100, '"doctor"')]


def test_eaf_follows_the_eaf_3_0_schema_structure() -> None:
    """The EAF 3.0 XSD is not shipped by any registry package we can install, so this checks
    what it requires of our documents: element order, required attributes, unique NCName ids,
    time-slot and linguistic-type references that resolve, integer millisecond times."""
    root = ET.fromstring(annotation_to_eaf(meeting(), merge(meeting(), worded_transcript())))
    assert root.tag == "ANNOTATION_DOCUMENT" and root.get("FORMAT") == "3.0"
    assert {"AUTHOR", "DATE", "VERSION"} <= set(root.attrib)
    order = ["HEADER", "TIME_ORDER", "TIER", "LINGUISTIC_TYPE"]
    tags = [child.tag for child in root]
    assert tags == sorted(tags, key=order.index) and tags[:2] == ["HEADER", "TIME_ORDER"]
    assert root.find("HEADER").get("TIME_UNITS") == "milliseconds"
    slots = {slot.get("TIME_SLOT_ID"): int(slot.get("TIME_VALUE")) for slot in root.iter("TIME_SLOT")}
    annotation_ids = [item.get("ANNOTATION_ID") for item in root.iter("ALIGNABLE_ANNOTATION")]
    ids = list(slots) + annotation_ids
    assert len(ids) == len(set(ids)) and all(identifier[0].isalpha() and identifier.isalnum() for identifier in ids)
    types = {item.get("LINGUISTIC_TYPE_ID") for item in root.iter("LINGUISTIC_TYPE")}
    tier_ids = [tier.get("TIER_ID") for tier in root.iter("TIER")]
    assert len(tier_ids) == len(set(tier_ids))
    for tier in root.iter("TIER"):
        assert tier.get("LINGUISTIC_TYPE_REF") in types
        for item in tier.iter("ALIGNABLE_ANNOTATION"):
            assert slots[item.get("TIME_SLOT_REF1")] < slots[item.get("TIME_SLOT_REF2")]
            assert item.find("ANNOTATION_VALUE") is not None


def test_audacity_labels_are_tab_separated_seconds_per_turn() -> None:
    lines = annotation_to_audacity(meeting()).splitlines()
    assert lines[0] == "0.500000\t2.250000\tSPEAKER_00"
    assert len(lines) == len(meeting()) and all(len(line.split("\t")) == 3 for line in lines)


def test_audacity_labels_of_a_merged_transcript_name_speaker_and_text() -> None:
    text = transcript_to_audacity(merge(meeting(), worded_transcript()))
    assert text.splitlines()[0] == "0.600000\t1.900000\tSPEAKER_00: Hello there,"


def test_render_annotation_writes_each_annotation_tool_format() -> None:
    assert render_annotation(meeting(), "textgrid").startswith('File type = "ooTextFile"')
    assert "<ANNOTATION_DOCUMENT" in render_annotation(meeting(), "eaf")
    assert render_annotation(meeting(), "audacity") == annotation_to_audacity(meeting())


@pytest.mark.parametrize("name, expected", [("a.TextGrid", "textgrid"), ("a.textgrid", "textgrid"),
                                            ("a.eaf", "eaf"), ("a.html", "html")])
def test_extension_picks_annotation_tool_formats(name: str, expected: str) -> None:
    assert format_for_path(name) == expected


def test_exclusive_drops_a_backchannel_inside_a_longer_turn() -> None:
    both = Annotation()
    both[Segment(0, 10)] = "A"
    both[Segment(4, 5)] = "B"
    both[Segment(9, 12)] = "B"
    assert [(s.start, s.end, label) for s, _, label in exclusive(both).itertracks(yield_label=True)] == [
        (0.0, 10.0, "A"), (10.0, 12.0, "B")]


turns = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 60), st.sampled_from(["A", "B", "C"])), max_size=12
)


@settings(max_examples=60, deadline=None)
@given(turns)
def test_exclusive_keeps_all_speech_one_speaker_at_a_time(drawn: list[tuple[int, int, str]]) -> None:
    annotation = Annotation()
    for start, length, label in drawn:
        segment = Segment(start / 10, (start + length) / 10)
        annotation[segment, annotation.new_track(segment)] = label
    result = exclusive(annotation)
    pieces = sorted(result.itertracks(yield_label=True))
    assert all(first.end <= second.start for (first, _, _), (second, _, _) in zip(pieces, pieces[1:]))
    assert list(result.get_timeline().support()) == list(annotation.get_timeline().support())
    for segment, _, label in pieces:
        assert annotation.label_timeline(label).support().crop(segment).duration() == pytest.approx(segment.duration)


def test_eaf_is_the_same_twice_when_source_date_epoch_fixes_its_date(monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = annotation_to_eaf(meeting())
    assert 'DATE="2023-11-14T22:13:20+00:00"' in first
    assert annotation_to_eaf(meeting()) == first


def test_bad_source_date_epoch_is_a_user_error(monkeypatch) -> None:
    from diarize_plugin.errors import DiarizeError

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(DiarizeError, match="SOURCE_DATE_EPOCH"):
        annotation_to_eaf(meeting())


def unworded_transcript() -> Transcript:
    """What SRT, WebVTT and openai-whisper's default JSON give: segments, no word times."""
    return Transcript((TranscriptSegment(0.6, 2.0, "Hello there"), TranscriptSegment(3.8, 5.0, 'Fine, "thanks"\n& you?')))


def test_textgrid_of_a_transcript_without_word_times_has_a_transcript_tier(tmp_path: Path) -> None:
    textgrid = pytest.importorskip("praatio.textgrid", reason="praatio reads the TextGrid back")
    path = tmp_path / "meeting.TextGrid"
    path.write_text(annotation_to_textgrid(meeting(), merge(meeting(), unworded_transcript())), encoding="utf-8")
    grid = textgrid.openTextgrid(str(path), includeEmptyIntervals=False)
    entries = [(entry.start, entry.end, entry.label) for entry in grid.getTier("transcript").entries]
    assert entries == [(0.6, 2.0, "SPEAKER_00: Hello there"), (3.8, 5.0, 'SPEAKER_00: Fine, "thanks" & you?')]


def test_eaf_of_a_transcript_without_word_times_has_a_transcript_tier(tmp_path: Path) -> None:
    elan = pytest.importorskip("pympi.Elan", reason="pympi-ling reads the EAF back")
    path = tmp_path / "meeting.eaf"
    path.write_text(annotation_to_eaf(meeting(), merge(meeting(), unworded_transcript())), encoding="utf-8")
    entries = elan.Eaf(str(path)).get_annotation_data_for_tier("transcript")
    assert entries == [(600, 2000, "SPEAKER_00: Hello there"), (3800, 5000, 'SPEAKER_00: Fine, "thanks" & you?')]
