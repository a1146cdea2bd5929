"""``diarize AUDIO --transcript T.json --out O.json`` on a synthetic two-speaker conversation
whose Whisper-shaped transcript has imprecise word times and segments that may span a change
of speaker (see benchmarks/transcripts.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import soundfile

REPOSITORY = Path(__file__).resolve().parents[1]
LIBRISPEECH = REPOSITORY.parent / "shared" / "data" / "librispeech"

pytestmark = pytest.mark.skipif(
    not LIBRISPEECH.is_dir(), reason="needs ../shared/data/librispeech to build a conversation"
)

if str(REPOSITORY) not in sys.path:
    sys.path.insert(0, str(REPOSITORY))


def test_cli_gives_most_words_their_true_speaker_and_keeps_every_word_in_order(tmp_path: Path) -> None:
    from benchmarks.conversations import SAMPLE_RATE, build_conversation
    from benchmarks.transcripts import build_transcript
    from benchmarks.word_accuracy import correct_words, output_words
    from diarize_plugin.cli import main

    conversation, script = build_conversation(seed=7005, num_speakers=2, duration_s=40.0)
    built = build_transcript(conversation, script, seed=7005)
    assert built.spanning_segments >= 1, "the transcript should hold a segment spanning a change of speaker"
    audio, transcript, merged = tmp_path / "talk.wav", tmp_path / "talk.json", tmp_path / "out.json"
    soundfile.write(str(audio), conversation.waveform, SAMPLE_RATE)
    transcript.write_text(json.dumps(built.document), encoding="utf-8")

    code = main([str(audio), "--transcript", str(transcript), "--out", str(merged), "-q", "--threads", "2"])

    assert code == 0
    words = output_words(json.loads(merged.read_text(encoding="utf-8")))
    assert tuple(text for text, _ in words) == built.word_texts
    right = correct_words(built.true_speakers, [speaker for _, speaker in words])
    assert right.mean() >= 0.85, f"word accuracy {100 * right.mean():.1f} %"
