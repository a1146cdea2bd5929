"""Attach diarization speakers to the words and segments of a transcript.

Rules (the ones WhisperX users expect, made deterministic):

- a word gets the speaker who talks most during it (one that straddles a change of speaker
  included); a word no turn overlaps gets the nearest
  speaker within ``tolerance_s``, else no speaker;
- a word in overlapped speech (a second speaker talks at least ``OVERLAP_SHARE`` as long as
  the first during it) keeps the speaker of the word before it in its segment when that is one
  of the two, else of the word after it under the same condition: who talks *most* during a
  word two people say at once is close to chance, who was already talking is not. This also
  holds for a word that straddles a plain change of speaker nearly evenly (the one holds less
  than twice the other's time): there the change's time is uncertain by about as much, and
  continuity is measured to be right more often (``benchmarks/word_accuracy.py``: 99.1 % of
  words against 98.9 % by time alone);
- an untimed word gets times interpolated between its timed neighbours, and the speaker its
  timed neighbours share (when they disagree, the one its interpolated time says);
- a segment gets the speaker of most of its words by duration, or of its own interval when
  it has no words; with ``split_segments`` a segment whose words change speaker is split at
  each change;
- a segment without words that holds a change of speaker is split at the change (its text
  spread evenly over its time), or, kept whole, lists the speakers it holds
  (:mod:`~diarize_plugin.transcript.untimed`): a change is never hidden;
- when no speaker is found, a speaker the input already had is kept;
- words are never dropped or reordered.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from pyannote.core import Annotation

from ..errors import DiarizeError
from .model import Segment, Transcript, Word
from .speaker_turns import SpeakerTurns
from .untimed import split_untimed

#: how far (seconds) a word may lie from the nearest speaker turn and still be given it
DEFAULT_TOLERANCE_S = 1.0
#: a word is in overlapped speech when its second speaker talks at least this share of the
#: time its first one does; continuity with the neighbouring words then decides
OVERLAP_SHARE = 0.5
#: weight (seconds) of a zero-length word in a segment's majority vote, so it still counts
_INSTANT_WEIGHT_S = 1e-3


@dataclass(frozen=True)
class _TimedSegment:
    """A segment with the times assignment works on: every word timed, every interval forward."""

    segment: Segment
    start_s: float
    end_s: float
    word_starts_s: list[float]
    word_ends_s: list[float]
    word_is_timed: list[bool]


def merge(
    annotation: Annotation,
    transcript: Transcript,
    *,
    split_segments: bool = True,
    tolerance_s: float = DEFAULT_TOLERANCE_S,
) -> Transcript:
    """A copy of ``transcript`` with the speakers of ``annotation`` on every word and segment.

    ``tolerance_s``: how far (seconds) a word or segment that overlaps no turn may lie from
    the nearest turn and still take its speaker. ``split_segments``: split a segment where its
    words change speaker (``False`` keeps every segment whole). The result's ``warnings`` hold
    one-line messages about input that was worked around (times past the last turn, reversed
    or out-of-order times). Raises :class:`DiarizeError` for a negative tolerance.
    """
    if not tolerance_s >= 0.0:
        raise DiarizeError(f"tolerance must be zero or more seconds, got {tolerance_s}")
    turns = SpeakerTurns(annotation)
    reversed_count = 0
    timed_segments = []
    for segment in transcript.segments:
        timed, reversed_here = _timed(segment)
        timed_segments.append(timed)
        reversed_count += reversed_here
    word_speakers, segment_speakers = _speakers(turns, timed_segments, tolerance_s)
    segments: list[Segment] = []
    for timed, speakers, interval_speaker in zip(timed_segments, word_speakers, segment_speakers):
        pieces = None
        if not timed.segment.words:
            pieces = split_untimed(timed.segment, timed.start_s, timed.end_s, turns, tolerance_s, split_segments,
                                   OVERLAP_SHARE)
        segments.extend(pieces or _assigned(timed, speakers, interval_speaker, split_segments))
    segments = _renumbered(transcript.segments, segments)
    warnings = _warnings(turns, timed_segments, reversed_count, tolerance_s)
    return replace(transcript, segments=tuple(segments), warnings=transcript.warnings + warnings)


def require_shared_time(annotation: Annotation, transcript: Transcript, *, rttm: str, transcript_name: str) -> None:
    """Raise :class:`DiarizeError` when ``annotation`` and ``transcript`` share no time.

    Turns that never meet a segment (an empty RTTM, or one for another recording) would leave
    every word without a speaker. ``rttm`` and ``transcript_name`` name the files in the message.
    A transcript without segments shares nothing to label and passes.
    """
    if not transcript.segments:
        return
    turns = annotation.get_timeline().support()
    spans = [(min(s.start_s, s.end_s), max(s.start_s, s.end_s)) for s in transcript.segments]
    for turn in turns:
        if any(start_s < turn.end and turn.start < end_s for start_s, end_s in spans):
            return
    first_s, last_s = min(start for start, _ in spans), max(end for _, end in spans)
    held = f"its speaker turns span {turns.extent().start:.1f}-{turns.extent().end:.1f} s" if turns else "it has no speaker turns"
    raise DiarizeError(
        f"{rttm} shares no time with {transcript_name} ({held}, the transcript {first_s:.1f}-{last_s:.1f} s); "
        "give the RTTM of the same recording"
    )


def _timed(segment: Segment) -> tuple[_TimedSegment, int]:
    """Forward intervals for the segment and its words (untimed words interpolated), and how
    many intervals had to be turned around."""
    reversed_count = 0
    start_s, end_s = segment.start_s, segment.end_s
    if end_s < start_s:
        start_s, end_s, reversed_count = end_s, start_s, 1
    starts: list[float | None] = []
    ends: list[float | None] = []
    for word in segment.words:
        if word.is_timed and word.end_s < word.start_s:
            reversed_count += 1
            starts.append(word.end_s)
            ends.append(word.start_s)
        else:
            starts.append(word.start_s)
            ends.append(word.end_s)
    is_timed = [word.is_timed for word in segment.words]
    _interpolate(starts, ends, is_timed, start_s, end_s)
    timed = _TimedSegment(segment, start_s, end_s, starts, ends, is_timed)  # type: ignore[arg-type]
    return timed, reversed_count


def _interpolate(
    starts: list, ends: list, is_timed: list[bool], segment_start_s: float, segment_end_s: float
) -> None:
    """Share the time between timed neighbours (or the segment's bounds) evenly among each run
    of untimed words, in place."""
    index = 0
    while index < len(is_timed):
        if is_timed[index]:
            index += 1
            continue
        stop = index
        while stop < len(is_timed) and not is_timed[stop]:
            stop += 1
        left_s = ends[index - 1] if index > 0 else segment_start_s
        right_s = starts[stop] if stop < len(is_timed) else segment_end_s
        right_s = max(right_s, left_s)
        step_s = (right_s - left_s) / (stop - index)
        for position in range(index, stop):
            starts[position] = left_s + (position - index) * step_s
            ends[position] = left_s + (position - index + 1) * step_s
        index = stop


def _speakers(
    turns: SpeakerTurns, timed_segments: list[_TimedSegment], tolerance_s: float
) -> tuple[list[list[str | None]], list[str | None]]:
    """Diarization speaker of every word (per segment) and of every segment's own interval."""
    word_starts = np.array([s for timed in timed_segments for s in timed.word_starts_s], float)
    word_ends = np.array([e for timed in timed_segments for e in timed.word_ends_s], float)
    flat = turns.speakers_of(word_starts, word_ends, tolerance_s)
    is_timed = np.array([t for timed in timed_segments for t in timed.word_is_timed], bool)
    segment_of_word = np.repeat(
        np.arange(len(timed_segments)), [len(timed.word_starts_s) for timed in timed_segments]
    )
    contested, pairs = _contested_words(turns, word_starts, word_ends, is_timed)
    flat = _by_continuity(flat, contested, pairs, segment_of_word)
    segment_starts = np.array([timed.start_s for timed in timed_segments], float)
    segment_ends = np.array([timed.end_s for timed in timed_segments], float)
    by_interval = turns.speakers_of(segment_starts, segment_ends, tolerance_s)
    per_segment = []
    offset = 0
    for timed in timed_segments:
        count = len(timed.word_starts_s)
        per_segment.append(_from_neighbours(flat[offset:offset + count], timed.word_is_timed))
        offset += count
    return per_segment, by_interval


def _contested_words(
    turns: SpeakerTurns, starts_s: np.ndarray, ends_s: np.ndarray, is_timed: np.ndarray
) -> tuple[list[int], list[tuple[str, str]]]:
    """Timed words in overlapped speech (indices, in order) and their two main speakers."""
    if len(turns) < 2 or len(starts_s) == 0:
        return [], []
    overlap_s = turns.overlap_s(starts_s, ends_s)
    # Stable, so the first speaker matches speakers_of's argmax on ties.
    top_two = np.argsort(-overlap_s, axis=1, kind="stable")[:, :2]
    rows = np.arange(len(starts_s))
    first_s, second_s = overlap_s[rows, top_two[:, 0]], overlap_s[rows, top_two[:, 1]]
    contested = np.flatnonzero(is_timed & (second_s > 0.0) & (second_s >= OVERLAP_SHARE * first_s))
    labels = turns.labels
    pairs = [(labels[first], labels[second]) for first, second in top_two[contested].tolist()]
    return contested.tolist(), pairs


def _by_continuity(
    speakers: list[str | None],
    contested: list[int],
    pairs: list[tuple[str, str]],
    segment_of_word: np.ndarray,
) -> list[str | None]:
    """Contested words take the previous word's speaker (same segment) when it is one of their
    two; failing that, the next word's under the same condition; failing both, they keep theirs.

    A run of contested words chains: each looks at its neighbour's settled speaker, so a run
    at the start of a segment takes the speaker of the first word after it.
    """
    result = list(speakers)
    last = len(result) - 1
    unsettled: set[int] = set()
    for index, pair in zip(contested, pairs):
        before = index - 1
        if before >= 0 and before not in unsettled and segment_of_word[before] == segment_of_word[index]:
            if result[before] in pair:
                result[index] = result[before]
                continue
        unsettled.add(index)
    for index, pair in reversed(list(zip(contested, pairs))):
        after = index + 1
        if index in unsettled and after <= last and segment_of_word[after] == segment_of_word[index]:
            if result[after] in pair:
                result[index] = result[after]
    return result


def _from_neighbours(speakers: list[str | None], is_timed: list[bool]) -> list[str | None]:
    """Untimed words take the speaker their nearest timed neighbours agree on."""
    result = list(speakers)
    previous: str | None = None
    following = _next_timed_speakers(speakers, is_timed)
    for index, timed in enumerate(is_timed):
        if timed:
            previous = speakers[index]
            continue
        neighbours = {speaker for speaker in (previous, following[index]) if speaker is not None}
        if len(neighbours) == 1:
            result[index] = neighbours.pop()
        elif len(neighbours) == 2 and result[index] is None:
            result[index] = previous
    return result


def _next_timed_speakers(speakers: list[str | None], is_timed: list[bool]) -> list[str | None]:
    following: list[str | None] = [None] * len(speakers)
    upcoming: str | None = None
    for index in range(len(speakers) - 1, -1, -1):
        following[index] = upcoming
        if is_timed[index]:
            upcoming = speakers[index]
    return following


def _assigned(
    timed: _TimedSegment,
    diarized: list[str | None],
    interval_speaker: str | None,
    split_segments: bool,
) -> list[Segment]:
    """The segment with speakers on its words and itself, split at speaker changes if asked."""
    segment = timed.segment
    words = [
        replace(word, speaker=speaker if speaker is not None else word.speaker)
        for word, speaker in zip(segment.words, diarized)
    ]
    if not words:
        speaker = interval_speaker if interval_speaker is not None else segment.speaker
        return [replace(segment, speaker=speaker)]
    runs = _speaker_runs(words) if split_segments else [list(range(len(words)))]
    if len(runs) == 1:
        speaker = _majority(timed, words, runs[0]) or interval_speaker or segment.speaker
        return [replace(segment, words=tuple(words), speaker=speaker)]
    joiner = _word_joiner(segment)
    pieces = []
    for number, run in enumerate(runs):
        start_s = timed.start_s if number == 0 else timed.word_starts_s[run[0]]
        end_s = timed.end_s if number == len(runs) - 1 else timed.word_ends_s[run[-1]]
        pieces.append(
            replace(
                segment,
                start_s=round(start_s, 3),
                end_s=round(max(end_s, start_s), 3),
                text=joiner.join(words[index].text for index in run),
                words=tuple(words[index] for index in run),
                speaker=_majority(timed, words, run),
                cue_id=None,
                raw=dict(segment.raw) if segment.raw is not None else None,
                markup=None,
            )
        )
    return pieces


def _speaker_runs(words: list[Word]) -> list[list[int]]:
    """Word indices grouped where the speaker changes; words without a speaker join the run
    they sit in (leading ones the first run) rather than start one."""
    runs: list[list[int]] = []
    run_speaker: str | None = None
    for index, word in enumerate(words):
        if runs and (word.speaker is None or word.speaker == run_speaker or run_speaker is None):
            runs[-1].append(index)
            run_speaker = run_speaker or word.speaker
        else:
            runs.append([index])
            run_speaker = word.speaker
    return runs


def _majority(timed: _TimedSegment, words: list[Word], indices: list[int]) -> str | None:
    """The speaker of most of the words' duration (ties: the first to speak)."""
    weight_s: dict[str, float] = {}
    for index in indices:
        speaker = words[index].speaker
        if speaker is not None:
            duration_s = timed.word_ends_s[index] - timed.word_starts_s[index]
            weight_s[speaker] = weight_s.get(speaker, 0.0) + max(duration_s, _INSTANT_WEIGHT_S)
    if not weight_s:
        return None
    return max(weight_s, key=lambda speaker: weight_s[speaker])


def _word_joiner(segment: Segment) -> str:
    """How the segment's words join into its text: "" when they carry their own spaces
    (openai-whisper, faster-whisper) or the language writes none, " " otherwise (WhisperX)."""
    texts = [word.text for word in segment.words]
    target = segment.text.strip()
    if "".join(texts).strip() == target:
        return ""
    if " ".join(text.strip() for text in texts) == target:
        return " "
    if all(text[:1].isspace() for text in texts[1:]):
        return ""
    return " " if " " in target else ""


def _renumbered(originals: tuple[Segment, ...], segments: list[Segment]) -> list[Segment]:
    """Renumber JSON ``id`` fields when the input numbered its segments 0, 1, 2, ... (as
    Whisper does) and splitting changed the count; other ids stay as they were."""
    if len(segments) == len(originals):
        return segments
    ids = [segment.raw.get("id") if segment.raw is not None else None for segment in originals]
    if ids != list(range(len(originals))):
        return segments
    renumbered = []
    for number, segment in enumerate(segments):
        raw = dict(segment.raw)  # type: ignore[arg-type]
        raw["id"] = number
        renumbered.append(replace(segment, raw=raw))
    return renumbered


def _warnings(
    turns: SpeakerTurns,
    timed_segments: list[_TimedSegment],
    reversed_count: int,
    tolerance_s: float,
) -> tuple[str, ...]:
    warnings = []
    if len(turns) == 0:
        warnings.append("the diarization has no speaker turns; no speaker was assigned")
    else:
        limit_s = turns.end_s + tolerance_s
        late = sum(
            sum(1 for start_s in timed.word_starts_s if start_s > limit_s)
            if timed.word_starts_s
            else int(timed.start_s > limit_s)
            for timed in timed_segments
        )
        if late:
            warnings.append(
                f"{late} words or segments start after the last speaker turn ends "
                f"({turns.end_s:.1f} s) and have no speaker; check that the transcript and the "
                "diarization come from the same audio"
            )
    if reversed_count:
        warnings.append(
            f"{reversed_count} words or segments end before they start; speakers were assigned, and "
            "subtitle cues written, as if their times were the other way round"
        )
    starts = [timed.segment.start_s for timed in timed_segments]
    disorder = next((i for i in range(1, len(starts)) if starts[i] < starts[i - 1]), None)
    if disorder is not None:
        warnings.append(
            f"segments are not in time order (segment {disorder} starts before segment "
            f"{disorder - 1}); speakers were assigned by time and the file order was kept"
        )
    return tuple(warnings)
