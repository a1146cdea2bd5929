"""Words and segments at a change of speaker (issue 22 item 3): a straddling word goes to whoever
holds most of it; a segment without word times that holds a change is split there, or, kept
whole, names every speaker it holds: never hidden."""

from __future__ import annotations

import json
from pathlib import Path

from diarize_plugin.cli import main
from diarize_plugin.formats import read_rttm_file
from diarize_plugin.transcript import merge, read_transcript, write_transcript

#: A talks 0-3 s, B 3-6 s
TURNS = "SPEAKER talk 1 0.000 3.000 <NA> <NA> A <NA> <NA>\nSPEAKER talk 1 3.000 3.000 <NA> <NA> B <NA> <NA>\n"


def _files(tmp_path: Path, transcript: str, suffix: str) -> tuple[Path, Path]:
    rttm, text = tmp_path / "talk.rttm", tmp_path / f"talk{suffix}"
    rttm.write_text(TURNS, encoding="utf-8")
    text.write_text(transcript, encoding="utf-8")
    return rttm, text


def _whisper(words: list[tuple[str, float, float]]) -> str:
    segment = {"start": words[0][1], "end": words[-1][2], "text": "".join(w for w, _, _ in words),
               "words": [{"word": w, "start": s, "end": e} for w, s, e in words]}
    return json.dumps({"text": segment["text"], "segments": [segment]})


def test_a_word_straddling_a_change_goes_to_the_speaker_who_holds_most_of_it(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, _whisper([(" before", 2.0, 2.4), (" mostly", 2.6, 3.2),
                                                   (" across", 2.8, 3.9), (" after", 4.0, 4.4)]), ".json")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [(word.text, word.speaker) for word in merged.words] == [
        (" before", "A"), (" mostly", "A"), (" across", "B"), (" after", "B")]
    assert [segment.speaker for segment in merged.segments] == ["A", "B"]


def test_a_cue_without_word_times_that_holds_a_change_is_split_at_the_change(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, "1\n00:00:00,000 --> 00:00:06,000\none two three four five six\n", ".srt")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [(s.start_s, s.end_s, s.speaker, s.text) for s in merged.segments] == [
        (0.0, 3.0, "A", "one two three"), (3.0, 6.0, "B", "four five six")]


def test_kept_whole_a_cue_that_holds_a_change_names_both_speakers(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, "1\n00:00:01,000 --> 00:00:06,000\none two three four five six\n", ".srt")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript), split_segments=False)
    (segment,) = merged.segments
    assert segment.speaker == "B" and segment.also_speakers == ("A", "B")  # B talks 3 of its 5 s
    assert "A + B: one two three four five six" in write_transcript(merged, "srt")
    assert json.loads(write_transcript(merged, "json"))["segments"][0]["speakers"] == ["A", "B"]


def test_a_few_hundred_milliseconds_of_another_speaker_at_a_cue_edge_is_no_change(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, "1\n00:00:00,000 --> 00:00:03,200\nsix words all said by a\n", ".srt")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [(segment.speaker, segment.also_speakers) for segment in merged.segments] == [("A", ())]


def test_text_written_without_spaces_is_split_between_characters(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, json.dumps({"segments": [{"start": 0.0, "end": 6.0, "text": "你好吗我很好"}]}), ".json")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [(segment.speaker, segment.text) for segment in merged.segments] == [("A", "你好吗"), ("B", "我很好")]


def test_merge_command_splits_a_webvtt_cue_at_the_change(tmp_path: Path) -> None:
    rttm, transcript = _files(tmp_path, "WEBVTT\n\n00:00.000 --> 00:06.000\none two three four five six\n", ".vtt")
    out = tmp_path / "out.vtt"
    assert main(["merge", str(rttm), str(transcript), "--out", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert "<v A>one two three" in text and "<v B>four five six" in text


def test_a_word_straddling_a_change_nearly_evenly_keeps_the_speaker_of_the_word_before_it(tmp_path: Path) -> None:
    # A holds 0.2 s of " across" and B 0.3 s: too close to call by time, so continuity decides
    rttm, transcript = _files(tmp_path, _whisper([(" before", 2.0, 2.5), (" across", 2.8, 3.3)]), ".json")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [word.speaker for word in merged.words] == ["A", "A"]


def test_a_cue_without_word_times_is_not_cut_where_someone_starts_talking_over_its_speaker(tmp_path: Path) -> None:
    # A talks 0-4 s, B starts over A's last second: the cue's last words are still A's
    rttm, transcript = _files(tmp_path, "1\n00:00:00,000 --> 00:00:04,000\none two three four\n", ".srt")
    rttm.write_text("SPEAKER talk 1 0.000 4.000 <NA> <NA> A <NA> <NA>\nSPEAKER talk 1 3.000 3.000 <NA> <NA> B <NA> <NA>\n",
                    encoding="utf-8")
    merged = merge(read_rttm_file(rttm), read_transcript(transcript))
    assert [(segment.speaker, segment.text) for segment in merged.segments] == [("A", "one two three four")]
