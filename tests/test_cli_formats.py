"""``diarize`` writes the annotation-tool formats (TextGrid, EAF, Audacity labels), picked by
``--out``'s extension or ``--format``, and ``--exclusive`` applies to every output."""

from __future__ import annotations

from pathlib import Path

import pytest

from diarize_plugin.cli import main
from diarize_plugin.formats import read_rttm


def test_textgrid_extension_writes_a_textgrid_spanning_the_recording(tmp_path: Path, two_voices: Path) -> None:
    out = tmp_path / "two.TextGrid"
    assert main([str(two_voices), "--out", str(out), "-q"]) == 0
    text = out.read_text(encoding="utf-8")
    assert text.startswith('File type = "ooTextFile"') and "xmax = 9\n" in text


def test_eaf_extension_and_exclusive_give_turns_that_never_overlap(tmp_path: Path, two_voices: Path) -> None:
    out, rttm = tmp_path / "two.eaf", tmp_path / "two.rttm"
    assert main([str(two_voices), "--out", str(out), "--rttm", str(rttm), "--exclusive", "--num-speakers", "2", "-q"]) == 0
    assert "<ANNOTATION_DOCUMENT" in out.read_text(encoding="utf-8")
    turns = sorted(read_rttm(rttm)["two"].itertracks())
    assert len(turns) >= 2
    assert all(first.end <= second.start + 1e-9 for (first, _), (second, _) in zip(turns, turns[1:]))


def test_audacity_format_writes_tab_separated_labels(capsys: pytest.CaptureFixture[str], two_voices: Path) -> None:
    assert main([str(two_voices), "--format", "audacity", "-q"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(len(line.split("\t")) == 3 for line in lines)


def test_html_extension_writes_the_report_with_the_audio_embedded(tmp_path: Path, two_voices: Path) -> None:
    out = tmp_path / "two.html"
    assert main([str(two_voices), "--out", str(out), "--num-speakers", "2", "-q"]) == 0
    page = out.read_text(encoding="utf-8")
    assert 'id="diarize-data"' in page and 'src="data:audio/mpeg;base64,' in page
    assert "--num-speakers" in page  # the options that produced it
