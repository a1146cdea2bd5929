"""Whisper-shaped transcripts, with word timings, for the synthetic conversations.

The LibriSpeech crops have no transcripts of their own, so the words are synthesized from
where each turn really has speech (its reference pieces: the clean crop's energy envelope,
see :func:`benchmarks.conversations.speech_pieces`): every piece is cut at seeded random
points into 0.25–0.6 s "words" whose text is a placeholder token (`` w17``). Each word's true
speaker is its turn's speaker, also where two turns overlap; it is kept aside, not written
into the JSON.

Words are grouped into segments the way Whisper groups them: 3–12 s, ending at a pause or at a
change of speaker, except that about one in five *quick* changes of speaker (speech resumes
less than 0.3 s later, or overlaps) falls inside a segment. ASR timestamps are imprecise, so
word times move by up to ±50 ms. The ``whisperx`` variant writes WhisperX's shape (words
without a leading space, a ``score``) and leaves about 2 % of words untimed, as WhisperX does
with numbers it cannot align (their text is a number, ``1984``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from pyannote.core import Annotation

from benchmarks.conversations import Conversation, Turn

Variant = Literal["whisper", "whisperx"]

#: shortest and longest synthesized word, seconds
WORD_MIN_S, WORD_MAX_S = 0.25, 0.6
#: a segment aims at a length drawn from this range (seconds) and never passes the maximum
SEGMENT_MIN_S, SEGMENT_MAX_S = 3.0, 12.0
#: a change of speaker is "quick" when the next speech starts less than this later (seconds)
QUICK_CHANGE_S = 0.3
#: share of quick changes of speaker that stay inside one segment
SPAN_PROBABILITY = 0.2
#: ASR word timestamps are off by up to this much (seconds), either way
JITTER_S = 0.05
#: share of words the ``whisperx`` variant leaves untimed
UNTIMED_SHARE = 0.02
#: a pause at least this long (seconds) inside a turn may end a segment
SEGMENT_PAUSE_S = 0.05


@dataclass(frozen=True)
class ScriptedWord:
    """One synthesized word: where its turn's speaker really says it (seconds), and who."""

    start_s: float
    end_s: float
    speaker: str
    turn_index: int


@dataclass(frozen=True)
class BuiltTranscript:
    """A Whisper-shaped JSON document and the truth about its words, in transcript order.

    ``document`` is what ``json.dump`` writes; ``word_texts`` and ``true_speakers`` follow its
    words in order; ``spanning_segments`` counts segments whose words have two speakers, and
    ``quick_changes`` the quick changes of speaker the conversation has.
    """

    document: dict[str, Any]
    word_texts: tuple[str, ...]
    true_speakers: tuple[str, ...]
    untimed_words: int
    spanning_segments: int
    quick_changes: int


def build_transcript(
    conversation: Conversation, script: list[Turn], seed: int, variant: Variant = "whisper"
) -> BuiltTranscript:
    """The transcript of ``conversation`` (its ``script`` as :func:`build_conversation`
    returned it), drawn with ``seed``, in the ``"whisper"`` or ``"whisperx"`` shape."""
    rng = np.random.default_rng(seed)
    words = scripted_words(conversation.reference, script, rng)
    groups, quick_changes = _segment_groups(words, rng)
    untimed = _untimed_indices(len(words), rng) if variant == "whisperx" else set()
    times = _jittered_times(words, groups, rng)
    segments = []
    texts: list[str] = []
    for number, group in enumerate(groups):
        word_dicts = []
        for position in group:
            text = _word_text(position, variant, position in untimed)
            texts.append(text)
            word_dicts.append(_word_dict(text, times[position], variant, position in untimed, rng))
        segments.append(_segment_dict(number, word_dicts, [times[p] for p in group], variant))
    joiner = " " if variant == "whisperx" else ""
    document: dict[str, Any] = {
        "text": joiner.join(segment["text"] for segment in segments),
        "segments": segments,
        "language": "en",
    }
    spanning = sum(len({words[p].speaker for p in group}) > 1 for group in groups)
    return BuiltTranscript(
        document=document,
        word_texts=tuple(texts),
        true_speakers=tuple(words[p].speaker for group in groups for p in group),
        untimed_words=len(untimed),
        spanning_segments=spanning,
        quick_changes=quick_changes,
    )


def scripted_words(reference: Annotation, script: list[Turn], rng: np.random.Generator) -> list[ScriptedWord]:
    """Every turn's speech cut into words, in script order (a turn's words, then the next's)."""
    words: list[ScriptedWord] = []
    for turn_index, turn in enumerate(script):
        for piece_start_s, piece_end_s in _turn_pieces(reference, turn):
            for start_s, end_s in _cut(piece_start_s, piece_end_s, rng):
                words.append(ScriptedWord(start_s, end_s, turn.speaker, turn_index))
    return words


