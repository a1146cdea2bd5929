"""Plain data for a speech-recognition transcript: words inside segments inside a transcript.

Times are in seconds from the start of the audio. A word may be *untimed* (``start_s`` and
``end_s`` are ``None``): WhisperX leaves numbers and symbols it could not align without times.
``raw`` keeps the dictionary a JSON reader found, so that writers can give back every field
they do not know about untouched.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

#: where a transcript came from; the JSON writer gives back the same shape
SourceShape = Literal["json_object", "json_list", "srt", "vtt"]


@dataclass(frozen=True)
class Word:
    """One recognised word.

    ``text`` is the word as the recogniser wrote it (Whisper keeps a leading space).
    ``start_s``/``end_s`` are ``None`` for an untimed word. ``speaker`` is the label of whoever
    said it, or ``None`` when unknown. ``raw`` is the input's own dictionary, when it had one.
    """

    text: str
    start_s: float | None = None
    end_s: float | None = None
    speaker: str | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    #: how likely ``speaker`` is right (0-1, calibrated), when it was estimated
    confidence: float | None = None

    @property
    def is_timed(self) -> bool:
        """True when the word has a start and an end time."""
        return self.start_s is not None and self.end_s is not None


@dataclass(frozen=True)
class Segment:
    """One segment (JSON) or cue (SRT/WebVTT) of text between ``start_s`` and ``end_s``.

    ``text`` may hold several lines (subtitle cues). ``words`` is empty when the recogniser
    gave no word times. ``speaker`` comes from the input (a WebVTT ``<v Name>`` tag, a JSON
    ``speaker`` field, an ``SPEAKER_00:`` prefix) or from :func:`merge`. ``cue_id`` and
    ``cue_settings`` keep a subtitle cue's identifier and its WebVTT settings / SRT coordinates.
    ``start_s`` may exceed ``end_s`` in a damaged input; writers put such a cue the right way
    round (:meth:`ordered_times`).
    """

    start_s: float
    end_s: float
    text: str
    words: tuple[Word, ...] = ()
    speaker: str | None = None
    cue_id: str | None = None
    cue_settings: str = ""
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)
    #: a WebVTT cue's text as read, tags and entities kept (``text`` is it as plain text):
    #: written back when a WebVTT input is written as WebVTT
    markup: str | None = field(default=None, compare=False, repr=False)
    #: how likely ``speaker`` is right (0-1, calibrated), when it was estimated
    confidence: float | None = None
    #: the speakers heard when a segment without word times holds a change of speaker (its
    #: ``speaker`` is the one who talks most); empty otherwise
    also_speakers: tuple[str, ...] = ()

    @property
    def shown_speaker(self) -> str | None:
        """The speaker as subtitles and tables show it: ``A + B`` for a segment that holds a
        change of speaker it was not split at (:attr:`also_speakers`), else :attr:`speaker`."""
        return " + ".join(self.also_speakers) if self.also_speakers else self.speaker

    @property
    def duration_s(self) -> float:
        """Length of the segment in seconds (never negative)."""
        return max(0.0, self.end_s - self.start_s)

    def ordered_times(self) -> tuple[float, float]:
        """``(start_s, end_s)``, swapped when the segment ends before it starts."""
        return (self.start_s, self.end_s) if self.start_s <= self.end_s else (self.end_s, self.start_s)


@dataclass(frozen=True)
class Transcript:
    """A whole transcript, segments in file order.

    ``shape`` says which kind of file it was read from. ``header`` keeps the top-level JSON
    object without its ``segments`` (``json_object``) or the WebVTT blocks before the first
    cue (``vtt``: a tuple of raw blocks). ``warnings`` are one-line messages from
    :func:`merge` about input it had to work around (times past the audio, out of order).
    """

    segments: tuple[Segment, ...]
    shape: SourceShape = "json_object"
    header: Any = field(default=None, compare=False, repr=False)
    warnings: tuple[str, ...] = ()

    @property
    def words(self) -> tuple[Word, ...]:
        """Every word of every segment, in transcript order."""
        return tuple(word for segment in self.segments for word in segment.words)
