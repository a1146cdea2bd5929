"""The HTML report and the SVG timeline: statistics, escaping, audio embedded or linked, and the
``diarize report`` command. (The page's behaviour in a browser: test_report_browser.py.)"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
import soundfile
from hypothesis import given, settings
from hypothesis import strategies as st
from pyannote.core import Annotation, Segment

from conftest import SAMPLE_RATE, speech_like
from diarize_plugin.cli import main
from diarize_plugin.formats import annotation_to_rttm
from diarize_plugin.formats.statistics import overlap
from diarize_plugin.report import (
    OKABE_ITO, EmbeddedAudio, annotation_to_svg, embedded_audio, conversation_statistics, render_report, speaker_style,
    write_report,
)
from diarize_plugin.transcript import Segment as TranscriptSegment
from diarize_plugin.transcript import Transcript

HOSTILE_NAME = "<script>window.pwned = 1</script>"
HOSTILE_LINE = "</script><script>window.pwned = 2</script><!-- &"


def conversation() -> Annotation:
    annotation = Annotation(uri="talk")
    annotation[Segment(0.0, 4.0)] = "SPEAKER_00"
    annotation[Segment(3.0, 5.0)] = HOSTILE_NAME
    annotation[Segment(6.0, 7.0)] = "SPEAKER_00"
    annotation[Segment(6.5, 7.5)] = "SPEAKER_00"
    return annotation


def hostile_transcript() -> Transcript:
    return Transcript((
        TranscriptSegment(0.0, 3.0, "Hello there", speaker="SPEAKER_00"),
        TranscriptSegment(3.0, 5.0, HOSTILE_LINE, speaker=HOSTILE_NAME),
    ))


@pytest.fixture(scope="module")
def short_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "talk.wav"
    soundfile.write(path, speech_like(8.0), SAMPLE_RATE)
    return path


def embedded_json(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="diarize-data">(.*?)</script>', page, re.S)
    assert match, "the data element is missing"
    return json.loads(match.group(1))


def test_statistics_count_each_speakers_talk_turns_and_overlap() -> None:
    statistics = conversation_statistics(conversation())
    first = statistics.speakers[0]
    assert (first.label, first.talk_s, first.turns, first.longest_monologue_s) == ("SPEAKER_00", 5.5, 2, 4.0)
    assert sum(speaker.share for speaker in statistics.speakers) == pytest.approx(1.0)
    assert statistics.speech_s == 6.5 and statistics.overlap_s == 1.0


def test_report_escapes_speaker_names_and_transcript_text() -> None:
    page = render_report(conversation(), EmbeddedAudio("talk.wav", False), transcript=hostile_transcript(),
                         title=HOSTILE_NAME)
    assert "<script>window.pwned" not in page and "</script><script>" not in page
    assert "&lt;script&gt;window.pwned = 1&lt;/script&gt;" in page  # title and statistics, as text
    data = embedded_json(page)
    assert data["lines"][1][2:] == [HOSTILE_NAME, HOSTILE_LINE]
    assert HOSTILE_NAME in [speaker["label"] for speaker in data["speakers"]]


def test_report_lists_every_turn_and_the_overlap_for_the_timeline() -> None:
    data = embedded_json(render_report(conversation(), EmbeddedAudio("talk.wav", False)))
    assert len(data["turns"]) == len(conversation())
    assert data["overlaps"] == [[3.0, 4.0]]  # one speaker overlapping their own turn is no overlap
    assert data["duration_s"] == 7.5


def test_short_audio_is_embedded_as_mp3(tmp_path: Path, short_wav: Path) -> None:
    source = embedded_audio(short_wav, tmp_path / "talk.html")
    assert source.embedded and source.url.startswith("data:audio/mpeg;base64,")
    write_report(tmp_path / "talk.html", conversation(), short_wav)
    assert f'src="{source.url}"' in (tmp_path / "talk.html").read_text(encoding="utf-8")


def test_audio_over_the_limit_is_linked_relative_to_the_report(tmp_path: Path, short_wav: Path) -> None:
    (tmp_path / "reports").mkdir()
    source = embedded_audio(short_wav, tmp_path / "reports" / "talk.html", embed_limit_bytes=1000)
    assert not source.embedded
    assert (tmp_path / "reports" / source.url).resolve() == short_wav.resolve()
    write_report(tmp_path / "reports" / "talk.html", conversation(), short_wav, embed_limit_bytes=1000)
    assert f'src="{source.url}"' in (tmp_path / "reports" / "talk.html").read_text(encoding="utf-8")


def test_palette_is_okabe_ito_then_patterned() -> None:
    assert [speaker_style(index).colour for index in range(8)] == list(OKABE_ITO)
    assert len(set(OKABE_ITO)) == 8
    assert speaker_style(8) == speaker_style(0).__class__(OKABE_ITO[0], "hatched")


def test_svg_draws_one_bar_per_turn_and_escapes_names() -> None:
    svg = annotation_to_svg(conversation())
    root = ET.fromstring(svg)
    titles = [element.text for element in root.iter("{http://www.w3.org/2000/svg}title")]
    assert len(titles) == len(conversation())
    assert any(title.startswith(HOSTILE_NAME) for title in titles)
    assert "<script>" not in svg


def test_report_command_writes_the_page(tmp_path: Path, short_wav: Path) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text(annotation_to_rttm(conversation()).replace(HOSTILE_NAME, "SPEAKER_01"))
    out = tmp_path / "talk.html"
    assert main(["report", str(rttm), str(short_wav), "--out", str(out), "--exclusive"]) == 0
    data = embedded_json(out.read_text(encoding="utf-8"))
    assert data["duration_s"] == 8.0
    assert data["overlaps"] == []


def test_report_command_on_missing_audio_fails_in_one_line_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rttm = tmp_path / "talk.rttm"
    rttm.write_text(annotation_to_rttm(conversation()))
    code = main(["report", str(rttm), str(tmp_path / "missing.wav"), "--out", str(tmp_path / "talk.html")])
    error = capsys.readouterr().err
    assert code == 2 and error.startswith("diarize: error: audio") and error.count("\n") == 1
    assert sorted(path.name for path in tmp_path.iterdir()) == ["talk.rttm"]


def test_undecodable_audio_is_a_one_line_error(tmp_path: Path) -> None:
    from diarize_plugin.errors import DiarizeError

    noise = tmp_path / "noise.wav"
    noise.write_bytes(np.random.default_rng(0).bytes(4000))
    with pytest.raises(DiarizeError, match="cannot encode audio"):
        write_report(tmp_path / "talk.html", conversation(), noise)
    assert not (tmp_path / "talk.html").exists()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 100), st.integers(1, 40), st.sampled_from("ABC")), max_size=10))
def test_overlap_sweep_agrees_with_pyannote(drawn: list[tuple[int, int, str]]) -> None:
    annotation = Annotation()
    for start, length, label in drawn:
        segment = Segment(start / 10, (start + length) / 10)
        annotation[segment, annotation.new_track(segment)] = label
    assert list(overlap(annotation)) == list(annotation.get_overlap().support())
