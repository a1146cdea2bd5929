"""Talk time in the JSON output, ``--names`` without a voice database, CSV/TSV tables (issue 22
item 4)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np
import pytest
import soundfile
from pyannote.core import Annotation, Segment

from conftest import SAMPLE_RATE
from diarize_plugin.cli import main
from diarize_plugin.errors import DiarizeError
from diarize_plugin.formats import read_rttm, render_annotation
from diarize_plugin.formats.json_format import talk_time
from diarize_plugin.formats.speaker_names import parse_names, read_names, rename_speakers
from diarize_plugin.transcript import Segment as TranscriptSegment, Transcript


def _conversation() -> Annotation:
    annotation = Annotation(uri="talk")
    annotation[Segment(0.0, 2.0), "a"] = "SPEAKER_00"
    annotation[Segment(1.5, 4.0), "b"] = "SPEAKER_01"
    annotation[Segment(5.0, 6.0), "c"] = "SPEAKER_00"
    return annotation


def test_talk_time_gives_each_speakers_totals_share_turns_longest_turn_and_overlap() -> None:
    figures = talk_time(_conversation())
    assert figures["speech"] == 5.0 and figures["overlap"] == 0.5
    first, second = figures["speakers"]
    assert first == {"speaker": "SPEAKER_00", "talk_time": 3.0, "share": round(3 / 5.5, 4), "turns": 2,
                     "longest_turn": 2.0, "overlap": 0.5}
    assert second == {"speaker": "SPEAKER_01", "talk_time": 2.5, "share": round(2.5 / 5.5, 4), "turns": 1,
                      "longest_turn": 2.5, "overlap": 0.5}


def test_json_output_carries_the_recording_duration_and_talk_time_that_match_its_segments(
    tmp_path: Path, two_voices: Path
) -> None:
    out = tmp_path / "two.json"
    assert main([str(two_voices), "--out", str(out), "-q"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["duration"] == 9.0
    turns = Annotation()
    for item in document["segments"]:
        turns[Segment(item["start"], item["end"]), len(turns)] = item["speaker"]
    for speaker in document["talk_time"]["speakers"]:
        support = turns.label_timeline(speaker["speaker"]).support()
        assert speaker["talk_time"] == pytest.approx(support.duration(), abs=2e-3)
        assert speaker["turns"] == len(support)
    assert sum(speaker["share"] for speaker in document["talk_time"]["speakers"]) == pytest.approx(1.0, abs=1e-3)


def test_names_inline_rename_the_speakers_of_every_output(tmp_path: Path, two_voices: Path) -> None:
    out, rttm = tmp_path / "two.json", tmp_path / "two.rttm"
    assert main([str(two_voices), "--out", str(out), "--rttm", str(rttm), "--num-speakers", "2",
                 "--names", "SPEAKER_00=Alice,SPEAKER_01=Bob", "-q"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["speakers"] == ["Alice", "Bob"]
    assert {speaker["speaker"] for speaker in document["talk_time"]["speakers"]} == {"Alice", "Bob"}
    assert sorted(read_rttm(rttm)["two"].labels()) == ["Alice", "Bob"]


def test_names_from_a_file_allow_comments_and_commas_in_names(tmp_path: Path, two_voices: Path) -> None:
    names = tmp_path / "names.txt"
    names.write_text("# who is who\nSPEAKER_00=Smith, Ann\n\nSPEAKER_01 = Bob\n", encoding="utf-8")
    out = tmp_path / "two.csv"
    assert main([str(two_voices), "--out", str(out), "--num-speakers", "2", "--names", str(names), "-q"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert {row[2] for row in rows[1:]} == {"Smith, Ann", "Bob"}


def test_a_name_for_a_speaker_not_found_is_one_line_error_and_writes_nothing(
    tmp_path: Path, two_voices: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "two.json"
    assert main([str(two_voices), "--out", str(out), "--num-speakers", "2", "--names", "SPEAKER_09=Zoe", "-q"]) == 2
    error = capsys.readouterr().err.strip()
    assert "SPEAKER_09" in error and len(error.splitlines()) == 1 and "Traceback" not in error
    assert not out.exists()


@pytest.mark.parametrize("pairs", ["SPEAKER_00", "SPEAKER_00=", "=Alice", "SPEAKER_00=A,SPEAKER_00=B",
                                   "SPEAKER_00=A,SPEAKER_01=A"])
def test_malformed_names_are_refused_before_the_audio_is_read(
    tmp_path: Path, pairs: str, capsys: pytest.CaptureFixture[str]
) -> None:
    missing_audio_is_never_reached = tmp_path / "x.wav"
    soundfile.write(missing_audio_is_never_reached, np.zeros(SAMPLE_RATE, dtype=np.float32), SAMPLE_RATE)
    assert main([str(missing_audio_is_never_reached), "--names", pairs, "-q"]) == 2
    error = capsys.readouterr().err.strip()
    assert error.startswith("diarize: error: --names") and len(error.splitlines()) == 1


def test_a_name_already_carried_by_another_speaker_is_refused() -> None:
    with pytest.raises(DiarizeError, match="already the label"):
        rename_speakers(_conversation(), parse_names("SPEAKER_00=SPEAKER_01"))


def test_names_file_that_does_not_exist_is_told(tmp_path: Path) -> None:
    with pytest.raises(DiarizeError, match="no such file"):
        read_names(str(tmp_path / "absent.txt"))


def test_csv_of_turns_has_a_header_and_one_row_per_turn_in_time_order() -> None:
    rows = list(csv.reader(io.StringIO(render_annotation(_conversation(), "csv"))))
    assert rows == [["start", "end", "speaker", "text"], ["0.000", "2.000", "SPEAKER_00", ""],
                    ["1.500", "4.000", "SPEAKER_01", ""], ["5.000", "6.000", "SPEAKER_00", ""]]


def test_table_of_a_transcript_quotes_commas_quotes_and_tabs_in_the_text() -> None:
    transcript = Transcript(segments=(
        TranscriptSegment(0.0, 1.0, 'Well, "yes"\tno', speaker="Alice"),
        TranscriptSegment(1.0, 2.5, "and then\nmore", speaker=None),
    ))
    for fmt, delimiter in (("csv", ","), ("tsv", "\t")):
        text = render_annotation(Annotation(), fmt, transcript=transcript)
        rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
        assert rows[1] == ["0.000", "1.000", "Alice", 'Well, "yes" no'] and rows[2] == ["1.000", "2.500", "", "and then more"]


def test_tsv_extension_with_a_transcript_writes_its_segments(tmp_path: Path, two_voices: Path) -> None:
    transcript = tmp_path / "two.srt"
    transcript.write_text("1\n00:00:01,000 --> 00:00:03,500\nfirst voice talks\n\n"
                          "2\n00:00:05,500 --> 00:00:07,500\nsecond voice answers\n", encoding="utf-8")
    out = tmp_path / "two.tsv"
    assert main([str(two_voices), "--transcript", str(transcript), "--out", str(out), "--num-speakers", "2", "-q"]) == 0
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter="\t"))
    assert rows[0] == ["start", "end", "speaker", "text"]
    assert [row[3] for row in rows[1:]] == ["first voice talks", "second voice answers"]
    # which speaker each synthetic voice gets is the clustering's business (the same code gave
    # both voices one speaker on a fresh machine on 2026-12-02, two before); the table names one
    assert all(row[2].startswith("SPEAKER_") for row in rows[1:])


def test_merge_and_report_commands_rename_speakers_too(tmp_path: Path, two_voices: Path) -> None:
    rttm, transcript = tmp_path / "two.rttm", tmp_path / "two.srt"
    rttm.write_text("SPEAKER two 1 1.000 3.000 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
                    "SPEAKER two 1 5.000 3.000 <NA> <NA> SPEAKER_01 <NA> <NA>\n", encoding="utf-8")
    transcript.write_text("1\n00:00:01,500 --> 00:00:03,000\nhello\n", encoding="utf-8")
    merged, report = tmp_path / "out.srt", tmp_path / "out.html"
    assert main(["merge", str(rttm), str(transcript), "--out", str(merged), "--names", "SPEAKER_00=Ann", "-q"]) == 0
    assert "Ann: hello" in merged.read_text(encoding="utf-8")
    assert main(["report", str(rttm), str(two_voices), "--out", str(report), "--names", "SPEAKER_01=Bob", "-q"]) == 0
    assert "Bob" in report.read_text(encoding="utf-8")


def test_a_labelled_json_transcript_carries_the_duration_and_talk_time_too(tmp_path: Path, two_voices: Path) -> None:
    transcript = tmp_path / "two.json"
    transcript.write_text(json.dumps({"text": "hi", "language": "en", "segments": [{"start": 1.0, "end": 3.0, "text": "hi"}]}),
                          encoding="utf-8")
    out = tmp_path / "out.json"
    assert main([str(two_voices), "--transcript", str(transcript), "--out", str(out), "-q"]) == 0
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["language"] == "en" and document["diarization"]["duration"] == 9.0
    assert document["diarization"]["talk_time"]["speakers"]
