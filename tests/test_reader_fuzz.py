"""The transcript readers and the RTTM reader never fail with anything but DiarizeError.

Random bytes and mutated valid files (bytes flipped, inserted, deleted; lines cut, doubled,
swapped) give either a result or :class:`DiarizeError`, whose message is one line. The
examples are derandomized (the same on every run); ``FUZZ_EXAMPLES=3000`` searches longer.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diarize_plugin.errors import DiarizeError
from diarize_plugin.formats import read_rttm
from diarize_plugin.transcript import parse_transcript, read_transcript

VALID = {
    "talk.json": json.dumps({"text": " Hi. Yes.", "language": "en", "segments": [
        {"id": 0, "start": 0.0, "end": 1.5, "text": " Hi.", "words": [
            {"word": " Hi.", "start": 0.1, "end": 0.6, "probability": 0.9}]},
        {"id": 1, "start": 1.7, "end": 3.0, "text": " Yes.", "speaker": "SPEAKER_01",
         "words": [{"word": " Yes.", "start": 1.8, "end": 2.2}, {"word": " 40"}]},
    ]}).encode(),
    "talk.srt": b"1\n00:00:00,000 --> 00:00:01,500\nSPEAKER_00: Hi.\n\n2\n00:00:01,700 --> 00:00:03,000 X1:10\nYes,\nall of them.\n",
    "talk.vtt": (b"WEBVTT - meeting\n\nSTYLE\n::cue { color: lime }\n\nNOTE a note\n\nintro\n"
                 b"00:00.000 --> 00:01.500 align:start\n<v Alice>Hi.</v>\n\n00:00:01.700 --> 00:00:03.000\n<c.loud>Yes</c> &amp; no.\n"),
    "talk.rttm": (b";; comment\nSPEAKER talk 1 0.000 1.500 <NA> <NA> SPEAKER_00 <NA> <NA>\n"
                  b"SPKR-INFO talk 1 <NA> <NA> <NA> unknown SPEAKER_00 <NA> <NA>\n"
                  b"SPEAKER talk 1 1.700 1.300 <NA> <NA> SPEAKER_01 <NA> <NA>\n"),
}

FUZZ_SETTINGS = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", 120)), deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated(draw, payload: bytes) -> bytes:
    """``payload`` with a few random byte- and line-level edits."""
    data = bytearray(payload)
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        edit = draw(st.sampled_from(["flip", "insert", "delete", "cut_line", "double_line", "swap_lines", "digits"]))
        position = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        lines = bytes(data).split(b"\n")
        line = draw(st.integers(min_value=0, max_value=len(lines) - 1))
        if edit == "flip" and data:
            data[position] = draw(st.integers(min_value=0, max_value=255))
        elif edit == "insert":
            data[position:position] = draw(st.binary(min_size=1, max_size=8) | st.sampled_from(
                [b"-->", b"->", b":", b",", b".", b"\n\n", b"NaN", b"-1", b"99", b"{", b"}", b"<v ", b"\r"]))
        elif edit == "delete" and data:
            del data[position : position + draw(st.integers(min_value=1, max_value=8))]
        elif edit == "cut_line":
            data = bytearray(b"\n".join(lines[:line] + lines[line + 1 :]))
        elif edit == "double_line":
            data = bytearray(b"\n".join(lines[: line + 1] + lines[line:]))
        elif edit == "swap_lines" and len(lines) > 1:
            other = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[line], lines[other] = lines[other], lines[line]
            data = bytearray(b"\n".join(lines))
        elif edit == "digits":
            data = bytearray(bytes(data).replace(b"0", str(draw(st.integers(0, 99))).encode(), 1))
    return bytes(data)


def _read_file(name: str, payload: bytes, reader) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(payload)
        try:
            reader(path)
        except DiarizeError as error:
            assert "\n" not in str(error), str(error)


def _files(name: str):
    return st.binary(max_size=300) | mutated(VALID[name])


@FUZZ_SETTINGS
@given(name=st.sampled_from(["talk.json", "talk.srt", "talk.vtt"]), data=st.data())
def test_transcript_reader_gives_a_transcript_or_diarize_error(name: str, data: st.DataObject) -> None:
    _read_file(name, data.draw(_files(name)), read_transcript)


@FUZZ_SETTINGS
@given(fmt=st.sampled_from(["json", "srt", "vtt"]), text=st.text(max_size=300))
def test_transcript_parser_of_any_text_gives_a_transcript_or_diarize_error(fmt: str, text: str) -> None:
    try:
        parse_transcript(text, source="fuzz", fmt=fmt)
    except DiarizeError:
        pass


@FUZZ_SETTINGS
@given(payload=_files("talk.rttm"))
def test_rttm_reader_gives_annotations_or_diarize_error(payload: bytes) -> None:
    _read_file("talk.rttm", payload, read_rttm)


def test_unmutated_files_read(tmp_path: Path) -> None:
    for name, payload in VALID.items():
        (tmp_path / name).write_bytes(payload)
    assert [len(read_transcript(tmp_path / name).segments) for name in ("talk.json", "talk.srt", "talk.vtt")] == [2, 2, 2]
    assert len(read_rttm(tmp_path / "talk.rttm")["talk"]) == 2
