"""The worked transcript example runs and labels both speakers."""

from __future__ import annotations

import runpy
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "transcript_example.py"


def test_example_writes_speaker_labelled_srt(tmp_path):
    main = runpy.run_path(str(EXAMPLE))["main"]
    output = tmp_path / "meeting.srt"
    subtitles = main(output)
    assert output.read_text(encoding="utf-8") == subtitles
    assert "SPEAKER_00: Did you bring the slides?" in subtitles
    assert "SPEAKER_01: Yes, all 40 of them." in subtitles
