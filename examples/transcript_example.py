"""From a speech-recognition transcript and a diarization to speaker-labelled subtitles.

Run from anywhere (after ``pip install -e .``)::

    python examples/transcript_example.py [OUTPUT.srt]

It writes a small Whisper-style JSON transcript (as ``whisper audio.wav --word_timestamps
True --output_format json`` would), describes who spoke when as a ``pyannote.core``
``Annotation`` (what the diarization pipeline returns for the audio), merges the two and
prints speaker-labelled SRT (and writes it to ``OUTPUT.srt`` when given).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from pyannote.core import Annotation
from pyannote.core import Segment as Interval

from diarize_plugin.util.atomic import atomic_write_text
from diarize_plugin.transcript import merge, read_transcript, write_transcript

# Two people; Whisper put the question and the answer into one segment.
WHISPER_JSON = {
    "text": " Did you bring the slides? Yes, all 40 of them.",
    "language": "en",
    "segments": [
        {
            "id": 0,
            "start": 0.0,
            "end": 3.6,
            "text": " Did you bring the slides? Yes, all 40 of them.",
            "words": [
                {"word": " Did", "start": 0.0, "end": 0.3},
                {"word": " you", "start": 0.3, "end": 0.5},
                {"word": " bring", "start": 0.5, "end": 0.8},
                {"word": " the", "start": 0.8, "end": 0.9},
                {"word": " slides?", "start": 0.9, "end": 1.5},
                {"word": " Yes,", "start": 1.9, "end": 2.2},
                {"word": " all", "start": 2.3, "end": 2.5},
                # WhisperX leaves numbers it cannot align without times.
                {"word": " 40"},
                {"word": " of", "start": 3.0, "end": 3.1},
                {"word": " them.", "start": 3.1, "end": 3.6},
            ],
        }
    ],
}


def who_spoke_when() -> Annotation:
    """The diarization of the audio: turns in seconds with speaker labels."""
    annotation = Annotation(uri="meeting")
    annotation[Interval(0.0, 1.6)] = "SPEAKER_00"
    annotation[Interval(1.8, 3.7)] = "SPEAKER_01"
    return annotation


def main(output: Path | None = None) -> str:
    """Merge the example transcript with its diarization; return the SRT text and write it to
    ``output`` when given."""
    with tempfile.TemporaryDirectory(prefix="transcript_example_") as folder:
        transcript_path = Path(folder) / "meeting.json"
        atomic_write_text(transcript_path, json.dumps(WHISPER_JSON, indent=2))
        transcript = read_transcript(transcript_path)

    labelled = merge(who_spoke_when(), transcript, tolerance_s=1.0)
    for warning in labelled.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    subtitles = write_transcript(labelled, "srt")
    if output is not None:
        atomic_write_text(output, subtitles)
    return subtitles


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