def _turn_pieces(reference: Annotation, turn: Turn) -> list[tuple[float, float]]:
    """The reference's speech pieces of ``turn``: its speaker's, inside the turn's crop."""
    epsilon_s = 1e-6
    pieces = [
        (segment.start, segment.end)
        for segment, _, label in reference.itertracks(yield_label=True)
        if label == turn.speaker and segment.start >= turn.start_s - epsilon_s and segment.end <= turn.end_s + epsilon_s
    ]
    return sorted(pieces)


def _cut(start_s: float, end_s: float, rng: np.random.Generator) -> list[tuple[float, float]]:
    """``[start_s, end_s]`` cut at random points into words of 0.25–0.6 s (a shorter piece is
    one word)."""
    words = []
    cursor_s = start_s
    while end_s - cursor_s > WORD_MAX_S:
        length_s = float(rng.uniform(WORD_MIN_S, min(WORD_MAX_S, end_s - cursor_s - WORD_MIN_S)))
        words.append((cursor_s, cursor_s + length_s))
        cursor_s += length_s
    words.append((cursor_s, end_s))
    return words


def _segment_groups(words: list[ScriptedWord], rng: np.random.Generator) -> tuple[list[list[int]], int]:
    """Word indices grouped into segments, and how many quick changes of speaker there are."""
    groups: list[list[int]] = []
    quick_changes = 0
    target_s = 0.0
    for index, word in enumerate(words):
        if not groups:
            groups.append([index])
            target_s = float(rng.uniform(SEGMENT_MIN_S, SEGMENT_MAX_S))
            continue
        previous = words[index - 1]
        segment_start_s = words[groups[-1][0]].start_s
        too_long = word.end_s - segment_start_s > SEGMENT_MAX_S
        pause_s = word.start_s - previous.end_s
        if word.turn_index != previous.turn_index:
            quick = pause_s < QUICK_CHANGE_S
            quick_changes += quick
            new_segment = too_long or not (quick and rng.random() < SPAN_PROBABILITY)
        else:
            new_segment = too_long or (previous.end_s - segment_start_s >= target_s and pause_s >= SEGMENT_PAUSE_S)
        if new_segment:
            groups.append([index])
            target_s = float(rng.uniform(SEGMENT_MIN_S, SEGMENT_MAX_S))
        else:
            groups[-1].append(index)
    return groups, quick_changes


def _untimed_indices(count: int, rng: np.random.Generator) -> set[int]:
    return {int(i) for i in np.flatnonzero(rng.random(count) < UNTIMED_SHARE)}


def _jittered_times(
    words: list[ScriptedWord], groups: list[list[int]], rng: np.random.Generator
) -> list[tuple[float, float]]:
    """Word times moved by up to ±``JITTER_S``, kept in order inside each turn of a segment
    (a word never starts before the one it follows ends) and at least 20 ms long."""
    times: list[tuple[float, float]] = [(0.0, 0.0)] * len(words)
    for group in groups:
        previous_end_s = None
        for position, index in enumerate(group):
            word = words[index]
            start_s = word.start_s + float(rng.uniform(-JITTER_S, JITTER_S))
            end_s = word.end_s + float(rng.uniform(-JITTER_S, JITTER_S))
            same_turn = position > 0 and words[group[position - 1]].turn_index == word.turn_index
            if same_turn and previous_end_s is not None:
                start_s = max(start_s, previous_end_s)
            start_s = max(start_s, 0.0)
            end_s = max(end_s, start_s + 0.02)
            times[index] = (round(start_s, 2), round(end_s, 2))
            previous_end_s = times[index][1]
    return times


def _word_text(index: int, variant: Variant, untimed: bool) -> str:
    token = str(1000 + index) if untimed else f"w{index}"
    return token if variant == "whisperx" else " " + token


def _word_dict(
    text: str, times: tuple[float, float], variant: Variant, untimed: bool, rng: np.random.Generator
) -> dict[str, Any]:
    confidence = round(float(rng.uniform(0.5, 1.0)), 3)
    if untimed:
        return {"word": text}
    if variant == "whisperx":
        return {"word": text, "start": times[0], "end": times[1], "score": confidence}
    return {"word": text, "start": times[0], "end": times[1], "probability": confidence}


def _segment_dict(
    number: int, word_dicts: list[dict[str, Any]], times: list[tuple[float, float]], variant: Variant
) -> dict[str, Any]:
    start_s = min(start for start, _ in times)
    end_s = max(end for _, end in times)
    if variant == "whisperx":
        return {
            "start": start_s,
            "end": end_s,
            "text": " ".join(word["word"] for word in word_dicts),
            "words": word_dicts,
        }
    return {
        "id": number,
        "seek": int(start_s // 30) * 3000,
        "start": start_s,
        "end": end_s,
        "text": "".join(word["word"] for word in word_dicts),
        "tokens": [],
        "temperature": 0.0,
        "avg_logprob": -0.25,
        "compression_ratio": 1.4,
        "no_speech_prob": 0.01,
        "words": word_dicts,
    }
