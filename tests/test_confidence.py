"""Confidence per turn, word and segment (issue 22 item 2): computed from evidence the run
collects without changing a turn, calibrated by the shipped file, carried by JSON, marked in
SRT/WebVTT (``--mark-doubtful``) and in the HTML report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pyannote.core import Annotation, Segment

from diarize_plugin.cli import main
from diarize_plugin.confidence import transcript_confidences, turn_confidences
from diarize_plugin.diarization.evidence import collecting
from diarize_plugin.transcript.doubt import DOUBTFUL_BELOW, is_doubtful
from diarize_plugin.confidence.calibration import shipped_calibration
from diarize_plugin.diarization.evidence import RunEvidence
from diarize_plugin.confidence.features import FEATURE_NAMES, turn_features
from diarize_plugin.formats import annotation_to_rttm, render_annotation
from diarize_plugin.diarization.pipeline import Diarizer
from diarize_plugin.report import EmbeddedAudio, render_report
from diarize_plugin.transcript import merge, read_transcript, write_transcript


def _two_speakers() -> Annotation:
    annotation = Annotation(uri="talk")
    annotation[Segment(0.0, 3.0), "a"] = "A"
    annotation[Segment(3.0, 6.0), "b"] = "B"
    annotation[Segment(6.0, 7.5), "c"] = "A"
    return annotation


def _evidence(odd_window_direction: list[float]) -> RunEvidence:
    """Windows of 1.5 s: A's sound like [1, 0], B's like [0, 1], and the one at 6.0-7.5 s (a
    turn labelled A) like ``odd_window_direction``."""
    windows = [Segment(start, start + 1.5) for start in (0.0, 1.5, 3.0, 4.5, 6.0)]
    embeddings = np.array([[1, 0], [1, 0.05], [0, 1], [0.05, 1], odd_window_direction], dtype=np.float32)
    probabilities = np.tile(np.array([[0.95, 0.02]], dtype=np.float32), (500, 1))
    return RunEvidence(windows, embeddings, probabilities, 0.016875, 0.0)


def test_collecting_evidence_changes_no_turn(two_voices: Path) -> None:
    diarizer = Diarizer()
    plain = annotation_to_rttm(diarizer.run(two_voices))
    with collecting() as evidence:
        collected = annotation_to_rttm(diarizer.run(two_voices))
    assert collected == plain
    assert len(evidence.windows) == len(evidence.embeddings) > 0
    assert evidence.frame_probabilities is not None and evidence.frame_probabilities.shape[1] == 2


def test_a_turn_that_sounds_like_another_speaker_is_less_confident_than_a_clean_one() -> None:
    clean = turn_confidences(_two_speakers(), _evidence([1.0, 0.0]))
    odd = turn_confidences(_two_speakers(), _evidence([0.0, 1.0]))
    assert odd[2] < clean[2]
    features = turn_features(_two_speakers(), _evidence([0.0, 1.0]))
    assert features[2, FEATURE_NAMES.index("margin")] < 0 < features[0, FEATURE_NAMES.index("margin")]


def test_confidences_are_probabilities_one_per_turn_and_deterministic(two_voices: Path) -> None:
    diarizer = Diarizer()
    runs = []
    for _ in range(2):
        with collecting() as evidence:
            annotation = diarizer.run(two_voices)
        runs.append(turn_confidences(annotation, evidence))
    assert runs[0] == runs[1] and len(runs[0]) == len(annotation)
    assert all(0.0 <= value <= 1.0 for value in runs[0])


def test_without_the_networks_probabilities_the_other_model_scores_every_turn() -> None:
    evidence = _evidence([1.0, 0.0])
    evidence.frame_probabilities = None
    features = turn_features(_two_speakers(), evidence)
    assert np.isnan(features[:, FEATURE_NAMES.index("speech_probability")]).all()
    confidences = shipped_calibration().confidences(features)
    assert np.isfinite(confidences).all() and ((confidences > 0) & (confidences < 1)).all()


def test_a_word_straddling_a_change_is_scored_by_the_share_its_speaker_holds(tmp_path: Path) -> None:
    transcript = tmp_path / "talk.json"
    transcript.write_text(json.dumps({"segments": [{"start": 1.0, "end": 4.0, "text": " inside across", "words": [
        {"word": " inside", "start": 1.0, "end": 2.0}, {"word": " across", "start": 2.8, "end": 3.8}]}]}), encoding="utf-8")
    annotation = _two_speakers()
    merged = transcript_confidences(merge(annotation, read_transcript(transcript)), annotation, [0.9, 0.8, 0.7])
    inside, across = merged.words
    assert inside.confidence == pytest.approx(0.9)
    assert across.speaker == "B" and across.confidence == pytest.approx(0.8 * 0.8)  # B holds 0.8 s of 1.0 s
    assert all(segment.confidence is not None for segment in merged.segments)


def test_json_output_with_a_transcript_has_confidence_on_every_segment_and_word(tmp_path: Path, two_voices: Path) -> None:
    transcript = tmp_path / "two.json"
    transcript.write_text(json.dumps({"segments": [
        {"start": 1.0, "end": 4.0, "text": " one two", "words": [{"word": " one", "start": 1.0, "end": 2.0},
                                                                  {"word": " two", "start": 2.5, "end": 3.5}]},
        {"start": 5.5, "end": 7.5, "text": " three"}]}), encoding="utf-8")
    out, turns = tmp_path / "out.json", tmp_path / "turns.json"
    assert main([str(two_voices), "--transcript", str(transcript), "--out", str(out), "-q"]) == 0
    assert main([str(two_voices), "--out", str(turns), "-q"]) == 0
    segments = json.loads(out.read_text(encoding="utf-8"))["segments"]
    assert all(0 <= segment["confidence"] <= 1 for segment in segments)
    assert all(0 <= word["confidence"] <= 1 for segment in segments for word in segment.get("words", []))
    assert all(0 <= segment["confidence"] <= 1 for segment in json.loads(turns.read_text(encoding="utf-8"))["segments"])


def test_mark_doubtful_marks_only_the_doubtful_subtitle_cues() -> None:
    annotation = _two_speakers()
    srt = render_annotation(annotation, "srt", confidences=[0.3, 0.9, 0.49], mark_doubtful=True)
    assert srt.count("(?)") == 2 and "A (?)\n" in srt and "\nB\n" in srt
    vtt = render_annotation(annotation, "vtt", confidences=[0.3, 0.9, 0.49], mark_doubtful=True)
    assert vtt.count("(?)") == 2
    assert "(?)" not in render_annotation(annotation, "srt", confidences=[0.3, 0.9, 0.49])
    assert is_doubtful(DOUBTFUL_BELOW - 1e-3) and not is_doubtful(DOUBTFUL_BELOW) and not is_doubtful(None)


def test_mark_doubtful_in_a_labelled_transcript(tmp_path: Path) -> None:
    transcript = tmp_path / "talk.srt"
    transcript.write_text("1\n00:00:00,500 --> 00:00:02,500\nhello there\n\n2\n00:00:03,500 --> 00:00:05,500\nyes\n",
                          encoding="utf-8")
    annotation = _two_speakers()
    merged = transcript_confidences(merge(annotation, read_transcript(transcript)), annotation, [0.2, 0.9, 0.9])
    assert "A (?): hello there" in write_transcript(merged, "srt", mark_doubtful=True)
    assert "<v B>yes" in write_transcript(merged, "vtt", mark_doubtful=True)
    assert "(?)" not in write_transcript(merged, "srt")


def test_mark_doubtful_with_an_output_that_has_no_cues_is_a_one_line_error(
    tmp_path: Path, two_voices: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([str(two_voices), "--out", str(tmp_path / "x.rttm"), "--mark-doubtful", "-q"]) == 2
    error = capsys.readouterr().err.strip()
    assert "--mark-doubtful" in error and len(error.splitlines()) == 1
    assert not (tmp_path / "x.rttm").exists()


def test_html_report_flags_doubtful_turns_and_lines(tmp_path: Path) -> None:
    from test_report import embedded_json

    audio = EmbeddedAudio(url="talk.wav", embedded=False)
    annotation = _two_speakers()
    from diarize_plugin.transcript import Segment as TranscriptSegment, Transcript

    transcript = Transcript((TranscriptSegment(0.0, 3.0, "hi", speaker="A", confidence=0.2),
                             TranscriptSegment(3.0, 6.0, "yes", speaker="B", confidence=0.9)))
    data = embedded_json(render_report(annotation, audio, transcript=transcript, confidences=[0.2, 0.9, 0.95]))
    assert [turn[3] for turn in data["turns"]] == [1, 0, 0]
    assert [line[4] for line in data["lines"]] == [1, 0]
    plain = embedded_json(render_report(annotation, audio))
    assert all(len(turn) == 3 for turn in plain["turns"])


def test_batch_json_outputs_carry_the_same_confidences_as_a_single_run(tmp_path: Path, two_voices: Path) -> None:
    folder, out_dir, single = tmp_path / "in", tmp_path / "out", tmp_path / "single.json"
    folder.mkdir()
    (folder / "two.wav").write_bytes(two_voices.read_bytes())
    assert main([str(folder), "--out-dir", str(out_dir), "--format", "json", "-q"]) == 0
    assert main([str(folder / "two.wav"), "--out", str(single), "-q"]) == 0
    batch = json.loads((out_dir / "two.json").read_text(encoding="utf-8"))
    assert [s["confidence"] for s in batch["segments"]] == [s["confidence"] for s in json.loads(single.read_text())["segments"]]
