"""Properties of merging that hold for any transcript and any diarization."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st
from pyannote.core import Annotation
from pyannote.core import Segment as Interval

from diarize_plugin.transcript import Segment, Transcript, Word, merge, parse_transcript, write_transcript

_times = st.one_of(st.none(), st.floats(min_value=0.0, max_value=60.0, allow_nan=False))


@st.composite
def _words(draw) -> Word:
    start_s = draw(_times)
    end_s = start_s if start_s is None else draw(st.floats(min_value=0.0, max_value=60.0))
    return Word(text=f" {draw(st.text(min_size=1, max_size=4))}", start_s=start_s, end_s=end_s)


@st.composite
def _transcripts(draw) -> Transcript:
    segments = []
    for _ in range(draw(st.integers(min_value=0, max_value=6))):
        words = tuple(draw(st.lists(_words(), max_size=8)))
        start_s = draw(st.floats(min_value=0.0, max_value=60.0))
        end_s = draw(st.floats(min_value=0.0, max_value=60.0))
        segments.append(Segment(start_s, end_s, "".join(w.text for w in words), words=words))
    return Transcript(tuple(segments))


@st.composite
def _annotations(draw) -> Annotation:
    annotation = Annotation()
    for index in range(draw(st.integers(min_value=0, max_value=8))):
        start_s = draw(st.floats(min_value=0.0, max_value=50.0))
        duration_s = draw(st.floats(min_value=0.01, max_value=10.0))
        annotation[Interval(start_s, start_s + duration_s), index] = draw(st.sampled_from("ABC"))
    return annotation


def _word_identities(transcript: Transcript) -> list[tuple[str, float | None, float | None]]:
    return [(word.text, word.start_s, word.end_s) for word in transcript.words]


@settings(max_examples=100, deadline=None)
@given(_annotations(), _transcripts(), st.booleans(), st.floats(min_value=0.0, max_value=5.0))
def test_merging_never_drops_or_reorders_words(annotation, transcript, split_segments, tolerance_s):
    merged = merge(annotation, transcript, split_segments=split_segments, tolerance_s=tolerance_s)
    assert _word_identities(merged) == _word_identities(transcript)


@settings(max_examples=100, deadline=None)
@given(_annotations(), _transcripts())
def test_split_segments_each_hold_one_speaker(annotation, transcript):
    merged = merge(annotation, transcript)
    for segment in merged.segments:
        assert len({word.speaker for word in segment.words if word.speaker is not None}) <= 1


@settings(max_examples=100, deadline=None)
@given(_annotations(), _transcripts())
def test_json_output_keeps_every_word_in_order(annotation, transcript):
    document = {"segments": [
        {"start": s.start_s, "end": s.end_s, "text": s.text,
         "words": [{"word": w.text, "start": w.start_s, "end": w.end_s} for w in s.words]}
        for s in transcript.segments
    ]}
    merged = merge(annotation, parse_transcript(json.dumps(document)))
    written = json.loads(write_transcript(merged, "json"))
    texts = [word["word"] for segment in written["segments"] for word in segment["words"]]
    assert texts == [word.text for word in transcript.words]
